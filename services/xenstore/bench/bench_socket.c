/*
 * xenstored over its Unix socket, as a client on the host sees it: starts
 * the daemon (argv[1]) on a temporary socket, or uses argv[1] itself if it
 * is the socket of a running xenstored (such as Xen's), and measures, with our own
 * client and one request in flight at a time, reads, writes, directory
 * listings, transactions and watch events per second on stores of 10,000
 * and 100,000 nodes. Each round trip includes two system calls on either
 * side, so these figures are far below the in-process ones; they are the
 * ones to set beside Xen's C xenstored in the Xen reference environment.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"
#include "xs_client.h"

#define NWATCHERS 20

struct result {
	double reads, writes, dirs, txs, events;
};

static struct xsc_reply R;

static void write_node(struct xsc *c, uint32_t tx, const char *path,
		       const char *val)
{
	char buf[256];
	size_t pl = strlen(path) + 1, vl = strlen(val);
	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	xsc_request(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl), &R);
}

static void run(const char *sock, unsigned nodes, struct result *r)
{
	struct xsc c;
	char path[64];
	unsigned seed = 1;
	if (xsc_connect(&c, sock, 5000)) {
		fprintf(stderr, "cannot connect to %s\n", sock);
		exit(1);
	}
	xsc_op(&c, XS_RM, 0, &R, "/bench", (char *)NULL);
	for (unsigned i = 0; i < nodes; i++) {
		bench_node_path(path, sizeof(path), i);
		write_node(&c, 0, path, "value");
	}

	const unsigned OPS = 20000;
	double t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		xsc_op(&c, XS_READ, 0, &R, path, (char *)NULL);
	}
	r->reads = OPS / (bench_now() - t0);

	t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		write_node(&c, 0, path, "new-value");
	}
	r->writes = OPS / (bench_now() - t0);

	t0 = bench_now();
	for (unsigned i = 0; i < OPS; i++) {
		bench_dir_path(path, sizeof(path),
			       (unsigned)rand_r(&seed) % (nodes / 100));
		xsc_op(&c, XS_DIRECTORY, 0, &R, path, (char *)NULL);
	}
	r->dirs = OPS / (bench_now() - t0);

	const unsigned TXS = 5000;
	t0 = bench_now();
	for (unsigned i = 0; i < TXS; i++) {
		xsc_op(&c, XS_TRANSACTION_START, 0, &R, "", (char *)NULL);
		uint32_t tx = (uint32_t)atoi(R.data);
		bench_node_path(path, sizeof(path), (unsigned)rand_r(&seed) % nodes);
		xsc_op(&c, XS_READ, tx, &R, path, (char *)NULL);
		write_node(&c, tx, path, "tx");
		xsc_op(&c, XS_TRANSACTION_END, tx, &R, "T", (char *)NULL);
	}
	r->txs = TXS / (bench_now() - t0);

	/* NWATCHERS clients watch /fan; every write reaches all of them. */
	static struct xsc w[NWATCHERS];
	struct xsc_event ev;
	for (int i = 0; i < NWATCHERS; i++) {
		xsc_connect(&w[i], sock, 5000);
		xsc_op(&w[i], XS_WATCH, 0, &R, "/fan", "f", (char *)NULL);
		xsc_event(&w[i], 5000, &ev);
		xsc_event_free(&ev);
	}
	const unsigned FANS = 2000;
	unsigned got = 0;
	t0 = bench_now();
	for (unsigned i = 0; i < FANS; i++) {
		write_node(&c, 0, "/fan/x", "1");
		for (int k = 0; k < NWATCHERS; k++)
			if (xsc_event(&w[k], 5000, &ev)) {
				got++;
				xsc_event_free(&ev);
			}
	}
	r->events = got / (bench_now() - t0);
	for (int i = 0; i < NWATCHERS; i++)
		xsc_close(&w[i]);
	xsc_close(&c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_socket <our xenstored | socket of a running one>\n");
		return 2;
	}
	char dir[] = "/tmp/xs-bench-XXXXXX", sock[108];
	struct stat sb;
	pid_t pid = -1;
	if (stat(argv[1], &sb) == 0 && S_ISSOCK(sb.st_mode)) {
		snprintf(sock, sizeof(sock), "%s", argv[1]);
	} else {
		if (!mkdtemp(dir))
			return 1;
		snprintf(sock, sizeof(sock), "%s/sock", dir);
		pid = fork();
		if (pid == 0) {
			execl(argv[1], argv[1], "-s", sock, "-l", "/dev/null",
			      (char *)NULL);
			_exit(127);
		}
	}
	struct result r[2];
	unsigned sizes[2] = { 10000, 100000 };
	printf("xenstored over its Unix socket: one request in flight, our client\n");
	printf("watch events: %d watching clients, one write at a time\n\n", NWATCHERS);
	printf("%8s %10s %10s %10s %10s %12s\n", "nodes", "reads/s", "writes/s",
	       "dirs/s", "tx/s", "events/s");
	for (int i = 0; i < 2; i++) {
		run(sock, sizes[i], &r[i]);
		printf("%8u %10.0f %10.0f %10.0f %10.0f %12.0f\n", sizes[i],
		       r[i].reads, r[i].writes, r[i].dirs, r[i].txs, r[i].events);
	}
	printf("%8s %10.2f %10.2f %10.2f %10.2f %12.2f\n", "100k/10k",
	       r[1].reads / r[0].reads, r[1].writes / r[0].writes,
	       r[1].dirs / r[0].dirs, r[1].txs / r[0].txs,
	       r[1].events / r[0].events);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		rmdir(dir);
	}
	return 0;
}
