/*
 * A small XenStore protocol client for tests and the benchmark: speaks
 * the wire protocol over a Unix socket, one request at a time, keeping
 * watch events that arrive meanwhile in a queue.
 */
#ifndef XS_CLIENT_H
#define XS_CLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "xs_wire.h"

#define XSC_MAX_EVENTS 4096

struct xsc_reply {
	uint32_t type;		/* the request's type, or XS_ERROR */
	uint32_t tx_id;
	uint32_t len;
	char data[XENSTORE_PAYLOAD_MAX + 1];	/* NUL after len bytes */
};

struct xsc_event {
	char *path, *token;
};

struct xsc {
	int fd;
	uint32_t next_req;
	struct xsc_event ev[XSC_MAX_EVENTS];
	unsigned ev_head, ev_count;
};

/* Connects to path, retrying up to timeout_ms; 0 or -1. */
int xsc_connect(struct xsc *c, const char *path, int timeout_ms);
void xsc_close(struct xsc *c);
/* Sends raw bytes (for malformed requests). */
int xsc_send_raw(struct xsc *c, const void *buf, uint32_t len);
/* Sends one request of len payload bytes and waits for its reply. */
int xsc_request(struct xsc *c, uint32_t type, uint32_t tx, const void *payload,
		uint32_t len, struct xsc_reply *r);
/* Sends a request whose payload is the NULL-terminated list of strings,
 * each followed by a NUL. */
int xsc_op(struct xsc *c, uint32_t type, uint32_t tx, struct xsc_reply *r, ...);
int xsc_vop(struct xsc *c, uint32_t type, uint32_t tx, struct xsc_reply *r,
	    va_list ap);
/* Waits up to timeout_ms for a watch event; 1 if one was taken. */
int xsc_event(struct xsc *c, int timeout_ms, struct xsc_event *ev);
void xsc_event_free(struct xsc_event *ev);
/* True if the daemon closed the connection within timeout_ms. */
bool xsc_closed(struct xsc *c, int timeout_ms);

/* The reply is an ERROR with this name (e.g. "ENOENT"). */
bool xsc_is_error(const struct xsc_reply *r, const char *name);
/* The reply is the request's type with exactly this NUL-terminated text. */
bool xsc_is(const struct xsc_reply *r, uint32_t type, const char *text);

#endif
