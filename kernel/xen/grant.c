/*
 * grant_table_op, version 1. A guest's grant entries live in its own pages
 * (placed with XENMEM_add_to_physmap); the kernel reads them afresh on each
 * use and enforces Xen's rules: only the domain named in an entry may use
 * it, read-only grants are never written. GNTTABOP_copy moves data between
 * domains under those rules; mapping is in grant_map.c. Version 2 is not
 * implemented (-ENOSYS).
 */
#include <kernel/string.h>
#include "internal.h"

enum { GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table,
       GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_copy, GNTTABOP_query_size,
       GNTTABOP_unmap_and_replace, GNTTABOP_set_version, GNTTABOP_get_status_frames,
       GNTTABOP_get_version };
#define GNTCOPY_source_gref	1u
#define GNTCOPY_dest_gref	2u
#define ENTRIES_PER_FRAME	512	/* 8-byte v1 entries */

struct copy_ptr {
	uint64_t ref_or_gfn;
	uint16_t domid, offset;
	uint32_t pad;
};

struct copy_op {
	struct copy_ptr src, dst;
	uint16_t len, flags;
	int16_t status;
	uint16_t pad;
};

struct grant_entry *xen_grant_entry(struct domain *d, uint64_t ref)
{
	void *root = xen_space_root(d);
	uint64_t frame = ref / ENTRIES_PER_FRAME;
	uint8_t *page;

	if (!root || frame >= d->xen.nr_grant_frames || d->xen.grant_gpfn[frame] == ~0ull)
		return NULL;
	page = arch_guest_phys(root, d->xen.grant_gpfn[frame] << 12, true);
	return page ? (struct grant_entry *)page + ref % ENTRIES_PER_FRAME : NULL;
}

/* One side of a copy: the bytes it names, or a GNTST_ error. */
static int copy_side(struct xen_call *c, const struct copy_ptr *p, bool by_ref, bool write,
		     unsigned len, uint8_t **bytes)
{
	uint16_t domid = p->domid == DOMID_SELF ? (uint16_t)c->d->domid : p->domid;
	struct domain *d = domain_lookup(domid);
	uint64_t gfn = p->ref_or_gfn;
	uint8_t *page;

	if (!d || !d->xen.enabled)
		return GNTST_bad_domain;
	if (by_ref) {
		struct grant_entry *e = xen_grant_entry(d, p->ref_or_gfn);
		struct grant_entry g;
		if (!e)
			return GNTST_bad_gntref;
		memcpy(&g, e, sizeof(g));	/* read once: the granter may change it */
		if (!xen_grant_permits(g.flags, g.domid, c->d->domid, write))
			return GNTST_permission_denied;
		gfn = g.frame;
	} else if (d != c->d) {
		return GNTST_permission_denied;	/* frames of others only through grants */
	}
	if (p->offset + len > 4096)
		return GNTST_bad_copy_arg;
	page = gfn >> 40 ? NULL : arch_guest_phys(xen_space_root(d), gfn << 12, write);
	if (!page)
		return GNTST_bad_page;
	*bytes = page + p->offset;
	return GNTST_okay;
}

static int16_t do_copy(struct xen_call *c, const struct copy_op *op)
{
	uint8_t *src, *dst;
	int rc;

	if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
		return GNTST_bad_copy_arg;
	rc = copy_side(c, &op->src, op->flags & GNTCOPY_source_gref, false, op->len, &src);
	if (rc == GNTST_okay)
		rc = copy_side(c, &op->dst, op->flags & GNTCOPY_dest_gref, true, op->len, &dst);
	if (rc == GNTST_okay)
		memmove(dst, src, op->len);
	return (int16_t)rc;
}

static int64_t copy(struct xen_call *c)
{
	uint64_t count = c->arg[2];

	if (count > XEN_GRANT_MAX_OPS)
		return xen_err(XEN_EINVAL);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t gla = c->arg[1] + i * sizeof(struct copy_op);
		struct copy_op op;
		if (copy_from_guest(c, gla, &op, sizeof(op)))
			return xen_err(XEN_EFAULT);
		op.status = do_copy(c, &op);
		if (copy_to_guest(c, gla + offsetof(struct copy_op, status), &op.status, 2))
			return xen_err(XEN_EFAULT);
	}
	return 0;
}

int64_t xen_grant_table_op(struct xen_call *c)
{
	struct { uint16_t dom, pad; uint32_t nr, max; int16_t status, pad2; } q;
	struct { uint16_t dom, pad; uint32_t nr; int16_t status, pad2; uint32_t pad3; uint64_t list; } s;
	struct { uint16_t dom, pad; uint32_t version; } v;
	uint32_t version;

	switch (c->arg[0]) {
	case GNTTABOP_query_size:
		if (c->arg[2] != 1)
			return xen_err(XEN_EINVAL);
		if (copy_from_guest(c, c->arg[1], &q, sizeof(q)))
			return xen_err(XEN_EFAULT);
		if (q.dom != DOMID_SELF && q.dom != c->d->domid) {
			q.status = GNTST_bad_domain;
		} else {
			q.nr = c->d->xen.nr_grant_frames;
			q.max = TS_XEN_GRANT_FRAMES;
			q.status = GNTST_okay;
		}
		return copy_to_guest(c, c->arg[1], &q, sizeof(q)) ? xen_err(XEN_EFAULT) : 0;
	case GNTTABOP_setup_table:
		/* Translated guests place their frames with add_to_physmap;
		   this only sizes the table and reports where frames are. */
		if (c->arg[2] != 1)
			return xen_err(XEN_EINVAL);
		if (copy_from_guest(c, c->arg[1], &s, sizeof(s)))
			return xen_err(XEN_EFAULT);
		if (s.dom != DOMID_SELF && s.dom != c->d->domid) {
			s.status = GNTST_bad_domain;
		} else if (s.nr > TS_XEN_GRANT_FRAMES) {
			s.status = GNTST_general_error;
		} else {
			for (uint32_t i = 0; i < s.nr; i++)
				if (copy_to_guest(c, s.list + 8ull * i, &c->d->xen.grant_gpfn[i], 8))
					return xen_err(XEN_EFAULT);
			if (s.nr > c->d->xen.nr_grant_frames)
				c->d->xen.nr_grant_frames = (uint16_t)s.nr;
			s.status = GNTST_okay;
		}
		return copy_to_guest(c, c->arg[1] + 8, &s.status, 2) ? xen_err(XEN_EFAULT) : 0;
	case GNTTABOP_set_version:
		if (copy_from_guest(c, c->arg[1], &version, sizeof(version)))
			return xen_err(XEN_EFAULT);
		if (version == 1)
			return 0;
		/* Refused: the guest reads back the version it keeps. */
		{
			uint32_t kept = c->d->xen.grant_version;
			copy_to_guest(c, c->arg[1], &kept, sizeof(kept));
		}
		return xen_err(version == 2 ? XEN_ENOSYS : XEN_EINVAL);
	case GNTTABOP_get_version:
		if (copy_from_guest(c, c->arg[1], &v, sizeof(v)))
			return xen_err(XEN_EFAULT);
		if (v.dom != DOMID_SELF && v.dom != c->d->domid)
			return xen_err(XEN_EPERM);
		v.version = c->d->xen.grant_version;
		return copy_to_guest(c, c->arg[1], &v, sizeof(v)) ? xen_err(XEN_EFAULT) : 0;
	case GNTTABOP_copy:
		return copy(c);
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
		return xen_grant_map_op(c, c->arg[0] == GNTTABOP_map_grant_ref);
	default:
		return xen_err(XEN_ENOSYS);	/* transfer, unmap_and_replace (PV), v2 */
	}
}
