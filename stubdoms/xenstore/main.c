/*
 * The xenstore stub domain: xenstored's library serving every domain's
 * shared ring (docs/stubdoms.md "Services", docs/xenstore.md).
 *
 * Keys: svc=SLOT (the endpoint served), events=SLOT (the notification the
 * domains kick, bound to the one thread), dom0ring=SLOT and dom0kick=SLOT
 * (the control domain's ring frame and the notification that wakes it).
 * The control domain introduces the other domains over the endpoint
 * (SVC_INTRODUCE with the ring frame and notification); the service then
 * makes xenstored's own INTRODUCE of the domain through a private
 * privileged connection, so xenstored records the domain and fires
 * @introduceDomain exactly as for an XS_INTRODUCE on a ring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ts/methods.h>
#include <libos/libos.h>
#include <libos/server.h>
#include "ring.h"
#include "xenstore.h"
#include "internal_conn.h"

/* A domain's ring connection; the library owns it once introduced. */
struct dom_ring {
	struct xs_ring ring;		/* first: the library's transport */
	struct xs_transport_ops ops;	/* the ring's, with our close */
	void (*ring_close)(struct xs_transport *t);
	struct svc_evtchn evtchn;
	uint64_t caps;			/* frame, then notification (svc_keep_caps) */
};

static struct svc_server server;
static struct xs_store *store;
static struct internal_conn control;	/* privileged: INTRODUCE and RELEASE */

/* The caps of the INTRODUCE being handled, for the library's introduce hook. */
static struct {
	uint32_t domid;
	uint64_t caps;
	int ready;
} pending;

static void notify(void *arg)
{
	svc_evtchn_notify(&((struct dom_ring *)arg)->evtchn);
}

/* The library frees the connection: the ring's frame and caps go too. */
static void dom_ring_close(struct xs_transport *t)
{
	struct dom_ring *r = (struct dom_ring *)t;

	r->ring_close(t);
	ts_frame_unmap(r->caps);
	svc_drop_caps(&server, r->caps);
	free(r);
}

static int introduce_hook(void *arg, uint32_t domid, uint64_t gfn, uint32_t evtchn,
			  struct xs_transport **t)
{
	struct dom_ring *r;
	void *page;

	(void)arg;
	(void)gfn;
	(void)evtchn;
	if (!pending.ready || pending.domid != domid)
		return XS_ENOENT;	/* the ring comes with SVC_INTRODUCE first */
	r = calloc(1, sizeof(*r));
	page = r ? libos_map_shared(pending.caps, 1, 1) : NULL;
	if (!page) {
		free(r);
		return XS_ENOMEM;
	}
	r->caps = pending.caps;
	r->evtchn.signal = pending.caps + 1;
	xs_ring_init(&r->ring, page, notify, r);
	r->ops = *r->ring.t.ops;
	r->ring_close = r->ops.close;
	r->ops.close = dom_ring_close;
	r->ring.t.ops = &r->ops;
	pending.ready = 0;
	*t = &r->ring.t;
	return XS_OK;
}

static void introduce(struct svc_request *req)
{
	struct svc_introduce in;
	char payload[32];
	int status = svc_decode_introduce(req->mr, req->nr_mrs, req->nr_caps, &in);

	if (status == SVC_OK) {
		pending.domid = in.domid;
		pending.caps = req->caps;
		pending.ready = 1;
		/* gfn and event channel are 0 until grant tables and event channels exist. */
		snprintf(payload, sizeof(payload), "%u|0|0|", (unsigned)in.domid);
		status = internal_request(&control, XS_INTRODUCE, payload);
		/* Kept only if the library took the ring (not for a repeated INTRODUCE). */
		if (status == SVC_OK && !pending.ready && svc_keep_caps(&server, req) != 0)
			status = SVC_ENOMEM;
		pending.ready = 0;
	}
	svc_reply((unsigned)status, NULL, 0);
}

static void release(struct svc_request *req)
{
	char payload[16];
	uint32_t domid;
	int status = svc_decode_domid(req->mr, req->nr_mrs, &domid);

	if (status == SVC_OK) {
		snprintf(payload, sizeof(payload), "%u|", (unsigned)domid);
		status = internal_request(&control, XS_RELEASE, payload);
	}
	svc_reply((unsigned)status, NULL, 0);
}

/* Serves the rings whose domains kicked (the bits of the notification word). */
static void serve_kicked(struct xs_conn *c, void *arg)
{
	if (svc_kicked(*(uint64_t *)arg, xs_conn_domid(c)))
		xs_conn_process(c);
}

static void kicked(uint64_t word)
{
	xs_store_each_conn(store, serve_kicked, &word);
}

/* Replies and watch events a request queued for other connections go out too. */
static void flush(struct xs_conn *c, void *arg)
{
	(void)arg;
	if (xs_conn_has_output(c))
		xs_conn_process(c);
}

static void find_dead(struct xs_conn *c, void *arg)
{
	if (xs_conn_dead(c))
		*(struct xs_conn **)arg = c;
}

/*
 * After each event: flush what other connections were queued (watch
 * events), then free dead connections (released, or a broken ring) with
 * their rings.
 */
static void settle(void)
{
	struct xs_conn *dead;

	xs_store_each_conn(store, flush, NULL);

	do {
		dead = NULL;
		xs_store_each_conn(store, find_dead, &dead);
		if (dead)
			xs_conn_free(dead);
	} while (dead);
}

static void log_line(void *arg, const char *line)
{
	(void)arg;
	printf("xenstored: %s\n", line);
}

int main(int argc, char **argv)
{
	static const struct svc_handlers handlers = {
		.kicked = kicked, .introduce = introduce, .release = release, .settle = settle,
	};
	struct xs_config cfg;
	struct dom_ring *dom0 = calloc(1, sizeof(*dom0));
	uint64_t frame;
	void *page;

	(void)argc;
	xs_config_defaults(&cfg);
	cfg.log = log_line;
	cfg.introduce = introduce_hook;
	store = xs_store_new(&cfg);
	if (!store || !dom0 || svc_server_init(&server) != 0 ||
	    libos_args_number(&libos_args, "dom0ring", &frame) != 0 ||
	    libos_args_number(&libos_args, "dom0kick", &dom0->evtchn.signal) != 0 ||
	    !(page = libos_map_shared(frame, 1, 1)) || internal_conn_init(&control, store) != 0) {
		printf("%s: missing its endpoint, notification or the control domain's ring\n", argv[0]);
		return 1;
	}
	/* The control domain's ring: the privileged domain 0. */
	xs_ring_init(&dom0->ring, page, notify, dom0);
	if (!xs_conn_new(store, &dom0->ring.t, 0))
		return 1;
	printf("%s: serving%s\n", argv[0], server.selftest ? " (selftest)" : "");
	svc_serve(&server, &handlers);
}
