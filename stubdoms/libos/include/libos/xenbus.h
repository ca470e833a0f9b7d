/*
 * A xenbus client: XenStore requests over the shared ring page of a
 * domain connection (struct xenstore_domain_interface, Xen's
 * io/xs_wire.h layout). Pure code: the caller supplies how to notify
 * xenstored (kick) and how to wait for it (wait); on Tessera those are a
 * notification signal and a libos event. One request at a time; watch
 * events that arrive meanwhile are queued.
 */
#ifndef LIBOS_XENBUS_H
#define LIBOS_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#define XENBUS_EVENT_QUEUE	4
#define XENBUS_MSG_MAX		4096	/* XENSTORE_PAYLOAD_MAX */

struct xenbus {
	volatile struct xenstore_domain_interface *intf;
	void (*kick)(void *arg);	/* tell xenstored the ring moved */
	int (*wait)(void *arg);		/* wait until it may have moved; nonzero gives up */
	void *arg;
	uint32_t next_req_id;
	unsigned nr_events;		/* queued watch events ("path\0token\0") */
	uint32_t event_len[XENBUS_EVENT_QUEUE];
	char events[XENBUS_EVENT_QUEUE][XENBUS_MSG_MAX];
	char msg[XENBUS_MSG_MAX];	/* scratch for one message */
};

void xenbus_init(struct xenbus *xb, volatile void *page, void (*kick)(void *arg),
		 int (*wait)(void *arg), void *arg);

/*
 * Sends a request whose payload is the two parts a and b, waits for its
 * reply and copies its payload to reply (cut to size). Returns the reply
 * length (before the cut), or -errno: the name xenstored sent (ENOENT,
 * EACCES, ...), E2BIG for a request too large, EIO for a broken ring
 * or protocol, ETIMEDOUT when wait gives up.
 */
long xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const void *a, size_t alen,
		    const void *b, size_t blen, char *reply, size_t size);

/* Reads a node's value, NUL-terminated (cut to size); returns its length or -errno. */
long xenbus_read(struct xenbus *xb, const char *path, char *value, size_t size);
/* Writes value (without its NUL) to path; returns 0 or -errno. */
int xenbus_write(struct xenbus *xb, const char *path, const char *value);
int xenbus_mkdir(struct xenbus *xb, const char *path);
int xenbus_rm(struct xenbus *xb, const char *path);
/* The children's names, each NUL-terminated, back to back; returns the byte count or -errno. */
long xenbus_directory(struct xenbus *xb, const char *path, char *names, size_t size);
int xenbus_watch(struct xenbus *xb, const char *path, const char *token);
int xenbus_unwatch(struct xenbus *xb, const char *path, const char *token);
/*
 * The next watch event: its path and token, NUL-terminated (cut to their
 * sizes). Waits for one if none is queued. Returns 0 or -errno.
 */
int xenbus_next_event(struct xenbus *xb, char *path, size_t psize, char *token, size_t tsize);

#endif
