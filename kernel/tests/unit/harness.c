/*
 * The unit tests' harness: a root CNode with an Untyped, the debug cap and
 * a test thread, system calls issued as that thread, TAP checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invariants.h>
#include <kernel/ipc.h>
#include <kernel/syscall.h>
#include <tessera/bootinfo.h>
#include "unit.h"


static unsigned tests, failures;
struct slot *root;	/* the root CNode's slots */
struct tcb *me;
void *untyped_mem;

void check(bool ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%s %u - %s\n", ok ? "ok" : "not ok", tests, what);
}

static void *zalloc(size_t size)
{
	void *p = aligned_alloc(size < 4096 ? 4096 : size, size < 4096 ? 4096 : size);
	memset(p, 0, size < 4096 ? 4096 : size);
	return p;
}

/* Issue a system call as thread t; returns the reply label. */
word_t syscall_as(struct tcb *t, word_t nr, word_t cptr, word_t label, unsigned n, const word_t *mr)
{
	word_t *regs[4] = { &t->ctx.rdx, &t->ctx.r10, &t->ctx.r8, &t->ctx.r9 };
	struct ts_ipc_buffer *buf = thread_ipc_buffer(t);

	t->ctx.rax = nr;
	t->ctx.rdi = cptr;
	t->ctx.rsi = ts_msginfo_new(label, 0, n);
	for (unsigned i = 0; i < n; i++) {
		if (i < 4)
			*regs[i] = mr[i];
		else if (buf)
			buf->msg[i] = mr[i];
	}
	handle_syscall(t);
	return ts_msginfo_label(t->ctx.rsi);
}

word_t retype(word_t type, word_t bits, word_t slot, word_t count)
{
	return INVOKE(SLOT_UNTYPED, TS_UNTYPED_RETYPE, type, bits, TS_ROOT_CNODE, slot, count);
}

word_t untyped_free(void)
{
	INVOKE(TS_ROOT_DEBUG, TS_DEBUG_UNTYPED_FREE, SLOT_UNTYPED);
	return me->ctx.rdx;
}

void unit_setup(void)
{
	struct cap c;
	void *tcb_mem;

	root = zalloc(BIT(ROOT_RADIX + TS_SLOT_BITS));
	object_create(TS_OBJ_CNODE, ROOT_RADIX, root, &c);
	c.guard_size = 64 - ROOT_RADIX;
	cdt_insert_child(&cdt_root, &root[TS_ROOT_CNODE], &c);

	untyped_mem = zalloc(BIT(UNTYPED_BITS));
	cdt_insert_child(&cdt_root, &root[SLOT_UNTYPED],
			 &(struct cap){ .type = TS_OBJ_UNTYPED, .rights = TS_RIGHTS_ALL,
					.size_bits = UNTYPED_BITS, .obj = (word_t)untyped_mem });
	cdt_insert_child(&cdt_root, &root[TS_ROOT_DEBUG],
			 &(struct cap){ .type = TS_CAP_DEBUG, .rights = TS_RIGHTS_ALL });

	tcb_mem = zalloc(BIT(TS_TCB_BITS));
	object_create(TS_OBJ_TCB, 0, tcb_mem, &c);
	me = tcb_mem;
	cap_derive(&root[TS_ROOT_CNODE].cap, &c);
	cdt_insert_child(&root[TS_ROOT_CNODE], &me->slots[TCB_CSPACE], &c);
	me->state = THREAD_RUNNABLE;
	me->running = 1;
	me->mcp = 255;
	cpus[0].current = me;
	cpus[0].self = &cpus[0];

	/* An IPC buffer for the test thread, from outside the untyped (as at boot). */
	cdt_insert_child(&cdt_root, &root[9],
			 &(struct cap){ .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL,
					.size_bits = TS_PAGE_BITS, .obj = (word_t)zalloc(4096) });
	cap_derive(&root[9].cap, &c);
	cdt_insert_child(&root[9], &me->slots[TCB_IPC_BUFFER], &c);
}


int unit_finish(void)
{
	printf("1..%u\n", tests);
	return failures != 0;
}
