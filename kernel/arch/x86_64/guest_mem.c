/*
 * Guest memory as the kernel reaches it for Xen hypercalls: guest-physical
 * addresses through the guest space's nested tables (built by the kernel,
 * in its own page-table format), guest-linear addresses through the
 * guest's own page tables, every table entry of which is guest data read
 * through the nested tables. Nothing here trusts guest content: walks have
 * a fixed number of levels, reserved bits fail the walk, and every byte
 * touched is found afresh under the kernel lock.
 *
 * The kernel accesses linear memory as the guest would at its current
 * privilege level (supervisor at CPL 0-2, honouring CR0.WP; user at CPL 3).
 * It does not set accessed/dirty bits in the guest's tables, nor apply
 * SMEP/SMAP or protection keys. 5-level paging is not offered (CPUID).
 */
#include <kernel/arch.h>
#include <kernel/string.h>
#include <kernel/xen.h>

#define PG_P		(1ull << 0)
#define PG_RW		(1ull << 1)
#define PG_US		(1ull << 2)
#define PG_PS		(1ull << 7)
#define PG_NX		(1ull << 63)
#define PG_ADDR		0x000ffffffffff000ull
#define PAE_PDPTE_RESERVED	(PG_RW | PG_US | (1ull << 5) | (1ull << 6) | PG_PS | (1ull << 8) | PG_NX)

/* The guest's control bits, as 64-bit values (this file also builds for host tests). */
#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PSE		(1ull << 4)
#define CR4_PAE		(1ull << 5)
#define EFER_LMA	(1ull << 10)
#define EFER_NXE	(1ull << 11)


void *arch_guest_phys(void *space_root, uint64_t gpa, bool write)
{
	uint64_t *table = space_root;

	if (!table || gpa > TS_USER_TOP)
		return NULL;
	for (unsigned level = 4; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e = table[(gpa >> shift) & 511];

		if (!(e & PG_P))
			return NULL;
		if (level == 1 || (e & PG_PS)) {
			if (write && !(e & PG_RW))
				return NULL;
			return (uint8_t *)phys_to_virt(e & PG_ADDR & ~((1ull << shift) - 1)) +
			       (gpa & ((1ull << shift) - 1));
		}
		table = phys_to_virt(e & PG_ADDR);
	}
	return NULL;
}

/* The paging mode the guest's registers select. */
struct paging {
	unsigned levels;	/* 2 (32-bit), 3 (PAE), 4 (long mode) */
	bool wide;		/* 8-byte entries */
	bool pse;		/* 32-bit: 4 MiB pages */
	bool nxe;
	bool wp;
	uint64_t root;		/* guest-physical address of the top table */
};

static bool read_entry(void *space, uint64_t gpa, bool wide, uint64_t *e)
{
	void *p = arch_guest_phys(space, gpa, false);

	if (!p)
		return false;
	*e = wide ? *(volatile uint64_t *)p : *(volatile uint32_t *)p;
	return true;
}

/* Bits that must be zero in a large-page entry: 13 up to the page's size (PAT is bit 12). */
static uint64_t large_page_reserved(unsigned shift)
{
	return ((1ull << shift) - 1) & ~((1ull << 13) - 1);
}

static bool walk(void *space, const struct paging *pg, uint64_t gla, bool write, bool user,
		 uint64_t *gpa)
{
	uint64_t table = pg->root, e = 0;
	bool writable = true, user_ok = true;
	unsigned shift = 12;

	for (unsigned level = pg->levels; level >= 1; level--) {
		unsigned bits = pg->wide ? 9 : 10;
		shift = 12 + bits * (level - 1);
		uint64_t index = (gla >> shift) & ((1ull << bits) - 1);

		if (!read_entry(space, table + index * (pg->wide ? 8 : 4), pg->wide, &e) || !(e & PG_P))
			return false;
		if (pg->wide && (e & PG_NX) && !pg->nxe)
			return false;
		if (pg->levels == 3 && level == 3) {	/* PAE PDPTE: no permissions of its own */
			if (e & PAE_PDPTE_RESERVED)
				return false;
			table = e & PG_ADDR;
			continue;
		}
		writable = writable && (e & PG_RW);
		user_ok = user_ok && (e & PG_US);
		if (level == 1)
			break;
		if (e & PG_PS) {
			if (level == 4)
				return false;	/* no 512 GiB pages */
			if (!pg->wide && !pg->pse) {
				table = e & 0xfffff000;
				continue;
			}
			if (pg->wide ? (e & large_page_reserved(shift)) : (e & (1ull << 21)))
				return false;
			break;
		}
		table = e & (pg->wide ? PG_ADDR : 0xfffff000);
	}
	if (user && !user_ok)
		return false;
	if (write && !writable && (user || pg->wp))
		return false;
	if (pg->wide) {
		*gpa = (e & PG_ADDR & ~((1ull << shift) - 1)) | (gla & ((1ull << shift) - 1));
	} else if (shift == 22) {	/* PSE-36: bits 20:13 are physical address bits 39:32 */
		*gpa = (e & 0xffc00000) | ((e >> 13) & 0xff) << 32 | (gla & 0x3fffff);
	} else {
		*gpa = (e & 0xfffff000) | (gla & 0xfff);
	}
	return true;
}

bool arch_guest_linear_to_phys(struct vcpu *v, uint64_t gla, bool write, uint64_t *gpa)
{
	uint64_t cr0 = arch_vcpu_get_reg(v, TS_VREG_CR0), cr4 = arch_vcpu_get_reg(v, TS_VREG_CR4);
	uint64_t efer = arch_vcpu_get_reg(v, TS_VREG_EFER), cr3 = arch_vcpu_get_reg(v, TS_VREG_CR3);
	struct paging pg = {
		.pse = cr4 & CR4_PSE, .nxe = efer & EFER_NXE, .wp = cr0 & CR0_WP,
	};

	if (efer & EFER_LMA) {
		if ((uint64_t)((int64_t)(gla << 16) >> 16) != gla)
			return false;	/* not canonical */
		pg.levels = 4;
		pg.wide = true;
		pg.root = cr3 & PG_ADDR;
	} else {
		gla &= 0xffffffff;
		if (!(cr0 & CR0_PG)) {
			*gpa = gla;
			return true;
		}
		pg.levels = cr4 & CR4_PAE ? 3 : 2;
		pg.wide = cr4 & CR4_PAE;
		pg.root = cr3 & (pg.wide ? 0xffffffe0 : 0xfffff000);
	}
	return walk((void *)v->space.cap.obj, &pg, gla, write, arch_vcpu_cpl(v) == 3, gpa);
}

/*
 * Copy up to n bytes between kernel memory and guest-linear gla, a page
 * at a time, stopping at the first page that is not there (or not
 * writable): how many were copied.
 */
static size_t copy(struct vcpu *v, uint64_t gla, void *kernel, size_t n, bool to_guest)
{
	uint8_t *k = kernel;
	size_t done = 0;

	while (done < n) {
		size_t chunk = 4096 - (gla & 4095);
		uint64_t gpa;
		uint8_t *p;

		if (chunk > n - done)
			chunk = n - done;
		if (!arch_guest_linear_to_phys(v, gla, to_guest, &gpa) ||
		    !(p = arch_guest_phys((void *)v->space.cap.obj, gpa, to_guest)))
			break;
		if (to_guest)
			memcpy(p, k + done, chunk);
		else
			memcpy(k + done, p, chunk);
		gla += chunk;
		done += chunk;
	}
	return done;
}

int arch_guest_read(struct vcpu *v, uint64_t gla, void *dst, size_t n)
{
	return copy(v, gla, dst, n, false) == n ? 0 : -XEN_EFAULT;
}

size_t arch_guest_read_prefix(struct vcpu *v, uint64_t gla, void *dst, size_t n)
{
	return copy(v, gla, dst, n, false);
}

int arch_guest_write(struct vcpu *v, uint64_t gla, const void *src, size_t n)
{
	return copy(v, gla, (void *)src, n, true) == n ? 0 : -XEN_EFAULT;
}
