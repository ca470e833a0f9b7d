/*
 * GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref for translated
 * guests: another domain's granted page appears at a guest-physical
 * address of the mapper (host_addr; Linux uses addresses it keeps
 * unpopulated for this). The address must be free: a grant never replaces
 * the mapper's own memory.
 *
 * While mapped, the granter's entry carries GTF_reading (and GTF_writing
 * for a writable map), as in Xen, so the granter knows not to reuse the
 * page. A mapping ends when the mapper unmaps it, when the mapper dies, or
 * when the granted frame itself dies (its last capability deleted): every
 * mapping is chained by the physical page it shows, and the frame's end
 * removes them all, so no guest space ever keeps a page that is reused.
 *
 * Nested tables a mapping needs come from the domain's pool (pool.c).
 */
#include <kernel/arch.h>
#include <kernel/string.h>
#include <kernel/vspace.h>
#include "internal.h"

#define GNTMAP_device_map	(1u << 0)	/* no IOMMU: accepted, dev_bus_addr 0 */
#define GNTMAP_host_map		(1u << 1)
#define GNTMAP_readonly		(1u << 2)
#define GNTMAP_application_map	(1u << 3)
#define GNTMAP_contains_pte	(1u << 4)
#define GNTMAP_guest_avail	0xffff0000u	/* bits for the guest's own use */
#define GTF_reading		(1u << 3)
#define GTF_writing		(1u << 4)
#define PIN_TRIES		64	/* the granter keeps changing its entry: give up */

struct map_op {
	uint64_t host_addr;
	uint32_t flags, ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};

struct unmap_op {
	uint64_t host_addr, dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};

/* Every mapping, chained by the 2 MiB region of its page: a frame of
   either size finds its mappings in one chain. */
#define CHAINS 256
static struct xen_grant_map *by_page[CHAINS];

static struct xen_grant_map **chain(uint64_t page)
{
	return &by_page[(page >> 21) % CHAINS];
}

/*
 * Sets GTF_reading (and GTF_writing) in the granter's entry if it grants
 * the page to `mapper` with those rights; the frame it names in *gfn.
 */
static int16_t pin(struct domain *granter, uint32_t ref, uint16_t mapper, bool write,
		   uint32_t *gfn)
{
	struct grant_entry *e = xen_grant_entry(granter, ref);

	if (!e)
		return GNTST_bad_gntref;
	for (unsigned tries = 0; tries < PIN_TRIES; tries++) {
		uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);
		uint16_t want = (uint16_t)(flags | GTF_reading | (write ? GTF_writing : 0));
		if (!xen_grant_permits(flags, __atomic_load_n(&e->domid, __ATOMIC_SEQ_CST), mapper,
				       write))
			return GNTST_permission_denied;
		if (__atomic_compare_exchange_n(&e->flags, &flags, want, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			*gfn = __atomic_load_n(&e->frame, __ATOMIC_SEQ_CST);
			return GNTST_okay;
		}
	}
	return GNTST_general_error;
}

/*
 * Clears the granter's in-use bits that no remaining mapping of ref needs
 * (the granter may since have moved the grant to another page: every
 * chain is looked at).
 */
static void unpin(uint16_t granter_id, uint32_t ref)
{
	struct domain *granter = domain_lookup(granter_id);
	struct grant_entry *e = granter ? xen_grant_entry(granter, ref) : NULL;
	uint16_t keep = 0;

	if (!e)
		return;
	for (unsigned i = 0; i < CHAINS; i++)
		for (struct xen_grant_map *m = by_page[i]; m; m = m->next)
			if (m->granter == granter_id && m->ref == ref)
				keep |= GTF_reading | (m->writable ? GTF_writing : 0);
	__atomic_fetch_and(&e->flags, (uint16_t)(~(GTF_reading | GTF_writing) | keep),
			   __ATOMIC_SEQ_CST);
}

/* Ends mapping m: the page leaves the mapper's space, the granter is told. */
static void end_map(struct xen_grant_map *m)
{
	struct xen_grant_map **p = chain(m->page);
	void *root = asid_lookup(m->space);	/* NULL once that space died */

	while (*p != m)
		p = &(*p)->next;
	*p = m->next;
	m->used = false;
	if (root)
		arch_unmap_entry(root, m->gpa, 1, m->page);
	if (m->granter != TS_DOMID_INVALID)
		unpin(m->granter, m->ref);
}

static int16_t map_one(struct xen_call *c, struct map_op *op)
{
	struct domain *d = c->d, *granter = domain_lookup(op->dom);
	bool write = !(op->flags & GNTMAP_readonly);
	uint64_t gpa = op->host_addr & ~0xfffull;
	struct xen_grant_map *m = NULL;
	struct slot *tables[4];
	uint8_t *page;
	uint32_t gfn;
	int16_t rc;
	int err;

	if (!(op->flags & GNTMAP_host_map) ||
	    (op->flags & (GNTMAP_application_map | GNTMAP_contains_pte)) ||
	    (op->flags & ~(GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly |
			   GNTMAP_guest_avail)))
		return GNTST_general_error;	/* PV forms: this is a translated guest */
	if (!granter || !granter->xen.enabled)
		return GNTST_bad_domain;
	if (gpa >= TS_USER_TOP)
		return GNTST_bad_virt_addr;
	for (unsigned i = 0; !m && i < TS_XEN_GRANT_MAPS; i++)
		if (!d->xen.grant_maps[i].used)
			m = &d->xen.grant_maps[i];
	if (!m)
		return GNTST_no_space;
	if ((err = xen_pool_room(d, gpa, tables)))
		return err == -XEN_ENOMEM ? GNTST_no_space : GNTST_general_error;
	if ((rc = pin(granter, op->ref, (uint16_t)d->domid, write, &gfn)) != GNTST_okay)
		return rc;
	page = arch_guest_phys(xen_space_root(granter), (uint64_t)gfn << 12, write);
	if (!page) {
		unpin((uint16_t)granter->domid, op->ref);
		return GNTST_bad_page;
	}
	/* Everything checked: from here nothing fails. */
	xen_pool_install(d, gpa, tables);
	*m = (struct xen_grant_map){
		.space = d->xen.space.cap.map, .gpa = gpa, .page = virt_to_phys(page), .ref = op->ref,
		.granter = (uint16_t)granter->domid, .used = true, .writable = write,
		.next = *chain(virt_to_phys(page)),
	};
	*chain(m->page) = m;
	arch_map_entry(xen_space_root(d), gpa, 1, m->page, false,
		       TS_RIGHT_READ | (write ? TS_RIGHT_WRITE : 0), 0);
	op->handle = (uint32_t)(m - d->xen.grant_maps);
	op->dev_bus_addr = 0;
	return GNTST_okay;
}

static int16_t unmap_one(struct xen_call *c, const struct unmap_op *op)
{
	struct xen_grant_map *m;

	if (op->handle >= TS_XEN_GRANT_MAPS || !(m = &c->d->xen.grant_maps[op->handle])->used)
		return GNTST_bad_handle;
	if (op->host_addr && (op->host_addr & ~0xfffull) != m->gpa)
		return GNTST_bad_virt_addr;
	end_map(m);
	return GNTST_okay;
}

int64_t xen_grant_map_op(struct xen_call *c, bool map)
{
	uint64_t count = c->arg[2];
	size_t size = map ? sizeof(struct map_op) : sizeof(struct unmap_op);

	if (count > XEN_GRANT_MAX_OPS)
		return xen_err(XEN_EINVAL);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t gla = c->arg[1] + i * size;
		union { struct map_op map; struct unmap_op unmap; } op;
		if (copy_from_guest(c, gla, &op, size))
			return xen_err(XEN_EFAULT);
		if (map)
			op.map.status = map_one(c, &op.map);
		else
			op.unmap.status = unmap_one(c, &op.unmap);
		if (copy_to_guest(c, gla, &op, size))
			return xen_err(XEN_EFAULT);
	}
	return 0;
}

void xen_grant_maps_destroy(struct domain *d)
{
	for (unsigned i = 0; i < TS_XEN_GRANT_MAPS; i++)
		if (d->xen.grant_maps[i].used)
			end_map(&d->xen.grant_maps[i]);
	/* Its domid may come back: unmaps of its grants must not touch the new one. */
	for (unsigned i = 0; i < CHAINS; i++)
		for (struct xen_grant_map *m = by_page[i]; m; m = m->next)
			if (m->granter == d->domid)
				m->granter = TS_DOMID_INVALID;
}

void xen_grant_frame_gone(uint64_t base, uint64_t size)
{
	struct xen_grant_map *m = *chain(base), *next;

	for (; m; m = next) {
		next = m->next;
		if (m->page - base < size)
			end_map(m);
	}
}
