/*
 * A transport over memory for in-process tests, the fuzzer and the
 * benchmark: the test feeds request bytes in, replies are kept in a
 * buffer (or only counted), and the window can be closed to hold them.
 */
#ifndef XS_MEM_TRANSPORT_H
#define XS_MEM_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "xenstore.h"

struct mem_transport {
	struct xs_transport t;
	char in[16384];
	size_t in_len, in_off;
	char *out;		/* NULL: replies are counted and dropped */
	size_t out_cap, out_len;
	size_t out_bytes;	/* all bytes ever sent */
	bool blocked;		/* send takes nothing while set */
};

void mem_init(struct mem_transport *m, char *out, size_t out_cap);
/* Appends request bytes (as many as fit). */
void mem_feed(struct mem_transport *m, const void *data, size_t len);

#endif
