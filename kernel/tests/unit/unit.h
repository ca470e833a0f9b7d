/* Shared by the unit test files: the test root's CSpace and checks. */
#ifndef UNIT_H
#define UNIT_H

#include <kernel/objects.h>
#include "../hvm_context.h"

#define SLOT_UNTYPED	3
#define UNTYPED_BITS	24
#define ROOT_RADIX	15

extern struct slot *root;	/* the root CNode's slots */
extern struct tcb *me;		/* the thread the tests invoke as */
extern void *untyped_mem;

void unit_setup(void);
/* Prints the TAP plan; the exit status. */
int unit_finish(void);
word_t untyped_free(void);

void check(bool ok, const char *what);
/* Issue a system call as thread t; returns the reply label. */
word_t syscall_as(struct tcb *t, word_t nr, word_t cptr, word_t label, unsigned n, const word_t *mr);
word_t retype(word_t type, word_t bits, word_t slot, word_t count);

#define INVOKE(cptr, label, ...) \
	syscall_as(me, TS_SYS_CALL, cptr, label, sizeof((word_t[]){ __VA_ARGS__ }) / sizeof(word_t), (word_t[]){ __VA_ARGS__ })
#define INVOKE0(cptr, label) syscall_as(me, TS_SYS_CALL, cptr, label, 0, NULL)

void test_xen(void);

/* test_xen.c: a Xen domain with PAGES pages, a vCPU, slots from base. */
#define XEN_GUEST_PAGES	8
struct xen_guest {
	word_t base;
	uint32_t domid;
	struct vcpu *v;
	uint8_t *page[XEN_GUEST_PAGES];
};
bool make_xen_guest(struct xen_guest *g);
/* A hypercall with up to three arguments; returns RAX. */
int64_t xen_guest_hypercall(struct xen_guest *g, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* A good vcpu_hvm_context: 32-bit flat protected mode at 0x4000 (EAX 0xc0ffee, ESP
   0x3000, TR an available TSS), or (wide) 64-bit mode with paging there. */
union hvm_ctx xen_flat_context(bool wide);

#endif
