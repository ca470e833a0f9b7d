/* The saved user register file of a thread, in the order entry.S pushes it. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

struct user_context {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;	/* the interrupt frame */
};

_Static_assert(sizeof(struct user_context) == 176, "entry.S depends on this layout");
_Static_assert(__builtin_offsetof(struct user_context, rip) == 136, "CTX_RIP");

/* FXSAVE area: legacy x87/SSE state. */
struct fpu_state {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

#endif
