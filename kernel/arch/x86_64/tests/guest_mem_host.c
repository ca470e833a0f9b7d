/* The host model of a guest for guest_mem.c's tests (see guest_mem_host.h). */
#include <stdlib.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/xen.h>
#include "guest_mem_host.h"

#define NESTED_PRESENT	0x7ull	/* P, W, U as the kernel maps guest frames */
#define NESTED_LARGE	0x80ull

struct vcpu *host_vcpu;
uint64_t host_regs[TS_VREG_COUNT];
unsigned host_cpl;
static uint8_t *pages, *large;

void *phys_to_virt(paddr_t p) { return (void *)p; }
paddr_t virt_to_phys(const void *v) { return (paddr_t)v; }
word_t arch_vcpu_get_reg(struct vcpu *v, unsigned reg) { (void)v; return host_regs[reg]; }
unsigned arch_vcpu_cpl(struct vcpu *v) { (void)v; return host_cpl; }

/* 64-bit code: EFER.LMA and CS.L (bit 9 of the VMCB's packed attributes). */
unsigned arch_vcpu_bits(struct vcpu *v)
{
	(void)v;
	return (host_regs[TS_VREG_EFER] & (1u << 10)) && (host_regs[TS_VREG_CS + 1] & (1u << 9)) ? 64 : 32;
}

static uint64_t *new_table(void)
{
	uint64_t *t = aligned_alloc(4096, 4096);

	memset(t, 0, 4096);
	return t;
}

void host_guest_init(void)
{
	uint64_t *pml4 = new_table(), *pdpt = new_table(), *pd = new_table(), *pt = new_table();

	pages = aligned_alloc(4096, GUEST_PAGES * 4096);
	large = aligned_alloc(LARGE_GPA, LARGE_GPA);
	memset(pages, 0, GUEST_PAGES * 4096);
	memset(large, 0, LARGE_GPA);
	pml4[0] = (uint64_t)pdpt | NESTED_PRESENT;
	pdpt[0] = (uint64_t)pd | NESTED_PRESENT;
	pd[0] = (uint64_t)pt | NESTED_PRESENT;
	pd[LARGE_GPA >> 21] = (uint64_t)large | NESTED_PRESENT | NESTED_LARGE;
	for (unsigned i = 0; i < GUEST_PAGES; i++)
		pt[i] = (uint64_t)(pages + 4096 * i) | (i == READONLY_PAGE ? 0x5 : NESTED_PRESENT);
	host_vcpu = calloc(1, sizeof(struct vcpu));
	host_vcpu->space.cap.obj = (word_t)pml4;
}

uint8_t *host_guest_page(unsigned i)
{
	return pages + 4096 * i;
}

uint8_t *host_guest_large(void)
{
	return large;
}

bool host_in_guest(const void *p, size_t n)
{
	const uint8_t *b = p;

	return (b >= pages && b + n <= pages + GUEST_PAGES * 4096) ||
	       (b >= large && b + n <= large + LARGE_GPA);
}
