/*
 * 32-bit entry for both boot protocols:
 *  - multiboot2 (GRUB): eax = 0x36d76289, ebx = multiboot2 info
 *  - PVH (qemu -kernel, XEN_ELFNOTE_PHYS32_ENTRY): ebx = hvm_start_info
 * Builds boot page tables (identity + physmap of the first 4 GiB, kernel
 * image at -2 GiB), enters long mode and jumps to the higher half.
 */
#include "asm.h"

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0

	.section .multiboot2, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.word 0, 0
	.long 8
mb2_header_end:

	/* PVH entry note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18). */
	.section .note.xen, "a", @note
	.align 4
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.long boot_entry32

	.section .boot.text, "ax"
	.code32
	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info
	movl $boot_stack32_top, %esp

	/* PD entries: 2048 x 2 MiB pages = 4 GiB, present|writable|large. */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* PDPT (low): four PDs. */
	movl $boot_pdpt_low, %edi
	movl $boot_pd + 3, %eax
	movl %eax, 0(%edi)
	addl $4096, %eax
	movl %eax, 8(%edi)
	addl $4096, %eax
	movl %eax, 16(%edi)
	addl $4096, %eax
	movl %eax, 24(%edi)

	/* PDPT (high): entry 510 maps -2 GiB onto physical 0..1 GiB. */
	movl $boot_pdpt_high, %edi
	movl $boot_pd + 3, %eax
	movl %eax, 510*8(%edi)

	/* PML4: 0 = identity, 256 = physmap, 511 = kernel image. */
	movl $boot_pml4, %edi
	movl $boot_pdpt_low + 3, %eax
	movl %eax, 0(%edi)
	movl %eax, 256*8(%edi)
	movl $boot_pdpt_high + 3, %eax
	movl %eax, 511*8(%edi)

	ENTER_LONG_MODE $boot_pml4
	lgdt boot_gdt_ptr
	ljmp $8, $boot_long_mode

	.code64
boot_long_mode:
	movl $16, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $kernel_entry64, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 4096
	.globl boot_pml4
boot_pml4:	.fill 512, 8, 0
boot_pdpt_low:	.fill 512, 8, 0
boot_pdpt_high:	.fill 512, 8, 0
	.globl boot_pd
boot_pd:	.fill 2048, 8, 0
boot_stack32:	.fill 1024, 1, 0
boot_stack32_top:
	.align 16
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* data */
boot_gdt_end:
	.globl boot_gdt_ptr
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
	.globl boot_magic, boot_info
boot_magic:	.long 0
boot_info:	.long 0

	.text
kernel_entry64:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic, %edi
	movl boot_info, %esi
	call kmain
1:	hlt
	jmp 1b

	.bss
	.align 16
	.globl boot_stack, boot_stack_top
boot_stack:	.fill KSTACK_SIZE, 1, 0
boot_stack_top:
