/*
 * xenstored for the host: serves the XenStore protocol on a Unix socket
 * to the control domain's tools (libxenstore's XENSTORED_PATH), and, for
 * tests only, on further sockets whose clients act as unprivileged
 * domains.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daemon_unix.h"

#define MAX_LISTENERS 16

static volatile sig_atomic_t stop;
static FILE *log_file, *trace_file;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(log_file, "xenstored: %s\n", line);
	fflush(log_file);
}

static void trace_line(void *arg, const char *line)
{
	(void)arg;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(trace_file, "%lld.%06ld %s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000, line);
	fflush(trace_file);
}

static void usage(void)
{
	fprintf(stderr,
"usage: xenstored [options]\n"
"  -s, --socket PATH          control-domain socket (default, as libxenstore:\n"
"                             $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket,\n"
"                             else /run/xenstored/socket)\n"
"  -U, --domain-socket D:PATH TEST ONLY: clients of PATH act as unprivileged\n"
"                             domain D (may be repeated)\n"
"  -T, --trace-file FILE      trace requests and replies to FILE ('-': stderr)\n"
"  -l, --log-file FILE        log lines (quota refusals...) to FILE (default stderr)\n"
"  -Q, --quota NAME=VALUE     set a default quota: nodes, watches, transactions,\n"
"                             node-size, permissions, outstanding,\n"
"                             transaction-nodes, path-max, watch-events (0 = off)\n"
"  -E, --entry-nb N           = --quota nodes=N\n"
"  -S, --entry-size N         = --quota node-size=N\n"
"  -W, --watch-nb N           = --quota watches=N\n"
"  -t, --transaction N        = --quota transactions=N\n"
"  -A, --perm-nb N            = --quota permissions=N\n"
"  -M, --path-max N           = --quota path-max=N\n"
"  -K, --keep-orphans         RELEASE gives the nodes the domain owned to\n"
"                             domain 0 instead of removing them (as Xen's -K,\n"
"                             a risk: guests can fill the store across reboots)\n");
	exit(2);
}

static int set_quota(struct xs_config *cfg, const char *name, const char *val)
{
	char *end;
	int q = xs_quota_lookup(name);
	unsigned long v = strtoul(val, &end, 10);
	if (q < 0 || !*val || *end || v > UINT32_MAX) {
		fprintf(stderr, "xenstored: bad quota %s=%s\n", name, val);
		return -1;
	}
	cfg->quota[q] = (uint32_t)v;
	return 0;
}

static FILE *open_out(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stderr;
	FILE *f = fopen(path, "a");
	if (!f)
		perror(path);
	return f;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", 1, NULL, 's' }, { "domain-socket", 1, NULL, 'U' },
		{ "trace-file", 1, NULL, 'T' }, { "log-file", 1, NULL, 'l' },
		{ "quota", 1, NULL, 'Q' }, { "entry-nb", 1, NULL, 'E' },
		{ "entry-size", 1, NULL, 'S' }, { "watch-nb", 1, NULL, 'W' },
		{ "transaction", 1, NULL, 't' }, { "perm-nb", 1, NULL, 'A' },
		{ "path-max", 1, NULL, 'M' }, { "keep-orphans", 0, NULL, 'K' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static const char *const short_quota[] = {
		['E'] = "nodes", ['S'] = "node-size", ['W'] = "watches",
		['t'] = "transactions", ['A'] = "permissions", ['M'] = "path-max",
	};
	struct xsd_listener ls[MAX_LISTENERS];
	int nls = 1;
	struct xs_config cfg;
	static char default_path[256];
	bool trace_on = false;
	char *eq;
	int ch;

	log_file = stderr;
	xs_config_defaults(&cfg);
	const char *env_path = getenv("XENSTORED_PATH");
	const char *rundir = getenv("XENSTORED_RUNDIR");
	snprintf(default_path, sizeof(default_path), "%s/socket",
		 rundir ? rundir : "/run/xenstored");
	ls[0] = (struct xsd_listener){ env_path ? env_path : default_path, 0, -1 };
	while ((ch = getopt_long(argc, argv, "s:U:T:l:Q:E:S:W:t:A:M:Kh", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 's':
			ls[0].path = optarg;
			break;
		case 'U': {
			char *end;
			unsigned long d = strtoul(optarg, &end, 10);
			if (*end != ':' || d == 0 || d >= 0x7ff0 ||
			    nls == MAX_LISTENERS)
				usage();
			ls[nls++] = (struct xsd_listener){ end + 1, (uint32_t)d, -1 };
			break;
		}
		case 'T':
			if (!(trace_file = open_out(optarg)))
				return 1;
			trace_on = true;
			break;
		case 'l':
			if (!(log_file = open_out(optarg)))
				return 1;
			break;
		case 'Q':
			eq = strchr(optarg, '=');
			if (!eq)
				usage();
			*eq = '\0';
			if (set_quota(&cfg, optarg, eq + 1))
				return 2;
			break;
		case 'E': case 'S': case 'W': case 't': case 'A': case 'M':
			if (set_quota(&cfg, short_quota[ch], optarg))
				return 2;
			break;
		case 'K':
			cfg.keep_orphans = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	cfg.log = log_line;
	cfg.trace = trace_line;
	if (!trace_file)
		trace_file = log_file;
	if (ls[0].path == default_path && !rundir)
		mkdir("/run/xenstored", 0755);

	struct xs_store *st = xs_store_new(&cfg);
	if (!st) {
		fprintf(stderr, "xenstored: out of memory\n");
		return 1;
	}
	xs_store_set_trace(st, trace_on);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (xsd_listen(ls, nls))
		return 1;
	log_line(NULL, "ready");
	int rc = xsd_serve(st, ls, nls, &stop);
	xs_store_free(st);
	return rc ? 1 : 0;
}
