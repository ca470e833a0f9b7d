/*
 * Transactions. A transaction copies each node the first time it touches
 * it (or records that the node was absent) together with the node's
 * generation; later reads and writes use the copies. Commit fails with
 * EAGAIN if any touched node changed in the tree since, otherwise the
 * changed copies replace the tree's nodes and the transaction's watch
 * events fire. An aborted or failed transaction leaves the tree alone.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

int xs_tx_start(struct xs_conn *c, uint32_t *id)
{
	if (xs_quota_exceeded(c, XS_Q_TRANSACTIONS, c->ntx + 1))
		return xs_quota_refuse(c, XS_Q_TRANSACTIONS, c->ntx,
				       "TRANSACTION_START");
	struct xs_tx *tx = calloc(1, sizeof(*tx));
	if (!tx)
		return XS_ENOMEM;
	if (xs_table_init(&tx->overlay)) {
		free(tx);
		return XS_ENOMEM;
	}
	/* Ids are never 0 and never those of another open transaction. */
	do {
		tx->id = ++c->next_txid;
	} while (tx->id == 0 || xs_tx_find(c, tx->id));
	tx->conn = c;
	tx->next = c->txs;
	c->txs = tx;
	c->ntx++;
	c->st->ntx++;
	*id = tx->id;
	return XS_OK;
}

struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id)
{
	for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

static void tx_free(struct xs_tx *tx)
{
	struct xs_conn *c = tx->conn;
	for (struct xs_tx **p = &c->txs; *p; p = &(*p)->next)
		if (*p == tx) {
			*p = tx->next;
			break;
		}
	c->ntx--;
	c->st->ntx--;
	xs_table_destroy(&tx->overlay);
	while (tx->events) {
		struct xs_event *e = tx->events;
		tx->events = e->next;
		free(e->path);
		free(e->perms);
		free(e);
	}
	free(tx);
}

void xs_tx_free_all(struct xs_conn *c)
{
	while (c->txs)
		tx_free(c->txs);
}

int xs_tx_snapshot(struct xs_view *v, struct xs_node *tree_node,
		   const char *path, size_t len, struct xs_node **out)
{
	struct xs_tx *tx = v->tx;
	if (xs_quota_exceeded(v->conn, XS_Q_TRANSACTION_NODES,
			      tx->overlay.count + 1))
		return xs_quota_refuse(v->conn, XS_Q_TRANSACTION_NODES,
				       tx->overlay.count, path);

	struct xs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return XS_ENOMEM;
	n->path = malloc(len + 1);
	if (!n->path)
		goto nomem;
	memcpy(n->path, path, len);
	n->path[len] = '\0';
	n->pathlen = (uint32_t)len;
	n->hash = xs_hash(path, len);
	if (tree_node) {
		const struct xs_node *t = tree_node;
		n->value = malloc(t->vlen ? t->vlen : 1);
		n->children = malloc(t->childlen ? t->childlen : 1);
		n->perms = malloc(t->nperms * sizeof(*n->perms));
		if (!n->value || !n->children || !n->perms)
			goto nomem;
		if (t->vlen)
			memcpy(n->value, t->value, t->vlen);
		if (t->childlen)
			memcpy(n->children, t->children, t->childlen);
		memcpy(n->perms, t->perms, t->nperms * sizeof(*n->perms));
		n->vlen = t->vlen;
		n->childlen = n->childcap = t->childlen;
		n->nperms = t->nperms;
		n->gen = n->base_gen = t->gen;
	} else {
		n->deleted = true;
	}
	xs_table_insert(&tx->overlay, n);
	if (tx->last)
		tx->last->tx_next = n;
	else
		tx->first = n;
	tx->last = n;
	*out = tree_node ? n : NULL;
	return XS_OK;
nomem:
	xs_node_free(n);
	return XS_ENOMEM;
}

static bool conflicts(struct xs_store *st, struct xs_tx *tx)
{
	for (struct xs_node *n = tx->first; n; n = n->tx_next) {
		struct xs_node *t = xs_table_find(&st->nodes, n->path,
						  n->pathlen, n->hash);
		if ((t ? t->gen : 0) != n->base_gen)
			return true;
	}
	return false;
}

/* Exchanges the contents (value, children, permissions) of two nodes. */
static void swap_contents(struct xs_node *a, struct xs_node *b)
{
	struct xs_node t = *a;
	a->value = b->value;
	a->vlen = b->vlen;
	a->children = b->children;
	a->childlen = b->childlen;
	a->childcap = b->childcap;
	a->perms = b->perms;
	a->nperms = b->nperms;
	b->value = t.value;
	b->vlen = t.vlen;
	b->children = t.children;
	b->childlen = t.childlen;
	b->childcap = t.childcap;
	b->perms = t.perms;
	b->nperms = t.nperms;
}

/* Moves a changed copy into the tree; allocates nothing, so cannot fail. */
static void apply(struct xs_store *st, struct xs_tx *tx, struct xs_node *n)
{
	struct xs_node *t = xs_table_find(&st->nodes, n->path, n->pathlen,
					  n->hash);
	if (n->deleted) {
		if (t)
			xs_tree_delete(st, t);
		return;
	}
	if (!t) {
		/* The copy itself becomes the tree's node. */
		xs_table_remove(&tx->overlay, n);
		n->tx_next = NULL;
		n->dirty = false;
		n->base_gen = 0;
		xs_tree_adopt(st, n);
		return;
	}
	size_t before = xs_node_bytes(t);
	uint32_t old_owner = t->perms[0].domid;
	swap_contents(t, n);
	t->gen = ++st->gen;
	st->node_bytes += xs_node_bytes(t);
	st->node_bytes -= before;
	xs_tree_set_owner(st, t, old_owner);
}

int xs_tx_end(struct xs_conn *c, struct xs_tx *tx, bool commit)
{
	struct xs_store *st = c->st;
	int err = XS_OK;

	if (!commit)
		goto out;
	if (tx->failed) {
		err = tx->failed;
		goto out;
	}
	if (conflicts(st, tx)) {
		err = XS_EAGAIN;
		goto out;
	}
	uint64_t owned = c->dom->nodes;
	if (tx->own_delta > 0 &&
	    xs_quota_exceeded(c, XS_Q_NODES, owned + (uint64_t)tx->own_delta)) {
		err = xs_quota_refuse(c, XS_Q_NODES, owned, "TRANSACTION_END");
		goto out;
	}
	for (struct xs_node *n = tx->first, *next; n; n = next) {
		next = n->tx_next;
		if (n->dirty)
			apply(st, tx, n);
	}
	for (struct xs_event *e = tx->events; e; e = e->next)
		xs_watch_fire(st, e->path, e->recursive, e->perms, e->nperms);
out:
	tx_free(tx);
	return err;
}
