/*
 * x86_64 page tables: the kernel's own mappings (physical-memory map and
 * kernel image, shared by every address space) and the user mappings that
 * frame and paging-structure capabilities make.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <tessera/abi.h>
#include "x86.h"

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_NX		(1ull << 63)
#define PTE_ADDR	0x000ffffffffff000ull

#define PHYSMAP_MAX_GIB	(BOOT_PHYSMAP_MAX >> 30)

static uint64_t kernel_pml4[512] __attribute__((aligned(4096)));
static uint64_t physmap_pdpt[512] __attribute__((aligned(4096)));
static uint64_t physmap_pd[PHYSMAP_MAX_GIB][512] __attribute__((aligned(4096)));
static uint64_t image_pdpt[512] __attribute__((aligned(4096)));
static uint64_t image_pd[512] __attribute__((aligned(4096)));
uint64_t kernel_pml4_phys;

void *phys_to_virt(paddr_t p)
{
	return (void *)(p + PHYSMAP_BASE);
}

paddr_t virt_to_phys(const void *v)
{
	uint64_t a = (uint64_t)v;

	return a >= KERNEL_VMA ? a - KERNEL_VMA : a - PHYSMAP_BASE;
}

/*
 * Build the final kernel tables: RAM up to ram_top in the physical map
 * (cacheable, non-executable; everything that is not RAM uncached), the
 * kernel image at -2 GiB, nothing in the lower half.
 */
void vspace_init_kernel(uint64_t ram_top, bool (*is_ram)(uint64_t start, uint64_t end))
{
	uint64_t top = ALIGN_UP(MAX(ram_top, 4ull << 30), 1ull << 30);
	unsigned gib = MIN(top >> 30, PHYSMAP_MAX_GIB);

	if (top >> 30 > PHYSMAP_MAX_GIB)
		pr_warn("vspace: memory above %u GiB is not used\n", (unsigned)PHYSMAP_MAX_GIB);
	for (unsigned g = 0; g < gib; g++) {
		for (unsigned i = 0; i < 512; i++) {
			uint64_t pa = ((uint64_t)g << 30) | ((uint64_t)i << 21);
			uint64_t flags = PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
			if (!is_ram(pa, pa + (1ull << 21)))
				flags |= PTE_PCD | PTE_PWT;
			physmap_pd[g][i] = pa | flags;
		}
		physmap_pdpt[g] = virt_to_phys(physmap_pd[g]) | PTE_P | PTE_W;
	}
	for (unsigned i = 0; i < 512; i++)
		image_pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS | PTE_G;
	image_pdpt[510] = virt_to_phys(image_pd) | PTE_P | PTE_W;
	kernel_pml4[256] = virt_to_phys(physmap_pdpt) | PTE_P | PTE_W;
	kernel_pml4[511] = virt_to_phys(image_pdpt) | PTE_P | PTE_W;
	kernel_pml4_phys = virt_to_phys(kernel_pml4);
	write_cr3(kernel_pml4_phys);
}

void arch_vspace_init(void *pml4)
{
	memcpy((uint64_t *)pml4 + 256, kernel_pml4 + 256, 256 * sizeof(uint64_t));
}

static unsigned pt_index(vaddr_t va, unsigned level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The table of the given level covering va, or NULL (*missing / *blocked says why). */
static uint64_t *walk(void *pml4, vaddr_t va, unsigned level, word_t *missing, bool *blocked)
{
	uint64_t *table = pml4;

	for (unsigned l = 4; l > level; l--) {
		uint64_t e = table[pt_index(va, l)];
		if (!(e & PTE_P)) {
			*missing = l - 1;
			return NULL;
		}
		if (e & PTE_PS) {
			*blocked = true;
			return NULL;
		}
		table = phys_to_virt(e & PTE_ADDR);
	}
	return table;
}

int arch_map_check(void *pml4, vaddr_t va, unsigned level, word_t *missing)
{
	bool blocked = false;
	uint64_t *table = walk(pml4, va, level, missing, &blocked);

	if (blocked)
		return TS_ERR_DELETE_FIRST;
	if (!table)
		return TS_ERR_FAILED_LOOKUP;
	return table[pt_index(va, level)] & PTE_P ? TS_ERR_DELETE_FIRST : TS_OK;
}

void arch_map_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa, bool is_table,
		    unsigned rights, unsigned attrs)
{
	word_t missing;
	bool blocked = false;
	uint64_t *table = walk(pml4, va, level, &missing, &blocked);
	uint64_t e = pa | PTE_P | PTE_U;

	if (is_table) {
		e |= PTE_W;
	} else {
		if (rights & TS_RIGHT_WRITE)
			e |= PTE_W;
		if (!(attrs & TS_MAP_EXECUTE))
			e |= PTE_NX;
		if (attrs & TS_MAP_UNCACHED)
			e |= PTE_PCD | PTE_PWT;
		if (level == 2)
			e |= PTE_PS;
	}
	table[pt_index(va, level)] = e;
}

/* Make every CPU that has this address space loaded forget stale translations. */
static void shootdown(void *pml4, vaddr_t va, bool whole)
{
	paddr_t root = virt_to_phys(pml4);
	struct cpu *self = this_cpu();

	if (self->vspace_root == root) {
		if (whole)
			write_cr3(root);
		else
			invlpg(va);
	}
	/* A CPU running a guest in this space exits on the IPI; VMRUN flushes. */
	for (unsigned c = 0; c < nr_cpus; c++)
		if (&cpus[c] != self && (cpus[c].vspace_root == root || cpus[c].guest_root == root))
			arch_remote_request(c, REQUEST_FLUSH);
}

void arch_unmap_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa)
{
	word_t missing;
	bool blocked = false;
	uint64_t *table = walk(pml4, va, level, &missing, &blocked);
	uint64_t *e;

	if (!table)
		return;
	e = &table[pt_index(va, level)];
	if (!(*e & PTE_P) || (*e & PTE_ADDR) != pa)
		return;
	bool is_table = level > 1 && !(*e & PTE_PS);
	*e = 0;
	shootdown(pml4, va, is_table);
}

static bool walk_table(const uint64_t *table, unsigned level, unsigned first, unsigned end,
		       bool (*visit)(paddr_t pa, unsigned level, bool is_table))
{
	for (unsigned i = first; i < end; i++) {
		uint64_t e = table[i];
		bool is_table = level > 1 && !(e & PTE_PS);
		if (!(e & PTE_P))
			continue;
		if (!visit(e & PTE_ADDR, level, is_table))
			return false;
		if (is_table && !walk_table(phys_to_virt(e & PTE_ADDR), level - 1, 0, 512, visit))
			return false;
	}
	return true;
}

bool arch_walk_entries(const void *pml4, bool guest,
		       bool (*visit)(paddr_t pa, unsigned level, bool is_table))
{
	return walk_table(pml4, 4, 0, guest ? 512 : 256, visit);
}

void arch_vspace_release(void *pml4)
{
	paddr_t root = virt_to_phys(pml4);

	for (unsigned c = 0; c < nr_cpus; c++) {
		if (cpus[c].vspace_root != root)
			continue;
		if (&cpus[c] == this_cpu()) {
			write_cr3(kernel_pml4_phys);
			cpus[c].vspace_root = kernel_pml4_phys;
		} else {
			arch_remote_request(c, REQUEST_STALL);
		}
	}
}
