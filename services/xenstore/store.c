/*
 * The tree of nodes and the operations that change it. Every operation
 * goes through a view: either the tree itself, or a transaction's overlay
 * of private node copies on top of it (transaction.c). Nodes are found by
 * their full path in a hash table, so no operation walks the tree except
 * over the nodes it removes.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

static const char *const special_path[2] = { "@introduceDomain",
					     "@releaseDomain" };

int xs_special_index(const char *path)
{
	for (int i = 0; i < 2; i++)
		if (strcmp(path, special_path[i]) == 0)
			return i;
	return -1;
}

static struct xs_node *node_alloc(const char *path, size_t len)
{
	struct xs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->path = malloc(len + 1);
	if (!n->path) {
		free(n);
		return NULL;
	}
	memcpy(n->path, path, len);
	n->path[len] = '\0';
	n->pathlen = (uint32_t)len;
	n->hash = xs_hash(path, len);
	return n;
}

static struct xs_perm *perms_dup(const struct xs_perm *p, uint32_t n)
{
	struct xs_perm *q = malloc(n * sizeof(*q));
	if (q)
		memcpy(q, p, n * sizeof(*q));
	return q;
}

static void owner_link(struct xs_store *st, struct xs_node *n)
{
	struct xs_domain *d = xs_domain_get(st, n->perms[0].domid, false);
	if (!d)
		return;	/* cannot happen: owners get a record first */
	n->owner_prev = NULL;
	n->owner_next = d->owned;
	if (d->owned)
		d->owned->owner_prev = n;
	d->owned = n;
	d->nodes++;
}

static void owner_unlink(struct xs_store *st, struct xs_node *n,
			 uint32_t owner)
{
	struct xs_domain *d = xs_domain_get(st, owner, false);
	if (!d)
		return;
	if (n->owner_prev)
		n->owner_prev->owner_next = n->owner_next;
	else if (d->owned == n)
		d->owned = n->owner_next;
	if (n->owner_next)
		n->owner_next->owner_prev = n->owner_prev;
	n->owner_prev = n->owner_next = NULL;
	d->nodes--;
}

void xs_tree_set_owner(struct xs_store *st, struct xs_node *n,
		       uint32_t old_owner)
{
	if (old_owner == n->perms[0].domid)
		return;
	owner_unlink(st, n, old_owner);
	owner_link(st, n);
}

/* Puts a fully built node into the tree. */
void xs_tree_adopt(struct xs_store *st, struct xs_node *n)
{
	n->gen = ++st->gen;
	xs_table_insert(&st->nodes, n);
	owner_link(st, n);
	st->node_bytes += xs_node_bytes(n);
}

/* Removes one node (not its children) from the tree and frees it. */
void xs_tree_delete(struct xs_store *st, struct xs_node *n)
{
	owner_unlink(st, n, n->perms[0].domid);
	st->node_bytes -= xs_node_bytes(n);
	xs_table_remove(&st->nodes, n);
	xs_node_free(n);
}

int xs_store_init_tree(struct xs_store *st)
{
	static const struct xs_perm none = { 0, 0 };
	struct xs_node *root = node_alloc("/", 1);
	if (!root)
		return XS_ENOMEM;
	root->perms = perms_dup(&none, 1);
	if (!root->perms) {
		xs_node_free(root);
		return XS_ENOMEM;
	}
	root->nperms = 1;
	xs_tree_adopt(st, root);
	for (int i = 0; i < 2; i++) {
		struct xs_node *s = &st->special[i];
		s->path = (char *)special_path[i];
		s->pathlen = (uint32_t)strlen(special_path[i]);
		s->perms = perms_dup(&none, 1);
		if (!s->perms)
			return XS_ENOMEM;
		s->nperms = 1;
	}
	return XS_OK;
}

int xs_view_get(struct xs_view *v, const char *path, size_t len,
		struct xs_node **out)
{
	uint32_t h = xs_hash(path, len);
	struct xs_node *t;

	if (v->tx) {
		struct xs_node *o = xs_table_find(&v->tx->overlay, path, len, h);
		if (o) {
			*out = o->deleted ? NULL : o;
			return XS_OK;
		}
	}
	t = xs_table_find(&v->st->nodes, path, len, h);
	if (!v->tx) {
		*out = t;
		return XS_OK;
	}
	return xs_tx_snapshot(v, t, path, len, out);
}

int xs_view_lookup(struct xs_view *v, const char *path, uint32_t need,
		   struct xs_node **out)
{
	struct xs_node *n;
	int err = xs_view_get(v, path, strlen(path), &n);
	if (err)
		return err;
	if (!n)
		return XS_ENOENT;
	if ((xs_perm_for(v->conn, n->perms, n->nperms) & need) != need)
		return XS_EACCES;
	*out = n;
	return XS_OK;
}

/* Records that n changed: a new generation, or dirty in a transaction. */
static void changed(struct xs_view *v, struct xs_node *n, size_t old_bytes)
{
	if (v->tx) {
		n->dirty = true;
		return;
	}
	n->gen = ++v->st->gen;
	v->st->node_bytes += xs_node_bytes(n);
	v->st->node_bytes -= old_bytes;
}

static int child_add(struct xs_view *v, struct xs_node *parent,
		     const char *name, size_t len)
{
	size_t before = xs_node_bytes(parent);
	uint32_t need = parent->childlen + (uint32_t)len + 1;
	if (need > parent->childcap) {
		uint32_t cap = parent->childcap ? parent->childcap * 2 : 32;
		while (cap < need)
			cap *= 2;
		char *c = realloc(parent->children, cap);
		if (!c)
			return XS_ENOMEM;
		parent->children = c;
		parent->childcap = cap;
	}
	memcpy(parent->children + parent->childlen, name, len);
	parent->children[parent->childlen + len] = '\0';
	parent->childlen = need;
	changed(v, parent, before);
	return XS_OK;
}

static void child_remove(struct xs_view *v, struct xs_node *parent,
			 const char *name, size_t len)
{
	size_t before = xs_node_bytes(parent);
	if (!parent->childlen)
		return;
	char *p = parent->children, *end = p + parent->childlen;
	while (p < end) {
		size_t l = strlen(p);
		if (l == len && memcmp(p, name, len) == 0) {
			memmove(p, p + l + 1, (size_t)(end - (p + l + 1)));
			parent->childlen -= (uint32_t)(l + 1);
			changed(v, parent, before);
			return;
		}
		p += l + 1;
	}
}

static uint32_t creator_owner(struct xs_view *v, const struct xs_node *parent)
{
	return xs_conn_privileged(v->conn) ? parent->perms[0].domid
					   : v->conn->dom->domid;
}

/* Empties a transaction's copy of a node of value and children. */
static void clear_contents(struct xs_node *n)
{
	free(n->value);
	free(n->children);
	n->value = n->children = NULL;
	n->vlen = n->childlen = n->childcap = 0;
}

/* Creates path (absent in the view) below parent, inheriting its perms. */
static int node_create(struct xs_view *v, struct xs_node *parent,
		       const char *path, size_t len, struct xs_node **out)
{
	const char *leaf = path + len;
	while (leaf[-1] != '/')
		leaf--;
	struct xs_perm *perms = perms_dup(parent->perms, parent->nperms);
	if (!perms)
		return XS_ENOMEM;
	perms[0].domid = creator_owner(v, parent);

	struct xs_node *n;
	if (v->tx) {
		/* xs_view_get left a tombstone for the absent path. */
		n = xs_table_find(&v->tx->overlay, path, len,
				  xs_hash(path, len));
	} else {
		n = node_alloc(path, len);
	}
	int err = n ? child_add(v, parent, leaf, (size_t)(path + len - leaf))
		    : XS_ENOMEM;
	if (err) {
		free(perms);
		if (n && !v->tx)
			xs_node_free(n);
		return err;
	}
	free(n->perms);
	n->perms = perms;
	n->nperms = parent->nperms;
	if (v->tx) {
		clear_contents(n);
		n->deleted = false;
		n->dirty = true;
		if (perms[0].domid == v->conn->dom->domid)
			v->tx->own_delta++;
	} else {
		xs_tree_adopt(v->st, n);
	}
	*out = n;
	return XS_OK;
}

/* Removes one node from the view; its parent's child list is not touched. */
static void node_delete(struct xs_view *v, struct xs_node *n)
{
	if (!v->tx) {
		xs_tree_delete(v->st, n);
		return;
	}
	if (n->perms[0].domid == v->conn->dom->domid)
		v->tx->own_delta--;
	clear_contents(n);
	n->deleted = true;
	n->dirty = true;
}

/* Length of the parent path of path[0..len), len > 1. */
static size_t parent_len(const char *path, size_t len)
{
	size_t i = len - 1;
	while (i > 0 && path[i] != '/')
		i--;
	return i == 0 ? 1 : i;
}

static int set_value(struct xs_view *v, struct xs_node *n, const char *value,
		     uint32_t vlen)
{
	size_t before = xs_node_bytes(n);
	char *copy = malloc(vlen ? vlen : 1);
	if (!copy)
		return XS_ENOMEM;
	if (vlen)
		memcpy(copy, value, vlen);
	free(n->value);
	n->value = copy;
	n->vlen = vlen;
	changed(v, n, before);
	return XS_OK;
}

/* In a transaction, a failure after changes began spoils the commit. */
static int spoil(struct xs_view *v, int err)
{
	if (v->tx && err && !v->tx->failed)
		v->tx->failed = err;
	return err;
}

static int delete_subtree(struct xs_view *v, struct xs_node *n);

/*
 * A write that failed half way (out of memory) removes the nodes it had
 * created below path[0..top), so that nothing of it stays.
 */
static int undo_create(struct xs_view *v, const char *path, size_t top,
		       int err)
{
	struct xs_node *n, *p;
	if (!top || xs_view_get(v, path, top, &n) || !n)
		return spoil(v, err);
	size_t plen = parent_len(path, top);
	if (xs_view_get(v, path, plen, &p) || !p || delete_subtree(v, n))
		return spoil(v, err);
	const char *leaf = path + (plen == 1 ? 1 : plen + 1);
	child_remove(v, p, leaf, (size_t)(path + top - leaf));
	return spoil(v, err);
}

int xs_op_write(struct xs_view *v, const char *path, const char *value,
		uint32_t vlen, bool mkdir)
{
	size_t len = strlen(path);
	struct xs_node *n, *p;
	int err;

	if (!mkdir && xs_quota_exceeded(v->conn, XS_Q_NODE_SIZE, vlen))
		return xs_quota_refuse(v->conn, XS_Q_NODE_SIZE, vlen, path);
	err = xs_view_get(v, path, len, &n);
	if (err)
		return err;
	if (n) {
		if (!(xs_perm_for(v->conn, n->perms, n->nperms) & XS_ACCESS_WRITE))
			return XS_EACCES;
		if (mkdir)
			return XS_OK;
		err = set_value(v, n, value, vlen);
		if (!err)
			xs_view_event(v, path, false, n->perms, n->nperms);
		return err;
	}

	/* Find the nearest existing ancestor; count the nodes to create. */
	size_t plen = len, missing = 1;
	for (;;) {
		plen = parent_len(path, plen);
		err = xs_view_get(v, path, plen, &p);
		if (err)
			return err;
		if (p)
			break;
		if (plen == 1)
			return XS_ENOENT;	/* no root in this view */
		missing++;
	}
	if (!(xs_perm_for(v->conn, p->perms, p->nperms) & XS_ACCESS_WRITE))
		return XS_EACCES;
	uint64_t owned = v->conn->dom->nodes + (v->tx ? v->tx->own_delta : 0);
	if (xs_quota_exceeded(v->conn, XS_Q_NODES, owned + missing))
		return xs_quota_refuse(v->conn, XS_Q_NODES, owned, path);

	/* Create each missing node, from the top down. */
	size_t top = 0;
	while (plen < len) {
		size_t end = plen == 1 ? 1 : plen + 1;
		while (end < len && path[end] != '/')
			end++;
		err = node_create(v, p, path, end, &n);
		if (err)
			return undo_create(v, path, top, err);
		if (!top)
			top = end;
		p = n;
		plen = end;
	}
	if (!mkdir && vlen) {
		err = set_value(v, n, value, vlen);
		if (err)
			return undo_create(v, path, top, err);
	}
	xs_view_event(v, path, false, n->perms, n->nperms);
	return XS_OK;
}

struct rm_frame {
	struct xs_node *n;
	uint32_t off;		/* next child to visit */
	uint32_t len;		/* length of n's path in st->pathbuf */
};

/* Deletes n and everything below it, children first, without recursion. */
static int delete_subtree(struct xs_view *v, struct xs_node *n)
{
	char *buf = v->st->pathbuf;
	size_t max = XENSTORE_ABS_PATH_MAX / 2 + 2;	/* deepest possible */
	struct rm_frame *f = malloc(max * sizeof(*f));
	size_t sp = 0;
	int err = XS_OK;

	if (!f)
		return XS_ENOMEM;
	memcpy(buf, n->path, n->pathlen + 1);
	f[sp++] = (struct rm_frame){ n, 0, n->pathlen };
	while (sp > 0) {
		struct rm_frame *top = &f[sp - 1];
		if (top->off >= top->n->childlen) {
			node_delete(v, top->n);
			sp--;
			continue;
		}
		const char *name = top->n->children + top->off;
		size_t nl = strlen(name);
		top->off += (uint32_t)nl + 1;
		if (top->len + 1 + nl > XENSTORE_ABS_PATH_MAX || sp == max)
			continue;	/* cannot exist: paths are bounded */
		buf[top->len] = '/';
		memcpy(buf + top->len + 1, name, nl);
		size_t clen = top->len + 1 + nl;
		struct xs_node *c;
		err = xs_view_get(v, buf, clen, &c);
		if (err)
			break;
		if (c)
			f[sp++] = (struct rm_frame){ c, 0, (uint32_t)clen };
	}
	free(f);
	return err;
}

int xs_op_rm(struct xs_view *v, const char *path)
{
	size_t len = strlen(path);
	struct xs_node *n, *p;
	int err;

	if (len == 1)
		return XS_EINVAL;	/* the root stays */
	err = xs_view_get(v, path, len, &n);
	if (err)
		return err;
	size_t plen = parent_len(path, len);
	err = xs_view_get(v, path, plen, &p);
	if (err)
		return err;
	if (!n)
		return p ? XS_OK : XS_ENOENT;
	if (!(xs_perm_for(v->conn, n->perms, n->nperms) & XS_ACCESS_WRITE))
		return XS_EACCES;
	/* The event carries the removed node's permissions: queue it first. */
	xs_view_event(v, path, true, n->perms, n->nperms);
	err = delete_subtree(v, n);
	if (err)
		return spoil(v, err);
	const char *leaf = path + (plen == 1 ? 1 : plen + 1);
	child_remove(v, p, leaf, (size_t)(path + len - leaf));
	return XS_OK;
}

int xs_op_set_perms(struct xs_view *v, const char *path,
		    const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_node *n;
	int err, special = xs_special_index(path);

	if (special >= 0)
		n = &v->st->special[special];
	else if ((err = xs_view_lookup(v, path, 0, &n)))
		return err;

	/* Only the owner (or the control domain) may change permissions. */
	struct xs_conn *c = v->conn;
	uint32_t owner = n->perms[0].domid;
	if (!xs_conn_privileged(c) && owner != c->dom->domid &&
	    !(c->dom->has_target && owner == c->dom->target))
		return XS_EACCES;
	if (!xs_conn_privileged(c) && perms[0].domid != owner)
		return XS_EACCES;
	if (xs_quota_exceeded(c, XS_Q_PERMISSIONS, nperms))
		return xs_quota_refuse(c, XS_Q_PERMISSIONS, nperms, path);
	if (!xs_domain_get(v->st, perms[0].domid, true))
		return XS_ENOMEM;
	struct xs_perm *copy = perms_dup(perms, nperms);
	if (!copy)
		return XS_ENOMEM;

	size_t before = xs_node_bytes(n);
	free(n->perms);
	n->perms = copy;
	n->nperms = nperms;
	if (special >= 0)
		return XS_OK;
	if (v->tx) {
		uint32_t me = c->dom->domid;
		v->tx->own_delta += (perms[0].domid == me) - (owner == me);
	} else {
		xs_tree_set_owner(v->st, n, owner);
	}
	changed(v, n, before);
	xs_view_event(v, path, false, n->perms, n->nperms);
	return XS_OK;
}

/* Removes path and its subtree from the tree, acting as the control domain. */
int xs_tree_rm(struct xs_store *st, const char *path)
{
	struct xs_conn tool = { .st = st, .dom = xs_domain_get(st, 0, false) };
	struct xs_view v = { st, &tool, NULL };
	return xs_op_rm(&v, path);
}
