/*
 * Application-processor start-up code. smp.c copies it to TRAMPOLINE_BASE
 * (below 1 MiB), fills in tr_cr3/tr_stack/tr_entry and sends INIT-SIPI.
 * Real mode -> protected mode -> long mode on the boot page tables.
 */
#include "asm.h"

#define TRAMPOLINE_BASE	0x8000
#define ABS(x)		((x) - trampoline_start + TRAMPOLINE_BASE)

	.section .rodata
	.globl trampoline_start, trampoline_end, tr_cr3, tr_stack, tr_entry
	.code16
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl ABS(tr_gdt_ptr)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $8, $ABS(tr_protected)

	.code32
tr_protected:
	movw $16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	ENTER_LONG_MODE ABS(tr_cr3)
	ljmpl $24, $ABS(tr_long)

	.code64
tr_long:
	movq ABS(tr_stack), %rsp
	movq ABS(tr_entry), %rax
	jmp *%rax

	.align 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 32-bit code */
	.quad 0x00cf92000000ffff	/* data */
	.quad 0x00af9a000000ffff	/* 64-bit code */
tr_gdt_ptr:
	.word 31
	.long ABS(tr_gdt)
	.align 8
tr_cr3:		.quad 0
tr_stack:	.quad 0
tr_entry:	.quad 0
trampoline_end:
