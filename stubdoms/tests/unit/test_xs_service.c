/*
 * Host test (ASan/UBSan) of the xenstore service's privileged internal
 * connection: how SVC_INTRODUCE and SVC_RELEASE become xenstored's
 * INTRODUCE and RELEASE, against the real library, with a watcher of
 * @introduceDomain on another connection.
 */
#include <stdlib.h>
#include <string.h>
#include <libos/service.h>
#include "../../xenstore/internal_conn.h"
#include "mem_transport.h"
#include "check.h"

static uint32_t hook_domid = ~0u;
static uint64_t hook_gfn = ~0ull;

static int hook(void *arg, uint32_t domid, uint64_t gfn, uint32_t evtchn, struct xs_transport **t)
{
	(void)arg;
	(void)evtchn;
	if (domid == 6)
		return XS_ENOENT;	/* as the service does when no ring came with it */
	hook_domid = domid;
	hook_gfn = gfn;
	*t = NULL;
	return XS_OK;
}

/* Whether the watcher's output holds s. */
static int seen(struct mem_transport *m, const char *s)
{
	for (size_t i = 0; i + strlen(s) <= m->out_len; i++)
		if (memcmp(m->out + i, s, strlen(s)) == 0)
			return 1;
	return 0;
}

int main(void)
{
	static struct internal_conn ic;
	static struct mem_transport watcher;
	static char out[4096];
	struct xs_msg_header h = { XS_WATCH, 1, 0, 23 };
	struct xs_config cfg;
	struct xs_store *st;
	struct xs_conn *w;
	char why[128];

	xs_config_defaults(&cfg);
	cfg.introduce = hook;
	st = xs_store_new(&cfg);
	check(st && internal_conn_init(&ic, st) == 0, "an internal domain-0 connection");
	mem_init(&watcher, out, sizeof(out));
	w = xs_conn_new(st, &watcher.t, 0);
	mem_feed(&watcher, &h, sizeof(h));
	mem_feed(&watcher, "@introduceDomain\0intro", 23);
	xs_conn_process(w);
	watcher.out_len = 0;

	check(internal_request(&ic, XS_INTRODUCE, "5|0|0|") == SVC_OK && hook_domid == 5 &&
	      hook_gfn == 0, "INTRODUCE 5 reaches the introduce hook with gfn 0");
	xs_conn_process(w);
	check(seen(&watcher, "@introduceDomain"), "and fires @introduceDomain for the watcher");
	check(internal_request(&ic, XS_INTRODUCE, "5|0|0|") == SVC_OK, "the same INTRODUCE again: OK");
	check(internal_request(&ic, XS_INTRODUCE, "5|1|0|") == SVC_EEXIST,
	      "INTRODUCE 5 with another ring: EEXIST");
	check(internal_request(&ic, XS_INTRODUCE, "6|0|0|") == SVC_ENOENT,
	      "the hook's refusal comes back (ENOENT)");
	check(internal_request(&ic, XS_INTRODUCE, "0|0|0|") == SVC_EINVAL, "INTRODUCE 0: EINVAL");
	check(internal_request(&ic, XS_RELEASE, "5|") == SVC_OK, "RELEASE 5");
	check(internal_request(&ic, XS_RELEASE, "5|") == SVC_ENOENT, "RELEASE 5 again: ENOENT");
	check(xs_store_check(st, why, sizeof(why)) == 0, "the store is consistent");
	xs_conn_free(w);
	xs_conn_free(ic.conn);
	xs_store_free(st);
	return check_done();
}
