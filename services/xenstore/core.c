/* The store as a whole: creation, teardown, statistics and self-check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

static const char *const error_names[XS_ERROR_COUNT] = {
	"OK", "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM",
	"ENOSPC", "EIO", "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN",
	"EISCONN", "E2BIG", "EPERM", "EQUOTA",
};

const char *xs_error_name(int err)
{
	return err > 0 && err < XS_ERROR_COUNT ? error_names[err] : "EINVAL";
}

struct xs_store *xs_store_new(const struct xs_config *cfg)
{
	struct xs_store *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->cfg = *cfg;
	if (xs_table_init(&st->nodes) || xs_windex_init(&st->windex) ||
	    !xs_domain_get(st, 0, true) || xs_store_init_tree(st)) {
		xs_store_free(st);
		return NULL;
	}
	return st;
}

void xs_store_free(struct xs_store *st)
{
	while (st->conns)
		xs_conn_free(st->conns);
	if (st->nodes.bucket)
		xs_table_destroy(&st->nodes);
	if (st->windex.bucket)
		xs_windex_destroy(&st->windex);
	for (int i = 0; i < 2; i++)
		free(st->special[i].perms);
	xs_domains_free(st);
	free(st);
}

void xs_store_set_trace(struct xs_store *st, bool on)
{
	st->trace_on = on;
}

void xs_store_stats(struct xs_store *st, struct xs_stats *out)
{
	out->nodes = st->nodes.count;
	out->node_bytes = st->node_bytes;
	out->watches = st->nwatches;
	out->transactions = st->ntx;
	out->domains = st->ndomains;
}

static int fail(char *why, size_t whylen, const char *what, const char *path)
{
	if (why && whylen)
		snprintf(why, whylen, "%s%s%s", what, path ? ": " : "",
			 path ? path : "");
	return -1;
}

/*
 * Walks every node, domain, connection and the watch index, and checks
 * that the counters kept on the way agree with what is there: children
 * lists name existing nodes, every node but the root is listed by its
 * parent, owners' lists and counts match, and byte accounting adds up.
 */
int xs_store_check(struct xs_store *st, char *why, size_t whylen)
{
	size_t bytes = 0, nodes = 0, listed = 0;
	char path[XENSTORE_ABS_PATH_MAX + 1];

	for (size_t i = 0; i < st->nodes.nbuckets; i++)
		for (struct xs_node *n = st->nodes.bucket[i]; n;
		     n = n->hash_next) {
			nodes++;
			bytes += xs_node_bytes(n);
			if (n->nperms == 0 || n->childlen > n->childcap)
				return fail(why, whylen, "bad node", n->path);
			for (uint32_t off = 0; off < n->childlen;
			     off += (uint32_t)strlen(n->children + off) + 1) {
				const char *c = n->children + off;
				int k = snprintf(path, sizeof(path), "%s/%s",
						 n->pathlen == 1 ? "" : n->path, c);
				if (k < 0 || (size_t)k >= sizeof(path) ||
				    !xs_table_find(&st->nodes, path, (size_t)k,
						   xs_hash(path, (size_t)k)))
					return fail(why, whylen,
						    "child missing", path);
				listed++;
			}
		}
	if (nodes != st->nodes.count || listed + 1 != nodes)
		return fail(why, whylen, "node count wrong", NULL);
	if (bytes != st->node_bytes)
		return fail(why, whylen, "byte accounting wrong", NULL);

	size_t owned = 0, watches = 0;
	for (size_t i = 0; i < XS_DOMAIN_BUCKETS; i++)
		for (struct xs_domain *d = st->domains[i]; d; d = d->next) {
			size_t count = 0;
			for (struct xs_node *n = d->owned; n; n = n->owner_next) {
				if (n->perms[0].domid != d->domid)
					return fail(why, whylen, "owner list wrong",
						    n->path);
				count++;
			}
			if (count != d->nodes)
				return fail(why, whylen, "owner count wrong", NULL);
			owned += count;
			watches += d->watches;
		}
	if (owned != nodes)
		return fail(why, whylen, "unowned nodes", NULL);

	size_t ntx = 0, conn_watches = 0;
	for (struct xs_conn *c = st->conns; c; c = c->next) {
		size_t k = 0;
		for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
			k++;
		if (k != c->ntx)
			return fail(why, whylen, "transaction count wrong", NULL);
		ntx += k;
		for (struct xs_watch *w = c->watches; w; w = w->conn_next)
			conn_watches++;
	}
	if (ntx != st->ntx || conn_watches != st->nwatches ||
	    watches != st->nwatches)
		return fail(why, whylen, "connection counts wrong", NULL);
	size_t indexed = xs_windex_check(st, why, whylen);
	if (indexed == (size_t)-1)
		return -1;
	if (indexed != st->nwatches)
		return fail(why, whylen, "watch index count wrong", NULL);
	return 0;
}
