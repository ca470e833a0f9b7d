/*
 * The Domain object's Xen methods, used by the toolstack to make a Xen
 * HVM/PVH guest (TS_DOMAIN_XEN_*), and what happens to that state when the
 * Domain dies: grant mappings end, ports close (peers see them unbound),
 * links, vCPUs and pool tables are released, the guest space is let go.
 */
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <kernel/vspace.h>
#include "internal.h"

#define HVM_PARAM_CALLBACK_IRQ	0
#define MAX_GUEST_PAGES		(1ull << 36)	/* 256 TiB: beyond any guest space */

static int setup(struct invocation *inv, struct domain *d)
{
	struct slot *space;
	word_t max_pages;

	if (!inv_has_args(inv, 3))
		return TS_ERR_TRUNCATED_MESSAGE;
	space = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_GUEST_SPACE);
	max_pages = inv_arg(inv, 1);
	if (!space)
		return TS_ERR_INVALID_CAPABILITY;
	if (max_pages == 0 || max_pages > MAX_GUEST_PAGES)
		return TS_ERR_RANGE;
	if (d->xen.enabled || d->domid == TS_DOMID_INVALID)
		return TS_ERR_ILLEGAL_OPERATION;
	cap_install_copy(&d->xen.space, space);
	d->xen.max_pages = max_pages;
	d->xen.wallclock_sec = inv_arg(inv, 2);
	d->xen.shared_info_gpfn = ~0ull;
	for (unsigned i = 0; i < TS_XEN_GRANT_FRAMES; i++)
		d->xen.grant_gpfn[i] = ~0ull;
	d->xen.grant_version = 1;
	d->xen.ports[0].state = ECS_RESERVED;
	d->xen.enabled = true;
	return TS_OK;
}

static int add_vcpu(struct invocation *inv, struct domain *d)
{
	struct slot *s;
	struct vcpu *v;
	word_t id;

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_VCPU);
	id = inv_arg(inv, 1);
	if (!s)
		return TS_ERR_INVALID_CAPABILITY;
	if (id >= TS_XEN_MAX_VCPUS)
		return TS_ERR_RANGE;
	v = cap_vcpu(&s->cap);
	if (!d->xen.enabled || !slot_empty(&d->xen.vcpus[id]) || v->xen.domain)
		return TS_ERR_ILLEGAL_OPERATION;
	cap_install_copy(&d->xen.vcpus[id], s);
	memset(&v->xen, 0, sizeof(v->xen));
	v->xen.domain = d;
	v->xen.id = (uint32_t)id;
	v->xen.initialised = v->xen.up = id == 0;
	v->xen.upcall_vector = d->xen.callback_vector;
	return TS_OK;
}

static int set_param(struct invocation *inv, struct domain *d)
{
	word_t index, value;

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	index = inv_arg(inv, 0);
	value = inv_arg(inv, 1);
	if (index >= TS_XEN_NR_PARAMS)
		return TS_ERR_RANGE;
	if (!d->xen.enabled)
		return TS_ERR_ILLEGAL_OPERATION;
	if (index == HVM_PARAM_CALLBACK_IRQ)
		return xen_set_callback(d, value) ? TS_ERR_INVALID_ARGUMENT : TS_OK;
	d->xen.params[index] = value;
	return TS_OK;
}

static int link(struct invocation *inv, struct domain *d)
{
	struct slot *out, *in;
	word_t port;
	int err;

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	out = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_NOTIFICATION);
	in = cspace_lookup_type(inv->thread, inv_arg(inv, 1), TS_OBJ_NOTIFICATION);
	if (!out || !in)
		return TS_ERR_INVALID_CAPABILITY;
	if (!(out->cap.rights & TS_RIGHT_WRITE))
		return TS_ERR_INSUFFICIENT_RIGHTS;
	if (!d->xen.enabled)
		return TS_ERR_ILLEGAL_OPERATION;
	if ((err = xen_evtchn_link(d, out, in, &port)))
		return err;
	inv_set_result(inv, 0, port);
	return TS_OK;
}

/* A port range whose accesses the VMM emulates; the rest have no device (svm.c). */
static int claim_ports(struct invocation *inv, struct domain *d)
{
	word_t first, last;

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	first = inv_arg(inv, 0);
	last = inv_arg(inv, 1);
	if (first > last || last > 0xffff)
		return TS_ERR_RANGE;
	if (!d->xen.enabled)
		return TS_ERR_ILLEGAL_OPERATION;
	if (d->xen.nr_port_claims == TS_XEN_PORT_CLAIMS)
		return TS_ERR_NOT_ENOUGH_MEMORY;
	d->xen.port_claims[d->xen.nr_port_claims].first = (uint16_t)first;
	d->xen.port_claims[d->xen.nr_port_claims].last = (uint16_t)last;
	d->xen.nr_port_claims++;
	return TS_OK;
}

/* As Xen matches an ioreq server's ranges: the whole access lies in one range. */
bool xen_port_claimed(const struct domain *d, uint16_t port, unsigned size)
{
	uint32_t end = (uint32_t)port + size - 1;

	for (unsigned i = 0; i < d->xen.nr_port_claims; i++)
		if (port >= d->xen.port_claims[i].first && end <= d->xen.port_claims[i].last)
			return true;
	return false;
}

static bool is_table(unsigned type)
{
	return type == TS_OBJ_PAGE_TABLE || type == TS_OBJ_PAGE_DIRECTORY || type == TS_OBJ_PDPT;
}

static bool is_small_frame(unsigned type)
{
	return type == TS_OBJ_FRAME_4K;
}

/*
 * A table or frame for the domain's pool (kernel/xen/pool.c), moved into
 * the first free of its n slots. It must be the only capability to the
 * object, so no other can map it elsewhere, now or later.
 */
static int add_to_pool(struct invocation *inv, struct domain *d, struct slot *pool, unsigned n,
		       bool (*type_ok)(unsigned type))
{
	struct slot *s, *free = NULL;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cspace_lookup(inv->thread, inv_arg(inv, 0));
	if (!s || !type_ok(s->cap.type))
		return TS_ERR_INVALID_CAPABILITY;
	if (!d->xen.enabled || asid_lookup(s->cap.map))
		return TS_ERR_ILLEGAL_OPERATION;	/* a mapped object is in use */
	if (!cap_is_final(s))
		return TS_ERR_REVOKE_FIRST;
	for (unsigned i = 0; !free && i < n; i++)
		if (slot_empty(&pool[i]))
			free = &pool[i];
	if (!free)
		return TS_ERR_NOT_ENOUGH_MEMORY;
	s->cap.map = 0;		/* a stale record of a dead space */
	cdt_move(free, s);
	return TS_OK;
}

int xen_domain_invoke(struct invocation *inv, struct domain *d)
{
	switch (inv->label) {
	case TS_DOMAIN_XEN_SETUP:	return setup(inv, d);
	case TS_DOMAIN_XEN_ADD_VCPU:	return add_vcpu(inv, d);
	case TS_DOMAIN_XEN_SET_PARAM:	return set_param(inv, d);
	case TS_DOMAIN_EVTCHN_LINK:	return link(inv, d);
	case TS_DOMAIN_XEN_ADD_TABLE:
		return add_to_pool(inv, d, d->xen.map_tables, TS_XEN_MAP_TABLES, is_table);
	case TS_DOMAIN_XEN_ADD_GRANT_FRAME:
		return add_to_pool(inv, d, d->xen.grant_frames, TS_XEN_GRANT_POOL, is_small_frame);
	case TS_DOMAIN_XEN_CLAIM_PORTS:	return claim_ports(inv, d);
	default:			return TS_ERR_ILLEGAL_OPERATION;
	}
}

void xen_domain_finalise(struct domain *d)
{
	if (!d->xen.enabled)
		return;
	xen_grant_maps_destroy(d);
	xen_evtchn_destroy(d);
	for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++) {
		struct vcpu *v = xen_domain_vcpu(d, i);
		if (!v)
			continue;
		if (v->bound)
			timer_cancel(v->bound);
		memset(&v->xen, 0, sizeof(v->xen));
		cap_delete(&d->xen.vcpus[i]);
	}
	for (unsigned i = 0; i < TS_XEN_GRANT_POOL; i++)
		cap_delete(&d->xen.grant_frames[i]);
	for (unsigned i = 0; i < TS_XEN_MAP_TABLES; i++)
		cap_delete(&d->xen.map_tables[i]);
	cap_delete(&d->xen.space);
	d->xen.enabled = false;
}
