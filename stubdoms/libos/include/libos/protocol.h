/*
 * What a stub domain's builder and its libos agree on: the address-space
 * layout below 2 GiB (Newlib is small-model code) and the exit message.
 * The command-line keys are in <libos/args.h>.
 */
#ifndef LIBOS_PROTOCOL_H
#define LIBOS_PROTOCOL_H

/* The image is linked at 0x400000 (stubdom.ld); then: */
#define LIBOS_HEAP_VADDR	0x10000000ull	/* sbrk's heap, up to LIBOS_HEAP_LIMIT */
#define LIBOS_HEAP_LIMIT	0x20000000ull
#define LIBOS_CPIO_VADDR	0x20000000ull	/* the builder maps the cpio archive here */
#define LIBOS_CPIO_LIMIT	0x30000000ull
#define LIBOS_SHARED_VADDR	0x30000000ull	/* shared pages the domain maps itself */
#define LIBOS_SHARED_LIMIT	0x40000000ull	/* then libtessera's thread IPC buffers */

/*
 * _exit(status) sends one message on the exit endpoint: label
 * LIBOS_EXIT, MR0 = status. The domain's threads are stopped by then.
 */
#define LIBOS_EXIT		0x4558	/* "EX" */

#endif
