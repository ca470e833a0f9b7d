/*
 * The domain's pool: kernel memory the toolstack gives a Xen domain for
 * what Xen would allocate from its own heap for it. Tables
 * (TS_DOMAIN_XEN_ADD_TABLE, like Xen's per-domain paging pool) fill the
 * nested-table gaps under pages placed at addresses where the guest has
 * no memory: grant mappings and grant-table frames. Grant frames
 * (TS_DOMAIN_XEN_ADD_GRANT_FRAME) are the pages such a grant table lives
 * in. Both are mapped as the capabilities they are, so deleting one
 * unmaps it; tables stay mapped until the domain dies.
 */
#include <kernel/arch.h>
#include <kernel/string.h>
#include <kernel/vspace.h>
#include "internal.h"

static unsigned table_type(unsigned level)
{
	return level == 3 ? TS_OBJ_PDPT : level == 2 ? TS_OBJ_PAGE_DIRECTORY : TS_OBJ_PAGE_TABLE;
}

/* A pool table of the given level (3 PDPT, 2 PD, 1 PT) not in use yet. */
static struct slot *pool_table(struct domain *d, unsigned level)
{
	for (unsigned i = 0; i < TS_XEN_MAP_TABLES; i++) {
		struct slot *s = &d->xen.map_tables[i];
		if (s->cap.type == table_type(level) && !asid_lookup(s->cap.map))
			return s;
	}
	return NULL;
}

int xen_pool_room(struct domain *d, uint64_t gpa, struct slot *tables[4])
{
	word_t missing = 0;
	int err = arch_map_check(xen_space_root(d), gpa, 1, &missing);

	memset(tables, 0, 4 * sizeof(tables[0]));
	if (err == TS_OK)
		return 0;
	if (err != TS_ERR_FAILED_LOOKUP)
		return xen_err(XEN_EEXIST);	/* the address holds memory already */
	for (unsigned level = (unsigned)missing; level >= 1; level--)
		if (!(tables[level] = pool_table(d, level)))
			return xen_err(XEN_ENOMEM);
	return 0;
}

void xen_pool_install(struct domain *d, uint64_t gpa, struct slot *tables[4])
{
	void *root = xen_space_root(d);

	for (unsigned level = 3; level >= 1; level--) {
		struct cap *c = tables[level] ? &tables[level]->cap : NULL;
		if (!c)
			continue;
		/* Recorded on the pool capability, so deleting it unmaps it. */
		c->map = d->xen.space.cap.map;
		c->data = gpa & ~((1ull << (12 + 9 * level)) - 1);
		arch_map_entry(root, c->data, map_level(c->type), virt_to_phys((void *)c->obj),
			       true, 0, 0);
	}
}

void xen_pool_map_frame(struct domain *d, struct slot *frame, uint64_t gpa)
{
	struct cap *c = &frame->cap;

	c->map = d->xen.space.cap.map;
	c->data = gpa;
	arch_map_entry(xen_space_root(d), gpa, 1, virt_to_phys((void *)c->obj), false,
		       TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
}
