/*
 * xenbus client over the XenStore shared ring. xenstored is not
 * trusted with our memory: its indices are read once, checked (a
 * producer at most one ring ahead) and every access is masked into the
 * ring; a bad index or header breaks the connection with EIO.
 */
#include <errno.h>
#include <string.h>
#include <libos/xenbus.h>
#include "xs_wire.h"

static uint32_t load_idx(volatile uint32_t *p)
{
	uint32_t v = *p;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static void store_idx(volatile uint32_t *p, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the data before the index */
	*p = v;
}

void xenbus_init(struct xenbus *xb, volatile void *page, void (*kick)(void *arg),
		 int (*wait)(void *arg), void *arg)
{
	xb->intf = page;
	xb->kick = kick;
	xb->wait = wait;
	xb->arg = arg;
	xb->next_req_id = 1;
	xb->nr_events = 0;
}

static int ring_write(struct xenbus *xb, const void *data, size_t len)
{
	volatile struct xenstore_domain_interface *intf = xb->intf;
	const char *p = data;

	while (len > 0) {
		uint32_t prod = intf->req_prod, used = prod - load_idx(&intf->req_cons);
		size_t n;

		if (used > XENSTORE_RING_SIZE)
			return -EIO;
		if (used == XENSTORE_RING_SIZE) {
			xb->kick(xb->arg);
			if (xb->wait(xb->arg) != 0)
				return -ETIMEDOUT;
			continue;
		}
		n = XENSTORE_RING_SIZE - used < len ? XENSTORE_RING_SIZE - used : len;
		for (size_t i = 0; i < n; i++)
			intf->req[MASK_XENSTORE_IDX(prod + (uint32_t)i)] = p[i];
		store_idx(&intf->req_prod, prod + (uint32_t)n);
		p += n;
		len -= n;
	}
	return 0;
}

/* Reads len bytes into buf (NULL: skip them). */
static int ring_read(struct xenbus *xb, void *buf, size_t len)
{
	volatile struct xenstore_domain_interface *intf = xb->intf;
	char *p = buf;

	while (len > 0) {
		uint32_t cons = intf->rsp_cons, avail = load_idx(&intf->rsp_prod) - cons;
		size_t n;

		if (avail > XENSTORE_RING_SIZE)
			return -EIO;
		if (avail == 0) {
			if (xb->wait(xb->arg) != 0)
				return -ETIMEDOUT;
			continue;
		}
		n = avail < len ? avail : len;
		for (size_t i = 0; p && i < n; i++)
			p[i] = intf->rsp[MASK_XENSTORE_IDX(cons + (uint32_t)i)];
		store_idx(&intf->rsp_cons, cons + (uint32_t)n);
		xb->kick(xb->arg);	/* xenstored may wait for room */
		if (p)
			p += n;
		len -= n;
	}
	return 0;
}

/* Reads one message: header, then its payload into xb->msg. */
static int read_message(struct xenbus *xb, struct xs_msg_header *h)
{
	int err = ring_read(xb, h, sizeof(*h));

	if (err == 0 && h->len > XENBUS_MSG_MAX)
		err = -EIO;
	if (err == 0)
		err = ring_read(xb, xb->msg, h->len);
	return err;
}

static void queue_event(struct xenbus *xb, uint32_t len)
{
	/* A full queue drops the oldest: the watch fires again on the next change. */
	if (xb->nr_events == XENBUS_EVENT_QUEUE) {
		memmove(xb->events[0], xb->events[1], sizeof(xb->events[0]) * (XENBUS_EVENT_QUEUE - 1));
		memmove(xb->event_len, xb->event_len + 1, sizeof(xb->event_len[0]) * (XENBUS_EVENT_QUEUE - 1));
		xb->nr_events--;
	}
	memcpy(xb->events[xb->nr_events], xb->msg, len);
	xb->event_len[xb->nr_events++] = len;
}

static int error_number(const char *name, size_t len)
{
	static const struct { const char *name; int err; } names[] = {
		{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
		{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
		{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
		{ "EPERM", EPERM }, { "EQUOTA", EDQUOT },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strnlen(name, len) == strlen(names[i].name) &&
		    strncmp(name, names[i].name, len) == 0)
			return names[i].err;
	}
	return EIO;
}

long xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const void *a, size_t alen,
		    const void *b, size_t blen, char *reply, size_t size)
{
	struct xs_msg_header h = { type, xb->next_req_id++, tx, (uint32_t)(alen + blen) };
	int err;

	if (alen > XENSTORE_PAYLOAD_MAX || blen > XENSTORE_PAYLOAD_MAX - alen)
		return -E2BIG;
	err = ring_write(xb, &h, sizeof(h));
	if (err == 0)
		err = ring_write(xb, a, alen);
	if (err == 0)
		err = ring_write(xb, b, blen);
	if (err != 0)
		return err;
	xb->kick(xb->arg);
	for (;;) {
		struct xs_msg_header r;

		if ((err = read_message(xb, &r)) != 0)
			return err;
		if (r.type == XS_WATCH_EVENT) {
			queue_event(xb, r.len);
			continue;
		}
		if (r.req_id != h.req_id)
			return -EIO;
		if (r.type == XS_ERROR)
			return -error_number(xb->msg, r.len);
		if (r.type != type)
			return -EIO;
		memcpy(reply, xb->msg, r.len < size ? r.len : size);
		return (long)r.len;
	}
}

/* A request with "path\0" (+ extra) as payload whose reply is "OK". */
static int simple(struct xenbus *xb, uint32_t type, const char *path, const void *extra, size_t elen)
{
	char ok[3];
	long n = xenbus_request(xb, type, 0, path, strlen(path) + 1, extra, elen, ok, sizeof(ok));

	return n < 0 ? (int)n : 0;
}

long xenbus_read(struct xenbus *xb, const char *path, char *value, size_t size)
{
	long n;

	if (size == 0)
		return -EINVAL;
	n = xenbus_request(xb, XS_READ, 0, path, strlen(path) + 1, NULL, 0, value, size - 1);
	if (n >= 0)
		value[(size_t)n < size - 1 ? (size_t)n : size - 1] = '\0';
	return n;
}

int xenbus_write(struct xenbus *xb, const char *path, const char *value)
{
	return simple(xb, XS_WRITE, path, value, strlen(value));
}

int xenbus_mkdir(struct xenbus *xb, const char *path)
{
	return simple(xb, XS_MKDIR, path, NULL, 0);
}

int xenbus_rm(struct xenbus *xb, const char *path)
{
	return simple(xb, XS_RM, path, NULL, 0);
}

long xenbus_directory(struct xenbus *xb, const char *path, char *names, size_t size)
{
	return xenbus_request(xb, XS_DIRECTORY, 0, path, strlen(path) + 1, NULL, 0, names, size);
}

int xenbus_watch(struct xenbus *xb, const char *path, const char *token)
{
	return simple(xb, XS_WATCH, path, token, strlen(token) + 1);
}

int xenbus_unwatch(struct xenbus *xb, const char *path, const char *token)
{
	return simple(xb, XS_UNWATCH, path, token, strlen(token) + 1);
}

/* Copies the NUL-terminated string at *p (inside [.., end)) to out, cut to size. */
static int take_string(const char **p, const char *end, char *out, size_t size)
{
	size_t n = strnlen(*p, (size_t)(end - *p));

	if (n == (size_t)(end - *p) || size == 0)
		return -EIO;
	memcpy(out, *p, n < size - 1 ? n : size - 1);
	out[n < size - 1 ? n : size - 1] = '\0';
	*p += n + 1;
	return 0;
}

int xenbus_next_event(struct xenbus *xb, char *path, size_t psize, char *token, size_t tsize)
{
	const char *p, *end;
	int err;

	while (xb->nr_events == 0) {
		struct xs_msg_header r;

		if ((err = read_message(xb, &r)) != 0)
			return err;
		if (r.type != XS_WATCH_EVENT)
			return -EIO;	/* a reply nobody asked for */
		queue_event(xb, r.len);
	}
	p = xb->events[0];
	end = p + xb->event_len[0];
	err = take_string(&p, end, path, psize);
	if (err == 0)
		err = take_string(&p, end, token, tsize);
	xb->nr_events--;
	memmove(xb->events[0], xb->events[1], sizeof(xb->events[0]) * xb->nr_events);
	memmove(xb->event_len, xb->event_len + 1, sizeof(xb->event_len[0]) * xb->nr_events);
	return err;
}
