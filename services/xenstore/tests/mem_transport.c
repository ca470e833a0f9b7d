#include <string.h>

#include "mem_transport.h"

static long mem_recv(struct xs_transport *t, void *buf, size_t len)
{
	struct mem_transport *m = (struct mem_transport *)t;
	size_t n = m->in_len - m->in_off;
	if (n > len)
		n = len;
	memcpy(buf, m->in + m->in_off, n);
	m->in_off += n;
	return (long)n;
}

static long mem_send(struct xs_transport *t, const void *buf, size_t len)
{
	struct mem_transport *m = (struct mem_transport *)t;
	if (m->blocked)
		return 0;
	if (m->out) {
		if (len > m->out_cap - m->out_len)
			len = m->out_cap - m->out_len;
		memcpy(m->out + m->out_len, buf, len);
		m->out_len += len;
	}
	m->out_bytes += len;
	return (long)len;
}

static const struct xs_transport_ops mem_ops = { mem_recv, mem_send, NULL,
						 NULL, NULL };

void mem_init(struct mem_transport *m, char *out, size_t out_cap)
{
	memset(m, 0, sizeof(*m));
	m->t.ops = &mem_ops;
	m->out = out;
	m->out_cap = out_cap;
}

void mem_feed(struct mem_transport *m, const void *data, size_t len)
{
	if (!len)
		return;
	if (m->in_off == m->in_len)
		m->in_off = m->in_len = 0;
	if (len > sizeof(m->in) - m->in_len)
		len = sizeof(m->in) - m->in_len;
	memcpy(m->in + m->in_len, data, len);
	m->in_len += len;
}
