/* Constants shared by the x86_64 assembly files and C. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define KERNEL_VMA	0xffffffff80000000
#define PHYSMAP_BASE	0xffff800000000000
#define KSTACK_SIZE	16384

#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_TS		(1 << 3)
#define CR0_NE		(1 << 5)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_PGE		(1 << 7)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define CR4_SMEP	(1 << 20)
#define CR4_SMAP	(1 << 21)

#define MSR_EFER	0xc0000080
#define EFER_SCE	(1 << 0)
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SFMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	0x1b
#define SEL_UCODE	0x23
#define SEL_TSS		0x28

/* Interrupt vectors. */
#define VEC_IRQ_BASE	0x20	/* IOAPIC pins 0..23 */
#define VEC_TIMER	0xf0
#define VEC_IPI		0xf1	/* reschedule / remote request */
#define VEC_SPURIOUS	0xff
#define VEC_SYSCALL	0x100	/* pseudo vector recorded for syscall entries */

/* struct user_context offsets (see arch/x86_64/context.h). */
#define CTX_RIP		136
#define CTX_SIZE	176

/* struct cpu offsets used by entry.S (see include/kernel/cpu.h). */
#define CPU_USER_RSP	8
#define CPU_CTX_TOP	16
#define CPU_KSTACK_TOP	24

#ifdef __ASSEMBLER__
/*
 * From 32-bit protected mode: PAE and global pages on, CR3 = the 32-bit
 * operand cr3, long mode with NX and SYSCALL enabled, paging on. The far
 * jump into a 64-bit code segment that completes the switch follows it.
 */
.macro ENTER_LONG_MODE cr3
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl \cr3, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0
.endm
#endif

#endif
