/*
 * A minimal HVM firmware for the appliance test (xl create of type="hvm"
 * with firmware_override and device_model_version="none"): an ELF32 for
 * i386 without Xen notes, as Xen's hvmloader is. The domain builder
 * enters it at e_entry in 32-bit flat protected mode with %ebx =
 * hvm_start_info. It checks that state (paging off; CS, DS, ES and SS
 * with base 0: code and data reached at their link addresses; the magic
 * at %ebx), turns on 32-bit and then PAE paging, reports it all on Xen's
 * HVM debug console (port 0xe9) with its command line, e820 map size and
 * RSDP address, then powers off through the ACPI sleep
 * control register (S5), or, with a command line starting "spin", spins
 * (to be listed, consoled and destroyed), or with one starting "crash"
 * triple-faults (on_crash applies; a restart reloads the firmware).
 */
#define START_MAGIC	0x336ec578
#define SI_CMDLINE	24	/* hvm_start_info.cmdline_paddr */
#define SI_RSDP		32	/* rsdp_paddr */
#define SI_MEMMAP_N	48	/* memmap_entries */
#define CR0_PE		0x1
#define CR0_PG		0x80000000
#define CR4_PSE		0x10
#define CR4_PAE		0x20
#define PDE_LARGE	0x83	/* present, writable, large page */
#define SLEEP_CONTROL	0xb000	/* builder/acpi.h */
#define SLEEP_S5	((5 << 2) | (1 << 5))	/* SLP_TYP 5 | SLP_EN */
#define FLAT_WORD	0x464c4154	/* "TALF" */
#define STACK_TOP	0x90000	/* low RAM, below the ISA hole */

/* Sets CR4_BIT, loads CR3 with TABLE, turns paging on and reads the
 * image's word back through it. */
.macro paging_on cr4_bit, table
	mov	%cr4, %eax
	or	$\cr4_bit, %eax
	mov	%eax, %cr4
	mov	$\table, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	cmpl	$FLAT_WORD, flat_word
	jne	bad_paging
.endm

#include "../pvhtest/debugport.inc"

	.text
	.code32
	.globl start
start:
	mov	$STACK_TOP, %esp
	cmpl	$START_MAGIC, (%ebx)
	jne	bad_magic
	mov	%cr0, %eax
	and	$(CR0_PE | CR0_PG), %eax
	cmp	$CR0_PE, %eax
	jne	bad_mode
	/* Flat segments: what the code pushed (SS) and the word linked
	 * into the image, read at their linear addresses (DS, ES), and the
	 * return address of a call (CS) at its link address. */
	cmpl	$FLAT_WORD, flat_word
	jne	bad_mode
	mov	$flat_word, %edi
	cmpl	$FLAT_WORD, %es:(%edi)
	jne	bad_mode
	pushl	$FLAT_WORD
	cmpl	$FLAT_WORD, STACK_TOP - 4
	jne	bad_mode
	pop	%eax
	call	1f
1:	pop	%eax
	cmp	$1b, %eax
	jne	bad_mode
	say	hello

	/* 32-bit paging (a 4 MiB page) and then PAE paging (2 MiB pages),
	 * each identity-mapping the first 4 MiB: under nested paging the
	 * guest owns its paging, as 32-bit guests (hvm-3.0-x86_32, _32p)
	 * need. The word linked into the image reads back through both. */
	paging_on CR4_PSE, pd32
	mov	%cr0, %eax
	and	$~CR0_PG, %eax
	mov	%eax, %cr0
	paging_on CR4_PAE, pdpt
	say	paging_ok

	mov	SI_CMDLINE(%ebx), %esi
	test	%esi, %esi
	jnz	2f
	say	no_cmdline
	jmp	3f
2:	push	%esi
	say	cmdline
	pop	%esi
	call	print
	say	newline
3:
	say	e820
	mov	SI_MEMMAP_N(%ebx), %eax
	call	print_hex
	say	rsdp
	mov	SI_RSDP(%ebx), %eax
	call	print_hex
	say	newline

	mov	SI_CMDLINE(%ebx), %esi
	test	%esi, %esi
	jz	poweroff
	cmpl	$0x73617263, (%esi)	/* "cras(h)" */
	je	crash
	cmpl	$0x6e697073, (%esi)	/* "spin" */
	jne	poweroff
	say	spinning
1:	pause
	jmp	1b

crash:
	say	crash_msg
	lidt	no_idt			/* no IDT: int3 -> #GP -> #DF -> shutdown */
	int3

bad_magic:
	say	bad_magic_msg
	jmp	poweroff
bad_paging:
	say	bad_paging_msg
	jmp	poweroff
bad_mode:
	say	bad_mode_msg
poweroff:
	say	poweroff_msg
	mov	$SLEEP_CONTROL, %dx
	mov	$SLEEP_S5, %al
	outb	%al, %dx
	say	still_here
1:	hlt
	jmp	1b

	.section .rodata
	.balign 4
flat_word:	.long FLAT_WORD
hello:		.asciz "hvmfw: entered at e_entry in 32-bit flat protected mode, hvm_start_info magic ok\n"
no_cmdline:	.asciz "hvmfw: no command line\n"
cmdline:	.asciz "hvmfw: command line: "
newline:	.asciz "\n"
e820:		.asciz "hvmfw: e820 entries "
rsdp:		.asciz ", ACPI RSDP at "
spinning:	.asciz "hvmfw: spinning\n"
bad_magic_msg:	.asciz "hvmfw: %ebx is not an hvm_start_info (bad magic)\n"
bad_mode_msg:	.asciz "hvmfw: not entered in 32-bit flat protected mode without paging\n"
poweroff_msg:	.asciz "hvmfw: powering off through the ACPI sleep control register (S5)\n"
still_here:	.asciz "hvmfw: still running after the S5 request\n"
crash_msg:	.asciz "hvmfw: triple fault\n"
	.balign 8
no_idt:		.word 0
		.long 0
paging_ok:	.asciz "hvmfw: 32-bit and PAE paging on, the first 4 MiB identity-mapped\n"
bad_paging_msg:	.asciz "hvmfw: the image reads wrong with paging on\n"

/* The page tables (the CPU sets their accessed bits: not .rodata). */
	.section .pagetables, "aw"
	.balign 4096
pd32:		.long PDE_LARGE		/* 0-4 MiB */
		.fill 1023, 4, 0
pd_pae:		.long PDE_LARGE, 0	/* 0-2 MiB */
		.long 0x200000 + PDE_LARGE, 0	/* 2-4 MiB */
		.fill 510, 8, 0
	.balign 32
pdpt:		.long pd_pae + 1, 0	/* present (no other bits in PAE PDPTEs) */
		.fill 3, 8, 0
