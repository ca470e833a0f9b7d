/*
 * Log lines and the request/response trace. Both go to callbacks of the
 * front end; the trace only while switched on. A trace line is
 *   <dir> conn=<id> dom=<domid> <TYPE> req=<req_id> tx=<tx_id> len=<len> "<payload>"
 * with NULs shown as '|', other unprintable bytes as \xHH, and long
 * payloads cut after 256 bytes with "..." appended.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xs_internal.h"

#define TRACE_PAYLOAD_MAX 256

void xs_log(struct xs_store *st, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	if (!st->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st->cfg.log(st->cfg.arg, line);
}

static bool tracing(const struct xs_store *st)
{
	return st->trace_on && st->cfg.trace;
}

void xs_trace_msg(struct xs_conn *c, const char *dir,
		  const struct xs_msg_header *h, const char *body)
{
	char line[160 + TRACE_PAYLOAD_MAX * 4];
	if (!tracing(c->st))
		return;
	int used = snprintf(line, sizeof(line),
			    "%-3s conn=%u dom=%u %s req=%u tx=%u len=%u \"", dir,
			    (unsigned)c->id, (unsigned)c->dom->domid,
			    xs_type_name(h->type), (unsigned)h->req_id,
			    (unsigned)h->tx_id, (unsigned)h->len);
	size_t pos = (size_t)used;
	uint32_t shown = h->len < TRACE_PAYLOAD_MAX ? h->len : TRACE_PAYLOAD_MAX;
	for (uint32_t i = 0; i < shown; i++) {
		unsigned char ch = (unsigned char)body[i];
		if (ch == 0)
			line[pos++] = '|';
		else if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
			pos += (size_t)snprintf(line + pos, sizeof(line) - pos,
						"\\x%02x", ch);
		else
			line[pos++] = (char)ch;
	}
	snprintf(line + pos, sizeof(line) - pos, "\"%s",
		 shown < h->len ? "..." : "");
	c->st->cfg.trace(c->st->cfg.arg, line);
}

void xs_trace_conn(struct xs_conn *c, const char *what)
{
	char line[96];
	if (!tracing(c->st))
		return;
	snprintf(line, sizeof(line), "%-3s conn=%u dom=%u", what,
		 (unsigned)c->id, (unsigned)c->dom->domid);
	c->st->cfg.trace(c->st->cfg.arg, line);
}
