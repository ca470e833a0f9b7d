/*
 * The control domain's side of the stub-domain services (the protocol of
 * <libos/service.h>, docs/stubdoms.md "Services"), on libtessera: build
 * a service stub domain with its endpoint and notification, give domains
 * the caps that kick it, introduce and release domains, and attach to a
 * domain's console as `xl console` does.
 */
#ifndef STUBDOM_SERVICE_H
#define STUBDOM_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include "stubdom.h"

struct stubdom_service {
	struct ts_domain dom;
	uint64_t endpoint;	/* the service's endpoint (all rights: mint client caps from it) */
	uint64_t ctl;		/* WRITE|GRANT copy badged SVC_BADGE_CONTROL */
	uint64_t events;	/* its notification (all rights: mint kick caps from it) */
};

/*
 * stubdom_create plus a new endpoint (key svc=, READ) and notification
 * (key events=, READ). Not started: give more, then ts_domain_start.
 */
int stubdom_service_create(const struct stubdom_config *cfg, struct stubdom_service *s);

/* Gives d, under key, a WRITE copy of s's notification badged for domid. */
int stubdom_give_kick(struct ts_domain *d, const char *key, const struct stubdom_service *s,
		      uint32_t domid);

/*
 * A request on a service endpoint: label, n MRs, nr_caps caps; reply (if
 * not NULL) gets the reply's MRs (room for TS_MSG_MAX_LENGTH). Returns the
 * reply's label (an enum svc_status).
 */
unsigned stubdom_service_call(uint64_t ep, uint64_t label, const uint64_t *mr, unsigned n,
			      const uint64_t *caps, unsigned nr_caps, uint64_t *reply);

/*
 * SVC_INTRODUCE of domid named name with its ring frame and a WRITE copy
 * of ntfn badged 1 (the notification that wakes it; unbadged, it gets it). Returns an enum svc_status
 * (SVC_ENOMEM if no slot was left for the copy).
 */
unsigned stubdom_service_introduce(const struct stubdom_service *s, uint32_t domid,
				   const char *name, uint64_t frame, uint64_t ntfn);
unsigned stubdom_service_release(const struct stubdom_service *s, uint32_t domid);

/* Console clients: ep is a WRITE cap of the console endpoint with the client's own badge. */
/*
 * Attaches to domid's console; with ntfn (0: none), the service signals
 * a WRITE copy badged badge (nonzero) whenever the domain writes output.
 * flags: CONS_ATTACH_* (<libos/service.h>).
 */
unsigned stubdom_console_attach(uint64_t ep, uint32_t domid, uint64_t ntfn, uint64_t badge,
				unsigned flags);
/*
 * Output from the client's position on: the count (≤ SVC_BYTES_MAX), or
 * -status. Bytes beyond size are lost: give SVC_BYTES_MAX bytes of room.
 */
long stubdom_console_read(uint64_t ep, char *buf, size_t size);
/*
 * Input (at most SVC_BYTES_MAX bytes): the count the domain's ring took,
 * or -status; *detached = 1 if buf held Ctrl-] (the input stopped there).
 */
long stubdom_console_write(uint64_t ep, const char *buf, size_t n, int *detached);

#endif
