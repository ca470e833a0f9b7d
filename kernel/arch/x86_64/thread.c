/* Small x86_64 pieces of thread and device handling used by generic code. */
#include <kernel/arch.h>
#include "x86.h"

/* User addresses are canonical lower-half addresses below TS_USER_TOP. */
bool arch_user_address_ok(vaddr_t va, uint64_t size)
{
	return size && va <= TS_USER_TOP && size - 1 <= TS_USER_TOP - va;
}

word_t arch_user_rflags(word_t requested)
{
	return (requested & RFLAGS_USER_MASK) | RFLAGS_IF | 2;
}

void arch_thread_set_tls_base(struct tcb *t, word_t base)
{
	t->tls_base = base;
}

word_t arch_thread_get_tls_base(const struct tcb *t)
{
	return t->tls_base;
}

uint32_t arch_port_in(uint16_t port, unsigned width)
{
	switch (width) {
	case 1: return inb(port);
	case 2: return inw(port);
	default: return inl(port);
	}
}

void arch_port_out(uint16_t port, unsigned width, uint32_t value)
{
	switch (width) {
	case 1: outb(port, value); break;
	case 2: outw(port, value); break;
	default: outl(port, value); break;
	}
}

struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}
