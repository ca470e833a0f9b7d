/*
 * A host model of one guest for testing guest_mem.c: guest-physical memory
 * is GUEST_PAGES ordinary pages (page READONLY_PAGE mapped read-only) plus
 * one 2 MiB page at LARGE_GPA, behind nested tables in the kernel's format
 * whose "physical" addresses are host pointers; the vCPU's registers are
 * an array the test sets (also for guest_insn.c: RIP, CS, EFER).
 */
#ifndef GUEST_MEM_HOST_H
#define GUEST_MEM_HOST_H

#include <kernel/objects.h>

#define GUEST_PAGES	32
#define READONLY_PAGE	31
#define LARGE_GPA	0x200000ull

extern struct vcpu *host_vcpu;
extern uint64_t host_regs[TS_VREG_COUNT];
extern unsigned host_cpl;

void host_guest_init(void);
/* Host address of guest page i (< GUEST_PAGES), or of the 2 MiB page. */
uint8_t *host_guest_page(unsigned i);
uint8_t *host_guest_large(void);
/* Whether [p, p+n) lies inside guest memory. */
bool host_in_guest(const void *p, size_t n);

#endif
