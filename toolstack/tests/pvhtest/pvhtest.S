/*
 * A minimal PVH guest for the appliance test (xl create of type="pvh"
 * without Linux): it starts at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit flat
 * protected mode with %ebx = hvm_start_info, checks the structure, and
 * reports through Xen's HVM debug console (OUT to port 0xe9): its command
 * line, its e820 map, whether its 1.5 MiB image (a counting pattern, so
 * it spans two 2 MiB frames) arrived intact, whether its module (the
 * initrd: this very ELF file, loaded high into 4 KiB frames) holds the
 * same bytes, and what an IN from an absent port and loads from
 * unbacked MMIO (before and after a store to it) read. Then,
 * with a command line starting "spin", it spins (to be listed, consoled
 * and destroyed); otherwise it triple-faults (a crash: on_crash applies).
 */
#define START_MAGIC	0x336ec578
#define SI_NR_MODULES	12	/* hvm_start_info.nr_modules */
#define SI_MODLIST	16	/* modlist_paddr */
#define SI_CMDLINE	24	/* cmdline_paddr */
#define SI_MEMMAP	40	/* memmap_paddr */
#define SI_MEMMAP_N	48	/* memmap_entries */
#define PATTERN_WORDS	0x60000
#define MMIO		0xfed00000	/* far above its RAM, in the MMIO hole */

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long start
	.balign 4
	.long 4, 8, 6			/* XEN_ELFNOTE_GUEST_OS */
	.asciz "Xen"
	.asciz "pvhtest"
	.balign 4

#include "debugport.inc"

	.text
	.code32
	.globl start
start:
	mov	$0x90000, %esp		/* low RAM, below the ISA hole */
	cmpl	$START_MAGIC, (%ebx)
	jne	bad
	say	hello
	mov	SI_CMDLINE(%ebx), %esi
	call	print
	say	newline

	/* The e820 map: "e820: N entries, RAM from 0x100000: SIZE" */
	say	e820
	mov	SI_MEMMAP_N(%ebx), %eax
	call	print_hex
	say	ram
	mov	SI_MEMMAP(%ebx), %edi
	mov	2 * 24 + 8(%edi), %eax	/* entry 2: RAM above the ISA hole */
	call	print_hex
	say	newline

	/* The pattern: word i holds i. */
	xor	%ecx, %ecx
5:	cmp	%ecx, pattern(, %ecx, 4)
	jne	bad_pattern
	inc	%ecx
	cmp	$PATTERN_WORDS, %ecx
	jne	5b
	say	pattern_ok

	/* The module: an ELF file whose first PT_LOAD is our image. */
	cmpl	$1, SI_NR_MODULES(%ebx)
	jne	bad_module
	mov	SI_MODLIST(%ebx), %eax
	mov	(%eax), %esi		/* its paddr */
	cmpl	$0x464c457f, (%esi)	/* "\x7fELF" */
	jne	bad_module
	mov	0x20(%esi), %edi	/* e_phoff */
	add	%esi, %edi
	mov	32(%edi), %ecx		/* p_filesz */
	mov	%ecx, %eax
	add	8(%edi), %esi		/* p_offset */
	mov	$start, %edi
	repe cmpsb
	jne	bad_module
	say	module_ok
	call	print_hex
	say	newline

	/* Nothing emulates port 0x80: IN reads all ones. */
	mov	$0x1234, %eax
	inb	$0x80, %al
	say	in_msg
	call	print_hex
	say	newline

	/* Nothing is at MMIO either: loads read all ones, a store is
	 * dropped, and the VMM decodes each to move the guest past it. */
	mov	$0x12345678, %eax
	movb	MMIO, %ah
	say	mmio_msg
	call	print_hex
	movl	$0, MMIO
	movzwl	MMIO + 2, %eax
	say	mmio_movzx
	call	print_hex
	mov	MMIO, %eax
	say	mmio_after
	call	print_hex
	say	newline

	mov	SI_CMDLINE(%ebx), %esi
	test	%esi, %esi
	jz	crash
	cmpl	$0x6e697073, (%esi)	/* "spin" */
	jne	crash
	say	spinning
1:	pause
	jmp	1b

bad_pattern:
	say	pattern_bad
	jmp	crash
bad_module:
	say	module_bad
	jmp	crash
bad:
	say	bad_msg
crash:
	say	crash_msg
	lidt	no_idt			/* no IDT: int3 -> #GP -> #DF -> shutdown */
	int3

	.section .rodata
hello:		.asciz "pvhtest: hvm_start_info ok, cmdline: "
newline:	.asciz "\n"
e820:		.asciz "pvhtest: e820 entries "
ram:		.asciz ", RAM from 1 MiB "
in_msg:		.asciz "pvhtest: IN from port 0x80 reads eax "
mmio_msg:	.asciz "pvhtest: MMIO at 0xfed00000: movb to ah gives eax "
mmio_movzx:	.asciz ", movzwl "
mmio_after:	.asciz ", movl after a store "
spinning:	.asciz "pvhtest: spinning\n"
bad_msg:	.asciz "pvhtest: bad hvm_start_info magic\n"
pattern_ok:	.asciz "pvhtest: image pattern intact\n"
pattern_bad:	.asciz "pvhtest: image pattern damaged\n"
module_ok:	.asciz "pvhtest: the initrd holds this image, bytes "
module_bad:	.asciz "pvhtest: the initrd is not this image\n"
crash_msg:	.asciz "pvhtest: triple fault\n"
	.balign 8
no_idt:		.word 0
		.long 0

/* 1.5 MiB of counting words: the image crosses the 2 MiB frame boundary. */
	.balign 4
pattern:
	.set	i, 0
	.rept	PATTERN_WORDS
	.long	i
	.set	i, i + 1
	.endr
