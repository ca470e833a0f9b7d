/*
 * The xenstore service's own privileged connection to xenstored's
 * library, over memory: how an SVC_INTRODUCE or SVC_RELEASE from the
 * control domain becomes xenstored's INTRODUCE or RELEASE. Pure code.
 */
#ifndef XENSTORE_INTERNAL_CONN_H
#define XENSTORE_INTERNAL_CONN_H

#include <stddef.h>
#include "xenstore.h"
#include "xs_wire.h"

struct internal_conn {
	struct xs_transport t;	/* first: the library's transport */
	struct xs_conn *conn;
	char in[XS_HEADER_SIZE + 64];
	size_t in_len, in_pos;
	char out[XS_HEADER_SIZE + 64];	/* one short reply */
	size_t out_len;
	uint32_t req_id;
};

/* A domain-0 connection of st. Returns 0 or -1. */
int internal_conn_init(struct internal_conn *ic, struct xs_store *st);

/*
 * Sends one request whose payload is the string with '|' for each NUL
 * (as docs/xenstore.md writes them: "5|0|0|") and returns the reply as an enum
 * svc_status: SVC_OK, or the error xenstored named (EEXIST, ENOENT,
 * ENOMEM; anything else is SVC_EINVAL).
 */
int internal_request(struct internal_conn *ic, uint32_t type, const char *payload);

#endif
