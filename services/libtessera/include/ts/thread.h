/*
 * Threads in the caller's own address space and CSpace. Each gets a TCB,
 * an IPC buffer frame mapped at a fresh address, a TLS block (struct
 * ts_tls) and the stack the caller provides. Uses ts_alloc.
 */
#ifndef TS_THREAD_H
#define TS_THREAD_H

#include <stddef.h>
#include <stdint.h>
#include <ts/syscall.h>

struct ts_thread {
	struct ts_tls tls;	/* the thread's fs base points here */
	uint64_t tcb;		/* CPtr of its TCB */
	uint64_t ipc_frame;	/* CPtr of its IPC buffer frame */
	void (*fn)(void *arg);
	void *arg;
	volatile int finished;	/* set when fn returns (the thread then suspends) */
};

/* Where a program's own CSpace root, VSpace and the free IPC-buffer
 * addresses are: set once by ts_root_init or ts_child_init. */
struct ts_self {
	uint64_t cnode;
	uint64_t vspace;
	uint64_t tcb;
	uint64_t next_ipc_vaddr;	/* next address for a thread's IPC buffer */
};
extern struct ts_self ts_self;

/*
 * Creates and starts a thread running fn(arg) on the stack
 * [stack, stack + stack_size) at priority prio on CPU cpu. fault_ep
 * (0 = none) receives its faults.
 */
int ts_thread_start(struct ts_thread *t, void (*fn)(void *), void *arg, void *stack,
		    size_t stack_size, unsigned prio, unsigned cpu, uint64_t fault_ep);

#endif
