/*
 * Tessera xenstored: the XenStore database and protocol as a portable C11
 * library. It does no I/O itself: a front end (the host daemon's Unix
 * socket, or a stub domain's shared ring) hands it a transport per
 * connection and calls xs_conn_process() whenever the transport may have
 * input or room for output.
 */
#ifndef XENSTORE_H
#define XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_store;
struct xs_conn;

/* Errors, in the order of Xen's xsd_errors table, plus oxenstored's EQUOTA. */
enum xs_error {
	XS_OK,
	XS_EINVAL, XS_EACCES, XS_EEXIST, XS_EISDIR, XS_ENOENT, XS_ENOMEM,
	XS_ENOSPC, XS_EIO, XS_ENOTEMPTY, XS_ENOSYS, XS_EROFS, XS_EBUSY,
	XS_EAGAIN, XS_EISCONN, XS_E2BIG, XS_EPERM, XS_EQUOTA,
	XS_ERROR_COUNT
};
/* The string the wire carries for an error, e.g. "ENOENT". */
const char *xs_error_name(int err);

/*
 * One connection's byte stream. recv/send move at most len bytes and
 * return how many they moved (0: nothing possible now) or -1 when the
 * connection is broken. kick tells the peer that something moved (event
 * channel notify for rings; nothing for sockets). close releases the
 * transport; the library calls it when it frees the connection. reset
 * (may be NULL) returns true when the peer asked to start afresh and the
 * transport has been emptied: the connection then forgets its partial
 * messages, queued replies, watches and transactions.
 */
struct xs_transport;
struct xs_transport_ops {
	long (*recv)(struct xs_transport *t, void *buf, size_t len);
	long (*send)(struct xs_transport *t, const void *buf, size_t len);
	void (*kick)(struct xs_transport *t);
	void (*close)(struct xs_transport *t);
	bool (*reset)(struct xs_transport *t);
};
struct xs_transport {
	const struct xs_transport_ops *ops;
};

/* Per-domain quotas; 0 disables a quota. Names are those of GET_QUOTA. */
enum xs_quota {
	XS_Q_NODES,		/* nodes owned by the domain */
	XS_Q_WATCHES,		/* watches registered by the domain */
	XS_Q_TRANSACTIONS,	/* open transactions per connection */
	XS_Q_NODE_SIZE,		/* bytes of one node's value */
	XS_Q_PERMISSIONS,	/* permission entries per node */
	XS_Q_OUTSTANDING,	/* replies queued but not yet taken by the peer */
	XS_Q_TRANSACTION_NODES,	/* nodes one transaction may access */
	XS_Q_PATH_MAX,		/* path length below the domain's home */
	XS_Q_WATCH_EVENTS,	/* watch events queued for one connection */
	XS_Q_COUNT
};

const char *xs_quota_name(enum xs_quota q);
int xs_quota_lookup(const char *name);	/* -1 if unknown */

struct xs_config {
	uint32_t quota[XS_Q_COUNT];
	/* RELEASE gives the nodes a domain owned to Dom0 instead of removing
	 * them (Xen's --keep-orphans; unbounded: guests can fill the store). */
	bool keep_orphans;
	/* One line of log text, without newline (quota refusals, errors). */
	void (*log)(void *arg, const char *line);
	/* One line of request/response trace, when tracing is on. */
	void (*trace)(void *arg, const char *line);
	void *arg;
	/*
	 * INTRODUCE asks the platform for the domain's ring. Returns 0 and
	 * sets *t (NULL when the platform has no rings, as on the host), or
	 * an error number from enum xs_error.
	 */
	int (*introduce)(void *arg, uint32_t domid, uint64_t gfn,
			 uint32_t evtchn, struct xs_transport **t);
};

/* Fills cfg with Xen 4.17's default quotas and no callbacks. */
void xs_config_defaults(struct xs_config *cfg);

struct xs_store *xs_store_new(const struct xs_config *cfg);
void xs_store_free(struct xs_store *st);
void xs_store_set_trace(struct xs_store *st, bool on);

/*
 * A new connection acting for domain domid: 0 is the privileged control
 * domain (socket clients). The store takes ownership of t.
 */
struct xs_conn *xs_conn_new(struct xs_store *st, struct xs_transport *t,
			    uint32_t domid);
/* Reads and handles every complete request, then flushes replies. */
void xs_conn_process(struct xs_conn *c);
/* True when the connection broke or its domain was released. */
bool xs_conn_dead(const struct xs_conn *c);
/* True while replies or events wait for room in the transport. */
bool xs_conn_has_output(const struct xs_conn *c);
void xs_conn_free(struct xs_conn *c);
uint32_t xs_conn_domid(const struct xs_conn *c);

/* Calls fn for each live connection (for front ends that poll). */
void xs_store_each_conn(struct xs_store *st,
			void (*fn)(struct xs_conn *c, void *arg), void *arg);

/* Consistency check of every index and counter: 0 if sound. */
int xs_store_check(struct xs_store *st, char *why, size_t whylen);

/* Counters for tests, the fuzzer and the benchmark. */
struct xs_stats {
	size_t nodes;		/* nodes in the tree */
	size_t node_bytes;	/* bytes of paths, values, children, perms */
	size_t watches;
	size_t transactions;
	size_t domains;
};
void xs_store_stats(struct xs_store *st, struct xs_stats *out);
/* Nodes owned by, and watches of, one domain (0 if unknown). */
size_t xs_domain_nodes(struct xs_store *st, uint32_t domid);
size_t xs_domain_watches(struct xs_store *st, uint32_t domid);
uint32_t xs_domain_quota(struct xs_store *st, uint32_t domid, enum xs_quota q);

#endif
