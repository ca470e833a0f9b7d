/*
 * Ring transport. The peer is not trusted: indices are read once per
 * operation into locals, checked (the producer may be at most one ring
 * ahead of the consumer) and every access is masked into the ring, so a
 * peer moving indices arbitrarily only breaks its own connection (and
 * sees XENSTORE_ERROR_RINGIDX in the page's error field).
 */
#include <string.h>

#include "ring.h"
#include "xs_internal.h"

static uint32_t read_idx(volatile uint32_t *p)
{
	uint32_t v = *p;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static void write_idx(volatile uint32_t *p, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* data before index */
	*p = v;
}

static long ring_fail(struct xs_ring *r)
{
	r->broken = true;
	r->intf->error = XENSTORE_ERROR_RINGIDX;
	return -1;
}

static void copy_in(void *dst, volatile const char *ring, uint32_t idx,
		    size_t len)
{
	char *d = dst;
	for (size_t i = 0; i < len; i++)
		d[i] = ring[MASK_XENSTORE_IDX(idx + (uint32_t)i)];
}

static void copy_out(volatile char *ring, uint32_t idx, const void *src,
		     size_t len)
{
	const char *s = src;
	for (size_t i = 0; i < len; i++)
		ring[MASK_XENSTORE_IDX(idx + (uint32_t)i)] = s[i];
}

static long ring_recv(struct xs_transport *t, void *buf, size_t len)
{
	struct xs_ring *r = (struct xs_ring *)t;
	if (r->broken || r->intf->error != XENSTORE_ERROR_NONE)
		return -1;
	uint32_t cons = read_idx(&r->intf->req_cons);
	uint32_t prod = read_idx(&r->intf->req_prod);
	uint32_t avail = prod - cons;
	if (avail > XENSTORE_RING_SIZE)
		return ring_fail(r);
	size_t n = avail < len ? avail : len;
	copy_in(buf, r->intf->req, cons, n);
	if (n)
		write_idx(&r->intf->req_cons, cons + (uint32_t)n);
	return (long)n;
}

static long ring_send(struct xs_transport *t, const void *buf, size_t len)
{
	struct xs_ring *r = (struct xs_ring *)t;
	if (r->broken || r->intf->error != XENSTORE_ERROR_NONE)
		return -1;
	uint32_t cons = read_idx(&r->intf->rsp_cons);
	uint32_t prod = read_idx(&r->intf->rsp_prod);
	uint32_t used = prod - cons;
	if (used > XENSTORE_RING_SIZE)
		return ring_fail(r);
	size_t room = XENSTORE_RING_SIZE - used;
	size_t n = room < len ? room : len;
	copy_out(r->intf->rsp, prod, buf, n);
	if (n)
		write_idx(&r->intf->rsp_prod, prod + (uint32_t)n);
	return (long)n;
}

static void ring_kick(struct xs_transport *t)
{
	struct xs_ring *r = (struct xs_ring *)t;
	if (r->notify)
		r->notify(r->arg);
}

static void ring_close(struct xs_transport *t)
{
	((struct xs_ring *)t)->broken = true;
}

/*
 * Ring reconnection (xenstore-ring.txt): the guest sets the connection
 * state to RECONNECT; the server empties both queues, clears the error,
 * sets the state back to CONNECTED and signals the event channel.
 */
static bool ring_reset(struct xs_transport *t)
{
	struct xs_ring *r = (struct xs_ring *)t;
	if (r->intf->connection != XENSTORE_RECONNECT)
		return false;
	r->intf->req_cons = r->intf->req_prod = 0;
	r->intf->rsp_cons = r->intf->rsp_prod = 0;
	r->intf->error = XENSTORE_ERROR_NONE;
	r->broken = false;
	write_idx(&r->intf->connection, XENSTORE_CONNECTED);
	ring_kick(t);
	return true;
}

static const struct xs_transport_ops ring_ops = {
	ring_recv, ring_send, ring_kick, ring_close, ring_reset,
};

void xs_ring_init(struct xs_ring *r, volatile struct xenstore_domain_interface *intf,
		  void (*notify)(void *arg), void *arg)
{
	r->t.ops = &ring_ops;
	r->intf = intf;
	r->notify = notify;
	r->arg = arg;
	r->broken = false;
	intf->server_features = XS_SUPPORTED_FEATURES;
	intf->connection = XENSTORE_CONNECTED;
}
