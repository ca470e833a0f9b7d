/*
 * The shared-ring transport against a page in memory. A simulated guest
 * writes requests into the page and reads replies, across wrap-around,
 * in pieces, with messages larger than the ring, and as a malicious peer
 * moving indices arbitrarily. The domain's connection comes from INTRODUCE,
 * as it will in the stub domain. Output is TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_transport.h"
#include "ring.h"
#include "tap.h"
#include "xenstore.h"

#define ok tap_ok

/* The platform side: one page and one event channel per domain. */
struct guest {
	struct xenstore_domain_interface *page;
	struct xs_ring ring;
	int kicks;
};
static struct guest guests[8];

static void notify(void *arg)
{
	((struct guest *)arg)->kicks++;
}

static int introduce(void *arg, uint32_t domid, uint64_t gfn, uint32_t evtchn,
		     struct xs_transport **t)
{
	(void)arg;
	(void)gfn;
	(void)evtchn;
	if (domid >= 8)
		return XS_EINVAL;
	struct guest *g = &guests[domid];
	xs_ring_init(&g->ring, g->page, notify, g);
	*t = &g->ring.t;
	return XS_OK;
}

static struct xs_store *st;

/* The control domain talks through buffers in memory. */
static struct mem_transport dom0_mem;
static char dom0_out[16384];
static struct xs_conn *dom0;

/* Sends a request on c, which talks through m; returns the reply's
 * payload (NUL-terminated, "" if none came) and its length in *len. */
static const char *request(struct xs_conn *c, struct mem_transport *m,
			   uint32_t type, const char *payload, uint32_t len,
			   uint32_t *reply_len)
{
	static char reply[XENSTORE_PAYLOAD_MAX + 1];
	struct xs_msg_header h = { type, 1, 0, len };
	m->out_len = 0;
	mem_feed(m, &h, sizeof(h));
	mem_feed(m, payload, len);
	xs_conn_process(c);
	h.len = 0;
	if (m->out_len >= sizeof(h))
		memcpy(&h, m->out, sizeof(h));
	memcpy(reply, m->out + sizeof(h), h.len);
	reply[h.len] = '\0';
	if (reply_len)
		*reply_len = h.len;
	return reply;
}

/* Sends a request from dom0; returns the reply's payload (NUL-terminated). */
static const char *dom0_request(uint32_t type, const char *payload, uint32_t len)
{
	return request(dom0, &dom0_mem, type, payload, len, NULL);
}

struct found {
	uint32_t domid;
	struct xs_conn *c;
	bool dead_too;
};

static void find_conn(struct xs_conn *c, void *arg)
{
	struct found *f = arg;
	if (c != dom0 && (f->dead_too || !xs_conn_dead(c)) &&
	    xs_conn_domid(c) == f->domid)
		f->c = c;
}

static struct xs_conn *conn_of(uint32_t domid)
{
	struct found f = { domid, NULL, false };
	xs_store_each_conn(st, find_conn, &f);
	return f.c;
}

/* Also a dead one, not yet freed. */
static struct xs_conn *conn_of_any(uint32_t domid)
{
	struct found f = { domid, NULL, true };
	xs_store_each_conn(st, find_conn, &f);
	return f.c;
}

/* The guest's side of the ring. */
static size_t guest_write(struct xenstore_domain_interface *p, const void *buf,
			  size_t len)
{
	const char *b = buf;
	size_t n = 0;
	while (n < len && p->req_prod - p->req_cons < XENSTORE_RING_SIZE) {
		p->req[MASK_XENSTORE_IDX(p->req_prod)] = b[n++];
		p->req_prod++;
	}
	return n;
}

static size_t guest_read(struct xenstore_domain_interface *p, void *buf,
			 size_t len)
{
	char *b = buf;
	size_t n = 0;
	while (n < len && p->rsp_cons != p->rsp_prod) {
		b[n++] = p->rsp[MASK_XENSTORE_IDX(p->rsp_cons)];
		p->rsp_cons++;
	}
	return n;
}

/* Sends one request over the ring and collects one message in reply,
 * running the server whenever the ring is full or empty. */
static bool ring_request(uint32_t domid, uint32_t type, const void *payload,
			 uint32_t len, struct xs_msg_header *rh, char *rbody)
{
	struct guest *g = &guests[domid];
	struct xs_conn *c = conn_of(domid);
	char msg[XS_HEADER_SIZE + XENSTORE_PAYLOAD_MAX];
	struct xs_msg_header h = { type, 7, 0, len };
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	size_t sent = 0, got = 0, want = XS_HEADER_SIZE;
	bool have_hdr = false;
	char in[XS_HEADER_SIZE + XENSTORE_PAYLOAD_MAX];
	for (int rounds = 0; rounds < 100 && c && !xs_conn_dead(c); rounds++) {
		sent += guest_write(g->page, msg + sent, sizeof(h) + len - sent);
		xs_conn_process(c);
		if (!have_hdr) {
			got += guest_read(g->page, in + got, want - got);
			if (got < XS_HEADER_SIZE)
				continue;
			memcpy(rh, in, sizeof(*rh));
			if (rh->len > XENSTORE_PAYLOAD_MAX)
				return false;
			have_hdr = true;
			want += rh->len;
		}
		got += guest_read(g->page, in + got, want - got);
		if (got == want) {
			memcpy(rbody, in + XS_HEADER_SIZE, rh->len);
			rbody[rh->len] = '\0';
			return true;
		}
	}
	return false;
}

static bool ring_ok(uint32_t domid, uint32_t type, const void *payload,
		    uint32_t len, uint32_t want_type, const char *want_body)
{
	struct xs_msg_header h;
	static char body[XENSTORE_PAYLOAD_MAX + 1];
	return ring_request(domid, type, payload, len, &h, body) &&
	       h.type == want_type && h.req_id == 7 &&
	       (!want_body || strcmp(body, want_body) == 0);
}

static void introduce_guest(uint32_t domid, uint32_t start_idx)
{
	struct guest *g = &guests[domid];
	if (!g->page)
		g->page = malloc(sizeof(*g->page));	/* exact size: ASan sees overruns */
	memset(g->page, 0, sizeof(*g->page));
	g->page->req_cons = g->page->req_prod = start_idx;
	g->page->rsp_cons = g->page->rsp_prod = start_idx;
	g->kicks = 0;
	char args[64];
	int n = snprintf(args, sizeof(args), "%u%c%u%c%u%c", (unsigned)domid, 0,
			 1000 + (unsigned)domid, 0, 10 + (unsigned)domid, 0);
	dom0_request(XS_RELEASE, args, (uint32_t)strlen(args) + 1);
	for (struct xs_conn *old; (old = conn_of_any(domid));)
		xs_conn_free(old);
	dom0_request(XS_INTRODUCE, args, (uint32_t)n);
	char path[48];
	n = snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid);
	dom0_request(XS_MKDIR, path, (uint32_t)n + 1);
	char perms[48];
	int k = snprintf(perms, sizeof(perms), "%s%cb%u%c", path, 0,
			 (unsigned)domid, 0);
	dom0_request(XS_SET_PERMS, perms, (uint32_t)k);
}

static void test_basic(void)
{
	introduce_guest(1, 0);
	struct xenstore_domain_interface *p = guests[1].page;
	ok(conn_of(1) != NULL, "INTRODUCE makes a ring connection");
	ok(p->server_features == (XENSTORE_SERVER_FEATURE_RECONNECTION |
				  XENSTORE_SERVER_FEATURE_ERROR |
				  XENSTORE_SERVER_FEATURE_WATCHDEPTH) &&
	   p->connection == XENSTORE_CONNECTED && p->error == 0,
	   "the page advertises the server's features and is connected");
	ok(ring_ok(1, XS_WRITE, "a\0value", 7, XS_WRITE, "OK") &&
	   ring_ok(1, XS_READ, "a", 2, XS_READ, "value"),
	   "WRITE and READ through the ring (relative path)");
	ok(guests[1].kicks > 0, "the server notifies the event channel");
	ok(strcmp(dom0_request(XS_READ, "/local/domain/1/a", 18), "value") == 0,
	   "the guest's write is in the store");
	ok(xs_domain_nodes(st, 1) == 2, "domain 1 owns its home and the node it made");
}

static void test_wrap(void)
{
	/* Indices start just below 2^32: they wrap as integers too. */
	introduce_guest(2, 0xffffff00u);
	bool all = true;
	char payload[600], want[600];
	for (int i = 0; i < 50 && all; i++) {
		int n = snprintf(payload, sizeof(payload), "k%d", i % 5);
		int vl = 100 + (i * 37) % 400;
		memset(payload + n + 1, 'a' + i % 26, (size_t)vl);
		all &= ring_ok(2, XS_WRITE, payload, (uint32_t)(n + 1 + vl),
			       XS_WRITE, "OK");
		memset(want, 'a' + i % 26, (size_t)vl);
		want[vl] = '\0';
		all &= ring_ok(2, XS_READ, payload, (uint32_t)n + 1, XS_READ, want);
	}
	struct xenstore_domain_interface *p = guests[2].page;
	ok(all && p->req_prod < 0x1000000u && p->rsp_prod < 0x1000000u,
	   "50 requests across ring and 32-bit index wrap-around");
}

static void test_partial_and_large(void)
{
	introduce_guest(3, 100);
	struct guest *g = &guests[3];
	struct xs_conn *c = conn_of(3);
	struct xs_msg_header h = { XS_READ, 9, 0, 2 };
	guest_write(g->page, &h, 10);
	xs_conn_process(c);
	ok(g->page->rsp_prod == g->page->rsp_cons && !xs_conn_dead(c),
	   "half a header: no reply yet");
	guest_write(g->page, (char *)&h + 10, 6);
	xs_conn_process(c);
	ok(g->page->rsp_prod == g->page->rsp_cons, "header without payload: no reply yet");
	guest_write(g->page, "a", 1);
	xs_conn_process(c);
	ok(g->page->rsp_prod == g->page->rsp_cons, "half a payload: no reply yet");
	guest_write(g->page, "", 1);
	xs_conn_process(c);
	char buf[64];
	size_t n = guest_read(g->page, buf, sizeof(buf));
	struct xs_msg_header r;
	memcpy(&r, buf, sizeof(r));
	ok(n == sizeof(r) + 7 && r.type == XS_ERROR && r.req_id == 9 &&
	   strcmp(buf + sizeof(r), "ENOENT") == 0,
	   "the completed request is answered (ENOENT)");

	/* A 4000-byte value: both the request and the reply exceed the ring. */
	static char req[4100], want[4001];
	memcpy(req, "big", 4);
	memset(req + 4, 'z', 4000);
	memset(want, 'z', 4000);
	dom0_request(XS_SET_QUOTA, "3\0node-size\0" "5000", 17);
	ok(xs_domain_quota(st, 3, XS_Q_NODE_SIZE) == 5000 &&
	   xs_domain_quota(st, 4, XS_Q_NODE_SIZE) == 2048,
	   "SET_QUOTA for domain 3 changes its node-size only");
	ok(ring_ok(3, XS_WRITE, req, 4004, XS_WRITE, "OK") &&
	   ring_ok(3, XS_READ, "big", 4, XS_READ, want),
	   "a 4000-byte value written and read through the 1 KiB rings");
}

static void test_watch_event(void)
{
	struct guest *g = &guests[1];
	ok(ring_ok(1, XS_WATCH, "w\0tok", 6, XS_WATCH, "OK"), "WATCH over the ring");
	char buf[64];
	size_t n = guest_read(g->page, buf, sizeof(buf));
	struct xs_msg_header h;
	memcpy(&h, buf, sizeof(h));
	ok(n == sizeof(h) + 6 && h.type == XS_WATCH_EVENT &&
	   memcmp(buf + sizeof(h), "w\0tok", 6) == 0 &&
	   xs_domain_watches(st, 1) == 1, "the watch fires at once");
	dom0_request(XS_WRITE, "/local/domain/1/w/x\0" "1", 21);
	xs_conn_process(conn_of(1));
	n = guest_read(g->page, buf, sizeof(buf));
	memcpy(&h, buf, sizeof(h));
	ok(n == sizeof(h) + 8 && h.type == XS_WATCH_EVENT &&
	   memcmp(buf + sizeof(h), "w/x\0tok", 8) == 0,
	   "a dom0 write fires the guest's watch with a relative path");
}

/* The guest asks for a fresh ring: half a request, the watch and the
 * queued event are forgotten, and the ring works again from index 0. */
static void test_reconnect(void)
{
	struct guest *g = &guests[1];
	struct xs_conn *c = conn_of(1);
	struct xs_msg_header h = { XS_READ, 3, 0, 10 };
	guest_write(g->page, &h, sizeof(h));
	guest_write(g->page, "w/", 2);
	dom0_request(XS_WRITE, "/local/domain/1/w/y\0" "2", 21);
	g->page->connection = XENSTORE_RECONNECT;
	int kicks = g->kicks;
	xs_conn_process(c);
	ok(g->page->connection == XENSTORE_CONNECTED && g->page->req_prod == 0 &&
	   g->page->req_cons == 0 && g->page->rsp_prod == 0 &&
	   g->page->rsp_cons == 0 && g->kicks > kicks && !xs_conn_dead(c),
	   "RECONNECT: empty ring, CONNECTED, event channel signalled");
	ok(xs_domain_watches(st, 1) == 0, "RECONNECT drops the watches");
	dom0_request(XS_WRITE, "/local/domain/1/w/z\0" "3", 21);
	ok(ring_ok(1, XS_READ, "a", 2, XS_READ, "value"),
	   "after RECONNECT requests are answered, no stale event comes first");
}

static void test_overlong(void)
{
	introduce_guest(4, 0);
	struct xs_msg_header h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	guest_write(guests[4].page, &h, sizeof(h));
	struct xs_conn *c = conn_of(4);
	xs_conn_process(c);
	ok(xs_conn_dead(c), "a payload length over 4096 ends the connection");
	xs_conn_free(c);
}

/* A peer that sets indices and data at random must not crash the server
 * or make it touch memory outside the page (ASan would see it). */
static void test_malicious(void)
{
	unsigned seed = 12345;
	int broken = 0, rounds = 3000;
	for (int i = 0; i < rounds; i++) {
		introduce_guest(5, (uint32_t)rand_r(&seed));
		struct xenstore_domain_interface *p = guests[5].page;
		struct xs_conn *c = conn_of(5);
		for (size_t k = 0; k < XENSTORE_RING_SIZE; k++)
			p->req[k] = (char)rand_r(&seed);
		struct xs_msg_header h = { (uint32_t)rand_r(&seed) % 30, 1, 0,
					   (uint32_t)rand_r(&seed) % 64 };
		memcpy(p->req + MASK_XENSTORE_IDX(p->req_cons) % 1000, &h, 16);
		switch (rand_r(&seed) % 4) {
		case 0: p->req_prod = (uint32_t)rand_r(&seed); break;
		case 1: p->req_prod = p->req_cons + (uint32_t)rand_r(&seed) % 2048; break;
		case 2: p->rsp_cons = (uint32_t)rand_r(&seed); break;
		default: p->rsp_prod = p->rsp_cons + 1020; break;
		}
		for (int k = 0; k < 3 && !xs_conn_dead(c); k++)
			xs_conn_process(c);
		if (xs_conn_dead(c)) {
			broken++;
			xs_conn_free(c);
		}
	}
	ok(broken > 0 && broken < rounds,
	   "%d random index/data attacks: %d connections ended, none crashed",
	   rounds, broken);
	introduce_guest(6, 0);
	struct xenstore_domain_interface *p = guests[6].page;
	p->req_prod = p->req_cons + XENSTORE_RING_SIZE + 1;
	struct xs_conn *c = conn_of(6);
	xs_conn_process(c);
	ok(xs_conn_dead(c) && p->error == XENSTORE_ERROR_RINGIDX,
	   "producer more than a ring ahead: the page's error is RINGIDX");
	char why[128] = "";
	ok(xs_store_check(st, why, sizeof(why)) == 0, "store consistent afterwards %s", why);
}

static void test_release(void)
{
	dom0_request(XS_RELEASE, "1", 2);
	ok(conn_of(1) == NULL || xs_conn_dead(conn_of(1)),
	   "RELEASE ends the domain's ring connection");
	ok(strcmp(dom0_request(XS_READ, "/local/domain/1/a", 18), "ENOENT") == 0 &&
	   xs_domain_nodes(st, 1) == 0 && xs_domain_watches(st, 1) == 0,
	   "and removes the nodes it owned and its watches");
}

static char logged[512];

static void log_line(void *arg, const char *line)
{
	(void)arg;
	snprintf(logged, sizeof(logged), "%s", line);
}

/* Replies a domain does not take hold back its further requests. */
static void test_outstanding(void)
{
	static struct mem_transport m;
	mem_init(&m, NULL, 0);
	m.blocked = true;
	struct xs_conn *c = xs_conn_new(st, &m.t, 7);
	for (int i = 0; i < 30; i++) {
		struct xs_msg_header h = { XS_GET_DOMAIN_PATH, (uint32_t)i, 0, 2 };
		mem_feed(&m, &h, sizeof(h));
		mem_feed(&m, "7", 2);
	}
	xs_conn_process(c);
	size_t per = XS_HEADER_SIZE + sizeof("/local/domain/7");
	size_t unread = m.in_len - m.in_off;
	ok(unread == (30 - 20) * (XS_HEADER_SIZE + 2),
	   "with 20 replies outstanding (the quota) no further request is read");
	m.blocked = false;
	for (int i = 0; i < 3; i++)
		xs_conn_process(c);
	ok(m.out_bytes == 30 * per && m.in_off == m.in_len,
	   "once the peer takes replies, the rest are answered");

	/* Watch events for a peer that never reads are capped and logged. */
	m.blocked = true;
	m.out_bytes = 0;
	struct xs_msg_header h = { XS_WATCH, 1, 0, 10 };
	dom0_request(XS_WRITE, "/ev\0", 4);
	dom0_request(XS_SET_PERMS, "/ev\0n0\0r7\0", 10);
	mem_feed(&m, &h, sizeof(h));
	mem_feed(&m, "/ev\0token", 10);
	xs_conn_process(c);
	for (int i = 0; i < 1100; i++)
		dom0_request(XS_WRITE, "/ev\0x", 5);
	ok(strstr(logged, "quota: domain 7 refused watch-events") != NULL,
	   "the first watch event over the watch-events quota (1024) is logged");
	m.blocked = false;
	xs_conn_process(c);
	size_t event = XS_HEADER_SIZE + sizeof("/ev") + sizeof("token");
	size_t reply = XS_HEADER_SIZE + sizeof("OK");
	ok(m.out_bytes == reply + 1024 * event &&
	   strstr(logged, "domain 7) reads again: 77 watch events were dropped"),
	   "the rest are dropped, and counted in one line when the peer reads again");
	xs_conn_free(c);
}

/* A string literal with its NUL, or (VAL) without it: a written value. */
#define STR(lit) lit, sizeof(lit)
#define VAL(lit) lit, sizeof(lit) - 1

/* True when the reply to GET_PERMS of path, from c over m, is want. */
static bool perms_are(struct xs_conn *c, struct mem_transport *m,
		      const char *path, const char *want, uint32_t want_len)
{
	uint32_t len;
	const char *r = request(c, m, XS_GET_PERMS, path,
				(uint32_t)strlen(path) + 1, &len);
	return len == want_len && memcmp(r, want, len) == 0;
}

/*
 * With keep_orphans (Xen's --keep-orphans) RELEASE of domain 5 keeps its
 * nodes, now Dom0's with the access they had, and no permission entry
 * names 5 any more. Domain 6 plays the guest whose home domain 5 wrote
 * into before it went away.
 */
static void test_keep_orphans(void)
{
	struct xs_config cfg;
	xs_config_defaults(&cfg);
	cfg.keep_orphans = true;
	struct xs_store *kst = xs_store_new(&cfg);
	static struct mem_transport m0, m5, m6;
	static char out0[4096], out5[4096], out6[4096];
	mem_init(&m0, out0, sizeof(out0));
	mem_init(&m5, out5, sizeof(out5));
	mem_init(&m6, out6, sizeof(out6));
	struct xs_conn *c0 = xs_conn_new(kst, &m0.t, 0);
	request(c0, &m0, XS_INTRODUCE, STR("5\0" "1\0" "2"), NULL);
	request(c0, &m0, XS_INTRODUCE, STR("6\0" "1\0" "3"), NULL);
	struct xs_conn *c5 = xs_conn_new(kst, &m5.t, 5);
	struct xs_conn *c6 = xs_conn_new(kst, &m6.t, 6);

	/* 6's inbox lets everyone write; 5 creates a node in it. */
	request(c0, &m0, XS_MKDIR, STR("/local/domain/6/inbox"), NULL);
	request(c0, &m0, XS_SET_PERMS, STR("/local/domain/6/inbox\0b6"), NULL);
	request(c5, &m5, XS_WRITE, VAL("/local/domain/6/inbox/done\0" "1"), NULL);
	/* 5's home (the toolstack did not remove it) and an ACL naming 5. */
	request(c0, &m0, XS_MKDIR, STR("/local/domain/5"), NULL);
	request(c0, &m0, XS_SET_PERMS, STR("/local/domain/5\0n5"), NULL);
	request(c0, &m0, XS_WRITE, VAL("/local/domain/5/name\0" "five"), NULL);
	request(c0, &m0, XS_WRITE, VAL("/shared\0x"), NULL);
	request(c0, &m0, XS_SET_PERMS, STR("/shared\0n0\0r5\0w6"), NULL);
	request(c0, &m0, XS_SET_PERMS, STR("@releaseDomain\0n0\0r5\0r6"), NULL);
	ok(perms_are(c0, &m0, "/local/domain/6/inbox/done", STR("b5")) &&
	   xs_domain_nodes(kst, 5) == 3,
	   "keep_orphans: before RELEASE domain 5 owns the node it created in 6's home, and its own 2");
	size_t dom0_nodes = xs_domain_nodes(kst, 0);

	request(c0, &m0, XS_RELEASE, STR("5"), NULL);
	ok(xs_conn_dead(c5) &&
	   strcmp(request(c6, &m6, XS_READ, STR("/local/domain/6/inbox/done"),
			  NULL), "1") == 0,
	   "keep_orphans: after RELEASE of 5, 6 reads the node 5 created in its home");
	ok(perms_are(c6, &m6, "/local/domain/6/inbox/done", STR("b0")),
	   "keep_orphans: the node is Dom0's, with the same default access (b5 -> b0)");
	ok(strcmp(request(c0, &m0, XS_READ, STR("/local/domain/5/name"), NULL),
		  "five") == 0 &&
	   perms_are(c0, &m0, "/local/domain/5", STR("n0")) &&
	   perms_are(c0, &m0, "/local/domain/5/name", STR("n0")),
	   "keep_orphans: 5's own nodes stay too, owned by 0");
	ok(perms_are(c0, &m0, "/shared", STR("n0\0w6")) &&
	   perms_are(c0, &m0, "@releaseDomain", STR("n0\0r6")),
	   "entries naming 5 are gone from other nodes and from @releaseDomain");
	ok(xs_domain_nodes(kst, 5) == 0 && xs_domain_watches(kst, 5) == 0 &&
	   xs_domain_nodes(kst, 0) == dom0_nodes + 3,
	   "5 owns nothing any more; its nodes count to Dom0 (which has no quota)");

	request(c0, &m0, XS_INTRODUCE, STR("5\0" "1\0" "2"), NULL);
	static struct mem_transport m5b;
	static char out5b[4096];
	mem_init(&m5b, out5b, sizeof(out5b));
	struct xs_conn *c5b = xs_conn_new(kst, &m5b.t, 5);
	ok(strcmp(request(c5b, &m5b, XS_READ, STR("/shared"), NULL), "EACCES") == 0 &&
	   strcmp(request(c5b, &m5b, XS_READ, STR("/local/domain/5/name"), NULL),
		  "EACCES") == 0 &&
	   xs_domain_nodes(kst, 5) == 0,
	   "a new domain 5 inherits neither the old one's access nor its node count");
	char why[128] = "";
	ok(xs_store_check(kst, why, sizeof(why)) == 0,
	   "keep_orphans: store consistent after RELEASE %s", why);
	xs_store_free(kst);
}

int main(void)
{
	struct xs_config cfg;
	xs_config_defaults(&cfg);
	cfg.introduce = introduce;
	cfg.log = log_line;
	st = xs_store_new(&cfg);
	mem_init(&dom0_mem, dom0_out, sizeof(dom0_out));
	dom0 = xs_conn_new(st, &dom0_mem.t, 0);
	test_basic();
	test_wrap();
	test_partial_and_large();
	test_watch_event();
	test_reconnect();
	test_overlong();
	test_malicious();
	test_release();
	test_outstanding();
	test_keep_orphans();
	xs_store_free(st);
	for (int i = 0; i < 8; i++)
		free(guests[i].page);
	return tap_done();
}
