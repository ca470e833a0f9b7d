/* Threads sharing the caller's address space and CSpace. */
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/string.h>
#include <ts/thread.h>

struct ts_self ts_self;

static void thread_entry(struct ts_thread *t)
{
	t->fn(t->arg);
	t->finished = 1;
	ts_tcb_suspend(t->tcb);
	for (;;)
		ts_yield();
}

int ts_thread_start(struct ts_thread *t, void (*fn)(void *), void *arg, void *stack,
		    size_t stack_size, unsigned prio, unsigned cpu, uint64_t fault_ep)
{
	uint64_t regs[TS_REG_COUNT] = { 0 };
	uint64_t ipc_vaddr = ts_self.next_ipc_vaddr;
	uint64_t top = ((uint64_t)stack + stack_size) & ~15ull;
	int err;

	t->fn = fn;
	t->arg = arg;
	t->finished = 0;
	t->tls.ipc = (struct ts_ipc_buffer *)ipc_vaddr;
	err = ts_object_alloc(TS_OBJ_TCB, 0, &t->tcb);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &t->ipc_frame);
	if (err == TS_OK)
		err = ts_map_frame(t->ipc_frame, ts_self.vspace, ipc_vaddr,
				   TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	if (err != TS_OK)
		return err;
	ts_self.next_ipc_vaddr += TS_PAGE_SIZE;
	err = ts_tcb_configure(t->tcb, fault_ep, ts_self.cnode, ts_self.vspace, ipc_vaddr,
			       t->ipc_frame);
	if (err == TS_OK)
		err = ts_tcb_set_priority(t->tcb, prio);
	if (err == TS_OK)
		err = ts_tcb_set_affinity(t->tcb, cpu);
	if (err != TS_OK)
		return err;
	regs[TS_REG_RIP] = (uint64_t)thread_entry;
	regs[TS_REG_RSP] = top - 8;	/* as if thread_entry had been called */
	regs[TS_REG_RFLAGS] = 0x202;
	regs[TS_REG_RDI] = (uint64_t)t;
	regs[TS_REG_FS_BASE] = (uint64_t)&t->tls;
	return ts_tcb_write_registers(t->tcb, 1, regs);
}
