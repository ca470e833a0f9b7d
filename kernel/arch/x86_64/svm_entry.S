/*
 * The world switch into an SVM guest and back. Guest RAX, RSP, RIP and
 * RFLAGS live in the VMCB; the other general registers in the vCPU's
 * register array (indexed by enum ts_vcpu_reg). VMSAVE/VMLOAD swap the
 * state VMRUN leaves alone (FS/GS/TR/LDTR, KernelGSBase, the SYSCALL and
 * SYSENTER MSRs), so the host's GS base is only valid again after the
 * final VMLOAD. Called and returning with GIF clear.
 */
#include "asm.h"

#define G(reg)	(8 * (reg))
#define RBX 1
#define RCX 2
#define RDX 3
#define RSI 4
#define RDI 5
#define RBP 6
#define R8  8

	.text
	/* void svm_run(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_save_pa) */
	.globl svm_run
svm_run:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx			/* 16(%rsp) after the next two: host save area */
	pushq %rdi			/* 8(%rsp): guest register array */
	pushq %rsi			/* 0(%rsp): VMCB */
	movq %rdx, %rax
	vmsave
	movq (%rsp), %rax
	vmload
	movq G(RBX)(%rdi), %rbx
	movq G(RCX)(%rdi), %rcx
	movq G(RDX)(%rdi), %rdx
	movq G(RSI)(%rdi), %rsi
	movq G(RBP)(%rdi), %rbp
	movq G(R8)(%rdi), %r8
	movq G(R8 + 1)(%rdi), %r9
	movq G(R8 + 2)(%rdi), %r10
	movq G(R8 + 3)(%rdi), %r11
	movq G(R8 + 4)(%rdi), %r12
	movq G(R8 + 5)(%rdi), %r13
	movq G(R8 + 6)(%rdi), %r14
	movq G(R8 + 7)(%rdi), %r15
	movq G(RDI)(%rdi), %rdi
	vmrun
	/* #VMEXIT: RAX and RSP are the host's again, every other register the guest's. */
	pushq %rdi
	movq 16(%rsp), %rdi
	popq G(RDI)(%rdi)
	movq %rbx, G(RBX)(%rdi)
	movq %rcx, G(RCX)(%rdi)
	movq %rdx, G(RDX)(%rdi)
	movq %rsi, G(RSI)(%rdi)
	movq %rbp, G(RBP)(%rdi)
	movq %r8, G(R8)(%rdi)
	movq %r9, G(R8 + 1)(%rdi)
	movq %r10, G(R8 + 2)(%rdi)
	movq %r11, G(R8 + 3)(%rdi)
	movq %r12, G(R8 + 4)(%rdi)
	movq %r13, G(R8 + 5)(%rdi)
	movq %r14, G(R8 + 6)(%rdi)
	movq %r15, G(R8 + 7)(%rdi)
	vmsave
	movq 16(%rsp), %rax
	vmload
	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	/* Continue after a guest exit on a fresh kernel stack. */
	.globl svm_exit_continue
svm_exit_continue:
	movq %gs:CPU_KSTACK_TOP, %rsp
	xorl %ebp, %ebp
	call kernel_enter_vmexit
	ud2
