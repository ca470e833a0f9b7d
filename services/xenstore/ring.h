/*
 * The shared-ring transport of a domain connection: xenstored's side of
 * the xenstore_domain_interface page (requests in, replies and watch
 * events out) plus the event channel it notifies.
 */
#ifndef XS_RING_H
#define XS_RING_H

#include "xenstore.h"
#include "xs_wire.h"

struct xs_ring {
	struct xs_transport t;
	volatile struct xenstore_domain_interface *intf;
	void (*notify)(void *arg);	/* signal the domain's event channel */
	void *arg;
	bool broken;
};

/*
 * Makes the transport for a mapped page and advertises the server's
 * features. The page stays owned by the caller; close() only marks the
 * transport unusable.
 */
void xs_ring_init(struct xs_ring *r, volatile struct xenstore_domain_interface *intf,
		  void (*notify)(void *arg), void *arg);

#endif
