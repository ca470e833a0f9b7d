/*
 * libFuzzer target: an input is a script of records, each feeding bytes
 * to one of five connections of a fresh store (domain 0, privileged, and
 * unprivileged domains 1, 2, 3 with small quotas over memory pipes, and
 * unprivileged domain 4 over a shared ring page in memory):
 *
 *   byte 0: connection (bits 0-1, or the ring if bit 5 is set) and
 *           record kind (bits 2-3)
 *   kind 0: a header: type, req_id, tx_id (one byte each), a 16-bit
 *           little-endian payload length, then that many payload bytes
 *   kind 1: the same, but the header's length field is the next 32 bits,
 *           whatever the payload that follows
 *   kind 2: raw bytes straight into the stream
 *   kind 3: a request built from a small vocabulary of paths, tokens,
 *           domids and values, to reach deep states quickly
 *
 * Bit 4 of byte 0 closes the connection's transport window (replies wait)
 * until a later record of the same connection reopens it. On the ring,
 * bit 6 then lets the next five bytes set one field of the page (indices,
 * connection state, error) to any value, as a malicious guest would.
 * After every record the quotas of the unprivileged domains are checked,
 * and after the input the store's own consistency check; any violation
 * aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_transport.h"
#include "ring.h"
#include "xs_internal.h"

/* Domains 0 (privileged), 1, 2, 3 on memory pipes; domain 4 on a ring. */
#define NCONN 5
#define RING 4
#define BLOCK_BIT 0x10	/* the peer takes no replies this time */
#define RING_BIT 0x20	/* the record goes to the ring connection */
#define POKE_BIT 0x40	/* ... and then sets one field of the page */

/* Paths at and just over the limits, built once: "/a/a/...". */
static char deep_path[XENSTORE_ABS_PATH_MAX + 1];
static char long_path[XENSTORE_ABS_PATH_MAX + 8];
static char long_rel[XENSTORE_REL_PATH_MAX + 8];

static void make_long_words(void)
{
	for (size_t i = 0; i < sizeof(deep_path) - 1; i++)
		deep_path[i] = i % 2 ? 'a' : '/';
	deep_path[sizeof(deep_path) - 2] = 'b';	/* no trailing '/' */
	memset(long_path, 'b', sizeof(long_path) - 1);
	long_path[0] = '/';
	memset(long_rel, 'c', sizeof(long_rel) - 1);
}

static const char *const words[] = {
	deep_path, long_path, long_rel,
	"/", "/a", "/a/b", "/a/b/c", "/local/domain/1", "/local/domain/2/x",
	"x", "x/y", "@introduceDomain", "@releaseDomain", "/a//b", "", "tok",
	"t2", "1", "2", "3", "0", "T", "F", "n0", "r1", "b2", "w3", "n1",
	"nodes", "watches", "transactions", "check", "4096", "value",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void quiet(void *arg, const char *line)
{
	(void)arg;
	(void)line;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "invariant broken: %s %s\n", what, why);
	abort();
}

/* The quotas of the unprivileged domains: cheap, after every record. */
static void check_quotas(struct xs_conn **conn, int who, size_t nodes_before)
{
	for (int i = 1; i < NCONN; i++) {
		struct xs_conn *c = conn[i];
		struct xs_domain *d = c->dom;
		/* A domain's own requests never take it over its node quota. */
		if (i == who && d->nodes > d->quota[XS_Q_NODES] &&
		    d->nodes > nodes_before)
			die("node quota", "exceeded by the domain itself");
		if (d->watches > d->quota[XS_Q_WATCHES])
			die("watch quota", "exceeded");
		if (c->ntx > d->quota[XS_Q_TRANSACTIONS])
			die("transaction quota", "exceeded");
		if (c->out_events > d->quota[XS_Q_WATCH_EVENTS])
			die("watch-event quota", "exceeded");
		for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
			if (tx->overlay.count > d->quota[XS_Q_TRANSACTION_NODES])
				die("transaction-nodes quota", "exceeded");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The simulated guest of the ring: bytes it still has to send. */
static char pending[32768];
static size_t pending_len;

/* Writes what fits of the pending bytes into the request ring. */
static bool guest_write(struct xenstore_domain_interface *g)
{
	size_t i = 0;
	while (i < pending_len && g->req_prod - g->req_cons < XENSTORE_RING_SIZE) {
		g->req[MASK_XENSTORE_IDX(g->req_prod)] = pending[i++];
		g->req_prod++;
	}
	memmove(pending, pending + i, pending_len - i);
	pending_len -= i;
	return i > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mem_transport pipes[NCONN - 1];
	static struct xenstore_domain_interface *page;
	static struct xs_ring ring;
	struct xs_conn *conn[NCONN];
	struct xs_config cfg;
	if (!deep_path[0])
		make_long_words();
	if (!page)
		page = malloc(sizeof(*page));	/* exact size: ASan sees overruns */
	memset(page, 0, sizeof(*page));
	pending_len = 0;
	xs_config_defaults(&cfg);
	cfg.quota[XS_Q_NODES] = 20;
	cfg.quota[XS_Q_WATCHES] = 4;
	cfg.quota[XS_Q_TRANSACTIONS] = 2;
	cfg.quota[XS_Q_TRANSACTION_NODES] = 16;
	cfg.quota[XS_Q_WATCH_EVENTS] = 8;
	cfg.quota[XS_Q_OUTSTANDING] = 4;
	cfg.quota[XS_Q_NODE_SIZE] = 64;
	cfg.log = quiet;
	cfg.trace = quiet;
	cfg.keep_orphans = size % 3 == 0;	/* both ways of RELEASE */
	struct xs_store *st = xs_store_new(&cfg);
	if (!st)
		return 0;
	xs_store_set_trace(st, size % 7 == 0);	/* exercise the trace too */
	for (int i = 0; i < NCONN - 1; i++) {
		mem_init(&pipes[i], NULL, 0);
		conn[i] = xs_conn_new(st, &pipes[i].t, (uint32_t)i);
	}
	xs_ring_init(&ring, page, NULL, NULL);
	conn[RING] = xs_conn_new(st, &ring.t, RING);

	size_t pos = 0;
	while (pos < size) {
		uint8_t b0 = data[pos++];
		int kind = (b0 >> 2) & 3;
		int who = b0 & RING_BIT ? RING : b0 & 3;
		bool blocked = b0 & BLOCK_BIT;
		size_t avail = size - pos;
		struct xs_msg_header h = { 0, 0, 0, 0 };
		static char msg[XS_HEADER_SIZE + 4 * sizeof(long_path) + 4096];
		size_t n = 0;

		if (kind == 0 || kind == 1) {
			if (avail < 5)
				break;
			h.type = data[pos] % 30;
			h.req_id = data[pos + 1];
			h.tx_id = data[pos + 2] % 4;
			size_t len = (data[pos + 3] | (size_t)data[pos + 4] << 8) %
				     (XENSTORE_PAYLOAD_MAX + 1);
			pos += 5;
			h.len = (uint32_t)len;
			if (kind == 1 && size - pos >= 4) {
				memcpy(&h.len, data + pos, 4);
				pos += 4;
			}
			if (len > size - pos)
				len = size - pos;
			memcpy(msg, &h, sizeof(h));
			memcpy(msg + sizeof(h), data + pos, len);
			n = sizeof(h) + len;
			pos += len;
		} else if (kind == 2) {
			n = avail ? data[pos++] : 0;
			if (n > size - pos)
				n = size - pos;
			memcpy(msg, data + pos, n);
			pos += n;
		} else {
			if (avail < 2)
				break;
			h.type = data[pos] % XS_TYPE_COUNT;
			h.tx_id = data[pos] >> 6;
			int nargs = data[pos + 1] & 3;
			bool value = data[pos + 1] & 4;
			pos += 2;
			n = sizeof(h);
			for (int a = 0; a <= nargs && pos < size; a++) {
				const char *w = words[data[pos++] % NWORDS];
				size_t l = strlen(w) + 1;
				memcpy(msg + n, w, l);
				n += l;
			}
			if (value && pos < size) {
				size_t vl = data[pos++] * 16u;	/* up to 4080 */
				memset(msg + n, 'v', vl);
				n += vl;
			}
			h.len = (uint32_t)(n - sizeof(h));
			memcpy(msg, &h, sizeof(h));
		}

		if (who != RING) {
			pipes[who].blocked = blocked;
			mem_feed(&pipes[who], msg, n);
		} else {
			if (n > sizeof(pending) - pending_len)
				n = sizeof(pending) - pending_len;
			memcpy(pending + pending_len, msg, n);
			pending_len += n;
			guest_write(page);
			/* The guest may also set one field of the page at will. */
			if (b0 & POKE_BIT && size - pos >= 5) {
				uint32_t v;
				memcpy(&v, data + pos + 1, 4);
				volatile uint32_t *field[] = {
					&page->req_cons, &page->req_prod,
					&page->rsp_cons, &page->rsp_prod,
					&page->connection, &page->error };
				*field[data[pos] % 6] = v;
				pos += 5;
			}
		}

		/* The addressed connection first, then the others take their
		 * watch events; quotas are checked after each. The ring's guest
		 * goes on writing as the server makes room (a few rounds). */
		int rounds = 0;
		do {
			for (int k = 0; k < NCONN; k++) {
				int i = (who + k) % NCONN;
				size_t nodes_before = conn[i]->dom->nodes;
				if (!conn[i]->dead)
					xs_conn_process(conn[i]);
				check_quotas(conn, i, nodes_before);
			}
			if (!blocked)
				page->rsp_cons = page->rsp_prod;	/* the guest reads */
		} while (who == RING && ++rounds < 8 && guest_write(page));
	}
	/* Every index and counter of the store: once per input (it walks all). */
	char why[128] = "";
	if (xs_store_check(st, why, sizeof(why)))
		die("store check:", why);
	xs_store_free(st);
	return 0;
}
