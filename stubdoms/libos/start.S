/*
 * Entry of a stub domain: the builder starts it with rdi (and its fs
 * base) at its struct ts_child_info. Switch to the stack in .bss and let
 * libos_start set up the runtime and run main.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	lea	libos_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	libos_start
	ud2			/* libos_start does not return */

	.section .bss
	.balign 16
libos_stack:
	.space	131072
libos_stack_top:

	.section .note.GNU-stack, "", @progbits
