/* A privileged connection to xenstored's library over memory. */
#include <string.h>
#include <libos/service.h>
#include "internal_conn.h"

static long mem_recv(struct xs_transport *t, void *buf, size_t len)
{
	struct internal_conn *ic = (struct internal_conn *)t;
	size_t n = ic->in_len - ic->in_pos < len ? ic->in_len - ic->in_pos : len;

	memcpy(buf, ic->in + ic->in_pos, n);
	ic->in_pos += n;
	return (long)n;
}

static long mem_send(struct xs_transport *t, const void *buf, size_t len)
{
	struct internal_conn *ic = (struct internal_conn *)t;
	size_t room = sizeof(ic->out) - ic->out_len, n = len < room ? len : room;

	memcpy(ic->out + ic->out_len, buf, n);
	ic->out_len += n;
	return (long)n;
}

static const struct xs_transport_ops mem_ops = { mem_recv, mem_send, NULL, NULL, NULL };

int internal_conn_init(struct internal_conn *ic, struct xs_store *st)
{
	memset(ic, 0, sizeof(*ic));
	ic->t.ops = &mem_ops;
	ic->conn = xs_conn_new(st, &ic->t, 0);
	return ic->conn ? 0 : -1;
}

int internal_request(struct internal_conn *ic, uint32_t type, const char *payload)
{
	struct xs_msg_header h = { type, ++ic->req_id, 0, (uint32_t)strlen(payload) };
	char err[16] = "";

	if (h.len > sizeof(ic->in) - XS_HEADER_SIZE)
		return SVC_EINVAL;
	memcpy(ic->in, &h, XS_HEADER_SIZE);
	for (size_t i = 0; i < h.len; i++)
		ic->in[XS_HEADER_SIZE + i] = payload[i] == '|' ? 0 : payload[i];
	ic->in_len = XS_HEADER_SIZE + h.len;
	ic->in_pos = 0;
	ic->out_len = 0;
	xs_conn_process(ic->conn);
	if (ic->out_len < XS_HEADER_SIZE)
		return SVC_EINVAL;
	memcpy(&h, ic->out, XS_HEADER_SIZE);
	if (h.type != XS_ERROR)
		return SVC_OK;
	memcpy(err, ic->out + XS_HEADER_SIZE,
	       ic->out_len - XS_HEADER_SIZE < sizeof(err) - 1 ? ic->out_len - XS_HEADER_SIZE
							   : sizeof(err) - 1);
	if (strcmp(err, "EEXIST") == 0)
		return SVC_EEXIST;
	if (strcmp(err, "ENOENT") == 0)
		return SVC_ENOENT;
	if (strcmp(err, "ENOMEM") == 0)
		return SVC_ENOMEM;
	return SVC_EINVAL;
}
