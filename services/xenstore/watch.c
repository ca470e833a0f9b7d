/*
 * Watches. The watch index is a tree of path prefixes ("/", "/local",
 * "/local/domain", ...) that exists only where watches are: each index
 * node counts the watches at or below it and is found by the hash of its
 * full path together with its parent and last segment. A change of path P
 * visits the index nodes of P's prefixes (one lookup each, the hash
 * extended segment by segment) and, for a removal, the index
 * subtree below P: the cost follows the watches that match, not the size
 * of the store or the number of watches elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define INITIAL_BUCKETS 64

int xs_windex_init(struct xs_windex *w)
{
	w->bucket = calloc(INITIAL_BUCKETS, sizeof(*w->bucket));
	if (!w->bucket)
		return XS_ENOMEM;
	w->nbuckets = INITIAL_BUCKETS;
	w->count = 0;
	return XS_OK;
}

void xs_windex_destroy(struct xs_windex *w)
{
	for (size_t i = 0; i < w->nbuckets; i++)
		while (w->bucket[i]) {
			struct xs_wnode *n = w->bucket[i];
			w->bucket[i] = n->hash_next;
			free(n);
		}
	free(w->bucket);
	w->bucket = NULL;
}

/* End of the prefix of path that follows the prefix ending at prev. */
static size_t next_end(const char *path, size_t len, size_t prev)
{
	if (prev == 0 && path[0] == '/')
		return 1;
	size_t i = prev + 1;
	while (i < len && path[i] != '/')
		i++;
	return i < len ? i : len;
}

/* A walk over the prefixes of a path, shortest first. */
struct wwalk {
	const char *path;
	size_t len;
	size_t start, end;		/* the current prefix's last segment */
	uint32_t hash;			/* of path[0..end) */
	struct xs_wnode *parent;	/* index node of path[0..start) */
};

static struct wwalk wwalk_begin(const char *path)
{
	return (struct wwalk){ path, strlen(path), 0, 0, XS_HASH_INIT, NULL };
}

/* Moves to the next prefix; false after the whole path. */
static bool wnext(struct wwalk *k)
{
	if (k->end == k->len)
		return false;
	k->start = k->end;
	k->end = next_end(k->path, k->len, k->start);
	k->hash = xs_hash_more(k->hash, k->path + k->start, k->end - k->start);
	return true;
}

/* The index node of the walk's current prefix: a child of k->parent. */
static struct xs_wnode *wfind(const struct xs_windex *w, const struct wwalk *k)
{
	size_t seglen = k->end - k->start;
	for (struct xs_wnode *n = w->bucket[k->hash & (w->nbuckets - 1)]; n;
	     n = n->hash_next)
		if (n->hash == k->hash && n->parent == k->parent &&
		    n->seglen == seglen &&
		    memcmp(n->seg, k->path + k->start, seglen) == 0)
			return n;
	return NULL;
}

/* The index node of a whole path, or NULL. */
static struct xs_wnode *wlookup(const struct xs_windex *w, const char *path)
{
	struct wwalk k = wwalk_begin(path);
	while (wnext(&k)) {
		k.parent = wfind(w, &k);
		if (!k.parent)
			return NULL;
	}
	return k.parent;
}

static void wgrow(struct xs_windex *w)
{
	size_t nb = w->nbuckets * 2;
	struct xs_wnode **b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < w->nbuckets; i++)
		while (w->bucket[i]) {
			struct xs_wnode *n = w->bucket[i];
			w->bucket[i] = n->hash_next;
			n->hash_next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(w->bucket);
	w->bucket = b;
	w->nbuckets = nb;
}

static void wunhash(struct xs_windex *w, struct xs_wnode *n)
{
	struct xs_wnode **p = &w->bucket[n->hash & (w->nbuckets - 1)];
	while (*p != n)
		p = &(*p)->hash_next;
	*p = n->hash_next;
	w->count--;
}

/* Frees index nodes from n upwards as long as nothing is left below them. */
static void wprune(struct xs_windex *w, struct xs_wnode *n)
{
	while (n && n->refs == 0 && !n->first_child) {
		struct xs_wnode *parent = n->parent;
		if (n->prev_sibling)
			n->prev_sibling->next_sibling = n->next_sibling;
		else if (parent)
			parent->first_child = n->next_sibling;
		if (n->next_sibling)
			n->next_sibling->prev_sibling = n->prev_sibling;
		wunhash(w, n);
		free(n);
		n = parent;
	}
}

/* Finds or makes the index nodes of every prefix of path; the last one. */
static struct xs_wnode *wmake(struct xs_windex *w, const char *path)
{
	struct wwalk k = wwalk_begin(path);
	while (wnext(&k)) {
		struct xs_wnode *n = wfind(w, &k);
		if (!n) {
			size_t seglen = k.end - k.start;
			n = calloc(1, sizeof(*n) + seglen);
			if (!n) {
				wprune(w, k.parent);
				return NULL;
			}
			memcpy(n->seg, path + k.start, seglen);
			n->seglen = (uint32_t)seglen;
			n->pathlen = (uint32_t)k.end;
			n->hash = k.hash;
			n->parent = k.parent;
			if (k.parent) {
				n->next_sibling = k.parent->first_child;
				if (n->next_sibling)
					n->next_sibling->prev_sibling = n;
				k.parent->first_child = n;
			}
			if (w->count >= w->nbuckets)
				wgrow(w);
			n->hash_next = w->bucket[k.hash & (w->nbuckets - 1)];
			w->bucket[k.hash & (w->nbuckets - 1)] = n;
			w->count++;
		}
		k.parent = n;
	}
	return k.parent;
}

/* A watch as WATCH and UNWATCH name it: the path made absolute, where the
 * path as given starts in it, and the connection's watch (NULL if none). */
struct watch_lookup {
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	uint32_t rel_off;
	struct xs_watch *w;
};

/* Makes path absolute and finds c's watch with that path and token. */
static int find_watch(struct xs_conn *c, const char *path, const char *token,
		      struct watch_lookup *f)
{
	int err = xs_canon_path(c, path, f->abs, true, &f->rel_off);
	if (err)
		return err;
	struct xs_wnode *wn = wlookup(&c->st->windex, f->abs);
	for (f->w = wn ? wn->watches : NULL; f->w; f->w = f->w->wn_next)
		if (f->w->conn == c && strcmp(f->w->token, token) == 0)
			break;
	return XS_OK;
}

int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 int32_t depth)
{
	struct xs_store *st = c->st;
	struct watch_lookup f;
	int err = find_watch(c, path, token, &f);
	if (err)
		return err;
	if (f.w)
		return XS_EEXIST;
	if (xs_quota_exceeded(c, XS_Q_WATCHES, c->dom->watches + 1))
		return xs_quota_refuse(c, XS_Q_WATCHES, c->dom->watches, f.abs);

	struct xs_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return XS_ENOMEM;
	w->path = malloc(strlen(path) + 1);
	w->token = malloc(strlen(token) + 1);
	w->wn = w->path && w->token ? wmake(&st->windex, f.abs) : NULL;
	if (!w->wn) {
		free(w->path);
		free(w->token);
		free(w);
		return XS_ENOMEM;
	}
	strcpy(w->path, path);
	strcpy(w->token, token);
	w->conn = c;
	w->rel_off = f.rel_off;
	w->depth = depth;
	for (struct xs_wnode *n = w->wn; n; n = n->parent)
		n->refs++;
	w->wn_prev = w->wn->watches_last;
	if (w->wn_prev)
		w->wn_prev->wn_next = w;
	else
		w->wn->watches = w;
	w->wn->watches_last = w;
	w->conn_next = c->watches;
	c->watches = w;
	c->dom->watches++;
	st->nwatches++;
	return XS_OK;
}

static void watch_free(struct xs_conn *c, struct xs_watch *w)
{
	if (w->wn_prev)
		w->wn_prev->wn_next = w->wn_next;
	else
		w->wn->watches = w->wn_next;
	if (w->wn_next)
		w->wn_next->wn_prev = w->wn_prev;
	else
		w->wn->watches_last = w->wn_prev;
	for (struct xs_wnode *n = w->wn; n; n = n->parent)
		n->refs--;
	wprune(&c->st->windex, w->wn);
	for (struct xs_watch **p = &c->watches; *p; p = &(*p)->conn_next)
		if (*p == w) {
			*p = w->conn_next;
			break;
		}
	c->dom->watches--;
	c->st->nwatches--;
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_remove(struct xs_conn *c, const char *path, const char *token)
{
	struct watch_lookup f;
	int err = find_watch(c, path, token, &f);
	if (err)
		return err;
	if (!f.w)
		return XS_ENOENT;
	watch_free(c, f.w);
	return XS_OK;
}

void xs_watch_remove_all(struct xs_conn *c)
{
	while (c->watches)
		watch_free(c, c->watches);
}

/* The absolute path of a watch, rebuilt from its index node. */
static void wpath(const struct xs_wnode *wn, char *out)
{
	size_t end = wn->pathlen;
	out[end] = '\0';
	for (; wn; wn = wn->parent) {
		end -= wn->seglen;
		memcpy(out + end, wn->seg, wn->seglen);
	}
}

/* Levels of epath below the watched path (a prefix of it). */
static uint32_t levels_below(const struct xs_wnode *wn, const char *epath)
{
	const char *p = epath + wn->pathlen;
	uint32_t n = wn->pathlen == 1 && *p ? 1 : 0;	/* below the root */
	for (; *p; p++)
		n += *p == '/';
	return n;
}

static void deliver(struct xs_store *st, struct xs_watch *w,
		    const char *epath, const struct xs_perm *perms,
		    uint32_t nperms)
{
	struct xs_conn *c = w->conn;
	const char *shown = epath + w->rel_off;
	size_t plen = strlen(shown);
	if (c->dead)
		return;
	if (epath[0] == '@' && !w->wn->parent && w->depth != 1) {
		/* "@releaseDomain/<domid>" shows as "@releaseDomain" unless
		 * the watch asked for depth 1. */
		plen = w->wn->seglen;
	} else if (w->depth >= 0 && levels_below(w->wn, epath) > (uint32_t)w->depth) {
		return;
	}
	if (!xs_conn_privileged(c) &&
	    !(xs_perm_for(c, perms, nperms) & XS_ACCESS_READ))
		return;
	if (xs_quota_exceeded(c, XS_Q_WATCH_EVENTS, c->out_events + 1)) {
		/* One line when dropping starts; conn.c reports the total. */
		if (c->events_dropped++ == 0)
			xs_quota_refuse(c, XS_Q_WATCH_EVENTS, c->out_events, epath);
		return;
	}
	size_t tlen = strlen(w->token) + 1;
	if (plen + 1 + tlen > XENSTORE_PAYLOAD_MAX) {
		xs_log(st, "watch event for %s too long for token of %u bytes",
		       epath, (unsigned)tlen);
		return;
	}
	char *buf = malloc(plen + 1 + tlen);
	if (!buf)
		return;
	memcpy(buf, shown, plen);
	buf[plen] = '\0';
	memcpy(buf + plen + 1, w->token, tlen);
	xs_queue(c, XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(plen + 1 + tlen), true);
	free(buf);
}

/* The special node of "@introduceDomain/<domid>" and the like, or -1. */
static int special_of(const char *path)
{
	char name[32];
	size_t n = strcspn(path, "/");
	if (n >= sizeof(name))
		return -1;
	memcpy(name, path, n);
	name[n] = '\0';
	return xs_special_index(name);
}

void xs_watch_fire(struct xs_store *st, const char *path, bool recursive,
		   const struct xs_perm *perms, uint32_t nperms)
{
	struct wwalk k = wwalk_begin(path);
	int special = special_of(path);

	if (special >= 0) {
		perms = st->special[special].perms;
		nperms = st->special[special].nperms;
	}
	while (wnext(&k)) {
		struct xs_wnode *wn = wfind(&st->windex, &k);
		if (!wn)
			return;	/* nothing watches this prefix or below */
		for (struct xs_watch *w = wn->watches; w; w = w->wn_next)
			deliver(st, w, path, perms, nperms);
		k.parent = wn;
	}
	struct xs_wnode *self = k.parent;
	if (!recursive || !self)
		return;
	/* Watches below a removed node see their own path removed. */
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	struct xs_wnode *n = self->first_child;
	while (n) {
		if (n->watches) {
			wpath(n, abs);
			for (struct xs_watch *w = n->watches; w; w = w->wn_next)
				deliver(st, w, abs, perms, nperms);
		}
		if (n->first_child) {
			n = n->first_child;
			continue;
		}
		while (n != self && !n->next_sibling)
			n = n->parent;
		n = n == self ? NULL : n->next_sibling;
	}
}

void xs_view_event(struct xs_view *v, const char *path, bool recursive,
		   const struct xs_perm *perms, uint32_t nperms)
{
	if (!v->tx) {
		xs_watch_fire(v->st, path, recursive, perms, nperms);
		return;
	}
	struct xs_event *e = calloc(1, sizeof(*e));
	if (e) {
		e->path = malloc(strlen(path) + 1);
		e->perms = malloc(nperms * sizeof(*perms));
	}
	if (!e || !e->path || !e->perms) {
		if (e) {
			free(e->path);
			free(e->perms);
			free(e);
		}
		/* Watches may fire spuriously but never be lost silently. */
		v->tx->failed = XS_ENOMEM;
		return;
	}
	strcpy(e->path, path);
	memcpy(e->perms, perms, nperms * sizeof(*perms));
	e->nperms = nperms;
	e->recursive = recursive;
	if (v->tx->events_last)
		v->tx->events_last->next = e;
	else
		v->tx->events = e;
	v->tx->events_last = e;
}

/* Checks the index's reference counts; returns the number of watches. */
size_t xs_windex_check(struct xs_store *st, char *why, size_t whylen)
{
	size_t watches = 0;
	for (size_t i = 0; i < st->windex.nbuckets; i++)
		for (struct xs_wnode *n = st->windex.bucket[i]; n;
		     n = n->hash_next) {
			uint32_t below = 0;
			for (struct xs_watch *w = n->watches; w; w = w->wn_next)
				below++;
			watches += below;
			for (struct xs_wnode *k = n->first_child; k;
			     k = k->next_sibling)
				below += k->refs;
			if (below != n->refs && why && whylen)
				strncpy(why, "watch index count wrong", whylen);
			if (below != n->refs)
				return (size_t)-1;
		}
	return watches;
}
