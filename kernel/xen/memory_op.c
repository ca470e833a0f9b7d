/*
 * memory_op for translated (HVM/PVH) guests. Guest RAM is fixed at build
 * time by the toolstack: reservation changes report what is backed and
 * never move memory (a ballooned-out page stays the guest's; see
 * docs/xen-abi.md). add_to_physmap places shared_info on a guest page of
 * the guest's choosing, and a grant-table frame either on such a page or,
 * where the guest has no memory (as Linux does), as a frame of the
 * domain's pool.
 */
#include <kernel/string.h>
#include <kernel/vspace.h>
#include "internal.h"

enum {
	XENMEM_increase_reservation = 0, XENMEM_decrease_reservation = 1,
	XENMEM_maximum_ram_page = 2, XENMEM_current_reservation = 3,
	XENMEM_maximum_reservation = 4, XENMEM_populate_physmap = 6, XENMEM_add_to_physmap = 7,
	XENMEM_memory_map = 9, XENMEM_maximum_gpfn = 14,
};
enum { XENMAPSPACE_shared_info, XENMAPSPACE_grant_table };
#define XENMAPIDX_grant_table_status	0x80000000u
#define E820_RAM	1
#define MAX_EXTENT_ORDER	9

/* A shared page moves from old (NULL: none yet, a fresh zeroed page) to page. */
static void move_page(uint8_t *page, const uint8_t *old)
{
	if (!old)
		memset(page, 0, 4096);
	else if (old != page)
		memcpy(page, old, 4096);
}

static bool backed(struct domain *d, uint64_t gpfn, uint64_t count)
{
	void *root = xen_space_root(d);

	if (!root || gpfn >= d->xen.max_pages || count > d->xen.max_pages - gpfn)
		return false;
	for (uint64_t i = 0; i < count; i++)
		if (!arch_guest_phys(root, (gpfn + i) << 12, true))
			return false;
	return true;
}

/* increase/decrease_reservation, populate_physmap: extents done so far. */
static int64_t reservation(struct xen_call *c, unsigned cmd, uint64_t start)
{
	struct { uint64_t extents, nr; uint32_t order, flags; uint16_t domid; } a;
	uint64_t done = start;

	if (copy_from_guest(c, c->arg[1], &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.domid != DOMID_SELF && a.domid != c->d->domid)
		return xen_err(XEN_EPERM);
	if (a.order > MAX_EXTENT_ORDER || start > a.nr)
		return xen_err(XEN_EINVAL);
	if (cmd == XENMEM_increase_reservation)
		return 0;	/* no memory beyond what the toolstack gave */
	for (; done < a.nr; done++) {
		uint64_t gpfn;
		if (copy_from_guest(c, a.extents + done * 8, &gpfn, 8))
			return done ? (int64_t)done : xen_err(XEN_EFAULT);
		if (!backed(c->d, gpfn, 1ull << a.order))
			break;
	}
	return (int64_t)done;
}

/* Grant-table frame idx at gpfn; its entries move along. */
static int64_t place_grant_frame(struct domain *d, uint64_t idx, uint64_t gpfn)
{
	void *root = xen_space_root(d);
	struct slot *frame = idx < TS_XEN_GRANT_POOL ? &d->xen.grant_frames[idx] : NULL;
	uint8_t *page = arch_guest_phys(root, gpfn << 12, true), *old;
	bool unbacked = !page;
	struct slot *tables[4];
	int err;

	if (unbacked) {
		/* No memory there: Xen would put its own frame; ours is the pool's. */
		if (!frame || slot_empty(frame))
			return xen_err(XEN_EINVAL);
		if ((err = xen_pool_room(d, gpfn << 12, tables)))
			return err;
		page = (uint8_t *)frame->cap.obj;
	}
	old = d->xen.grant_gpfn[idx] == ~0ull ? NULL :
		arch_guest_phys(root, d->xen.grant_gpfn[idx] << 12, true);
	move_page(page, old);
	/* The pool frame leaves its old place unless it stays the page. */
	if (frame && asid_lookup(frame->cap.map) && (unbacked || page != (uint8_t *)frame->cap.obj))
		mapping_remove(&frame->cap);
	if (unbacked) {
		xen_pool_install(d, gpfn << 12, tables);
		xen_pool_map_frame(d, frame, gpfn << 12);
	}
	d->xen.grant_gpfn[idx] = gpfn;
	if (idx >= d->xen.nr_grant_frames)
		d->xen.nr_grant_frames = (uint16_t)(idx + 1);
	return 0;
}

static int64_t add_to_physmap(struct xen_call *c)
{
	struct { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; } a;
	struct domain *d = c->d;
	void *root = xen_space_root(d);
	uint8_t *page;

	if (copy_from_guest(c, c->arg[1], &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.domid != DOMID_SELF && a.domid != d->domid)
		return xen_err(XEN_EPERM);
	if (a.gpfn >= TS_USER_TOP >> 12)
		return xen_err(XEN_EINVAL);
	switch (a.space) {
	case XENMAPSPACE_shared_info:
		if (a.idx != 0 || !(page = arch_guest_phys(root, a.gpfn << 12, true)))
			return xen_err(XEN_EINVAL);
		move_page(page, xen_shared_info(d));
		d->xen.shared_info_gpfn = a.gpfn;
		xen_update_wallclock(d);
		for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++) {
			struct vcpu *v = xen_domain_vcpu(d, i);
			if (v)
				xen_update_time(v);
		}
		return 0;
	case XENMAPSPACE_grant_table:
		if (a.idx & XENMAPIDX_grant_table_status)
			return xen_err(XEN_EINVAL);	/* v1: no status frames */
		if (a.idx >= TS_XEN_GRANT_FRAMES)
			return xen_err(XEN_EINVAL);
		return place_grant_frame(d, a.idx, a.gpfn);
	default:
		return xen_err(XEN_ENOSYS);	/* moving guest frames, foreign maps */
	}
}

static int64_t memory_map(struct xen_call *c)
{
	struct { uint32_t nr, pad; uint64_t buffer; } a;
	struct __attribute__((packed)) { uint64_t addr, size; uint32_t type; } map[2] = {
		{ 0, 0xa0000, E820_RAM },
		{ 0x100000, (c->d->xen.max_pages << 12) - 0x100000, E820_RAM },
	};

	if (copy_from_guest(c, c->arg[1], &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.nr < 2)
		return xen_err(XEN_EINVAL);
	if (copy_to_guest(c, a.buffer, map, sizeof(map)))
		return xen_err(XEN_EFAULT);
	a.nr = 2;
	return copy_to_guest(c, c->arg[1], &a, 4) ? xen_err(XEN_EFAULT) : 0;
}

int64_t xen_memory_op(struct xen_call *c)
{
	unsigned cmd = c->arg[0] & 0x3f;
	uint64_t start = c->arg[0] >> 6;	/* continuation: extents already done */
	uint16_t domid;

	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(c, cmd, start);
	case XENMEM_maximum_ram_page:
		return (int64_t)c->d->xen.max_pages - 1;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		if (copy_from_guest(c, c->arg[1], &domid, sizeof(domid)))
			return xen_err(XEN_EFAULT);
		if (domid != DOMID_SELF && domid != c->d->domid)
			return xen_err(XEN_EPERM);
		return (int64_t)c->d->xen.max_pages;
	case XENMEM_maximum_gpfn:
		return (int64_t)c->d->xen.max_pages - 1;
	case XENMEM_add_to_physmap:
		return add_to_physmap(c);
	case XENMEM_memory_map:
		return memory_map(c);
	default:
		return xen_err(XEN_ENOSYS);
	}
}
