/* Per-CPU state. The first four fields are read by entry.S through %gs. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <kernel/objects.h>
#include <kernel/sched.h>

#define MAX_CPUS	16

/* Bits of cpu->requests: work another CPU asked this one to do. */
#define REQUEST_STALL	1u	/* stop running the current thread, save its state */
#define REQUEST_FLUSH	2u	/* reload CR3 (TLB shootdown) */

struct cpu {
	struct cpu *self;
	uint64_t user_rsp;	/* scratch for syscall entry */
	uint64_t ctx_top;	/* end of the current thread's user_context */
	uint64_t kstack_top;

	unsigned id;
	unsigned apic_id;
	bool online;
	struct tcb *current;	/* NULL while idle */
	bool need_resched;
	uint64_t ticks;

	struct thread_queue ready[NR_PRIORITIES];
	uint64_t ready_bitmap[NR_PRIORITIES / 64];

	volatile uint32_t requests;	/* REQUEST_* set by another CPU holding the lock */
	volatile uint32_t irq_pending;	/* IOAPIC pins that fired, handled under the lock */
	volatile bool timer_pending;
	volatile bool wakeup;		/* reschedule interrupt arrived */
	volatile bool interruptible;	/* idle loop or after a guest exit: ring-0 interrupts expected */
	uint64_t vspace_root;		/* physical address loaded in CR3 */
	uint64_t guest_root;		/* nested page-table root of the guest running, or 0 */
	uint64_t tls_base;		/* FS base loaded */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned nr_cpus;

#endif
