/*
 * Building a Newlib stub domain (parent side, on libtessera): the domain
 * builder's domain plus what libos expects (<libos/args.h>,
 * <libos/protocol.h>): an Untyped for its heap, an exit endpoint, a cpio
 * archive mapped read-only, its MCP, and the libos keys on its command
 * line. The caller may give more caps (ts_domain_give) before
 * ts_domain_start.
 */
#ifndef STUBDOM_H
#define STUBDOM_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/bootinfo.h>
#include <ts/domain.h>

struct stubdom_config {
	const void *image;		/* its ELF image (linked with libos) */
	size_t image_size;
	const char *args;		/* argv: program name and arguments */
	unsigned cnode_radix;		/* room for one slot per heap page */
	unsigned heap_bits;		/* log2 size of its heap Untyped */
	uint64_t console;		/* Console cap to give, 0 = none */
	uint64_t fault_ep, fault_badge;	/* as struct ts_domain_config */
	uint64_t exit_ep, exit_badge;	/* where _exit reports (0 = nowhere) */
	const struct ts_boot_module *cpio;	/* archive to map (NULL = none) */
	unsigned priority, cpu;
	uint64_t domid;
	uint64_t tsc_khz;
};

/* Returns a ts_error; on failure the objects made stay in the caller's CSpace. */
int stubdom_create(const struct stubdom_config *cfg, struct ts_domain *d);

/*
 * Gives the domain a copy of cap (as ts_domain_give) and tells it where:
 * appends " key=SLOT" to its command line, which libos_args_number()
 * reads. TS_ERR_RANGE if the command line has no room left.
 */
int stubdom_give(struct ts_domain *d, const char *key, uint64_t cap, uint64_t rights,
		 uint64_t badge);

#endif
