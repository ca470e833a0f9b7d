/*
 * Host unit tests of guest_mem.c (TAP): nested-table lookups, the guest
 * linear walk in each paging mode (paging off, 32-bit with 4 MiB and PSE-36
 * pages, PAE, 4-level with 1 GiB pages and a recursive entry), permission
 * and reserved-bit checks, copies across pages, and the instruction
 * fetch at CS:RIP (guest_insn.c) in real, 32-bit, compatibility and 64-bit
 * code.
 */
#include <stdio.h>
#include <string.h>
#include <kernel/xen.h>
#include "../guest_insn.h"
#include "guest_mem_host.h"

#define CR0_PE		0x1ull
#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PSE		0x10ull
#define CR4_PAE		0x20ull
#define EFER_LONG	0x500ull	/* LME | LMA */
#define EFER_NXE	0x800ull
#define PTE		0x7ull		/* present, writable, user */
#define PTE_RO		0x5ull
#define PTE_KERNEL	0x3ull
#define PS		0x80ull
#define NX		(1ull << 63)
#define CS_32		0xc9bull	/* VMCB attributes: code, present, D, G */
#define CS_64		0xa9bull	/* code, present, L, G */
#define CS_16		0x9bull

static unsigned tests, failures;

static void ok(int cond, const char *name)
{
	printf("%sok %u - %s\n", cond ? "" : "not ", ++tests, name);
	failures += !cond;
}

static void put(uint64_t gpa, uint64_t value, size_t size)
{
	memcpy(host_guest_page(gpa >> 12) + (gpa & 4095), &value, size);
}

static void mode(uint64_t cr0, uint64_t cr4, uint64_t efer, uint64_t cr3, unsigned cpl)
{
	memset(host_guest_page(0), 0, GUEST_PAGES * 4096);
	host_regs[TS_VREG_CR0] = cr0;
	host_regs[TS_VREG_CR4] = cr4;
	host_regs[TS_VREG_EFER] = efer;
	host_regs[TS_VREG_CR3] = cr3;
	host_cpl = cpl;
}

static int maps(uint64_t gla, bool write, uint64_t want)
{
	uint64_t gpa = ~0ull;

	return arch_guest_linear_to_phys(host_vcpu, gla, write, &gpa) && gpa == want;
}

static int refused(uint64_t gla, bool write)
{
	uint64_t gpa;

	return !arch_guest_linear_to_phys(host_vcpu, gla, write, &gpa);
}

static void nested(void)
{
	void *root = (void *)host_vcpu->space.cap.obj;

	ok(arch_guest_phys(root, 0x3abc, true) == host_guest_page(3) + 0xabc, "nested: 4 KiB page, byte offset");
	ok(arch_guest_phys(root, LARGE_GPA + 0x12345, true) == host_guest_large() + 0x12345, "nested: 2 MiB page");
	ok(arch_guest_phys(root, READONLY_PAGE << 12, false) == host_guest_page(READONLY_PAGE) &&
	   !arch_guest_phys(root, READONLY_PAGE << 12, true), "nested: a read-only page refuses writes");
	ok(!arch_guest_phys(root, GUEST_PAGES << 12, false) && !arch_guest_phys(root, 1ull << 47, false) &&
	   !arch_guest_phys(NULL, 0, false), "nested: unbacked, beyond the guest range, no space: NULL");
}

static void paging_off(void)
{
	mode(CR0_PE, 0, 0, 0, 0);
	ok(maps(0x12345678, true, 0x12345678) && maps(0x100001000ull, false, 0x1000),
	   "paging off: identity, 32-bit linear addresses");
}

static void two_level(void)
{
	mode(CR0_PE | CR0_PG, 0, 0, 0x1000, 0);
	put(0x1000, 0x2000 | PTE, 4);				/* PD[0] -> PT */
	put(0x2000 + 5 * 4, 0x3000 | PTE, 4);
	put(0x2000 + 6 * 4, 0x4000 | PTE_RO, 4);
	put(0x2000 + 7 * 4, 0x4000 | PTE_KERNEL, 4);
	put(0x1000 + 1 * 4, 0x00400000 | PS | PTE, 4);		/* 4 MiB */
	put(0x1000 + 2 * 4, 0x00800000 | 1 << 13 | PS | PTE, 4);	/* PSE-36 */
	put(0x1000 + 3 * 4, 0x00c00000 | 1 << 21 | PS | PTE, 4);	/* reserved bit 21 */
	ok(maps(0x5abc, true, 0x3abc) && refused(0x8000, false), "32-bit: 4 KiB pages; not present refused");
	ok(maps(0x6000, true, 0x4000), "32-bit: CPL 0 writes a read-only page while CR0.WP is clear");
	host_regs[TS_VREG_CR0] |= CR0_WP;
	ok(refused(0x6000, true) && maps(0x6000, false, 0x4000), "32-bit: not with CR0.WP");
	host_cpl = 3;
	ok(refused(0x7000, false) && maps(0x6004, false, 0x4004) && refused(0x6000, true),
	   "32-bit: CPL 3 needs user pages, and writable ones to write");
	host_cpl = 0;
	ok(refused(0x400123, false), "32-bit: without CR4.PSE a PS entry is a table (here unbacked)");
	host_regs[TS_VREG_CR4] = CR4_PSE;
	ok(maps(0x400123, false, 0x400123) && maps(0x800010, false, 0x100800010ull) && refused(0xc00000, false),
	   "32-bit: 4 MiB pages with CR4.PSE, PSE-36 high bits, reserved bit 21 refused");
}

static void pae(void)
{
	mode(CR0_PE | CR0_PG, CR4_PAE, 0, 0x1020, 0);
	put(0x1020, 0x4000 | 1, 8);				/* PDPTE 0 */
	put(0x1028, 0x4000 | 3, 8);				/* PDPTE 1: reserved R/W */
	put(0x4000, 0x5000 | PTE, 8);
	put(0x4008, 0x200000 | PS | PTE, 8);
	put(0x4010, 0x400000 | 1 << 13 | PS | PTE, 8);
	put(0x5008, 0x6000 | PTE, 8);
	put(0x5010, 0x6000 | PTE | NX, 8);
	ok(maps(0x1234, true, 0x6234) && maps(0x200042, true, 0x200042), "PAE: 4 KiB and 2 MiB pages");
	ok(refused(0x40000000, false) && refused(0x400000, false),
	   "PAE: reserved bits in a PDPTE or a 2 MiB entry are refused");
	ok(refused(0x2000, false), "PAE: NX without EFER.NXE is reserved");
	host_regs[TS_VREG_EFER] = EFER_NXE;
	ok(maps(0x2000, false, 0x6000), "PAE: NX with EFER.NXE");
}

static void long_mode(void)
{
	mode(CR0_PE | CR0_PG | CR0_WP, CR4_PAE, EFER_LONG, 0x7000, 0);
	put(0x7000, 0x8000 | PTE, 8);				/* PML4[0] */
	put(0x7008, 0x8000 | PS | PTE, 8);			/* PML4[1]: PS is reserved */
	put(0x7000 + 511 * 8, 0x7000 | PTE, 8);		/* recursive */
	put(0x8000, 0x9000 | PTE, 8);
	put(0x8008, 0x40000000 | PS | PTE, 8);			/* 1 GiB */
	put(0x8010, 0x80000000 | 1 << 13 | PS | PTE, 8);
	put(0x9000, 0xa000 | PTE, 8);
	put(0xa000, 0xb000 | PTE, 8);
	put(0xa008, 0xc000 | PTE, 8);
	put(0xa010, (READONLY_PAGE << 12) | PTE, 8);		/* writable for the guest, not in the nested tables */
	put(0xa018, 0xd000 | PTE_RO, 8);
	ok(maps(0x1010, true, 0xc010) && maps(0x40000123, true, 0x40000123), "4-level: 4 KiB and 1 GiB pages");
	ok(refused(0x80000000, false) && refused(1ull << 39, false), "4-level: reserved bits, PS in a PML4 entry");
	ok(refused(0x0000800000000000ull, false) && refused(0xffff800000000000ull, false),
	   "4-level: non-canonical and unmapped upper-half addresses");
	ok(maps(0xffffff8000000000ull, false, 0xa000), "4-level: a recursive entry walks as the CPU would");

	uint8_t in[8] = "abcdefgh", out[8] = { 0 };
	ok(arch_guest_write(host_vcpu, 0xffc, in, 8) == 0 && !memcmp(host_guest_page(0xb) + 0xffc, "abcd", 4) &&
	   !memcmp(host_guest_page(0xc), "efgh", 4), "copy: a write crossing two pages");
	ok(arch_guest_read(host_vcpu, 0xffc, out, 8) == 0 && !memcmp(in, out, 8), "copy: and reading it back");
	ok(arch_guest_write(host_vcpu, 0x1ffc, in, 8) == -XEN_EFAULT, "copy: a nested read-only page is EFAULT");
	ok(arch_guest_write(host_vcpu, 0x3000, in, 8) == -XEN_EFAULT && arch_guest_read(host_vcpu, 0x3000, out, 8) == 0,
	   "copy: a guest read-only page is EFAULT to write (CR0.WP), readable");
	ok(arch_guest_read(host_vcpu, 0x3ffc, out, 8) == -XEN_EFAULT, "copy: running into an unmapped page is EFAULT");
}

/* Sets RIP and CS, fetches; the count, and whether the bytes are want's (count of them). */
static unsigned fetch(uint64_t rip, uint64_t cs_attr, uint64_t cs_base, const uint8_t *want)
{
	uint8_t got[GUEST_INSN_MAX];
	unsigned n;

	memset(got, 0xcc, sizeof(got));
	host_regs[TS_VREG_RIP] = rip;
	host_regs[TS_VREG_CS + 1] = cs_attr;
	host_regs[TS_VREG_CS + 3] = cs_base;
	n = guest_insn_fetch(host_vcpu, got);
	return want && memcmp(got, want, n) ? ~0u : n;
}

static void fill(uint64_t gpa, unsigned n, uint8_t first)
{
	for (unsigned i = 0; i < n; i++)
		host_guest_page((gpa + i) >> 12)[(gpa + i) & 4095] = (uint8_t)(first + i);
}

static void insn_fetch_unpaged(void)
{
	static const uint8_t seq[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	mode(CR0_PE, 0, 0, 0, 0);
	fill(0x1010, 15, 1);
	ok(fetch(0x10, CS_32, 0x1000, seq) == 15, "fetch: 32-bit code, paging off, at CS base + EIP");
	fill(0xc005, 15, 1);
	ok(fetch(0x5, CS_16, 0xc000, seq) == 15, "fetch: real-mode code at CS base 0xc000 (a start-up IPI's)");
	fill(0x10, 15, 1);
	ok(fetch(0x110, CS_32, 0xffffff00, seq) == 15, "fetch: CS base + EIP wraps at 4 GiB");
	fill((GUEST_PAGES << 12) - 6, 6, 1);
	ok(fetch((GUEST_PAGES << 12) - 6, CS_32, 0, seq) == 6,
	   "fetch: stops where guest-physical memory ends (6 bytes, read-only page readable)");
	ok(fetch(GUEST_PAGES << 12, CS_32, 0, NULL) == 0, "fetch: nothing from an unbacked page");
}

static void insn_fetch_paged(void)
{
	static const uint8_t seq[16] = { 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
					 0x4b, 0x4c, 0x4d, 0x4e, 0x4f };

	mode(CR0_PE | CR0_PG, CR4_PAE, EFER_LONG, 0x7000, 0);
	put(0x7000, 0x8000 | PTE, 8);
	put(0x8000, 0x9000 | PTE, 8);
	put(0x9000, 0xa000 | PTE, 8);
	put(0xa008, 0xc000 | PTE, 8);			/* linear 0x1000 */
	put(0xa010, 0xb000 | PTE_KERNEL, 8);		/* linear 0x2000, supervisor only */
	fill(0xcff8, 8, 0x41);
	fill(0xb000, 7, 0x49);
	ok(fetch(0x1ff8, CS_64, 0x5000, seq) == 15,
	   "fetch: 64-bit code across two guest pages that are not contiguous (the CS base ignored)");
	ok(fetch(0x1ff8, CS_32, 0, seq) == 15, "fetch: compatibility-mode code through the same tables");
	ok(fetch(0x2ff8, CS_64, 0, NULL) == 8, "fetch: stops at a page the guest has not mapped (8 bytes)");
	ok(fetch(0x0000800000000000ull, CS_64, 0, NULL) == 0, "fetch: nothing at a non-canonical RIP");
	host_cpl = 3;
	ok(fetch(0x1ff8, CS_64, 0, seq) == 8, "fetch: user code stops at a supervisor page");
}

int main(void)
{
	host_guest_init();
	nested();
	paging_off();
	two_level();
	pae();
	long_mode();
	insn_fetch_unpaged();
	insn_fetch_paged();
	printf("1..%u\n", tests);
	return failures != 0;
}
