/*
 * Kernel entry and exit. User registers are saved straight into the
 * current thread's struct user_context: TSS.RSP0 and cpu->ctx_top point
 * just past it, so the CPU's interrupt frame lands in its last five words.
 * The kernel then runs on the per-CPU kernel stack and leaves through
 * arch_return_to_user(), which restores a context and irets.
 */
#include "asm.h"

.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* Kernel code runs with known flags: no AC (SMAP stays in force), no DF, IF off. */
.macro CLEAN_FLAGS
	pushq $2
	popfq
	xorl %ebp, %ebp
.endm

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_CTX_TOP, %rsp
	pushq $SEL_UDATA
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $SEL_UCODE
	pushq %rcx
	pushq $0
	pushq $VEC_SYSCALL
	PUSH_GPRS
	movq %gs:CPU_KSTACK_TOP, %rsp
	CLEAN_FLAGS
	call kernel_enter_syscall
	ud2

/* Exception and interrupt stubs: push a zero error code where the CPU does not. */
.macro TRAP_NOERR vec
	.align 16
	pushq $0
	pushq $\vec
	jmp trap_common
.endm
.macro TRAP_ERR vec
	.align 16
	pushq $\vec
	jmp trap_common
.endm

	.align 16
	.globl trap_stubs
trap_stubs:
	TRAP_NOERR 0
	TRAP_NOERR 1
	TRAP_NOERR 2
	TRAP_NOERR 3
	TRAP_NOERR 4
	TRAP_NOERR 5
	TRAP_NOERR 6
	TRAP_NOERR 7
	TRAP_ERR 8
	TRAP_NOERR 9
	TRAP_ERR 10
	TRAP_ERR 11
	TRAP_ERR 12
	TRAP_ERR 13
	TRAP_ERR 14
	TRAP_NOERR 15
	TRAP_NOERR 16
	TRAP_ERR 17
	TRAP_NOERR 18
	TRAP_NOERR 19
	TRAP_NOERR 20
	TRAP_ERR 21
	.set vec, 22
	.rept 256 - 22
	TRAP_NOERR vec
	.set vec, vec + 1
	.endr

trap_common:
	testb $3, 24(%rsp)		/* CS of the interrupted context */
	jz 1f
	swapgs
	PUSH_GPRS
	movq %gs:CPU_KSTACK_TOP, %rsp
	CLEAN_FLAGS
	call kernel_enter_trap
	ud2
1:	/* From ring 0: the idle loop, or a kernel fault. */
	PUSH_GPRS
	movq %rsp, %rdi
	call kernel_trap_from_kernel
	POP_GPRS
	addq $16, %rsp
	iretq

	/* void arch_return_to_user(struct user_context *ctx) */
	.globl arch_return_to_user
arch_return_to_user:
	movq %rdi, %rsp
	POP_GPRS
	addq $16, %rsp
	swapgs
	iretq
