/*
 * Entering and leaving the kernel: system calls, exceptions and
 * interrupts from user mode, interrupts in the idle loop, kernel faults,
 * and the one exit path that picks the next thread and irets to it.
 */
#include <kernel/arch.h>
#include <kernel/ipc.h>
#include <kernel/lock.h>
#include <kernel/printk.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include "x86.h"

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
	"SIMD FP exception", "virtualization", "control protection",
};

static volatile bool panicking;

static void dump_registers(const struct user_context *f)
{
	printk("  rip %016lx  rsp %016lx  rflags %016lx  cs %lx ss %lx\n",
	       f->rip, f->rsp, f->rflags, f->cs, f->ss);
	printk("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	printk("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	printk("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	printk("  r13 %016lx  r14 %016lx  r15 %016lx  cr2 %016lx\n", f->r13, f->r14, f->r15, read_cr2());
	printk("  cr0 %016lx  cr3 %016lx  cr4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
	va_list ap;

	__asm__ volatile("cli");
	if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST))
		halt_forever();
	printk("\n*** TESSERA PANIC on CPU %u: ", this_cpu()->id);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n*** system halted\n");
	halt_forever();
}

/* Acknowledge an interrupt and note it for handling under the lock. */
static void note_interrupt(struct cpu *c, uint64_t vec)
{
	if (vec >= VEC_IRQ_BASE && vec < VEC_IRQ_BASE + 24) {
		ioapic_mask(vec - VEC_IRQ_BASE);
		__atomic_fetch_or(&c->irq_pending, 1u << (vec - VEC_IRQ_BASE), __ATOMIC_SEQ_CST);
		lapic_eoi();
	} else if (vec == VEC_TIMER) {
		c->timer_pending = true;
		lapic_eoi();
	} else if (vec == VEC_IPI) {
		c->wakeup = true;
		lapic_eoi();
	}
}

void trap_handle_pending(struct cpu *c)
{
	uint32_t irqs = __atomic_exchange_n(&c->irq_pending, 0, __ATOMIC_SEQ_CST);

	if (c->timer_pending) {
		c->timer_pending = false;
		sched_tick();
		timer_expire(rdtsc());
	}
	c->wakeup = false;
	for (unsigned gsi = 0; irqs; gsi++, irqs >>= 1)
		if (irqs & 1)
			irq_deliver(gsi_to_irq(gsi));
}

static void handle_user_exception(struct tcb *t, uint64_t vec, uint64_t cr2)
{
	struct user_context *f = &t->ctx;

	if (vec == 14)
		ipc_send_fault(t, TS_FAULT_VM, (const word_t[]){ f->rip, cr2, f->error_code, f->rsp }, 4);
	else
		ipc_send_fault(t, TS_FAULT_EXCEPTION, (const word_t[]){ f->rip, vec, f->error_code, f->rsp }, 4);
}

void kernel_enter_syscall(void)
{
	struct cpu *c = this_cpu();

	kernel_lock();
	if (c->current)		/* NULL if another CPU stopped this thread meanwhile */
		handle_syscall(c->current);
	kernel_exit();
}

void kernel_enter_trap(void)
{
	struct cpu *c = this_cpu();
	uint64_t vec = c->current->ctx.vector;
	uint64_t cr2 = vec == 14 ? read_cr2() : 0;

	if (vec == 8 || vec == 18)
		panic("%s in user mode", exception_names[vec]);
	note_interrupt(c, vec);
	kernel_lock();
	trap_handle_pending(c);
	if (c->current && vec < 32)
		handle_user_exception(c->current, vec, cr2);
	kernel_exit();
}

/* Ring 0: interrupts arrive only where expected (idle loop, after a guest exit); anything else is a kernel bug. */
void kernel_trap_from_kernel(struct user_context *f)
{
	struct cpu *c = this_cpu();

	if (f->vector >= 32 && c->interruptible) {
		note_interrupt(c, f->vector);
		if (f->vector == VEC_IPI)
			serve_remote_requests();
		return;
	}
	if (f->vector == VEC_SPURIOUS || (f->vector == 2 && c->interruptible))
		return;		/* an NMI held back by a guest run: nothing to do */
	printk("\n*** kernel fault: %s (vector %lu, error %#lx) on CPU %u\n",
	       f->vector < 32 ? exception_names[f->vector] : "interrupt", f->vector,
	       f->error_code, c->id);
	dump_registers(f);
	panic("fault in kernel mode");
}

/* Wait, lock released and interrupts on, until an interrupt needs handling. */
static void idle_wait(struct cpu *c)
{
	if (c->vspace_root != kernel_pml4_phys) {
		write_cr3(kernel_pml4_phys);
		c->vspace_root = kernel_pml4_phys;
	}
	c->interruptible = true;
	kernel_unlock();
	while (!c->irq_pending && !c->timer_pending && !c->wakeup)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	c->interruptible = false;
	kernel_lock();
	trap_handle_pending(c);
}

static void switch_threads(struct cpu *c, struct tcb *prev, struct tcb *next)
{
	if (prev) {
		prev->running = 0;
		fxsave(&prev->fpu);
		if (prev->state == THREAD_RUNNABLE && !prev->on_ready_queue)
			sched_make_runnable(prev);	/* it moved to another CPU */
	}
	c->current = next;
	if (next) {
		next->running = 1;
		fxrstor(&next->fpu);
	}
}

void kernel_exit(void)
{
	struct cpu *c = this_cpu();
	struct tcb *next;

	for (;;) {
		struct tcb *prev = c->current;
		next = sched_choose();
		if (next != prev)
			switch_threads(c, prev, next);
		if (next)
			break;
		idle_wait(c);
	}
	uint64_t root = virt_to_phys((void *)next->slots[TCB_VSPACE].cap.obj);
	if (c->vspace_root != root) {
		write_cr3(root);
		c->vspace_root = root;
	}
	if (c->tls_base != next->tls_base) {
		wrmsr(MSR_FS_BASE, next->tls_base);
		c->tls_base = next->tls_base;
	}
	c->ctx_top = (uint64_t)(&next->ctx + 1);
	tss_set_rsp0(c->id, c->ctx_top);
	if (thread_vcpu(next))
		arch_enter_guest(c, thread_vcpu(next));
	kernel_unlock();
	arch_return_to_user(&next->ctx);
}
