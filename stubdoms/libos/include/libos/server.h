/*
 * The server side of the stub-domain service protocol (<libos/service.h>)
 * on Tessera: one thread receives on the service's endpoint, with the
 * notification its domains kick bound to it, so one receive waits for
 * both. Caps a request brings land in a two-slot receive window; the
 * service keeps them (svc_keep_caps) or they are deleted before the next
 * receive.
 *
 * A domain's "event channel" is, until Xen event channels exist, a pair
 * of notifications: the domain signals a copy of the service's
 * notification badged svc_kick_badge(domid); the service signals the
 * notification the control domain gave with the ring (struct svc_evtchn).
 */
#ifndef LIBOS_SERVER_H
#define LIBOS_SERVER_H

#include <stdint.h>
#include <tessera/abi.h>
#include <libos/service.h>

/* The badge of the kick caps of domain domid (bits 0..61; 62 and 63 are libos's). */
static inline uint64_t svc_kick_badge(uint32_t domid) { return 1ull << (domid % 62); }
static inline int svc_kicked(uint64_t word, uint32_t domid) { return (word & svc_kick_badge(domid)) != 0; }

/* The service's end of a domain's event channel. */
struct svc_evtchn {
	uint64_t signal;	/* notification cap (WRITE) that wakes the domain */
};
void svc_evtchn_notify(const struct svc_evtchn *e);

struct svc_server {
	uint64_t ep;		/* the endpoint served (READ) */
	uint64_t window;	/* first of the two empty slots caps land in */
	uint64_t free_pairs[16];	/* windows given back by svc_drop_caps */
	unsigned nr_free;
	int selftest;		/* started with the word "selftest" */
};

struct svc_request {
	uint64_t label;		/* 0: a notification; badge is its word */
	uint64_t badge;
	unsigned nr_mrs, nr_caps;
	uint64_t caps;		/* the slot of the first cap that came (then caps + 1) */
	uint64_t mr[TS_MSG_MAX_LENGTH];
};

/*
 * Reads the keys svc=SLOT (endpoint) and events=SLOT (notification) and
 * binds the notification to the calling thread. Returns 0 or -1.
 */
int svc_server_init(struct svc_server *s);

/* Waits for the next request or notification. */
void svc_receive(struct svc_server *s, struct svc_request *req);

/* The request's caps stay with the service (a fresh window is taken). Returns 0 or -1. */
int svc_keep_caps(struct svc_server *s, const struct svc_request *req);
/* Deletes two kept caps (first, first + 1) and reuses their slots. */
void svc_drop_caps(struct svc_server *s, uint64_t first);

/* Replies with label status and n MRs. */
void svc_reply(unsigned status, const uint64_t *mr, unsigned n);

/* What a service does with each kind of message (svc_serve). */
struct svc_handlers {
	void (*kicked)(uint64_t word);			/* domains signalled: the word's bits */
	void (*introduce)(struct svc_request *req);	/* from the control domain only */
	void (*release)(struct svc_request *req);	/* from the control domain only */
	int (*other)(struct svc_request *req);		/* 1 if it answered; may be NULL */
	void (*settle)(void);				/* after each message; may be NULL */
};

/*
 * The service's loop: receives, dispatches, answers EPERM to an
 * INTRODUCE or RELEASE not from the control domain and EINVAL to an
 * unknown label. Never returns.
 */
void svc_serve(struct svc_server *s, const struct svc_handlers *h) __attribute__((noreturn));

/*
 * SVC_SELFTEST and SVC_PROBE_READ, answered only when started with
 * "selftest" (the isolation test): SELFTEST tries the Console cap slot
 * (write, then read the kernel log) and the slot in MR0, and replies
 * their errors in MR0..MR2; PROBE_READ reads the byte at address MR0.
 * Returns 1 if it handled (and answered) the request.
 */
int svc_selftest(struct svc_server *s, const struct svc_request *req);

#endif
