/*
 * The big kernel lock, and requests between CPUs. Only the lock holder
 * makes requests, and it waits for them; every other CPU serves them
 * promptly: while spinning for the lock, from the idle loop, or on the IPI
 * that interrupts its user thread. So a request never deadlocks.
 */
#include <kernel/arch.h>
#include <kernel/lock.h>
#include "x86.h"

static volatile int big_lock;

void serve_remote_requests(void)
{
	struct cpu *c = this_cpu();
	uint32_t r = __atomic_load_n(&c->requests, __ATOMIC_ACQUIRE);
	struct tcb *t = c->current;

	if (!r)
		return;
	if ((r & REQUEST_STALL) && t) {
		fxsave(&t->fpu);
		/* A system call not yet performed is redone when the thread runs again. */
		if (t->ctx.vector == VEC_SYSCALL)
			t->ctx.rip -= 2;
		t->ctx.vector = 0;
		t->running = 0;
		c->current = NULL;
		write_cr3(kernel_pml4_phys);
		c->vspace_root = kernel_pml4_phys;
	} else if (r & REQUEST_FLUSH) {
		write_cr3(read_cr3());
	}
	__atomic_fetch_and(&c->requests, ~r, __ATOMIC_RELEASE);
}

void kernel_lock(void)
{
	for (;;) {
		serve_remote_requests();
		if (!__atomic_exchange_n(&big_lock, 1, __ATOMIC_ACQUIRE))
			return;
		while (__atomic_load_n(&big_lock, __ATOMIC_RELAXED)) {
			serve_remote_requests();
			cpu_relax();
		}
	}
}

void kernel_unlock(void)
{
	__atomic_store_n(&big_lock, 0, __ATOMIC_RELEASE);
}

void arch_remote_request(unsigned cpu, uint32_t request)
{
	struct cpu *c = &cpus[cpu];

	__atomic_fetch_or(&c->requests, request, __ATOMIC_ACQ_REL);
	lapic_send_ipi(c->apic_id, VEC_IPI);
	while (__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE) & request)
		cpu_relax();
}

void arch_send_reschedule(unsigned cpu)
{
	lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI);
}
