/*
 * Connections: reassembling requests from a transport's byte stream,
 * queueing replies and watch events, and flushing them as the transport
 * takes them. Works the same over a socket and over a shared ring.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

struct xs_conn *xs_conn_new(struct xs_store *st, struct xs_transport *t,
			    uint32_t domid)
{
	struct xs_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->dom = xs_domain_get(st, domid, true);
	if (!c->dom) {
		free(c);
		return NULL;
	}
	c->st = st;
	c->tr = t;
	c->id = ++st->next_conn_id;
	c->next = st->conns;
	if (st->conns)
		st->conns->prev = c;
	st->conns = c;
	xs_trace_conn(c, "CONNECT");
	return c;
}

uint32_t xs_conn_domid(const struct xs_conn *c)
{
	return c->dom->domid;
}

bool xs_conn_dead(const struct xs_conn *c)
{
	return c->dead;
}

bool xs_conn_has_output(const struct xs_conn *c)
{
	return c->out_head != NULL;
}

static void drop_output(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_out *o = c->out_head;
		c->out_head = o->next;
		free(o);
	}
	c->out_tail = NULL;
	c->out_off = 0;
	c->out_replies = c->out_events = 0;
	c->events_dropped = 0;
}

/* A peer that starts afresh: nothing of its past stays. */
static void forget(struct xs_conn *c)
{
	xs_watch_remove_all(c);
	xs_tx_free_all(c);
	drop_output(c);
	free(c->body);
	c->body = NULL;
	c->hdr_used = 0;
}

/* Ends a connection's life: its watches and transactions go at once. */
void xs_conn_kill(struct xs_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	forget(c);
	xs_trace_conn(c, "DEAD");
}

void xs_conn_free(struct xs_conn *c)
{
	struct xs_store *st = c->st;
	xs_conn_kill(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		st->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->dom->ring_conn == c)
		c->dom->ring_conn = NULL;
	if (c->tr && c->tr->ops->close)
		c->tr->ops->close(c->tr);
	free(c);
}

int xs_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
	     uint32_t tx_id, const void *payload, uint32_t len, bool event)
{
	if (c->dead)
		return XS_OK;
	struct xs_out *o = malloc(sizeof(*o) + XS_HEADER_SIZE + len);
	if (!o)
		return XS_ENOMEM;
	struct xs_msg_header h = { type, req_id, tx_id, len };
	memcpy(o->data, &h, XS_HEADER_SIZE);
	if (len)
		memcpy(o->data + XS_HEADER_SIZE, payload, len);
	o->len = XS_HEADER_SIZE + len;
	o->event = event;
	o->next = NULL;
	if (c->out_tail)
		c->out_tail->next = o;
	else
		c->out_head = o;
	c->out_tail = o;
	if (event)
		c->out_events++;
	else
		c->out_replies++;
	xs_trace_msg(c, "OUT", &h, o->data + XS_HEADER_SIZE);
	return XS_OK;
}

/* Sends what the transport takes; returns true if anything moved. */
static bool flush(struct xs_conn *c)
{
	bool moved = false;
	while (c->out_head && !c->dead) {
		struct xs_out *o = c->out_head;
		long n = c->tr->ops->send(c->tr, o->data + c->out_off,
					  o->len - c->out_off);
		if (n < 0) {
			xs_conn_kill(c);
			break;
		}
		if (n == 0)
			break;
		moved = true;
		c->out_off += (uint32_t)n;
		if (c->out_off < o->len)
			continue;
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_off = 0;
		if (o->event)
			c->out_events--;
		else
			c->out_replies--;
		free(o);
	}
	if (c->events_dropped && !c->out_head) {
		xs_log(c->st, "connection %u (domain %u) reads again: %u watch events were dropped",
		       (unsigned)c->id, (unsigned)c->dom->domid,
		       (unsigned)c->events_dropped);
		c->events_dropped = 0;
	}
	return moved;
}

/* Reads toward one complete request; true when one is ready. */
static bool read_request(struct xs_conn *c, bool *moved)
{
	while (c->hdr_used < XS_HEADER_SIZE) {
		long n = c->tr->ops->recv(c->tr, c->hdr_buf + c->hdr_used,
					  XS_HEADER_SIZE - c->hdr_used);
		if (n <= 0) {
			if (n < 0)
				xs_conn_kill(c);
			return false;
		}
		*moved = true;
		c->hdr_used += (uint32_t)n;
		if (c->hdr_used < XS_HEADER_SIZE)
			continue;
		memcpy(&c->hdr, c->hdr_buf, XS_HEADER_SIZE);
		/* Too long a payload kills the connection, as in Xen. */
		if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
			xs_log(c->st, "connection %u (domain %u): payload of %u bytes, closing",
			       (unsigned)c->id, (unsigned)c->dom->domid,
			       (unsigned)c->hdr.len);
			xs_conn_kill(c);
			return false;
		}
		c->body = malloc(c->hdr.len + 1);
		if (!c->body) {
			xs_conn_kill(c);
			return false;
		}
		c->body_used = 0;
	}
	while (c->body_used < c->hdr.len) {
		long n = c->tr->ops->recv(c->tr, c->body + c->body_used,
					  c->hdr.len - c->body_used);
		if (n <= 0) {
			if (n < 0)
				xs_conn_kill(c);
			return false;
		}
		*moved = true;
		c->body_used += (uint32_t)n;
	}
	c->body[c->hdr.len] = '\0';
	return true;
}

void xs_conn_process(struct xs_conn *c)
{
	if (!c->dead && c->tr->ops->reset && c->tr->ops->reset(c->tr)) {
		forget(c);
		xs_trace_conn(c, "RESET");
	}
	bool moved = flush(c);
	while (!c->dead) {
		/* Outstanding replies hold back further requests. */
		if (xs_quota_exceeded(c, XS_Q_OUTSTANDING, c->out_replies + 1)) {
			moved |= flush(c);
			if (xs_quota_exceeded(c, XS_Q_OUTSTANDING,
					      c->out_replies + 1))
				break;
		}
		if (!read_request(c, &moved))
			break;
		char *body = c->body;
		struct xs_msg_header h = c->hdr;
		c->body = NULL;
		c->hdr_used = 0;
		xs_handle_message(c, &h, body);
		free(body);
		moved |= flush(c);
	}
	moved |= flush(c);
	if (moved && !c->dead && c->tr->ops->kick)
		c->tr->ops->kick(c->tr);
}

void xs_store_each_conn(struct xs_store *st,
			void (*fn)(struct xs_conn *c, void *arg), void *arg)
{
	struct xs_conn *c = st->conns;
	while (c) {
		struct xs_conn *next = c->next;
		fn(c, arg);
		c = next;
	}
}
