/*
 * The command line of a stub domain (pure code). Its words become
 * argv; among them the builder puts the libos keys (<libos/protocol.h>):
 *   tsc_khz=N       TSC frequency (the child-info page has no field for it)
 *   heap=SLOT,BITS  Untyped cap (of 2^BITS bytes) the heap, threads and
 *                   timers are made from
 *   exit=SLOT       endpoint _exit reports the status on
 *   cpio=ADDR,SIZE  a read-only cpio archive mapped at ADDR
 *   prio=N cpu=N    the priority (also its MCP) and CPU of its threads
 * Numbers are decimal or 0x-prefixed hex.
 */
#ifndef LIBOS_ARGS_H
#define LIBOS_ARGS_H

#include <stdint.h>

#define LIBOS_MAX_ARGS		32
#define LIBOS_CMDLINE_MAX	256

struct libos_args {
	uint64_t tsc_khz;	/* 0 if absent */
	uint64_t heap;		/* slots: 0 if absent */
	uint64_t heap_bits;
	uint64_t exit;
	uint64_t cpio_addr;	/* 0 if absent */
	uint64_t cpio_size;
	uint64_t prio;		/* 0 if absent */
	uint64_t cpu;
	int argc;
	char *argv[LIBOS_MAX_ARGS + 1];	/* NULL-terminated, pointing into buf */
	char buf[LIBOS_CMDLINE_MAX];
};

/*
 * Splits cmdline into a->argv and reads the libos keys. Returns 0, or -1
 * if the line is too long, has too many words, or a key's value is not
 * a number (or pair of numbers) that fits.
 */
int libos_parse_args(const char *cmdline, struct libos_args *a);

/*
 * The number N of the first argument "key=N" (e.g. where the builder's
 * stubdom_give put a cap). Returns 0, or -1 if there is none or N is not
 * a number.
 */
int libos_args_number(const struct libos_args *a, const char *key, uint64_t *value);

#endif
