/*
 * xenstored benchmark: requests go through the whole wire protocol path
 * (header parsing, dispatch, reply queueing) over an in-memory transport,
 * on stores of 10,000 and 100,000 nodes. Prints operations per second for
 * reads, writes, directory listings, transactions, watch fan-out and
 * RELEASE, and
 * the growth ratio between the two sizes (1.00 = no slowdown).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "mem_transport.h"
#include "xenstore.h"
#include "xs_wire.h"

static void request(struct xs_conn *c, struct mem_transport *m, uint32_t type,
		    uint32_t tx, const char *a, const char *b, size_t blen)
{
	size_t al = strlen(a) + 1;
	struct xs_msg_header h = { type, 1, tx, (uint32_t)(al + blen) };
	mem_feed(m, &h, sizeof(h));
	mem_feed(m, a, al);
	mem_feed(m, b, blen);
	xs_conn_process(c);
}

#define NWATCHERS 100
#define NOTHER_WATCHES 1000

struct result {
	double reads, hot_reads, writes, dirs, txs, fanout, releases;
	double bytes_per_node;
};

static void run(unsigned nodes, struct result *r)
{
	struct xs_config cfg;
	xs_config_defaults(&cfg);
	struct xs_store *st = xs_store_new(&cfg);
	static struct mem_transport m;
	mem_init(&m, NULL, 0);
	struct xs_conn *c = xs_conn_new(st, &m.t, 0);
	char path[64];
	unsigned seed = 1;

	for (unsigned i = 0; i < nodes; i++) {
		bench_node_path(path, sizeof(path), i);
		request(c, &m, XS_WRITE, 0, path, "value", 5);
	}
	struct xs_stats stats;
	xs_store_stats(st, &stats);
	r->bytes_per_node = (double)stats.node_bytes / (double)stats.nodes;

	/* Watches elsewhere in the store must not slow anything down. */
	static struct mem_transport wm[NWATCHERS];
	struct xs_conn *wc[NWATCHERS];
	for (unsigned i = 0; i < NOTHER_WATCHES; i++) {
		snprintf(path, sizeof(path), "/elsewhere/w%u", i);
		char tok[16];
		snprintf(tok, sizeof(tok), "o%u", i);
		request(c, &m, XS_WATCH, 0, path, tok, strlen(tok) + 1);
	}

	const unsigned OPS = 200000;
	double t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		request(c, &m, XS_READ, 0, path, NULL, 0);
	}
	r->reads = OPS / (bench_now() - t0);

	/* The same reads over 1000 nodes only: what is left when the working
	 * set fits in the caches at both sizes. */
	t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % 1000);
		request(c, &m, XS_READ, 0, path, NULL, 0);
	}
	r->hot_reads = OPS / (bench_now() - t0);

	/* Writes replace values of random nodes (nobody watches /bench). */
	t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		request(c, &m, XS_WRITE, 0, path, "new-value", 9);
	}
	r->writes = OPS / (bench_now() - t0);

	t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_dir_path(path, sizeof(path),
			       (unsigned)rand_r(&seed) % (nodes / 100));
		request(c, &m, XS_DIRECTORY, 0, path, NULL, 0);
	}
	r->dirs = OPS / (bench_now() - t0);

	/* START, READ, WRITE, END(commit) on random nodes. */
	const unsigned TXS = 50000;
	t0 = bench_now();
	for (unsigned i = 0; i < TXS; i++) {
		request(c, &m, XS_TRANSACTION_START, 0, "", NULL, 0);
		uint32_t tx = i + 1;
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		request(c, &m, XS_READ, tx, path, NULL, 0);
		request(c, &m, XS_WRITE, tx, path, "tx", 2);
		request(c, &m, XS_TRANSACTION_END, tx, "T", NULL, 0);
	}
	r->txs = TXS / (bench_now() - t0);

	/* RELEASE of a domain whose home holds 10 nodes: their removal, and
	 * the pass over the whole node table that drops entries naming it. */
	const unsigned RELEASES = 200;
	double in_release = 0;
	for (unsigned i = 0; i < RELEASES; i++) {
		request(c, &m, XS_INTRODUCE, 0, "7", "1\0" "2", 4);
		request(c, &m, XS_MKDIR, 0, "/local/domain/7", NULL, 0);
		request(c, &m, XS_SET_PERMS, 0, "/local/domain/7", "n7", 3);
		for (unsigned k = 0; k < 10; k++) {
			snprintf(path, sizeof(path), "/local/domain/7/n%u", k);
			request(c, &m, XS_WRITE, 0, path, "v", 1);
		}
		t0 = bench_now();
		request(c, &m, XS_RELEASE, 0, "7", NULL, 0);
		in_release += bench_now() - t0;
	}
	r->releases = RELEASES / in_release;

	/* NWATCHERS connections watch /fan; each write fires one event each. */
	for (unsigned i = 0; i < NWATCHERS; i++) {
		mem_init(&wm[i], NULL, 0);
		wc[i] = xs_conn_new(st, &wm[i].t, 0);
		request(wc[i], &wm[i], XS_WATCH, 0, "/fan", "f", 2);
	}
	const unsigned FANS = 20000;
	size_t before = 0, after = 0, expected = 0;
	for (unsigned i = 0; i < NWATCHERS; i++)
		before += wm[i].out_bytes;
	t0 = bench_now();
	for (unsigned i = 0; i < FANS; i++) {
		int pl = snprintf(path, sizeof(path), "/fan/n%u", i % 64);
		request(c, &m, XS_WRITE, 0, path, "x", 1);
		for (unsigned k = 0; k < NWATCHERS; k++)
			xs_conn_process(wc[k]);
		expected += NWATCHERS * (XS_HEADER_SIZE + (size_t)pl + 1 + 2);
	}
	double dt = bench_now() - t0;
	for (unsigned i = 0; i < NWATCHERS; i++)
		after += wm[i].out_bytes;
	r->fanout = (double)FANS * NWATCHERS / dt;
	if (after - before != expected)
		fprintf(stderr, "fan-out: %zu bytes of events, expected %zu\n",
			after - before, expected);
	xs_store_free(st);
}

int main(void)
{
	struct result r[2];
	unsigned sizes[2] = { 10000, 100000 };
	printf("xenstored benchmark: in-process, every request through the wire protocol\n");
	printf("fan-out: %d watching connections per write, %d unrelated watches present\n\n",
	       NWATCHERS, NOTHER_WATCHES);
	printf("%8s %12s %12s %12s %12s %12s %16s %11s\n", "nodes", "reads/s",
	       "hot-reads/s", "writes/s", "dirs/s", "tx/s", "fanout-events/s",
	       "releases/s");
	for (int i = 0; i < 2; i++) {
		run(sizes[i], &r[i]);
		printf("%8u %12.0f %12.0f %12.0f %12.0f %12.0f %16.0f %11.0f\n",
		       sizes[i], r[i].reads, r[i].hot_reads, r[i].writes,
		       r[i].dirs, r[i].txs, r[i].fanout, r[i].releases);
	}
	printf("%8s %12.2f %12.2f %12.2f %12.2f %12.2f %16.2f %11.2f\n",
	       "100k/10k", r[1].reads / r[0].reads,
	       r[1].hot_reads / r[0].hot_reads, r[1].writes / r[0].writes,
	       r[1].dirs / r[0].dirs, r[1].txs / r[0].txs,
	       r[1].fanout / r[0].fanout, r[1].releases / r[0].releases);
	printf("\nnode data (path, value, children, permissions): %.0f and %.0f bytes per node\n",
	       r[0].bytes_per_node, r[1].bytes_per_node);
	printf("\n(ratio of rates: 1.00 = the same speed at 10x the nodes; hot-reads\n"
	       " read 1000 of the nodes, so the working set fits in the caches)\n");
	return 0;
}
