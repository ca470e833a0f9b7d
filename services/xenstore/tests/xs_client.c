/* Test client of the XenStore wire protocol over a Unix socket. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xs_client.h"

int xsc_connect(struct xsc *c, const char *path, int timeout_ms)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memset(c, 0, sizeof(*c));
	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	for (int waited = 0;; waited += 20) {
		c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c->fd < 0)
			return -1;
		if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return 0;
		close(c->fd);
		if (waited >= timeout_ms)
			return -1;
		usleep(20000);
	}
}

void xsc_close(struct xsc *c)
{
	struct xsc_event ev;
	while (c->ev_count) {
		ev = c->ev[c->ev_head];
		c->ev_head = (c->ev_head + 1) % XSC_MAX_EVENTS;
		c->ev_count--;
		xsc_event_free(&ev);
	}
	close(c->fd);
	c->fd = -1;
}

int xsc_send_raw(struct xsc *c, const void *buf, uint32_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(c->fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, uint32_t len, int timeout_ms)
{
	char *p = buf;
	while (len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		ssize_t n = read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

/* Reads one message; events go to the queue and return 1. */
static int read_message(struct xsc *c, struct xsc_reply *r, int timeout_ms)
{
	struct xs_msg_header h;
	if (read_full(c->fd, &h, sizeof(h), timeout_ms) ||
	    h.len > XENSTORE_PAYLOAD_MAX ||
	    read_full(c->fd, r->data, h.len, timeout_ms))
		return -1;
	r->data[h.len] = '\0';
	r->type = h.type;
	r->tx_id = h.tx_id;
	r->len = h.len;
	if (h.type != XS_WATCH_EVENT)
		return 0;
	size_t pl = strnlen(r->data, h.len);
	if (c->ev_count < XSC_MAX_EVENTS && pl < h.len) {
		struct xsc_event *e =
			&c->ev[(c->ev_head + c->ev_count) % XSC_MAX_EVENTS];
		e->path = strdup(r->data);
		e->token = strndup(r->data + pl + 1, h.len - pl - 1);
		c->ev_count++;
	}
	return 1;
}

int xsc_request(struct xsc *c, uint32_t type, uint32_t tx, const void *payload,
		uint32_t len, struct xsc_reply *r)
{
	struct xs_msg_header h = { type, ++c->next_req, tx, len };
	if (xsc_send_raw(c, &h, sizeof(h)) || xsc_send_raw(c, payload, len))
		return -1;
	for (;;) {
		int k = read_message(c, r, 5000);
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
	}
}

int xsc_vop(struct xsc *c, uint32_t type, uint32_t tx, struct xsc_reply *r,
	    va_list ap)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	uint32_t len = 0;
	for (const char *s; (s = va_arg(ap, const char *));) {
		size_t l = strlen(s) + 1;
		if (len + l > sizeof(buf))
			return -1;
		memcpy(buf + len, s, l);
		len += (uint32_t)l;
	}
	return xsc_request(c, type, tx, buf, len, r);
}

int xsc_op(struct xsc *c, uint32_t type, uint32_t tx, struct xsc_reply *r, ...)
{
	va_list ap;
	va_start(ap, r);
	int rc = xsc_vop(c, type, tx, r, ap);
	va_end(ap);
	return rc;
}

int xsc_event(struct xsc *c, int timeout_ms, struct xsc_event *ev)
{
	static struct xsc_reply r;
	while (!c->ev_count) {
		int k = read_message(c, &r, timeout_ms);
		if (k <= 0)
			return 0;	/* timeout, or a stray reply */
	}
	*ev = c->ev[c->ev_head];
	c->ev_head = (c->ev_head + 1) % XSC_MAX_EVENTS;
	c->ev_count--;
	return 1;
}

void xsc_event_free(struct xsc_event *ev)
{
	free(ev->path);
	free(ev->token);
	ev->path = ev->token = NULL;
}

bool xsc_closed(struct xsc *c, int timeout_ms)
{
	char b[256];
	for (;;) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return false;
		ssize_t n = read(c->fd, b, sizeof(b));
		if (n <= 0)
			return n == 0;	/* unread replies are skipped */
	}
}

bool xsc_is_error(const struct xsc_reply *r, const char *name)
{
	return r->type == XS_ERROR && r->len == strlen(name) + 1 &&
	       strcmp(r->data, name) == 0;
}

bool xsc_is(const struct xsc_reply *r, uint32_t type, const char *text)
{
	return r->type == type && r->len == strlen(text) + 1 &&
	       strcmp(r->data, text) == 0;
}
