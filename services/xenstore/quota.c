/*
 * Per-domain quotas. They bind unprivileged domains only; each refusal is
 * answered with EQUOTA (as oxenstored does) and logged, so that operators
 * see which domain hit which limit.
 */
#include <string.h>

#include "xs_internal.h"

static const char *const quota_names[XS_Q_COUNT] = {
	[XS_Q_NODES] = "nodes",
	[XS_Q_WATCHES] = "watches",
	[XS_Q_TRANSACTIONS] = "transactions",
	[XS_Q_NODE_SIZE] = "node-size",
	[XS_Q_PERMISSIONS] = "permissions",
	[XS_Q_OUTSTANDING] = "outstanding",
	[XS_Q_TRANSACTION_NODES] = "transaction-nodes",
	[XS_Q_PATH_MAX] = "path-max",
	[XS_Q_WATCH_EVENTS] = "watch-events",
};

const char *xs_quota_name(enum xs_quota q)
{
	return (unsigned)q < XS_Q_COUNT ? quota_names[q] : "?";
}

int xs_quota_lookup(const char *name)
{
	for (int q = 0; q < XS_Q_COUNT; q++)
		if (strcmp(name, quota_names[q]) == 0)
			return q;
	return -1;
}

void xs_config_defaults(struct xs_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* Xen 4.17's xenstored defaults (xenstored_core.c). */
	cfg->quota[XS_Q_NODES] = 1000;
	cfg->quota[XS_Q_WATCHES] = 128;
	cfg->quota[XS_Q_TRANSACTIONS] = 10;
	cfg->quota[XS_Q_NODE_SIZE] = 2048;
	cfg->quota[XS_Q_PERMISSIONS] = 5;
	cfg->quota[XS_Q_OUTSTANDING] = 20;
	cfg->quota[XS_Q_TRANSACTION_NODES] = 1024;
	cfg->quota[XS_Q_PATH_MAX] = XENSTORE_REL_PATH_MAX;
	/* Ours: Xen drops stale events after 20 s instead. */
	cfg->quota[XS_Q_WATCH_EVENTS] = 1024;
}

bool xs_quota_exceeded(const struct xs_conn *c, enum xs_quota q,
		       uint64_t amount)
{
	uint32_t limit = c->dom->quota[q];
	return !xs_conn_privileged(c) && limit != 0 && amount > limit;
}

int xs_quota_refuse(struct xs_conn *c, enum xs_quota q, uint64_t used,
		    const char *what)
{
	xs_log(c->st, "quota: domain %u refused %s (used %llu, limit %u): %.200s",
	       (unsigned)c->dom->domid, quota_names[q],
	       (unsigned long long)used, (unsigned)c->dom->quota[q], what);
	return XS_EQUOTA;
}
