/*
 * The console stub domain: every domain's PV console ring multiplexed
 * onto the serial line (the kernel Console cap, WRITE only), each line
 * behind its domain's name; a replay buffer of each domain's recent
 * output; clients (later `xl console NAME`) attach to a domain, read its
 * output from the replay on, send it input, and detach with Ctrl-].
 * docs/stubdoms.md "Services" has the protocol.
 *
 * Keys: svc=SLOT (the endpoint served), events=SLOT (the notification the
 * domains kick, bound to the one thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ts/methods.h>
#include <ts/syscall.h>
#include <libos/libos.h>
#include <libos/server.h>
#include <libos/xencons.h>
#include "log.h"

struct cons_dom {
	uint32_t domid;
	char name[SVC_NAME_MAX + 1];
	volatile struct xencons_interface *page;
	struct xencons_dir out, in;
	uint32_t out_cons, in_prod;	/* our indices, kept privately */
	int broken;			/* the domain moved an index impossibly */
	struct svc_evtchn evtchn;
	uint64_t caps;			/* frame, then notification */
	struct cons_log log;
	struct cons_dom *next;
};

/* A client attached to a domain, known by its endpoint badge. */
#define MAX_SESSIONS 8
struct session {
	uint64_t badge;
	struct cons_dom *dom;		/* NULL: free */
	uint64_t pos;			/* its position in the domain's output */
	uint64_t caps;			/* 0, or the slot of the notification it gave */
	int on_serial;			/* CONS_ATTACH_ON_SERIAL */
};

static struct svc_server server;
static struct cons_dom *doms;
static struct session sessions[MAX_SESSIONS];

/* The session ends; the notification it gave goes. */
static void end_session(struct session *s)
{
	if (s->caps)
		svc_drop_caps(&server, s->caps);
	s->caps = 0;
	s->dom = NULL;
}

static struct cons_dom *find_dom(uint32_t domid)
{
	struct cons_dom *d = doms;

	while (d && d->domid != domid)
		d = d->next;
	return d;
}

static struct session *find_session(uint64_t badge)
{
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].dom && sessions[i].badge == badge)
			return &sessions[i];
	return NULL;
}

static int shown_on_serial(const struct cons_dom *d)
{
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].dom == d && sessions[i].on_serial)
			return 1;
	return 0;
}

/*
 * One line of a domain on the serial line, behind its name; not while a
 * client attached with CONS_ATTACH_ON_SERIAL shows the domain's output on
 * the serial line itself: a second copy would interleave with it mid-line.
 */
static void emit(void *arg, const char *line, size_t len)
{
	struct cons_dom *d = arg;
	char buf[SVC_NAME_MAX + CONS_LINE_MAX + 8];
	int n;

	if (shown_on_serial(d))
		return;
	n = snprintf(buf, sizeof(buf), "[%s] %.*s\n", d->name, (int)len, line);
	write(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/*
 * Takes what the domain wrote, at most two rings' worth: a domain that
 * keeps writing cannot hold the service (its next kick brings it back).
 */
static void drain(struct cons_dom *d)
{
	char buf[512];
	size_t budget = 2 * sizeof(d->page->out);
	long n;

	while (!d->broken && budget &&
	       (n = xencons_read(&d->out, &d->out_cons, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			d->broken = 1;
			printf("console: domain %u moved its ring's index out of range; no longer read\n",
			       (unsigned)d->domid);
			break;
		}
		budget -= (size_t)n < budget ? (size_t)n : budget;
		cons_log_add(&d->log, buf, (size_t)n, emit, d);
		svc_evtchn_notify(&d->evtchn);	/* room again */
		for (int i = 0; i < MAX_SESSIONS; i++)
			if (sessions[i].dom == d && sessions[i].caps)
				ts_signal(sessions[i].caps);
	}
}

static void introduce(struct svc_request *req)
{
	struct svc_introduce in;
	struct cons_dom *d = NULL;
	int status = svc_decode_introduce(req->mr, req->nr_mrs, req->nr_caps, &in);

	if (status == SVC_OK && find_dom(in.domid))
		status = SVC_EEXIST;
	if (status == SVC_OK && !(d = calloc(1, sizeof(*d))))
		status = SVC_ENOMEM;
	if (status == SVC_OK && !(d->page = libos_map_shared(req->caps, 1, 1)))
		status = SVC_EINVAL;	/* not a frame */
	if (status == SVC_OK && svc_keep_caps(&server, req) != 0) {
		ts_frame_unmap(req->caps);
		status = SVC_ENOMEM;
	}
	if (status != SVC_OK) {
		free(d);
		svc_reply((unsigned)status, NULL, 0);
		return;
	}
	d->domid = in.domid;
	memcpy(d->name, in.name, sizeof(d->name));
	if (!d->name[0])
		snprintf(d->name, sizeof(d->name), "d%u", (unsigned)d->domid);
	d->caps = req->caps;
	d->evtchn.signal = req->caps + 1;
	xencons_guest_dirs(d->page, &d->out, &d->in);
	/* What the domain wrote before it was introduced is read too. */
	d->out_cons = d->page->out_cons;
	d->in_prod = d->page->in_prod;
	d->page->connection = XENCONSOLE_CONNECTED;
	d->next = doms;
	doms = d;
	svc_reply(SVC_OK, NULL, 0);
	drain(d);
}

static void release(struct svc_request *req)
{
	struct cons_dom **p = &doms, *d;
	uint32_t domid;

	if (svc_decode_domid(req->mr, req->nr_mrs, &domid) != SVC_OK) {
		svc_reply(SVC_EINVAL, NULL, 0);
		return;
	}
	while (*p && (*p)->domid != domid)
		p = &(*p)->next;
	if (!(d = *p)) {
		svc_reply(SVC_ENOENT, NULL, 0);
		return;
	}
	drain(d);
	d->page->connection = XENCONSOLE_DISCONNECTED;
	*p = d->next;
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].dom == d)
			end_session(&sessions[i]);
	ts_frame_unmap(d->caps);
	svc_drop_caps(&server, d->caps);
	free(d);
	svc_reply(SVC_OK, NULL, 0);
}

static void attach(struct svc_request *req)
{
	struct session *s = find_session(req->badge);
	struct cons_dom *d;
	uint32_t domid;

	if (svc_decode_domid(req->mr, req->nr_mrs, &domid) != SVC_OK || req->nr_caps > 1 ||
	    (req->nr_mrs > 1 && (req->mr[1] & ~(uint64_t)CONS_ATTACH_ON_SERIAL))) {
		svc_reply(SVC_EINVAL, NULL, 0);
		return;
	}
	if (!(d = find_dom(domid))) {
		svc_reply(SVC_ENOENT, NULL, 0);
		return;
	}
	for (int i = 0; !s && i < MAX_SESSIONS; i++)
		if (!sessions[i].dom)
			s = &sessions[i];
	if (!s || (req->nr_caps && svc_keep_caps(&server, req) != 0)) {
		svc_reply(SVC_ENOMEM, NULL, 0);
		return;
	}
	if (s->dom)
		end_session(s);		/* attaching again replaces the session */
	s->badge = req->badge;
	s->dom = d;
	s->pos = cons_log_oldest(&d->log);	/* the replay first */
	s->caps = req->nr_caps ? req->caps : 0;
	s->on_serial = req->nr_mrs > 1 && (req->mr[1] & CONS_ATTACH_ON_SERIAL);
	svc_reply(SVC_OK, NULL, 0);
}

static void read_output(struct session *s)
{
	uint64_t mr[1 + SVC_BYTES_MAX / 8];
	char buf[SVC_BYTES_MAX];
	size_t n;

	drain(s->dom);
	n = cons_log_since(&s->dom->log, &s->pos, buf, sizeof(buf));
	mr[0] = n;
	svc_pack(mr + 1, buf, n);
	svc_reply(SVC_OK, mr, 1 + svc_bytes_mrs(n));
}

/* Input up to a Ctrl-], which detaches. */
static void write_input(struct session *s, struct svc_request *req)
{
	char buf[SVC_BYTES_MAX];
	uint64_t res[2] = { 0, 0 };
	struct cons_dom *d = s->dom;
	size_t n, len;
	long w;

	if (svc_decode_bytes(req->mr, req->nr_mrs, &n) != SVC_OK) {
		svc_reply(SVC_EINVAL, NULL, 0);
		return;
	}
	svc_unpack(buf, req->mr + 1, n);
	for (len = 0; len < n && buf[len] != CONS_DETACH_CHAR; len++)
		;
	w = d->broken ? -1 : xencons_write(&d->in, &d->in_prod, buf, len);
	if (w > 0)
		svc_evtchn_notify(&d->evtchn);
	res[1] = w > 0 ? (uint64_t)w : 0;
	if (len < n) {
		end_session(s);
		res[0] = 1;
	}
	svc_reply(SVC_OK, res, 2);
}

static void kicked(uint64_t word)
{
	for (struct cons_dom *d = doms; d; d = d->next)
		if (svc_kicked(word, d->domid))
			drain(d);
}

static int client_request(struct svc_request *req)
{
	struct session *s = find_session(req->badge);

	if (req->label < CONS_ATTACH || req->label > CONS_DETACH)
		return 0;
	if (req->label == CONS_ATTACH)
		attach(req);
	else if (!s)
		svc_reply(SVC_ENOTCONN, NULL, 0);
	else if (req->label == CONS_READ)
		read_output(s);
	else if (req->label == CONS_WRITE)
		write_input(s, req);
	else {
		end_session(s);	/* CONS_DETACH */
		svc_reply(SVC_OK, NULL, 0);
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const struct svc_handlers handlers = {
		.kicked = kicked, .introduce = introduce, .release = release,
		.other = client_request,
	};

	(void)argc;
	if (svc_server_init(&server) != 0) {
		printf("%s: missing its endpoint or notification\n", argv[0]);
		return 1;
	}
	printf("%s: serving%s\n", argv[0], server.selftest ? " (selftest)" : "");
	svc_serve(&server, &handlers);
}
