/* The server side of the service protocol (see <libos/server.h>). */
#include <stdlib.h>
#include <string.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include <ts/syscall.h>
#include <libos/libos.h>
#include <libos/server.h>

void svc_evtchn_notify(const struct svc_evtchn *e)
{
	ts_signal(e->signal);
}

/* Two consecutive empty slots. */
static uint64_t new_window(struct svc_server *s)
{
	uint64_t a, b;

	if (s->nr_free)
		return s->free_pairs[--s->nr_free];
	a = libos_slot_alloc();
	b = libos_slot_alloc();
	return a && b == a + 1 ? a : 0;
}

int svc_server_init(struct svc_server *s)
{
	uint64_t events;

	memset(s, 0, sizeof(*s));
	for (int i = 1; i < libos_args.argc; i++)
		if (strcmp(libos_args.argv[i], "selftest") == 0)
			s->selftest = 1;
	if (libos_args_number(&libos_args, "svc", &s->ep) != 0 ||
	    libos_args_number(&libos_args, "events", &events) != 0 ||
	    ts_tcb_bind_notification(TS_CHILD_TCB, events) != TS_OK)
		return -1;
	s->window = new_window(s);
	return s->window ? 0 : -1;
}

void svc_receive(struct svc_server *s, struct svc_request *req)
{
	struct ts_ipc_buffer *ipc = ts_ipc();
	struct ts_msg m = { 0 };

	/* Whatever the last request brought and nobody kept goes. */
	ts_cnode_delete(TS_CHILD_CNODE, s->window);
	ts_cnode_delete(TS_CHILD_CNODE, s->window + 1);
	ipc->receive_cnode = TS_CHILD_CNODE;
	ipc->receive_index = s->window;
	ts_recv(s->ep, &m);
	req->label = ts_msginfo_label(m.info);
	req->badge = m.badge;
	req->nr_mrs = ts_msginfo_length(m.info);
	req->nr_caps = ts_msginfo_extra_caps(m.info);
	req->caps = s->window;
	for (unsigned i = 0; i < req->nr_mrs; i++)
		req->mr[i] = i < TS_MSG_REG_COUNT ? m.mr[i] : ipc->msg[i];
}

int svc_keep_caps(struct svc_server *s, const struct svc_request *req)
{
	uint64_t next = new_window(s);

	if (!next || req->caps != s->window)
		return -1;
	s->window = next;
	return 0;
}

void svc_drop_caps(struct svc_server *s, uint64_t first)
{
	ts_cnode_delete(TS_CHILD_CNODE, first);
	ts_cnode_delete(TS_CHILD_CNODE, first + 1);
	if (s->nr_free < sizeof(s->free_pairs) / sizeof(s->free_pairs[0]))
		s->free_pairs[s->nr_free++] = first;
}

void svc_reply(unsigned status, const uint64_t *mr, unsigned n)
{
	struct ts_ipc_buffer *ipc = ts_ipc();
	struct ts_msg m = { 0 };

	m.info = ts_msginfo_new(status, 0, n);
	for (unsigned i = 0; i < n; i++) {
		if (i < TS_MSG_REG_COUNT)
			m.mr[i] = mr[i];
		else
			ipc->msg[i] = mr[i];
	}
	ts_reply(&m);
}

int svc_selftest(struct svc_server *s, const struct svc_request *req)
{
	uint64_t res[3];

	if (!s->selftest || req->nr_mrs < 1 ||
	    (req->label != SVC_SELFTEST && req->label != SVC_PROBE_READ))
		return 0;
	if (req->label == SVC_PROBE_READ) {
		res[0] = (uint8_t)*(volatile char *)(uintptr_t)req->mr[0];
		svc_reply(SVC_OK, res, 1);
		return 1;
	}
	libos_probe_caps(req->mr[0], res);
	svc_reply(SVC_OK, res, 3);
	return 1;
}

void libos_probe_caps(uint64_t slot, uint64_t res[3])
{
	struct ts_msg m = { 0 };
	uint64_t next, count;
	char byte;

	res[0] = (uint64_t)ts_console_write(TS_CHILD_CONSOLE, "", 0);
	res[1] = (uint64_t)ts_console_read_log(TS_CHILD_CONSOLE, 0, &byte, 1, &next, &count);
	m.info = ts_msginfo_new(1, 0, 0);
	ts_call(slot, &m);
	res[2] = ts_msginfo_label(m.info);
}

void svc_serve(struct svc_server *s, const struct svc_handlers *h)
{
	struct svc_request *req = malloc(sizeof(*req));

	if (!req)
		abort();
	for (;;) {
		svc_receive(s, req);
		if (req->label == 0)
			h->kicked(req->badge);
		else if ((req->label == SVC_INTRODUCE || req->label == SVC_RELEASE) &&
			 req->badge != SVC_BADGE_CONTROL)
			svc_reply(SVC_EPERM, NULL, 0);
		else if (req->label == SVC_INTRODUCE)
			h->introduce(req);
		else if (req->label == SVC_RELEASE)
			h->release(req);
		else if (!(h->other && h->other(req)) && !svc_selftest(s, req))
			svc_reply(SVC_EINVAL, NULL, 0);
		if (h->settle)
			h->settle();
	}
}
