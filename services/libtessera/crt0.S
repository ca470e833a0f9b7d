/*
 * Entry point of every native Tessera program. The kernel (or the domain
 * builder) starts a program with rsp = 0 and its start argument in rdi:
 * switch to the stack in .bss, call main(rdi), and end the thread when
 * main returns.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	lea	crt0_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	main
	mov	%eax, %edi
	call	ts_exit
	ud2			/* ts_exit does not return */

	.section .bss
	.balign 16
crt0_stack:
	.space	65536
crt0_stack_top:

	.section .note.GNU-stack, "", @progbits
