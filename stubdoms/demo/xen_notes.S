/*
 * The Xen ELF notes of a Tessera-native guest (xen/include/public/elfnote.h
 * numbering): who it is, and its entry point for the PV build plan.
 */
#define NOTE(type, desc_start, desc_end)	\
	.balign 4;				\
	.long 4;				\
	.long desc_end - desc_start;		\
	.long type;				\
	.asciz "Xen";				\
	.balign 4

	.section .note.Xen, "a", @note
	NOTE(6, 1f, 2f)		/* GUEST_OS */
1:	.asciz "Tessera"
2:	NOTE(5, 1f, 2f)		/* XEN_VERSION */
1:	.asciz "xen-3.0"
2:	NOTE(8, 1f, 2f)		/* LOADER */
1:	.asciz "generic"
2:	NOTE(3, 1f, 2f)		/* VIRT_BASE: linked where it runs */
1:	.quad 0
2:	NOTE(4, 1f, 2f)		/* PADDR_OFFSET */
1:	.quad 0
2:	NOTE(1, 1f, 2f)		/* ENTRY */
1:	.quad _start
2:	.balign 4

	.section .note.GNU-stack, "", @progbits
