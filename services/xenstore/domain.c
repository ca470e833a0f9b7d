/*
 * Domains: the accounting record of every domain that owns nodes or has
 * connections, INTRODUCE and RELEASE. Records are kept once made, so that
 * nodes and connections may point at them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

struct xs_domain *xs_domain_get(struct xs_store *st, uint32_t domid,
				bool create)
{
	struct xs_domain **b = &st->domains[domid % XS_DOMAIN_BUCKETS];
	for (struct xs_domain *d = *b; d; d = d->next)
		if (d->domid == domid)
			return d;
	if (!create)
		return NULL;
	struct xs_domain *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->features = XS_SUPPORTED_FEATURES;
	memcpy(d->quota, st->cfg.quota, sizeof(d->quota));
	d->next = *b;
	*b = d;
	st->ndomains++;
	return d;
}

void xs_domains_free(struct xs_store *st)
{
	for (size_t i = 0; i < XS_DOMAIN_BUCKETS; i++)
		while (st->domains[i]) {
			struct xs_domain *d = st->domains[i];
			st->domains[i] = d->next;
			free(d);
		}
}

/* A decimal number of at most max, digits only. */
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return XS_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return XS_EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return XS_OK;
}

/* Domids travel as decimal 0..65535. */
int xs_domid_parse(const char *s, uint32_t *domid)
{
	uint64_t v;
	int err = xs_parse_uint(s, 0xffff, &v);
	if (!err)
		*domid = (uint32_t)v;
	return err;
}

/* Fires "<name>/<domid>": watches on <name> see <name> (or, with depth
 * 1, the whole path), watches on "<name>/<domid>" see only this domain. */
static void fire_special(struct xs_store *st, const char *name, uint32_t domid)
{
	char path[40];
	snprintf(path, sizeof(path), "%s/%u", name, (unsigned)domid);
	xs_watch_fire(st, path, false, NULL, 0);
}

/* INTRODUCE <domid>|<gfn>|<evtchn>|: argv holds the three strings. */
int xs_do_introduce(struct xs_conn *c, char **argv)
{
	struct xs_store *st = c->st;
	uint32_t domid;
	uint64_t gfn, evtchn;

	/* The gfn is signed decimal on the wire (see Xen's xenstore.txt). */
	const char *g = argv[1] + (argv[1][0] == '-');
	if (xs_domid_parse(argv[0], &domid) ||
	    xs_parse_uint(g, UINT64_MAX, &gfn) ||
	    xs_parse_uint(argv[2], UINT32_MAX, &evtchn))
		return XS_EINVAL;
	if (g != argv[1])
		gfn = (uint64_t)0 - gfn;
	if (domid == 0 || domid >= XS_DOMID_FIRST_RESERVED)
		return XS_EINVAL;
	struct xs_domain *d = xs_domain_get(st, domid, true);
	if (!d)
		return XS_ENOMEM;
	if (d->introduced)
		return d->gfn == gfn && d->evtchn == evtchn ? XS_OK : XS_EEXIST;

	struct xs_transport *t = NULL;
	if (st->cfg.introduce) {
		int err = st->cfg.introduce(st->cfg.arg, domid, gfn,
					    (uint32_t)evtchn, &t);
		if (err)
			return err;
	}
	if (t) {
		d->ring_conn = xs_conn_new(st, t, domid);
		if (!d->ring_conn) {
			if (t->ops->close)
				t->ops->close(t);
			return XS_ENOMEM;
		}
	}
	d->introduced = true;
	d->gfn = gfn;
	d->evtchn = (uint32_t)evtchn;
	fire_special(st, "@introduceDomain", domid);
	return XS_OK;
}

/* Hands a node of a released domain to Dom0; the default access stays. */
static void give_to_dom0(struct xs_store *st, struct xs_node *n)
{
	uint32_t old_owner = n->perms[0].domid;
	n->perms[0].domid = 0;
	xs_tree_set_owner(st, n, old_owner);
	n->gen = ++st->gen;
}

/* Drops the entries after the owner's that name domid; returns how many. */
static uint32_t drop_entries(struct xs_perm *p, uint32_t *n, uint32_t domid)
{
	uint32_t kept = 1;
	for (uint32_t i = 1; i < *n; i++)
		if (p[i].domid != domid)
			p[kept++] = p[i];
	uint32_t dropped = *n - kept;
	*n = kept;
	return dropped;
}

/*
 * XSA-322: once a domain is gone no permission entry may name it, or a
 * later domain given the same id would inherit its access. A walk of the
 * whole table, as Xen walks its whole tree; the arrays keep their size
 * (nothing is allocated), the byte count follows the entries in use. A
 * changed node gets a new generation, so that a transaction holding a copy
 * with the old entries cannot commit them back.
 */
static void forget_in_perms(struct xs_store *st, uint32_t domid)
{
	for (size_t i = 0; i < st->nodes.nbuckets; i++)
		for (struct xs_node *n = st->nodes.bucket[i]; n;
		     n = n->hash_next) {
			size_t before = xs_node_bytes(n);
			if (drop_entries(n->perms, &n->nperms, domid)) {
				n->gen = ++st->gen;
				st->node_bytes -= before - xs_node_bytes(n);
			}
		}
	for (int i = 0; i < 2; i++) {
		struct xs_node *s = &st->special[i];
		if (s->perms[0].domid == domid)
			s->perms[0].domid = 0;
		drop_entries(s->perms, &s->nperms, domid);
	}
}

/*
 * RELEASE, as Xen 4.17's xenstored when a domain goes away: its
 * connections close with their watches and transactions; every node it
 * owns is removed with its subtree (XSA-419), or, with keep_orphans (Xen's
 * --keep-orphans), kept and given to Dom0; then no permission entry names
 * it any more. Afterwards it owns nothing, so a domain that reuses its id
 * starts from nothing. @releaseDomain fires; an ownership change fires no
 * watch (nor does it in Xen).
 */
int xs_do_release(struct xs_conn *c, uint32_t domid)
{
	struct xs_store *st = c->st;
	struct xs_domain *d = xs_domain_get(st, domid, false);

	if (domid == 0)
		return XS_EINVAL;
	if (!d || !d->introduced)
		return XS_ENOENT;
	for (struct xs_conn *k = st->conns; k; k = k->next)
		if (k->dom == d)
			xs_conn_kill(k);
	d->ring_conn = NULL;
	d->introduced = false;
	d->has_target = false;
	d->features = XS_SUPPORTED_FEATURES;
	/* A removal may take other owned nodes with it: take the head anew. */
	for (struct xs_node *n; (n = d->owned);) {
		if (st->cfg.keep_orphans || n->pathlen == 1) {
			give_to_dom0(st, n);	/* the root always stays */
			continue;
		}
		char path[XENSTORE_ABS_PATH_MAX + 1];
		memcpy(path, n->path, n->pathlen + 1);
		if (xs_tree_rm(st, path) != XS_OK) {
			xs_log(st, "release of domain %u: cannot remove %s; "
			       "it goes to domain 0", (unsigned)domid, path);
			give_to_dom0(st, n);
		}
	}
	forget_in_perms(st, domid);
	fire_special(st, "@releaseDomain", domid);
	return XS_OK;
}

size_t xs_domain_nodes(struct xs_store *st, uint32_t domid)
{
	struct xs_domain *d = xs_domain_get(st, domid, false);
	return d ? d->nodes : 0;
}

size_t xs_domain_watches(struct xs_store *st, uint32_t domid)
{
	struct xs_domain *d = xs_domain_get(st, domid, false);
	return d ? d->watches : 0;
}

uint32_t xs_domain_quota(struct xs_store *st, uint32_t domid, enum xs_quota q)
{
	struct xs_domain *d = xs_domain_get(st, domid, false);
	return d ? d->quota[q] : st->cfg.quota[q];
}
