/*
 * Host unit tests of the Xen guest ABI (kernel/xen/): two Xen domains made
 * with the Domain methods, hypercalls issued through xen_hypercall() with
 * arguments in the model guests' memory, and the state checked in their
 * shared_info pages: event channels within and between domains, links to
 * native notifications, timers, grant copies and mappings and the access
 * rules, bad arguments, and what a dying domain leaves behind.
 */
#include <stddef.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invariants.h>
#include <kernel/ipc.h>
#include <kernel/xen.h>
#include <tessera/bootinfo.h>
#include "../../xen/internal.h"
#include "host_arch.h"
#include "unit.h"

enum { HC_memory_op = 12, HC_set_timer_op = 15, HC_xen_version = 17, HC_grant_table_op = 20,
       HC_vcpu_op = 24, HC_sched_op = 29, HC_event_channel_op = 32, HC_hvm_op = 34 };
#define ARG_GPA		0x1000	/* hypercall arguments live in page 1 */
#define PAGES		XEN_GUEST_PAGES
#define guest xen_guest

static struct guest a = { .base = 700, .domid = 5 }, b = { .base = 730, .domid = 6 };

/* Slots: domain, guest space, PDPT, PD, PT, frames (8), vCPU. */
bool make_xen_guest(struct guest *g)
{
	word_t dom = g->base, space = g->base + 1, frames = g->base + 5, vcpu = g->base + 13;
	bool ok = retype(TS_OBJ_DOMAIN, 0, dom, 1) == TS_OK &&
		  retype(TS_OBJ_GUEST_SPACE, 0, space, 1) == TS_OK &&
		  retype(TS_OBJ_PDPT, 0, g->base + 2, 1) == TS_OK &&
		  retype(TS_OBJ_PAGE_DIRECTORY, 0, g->base + 3, 1) == TS_OK &&
		  retype(TS_OBJ_PAGE_TABLE, 0, g->base + 4, 1) == TS_OK &&
		  retype(TS_OBJ_FRAME_4K, 0, frames, PAGES) == TS_OK &&
		  retype(TS_OBJ_VCPU, 0, vcpu, 1) == TS_OK &&
		  INVOKE(dom, TS_DOMAIN_SET_ID, g->domid) == TS_OK;
	for (word_t i = 2; ok && i <= 4; i++)
		ok = INVOKE(g->base + i, TS_PAGING_MAP, space, 0) == TS_OK;
	for (word_t i = 0; ok && i < PAGES; i++) {
		ok = INVOKE(frames + i, TS_FRAME_MAP, space, i << 12, TS_RIGHT_READ | TS_RIGHT_WRITE, 0) == TS_OK;
		g->page[i] = (uint8_t *)root[frames + i].cap.obj;
	}
	ok = ok && INVOKE(vcpu, TS_VCPU_SET_SPACE, space) == TS_OK &&
	     INVOKE(dom, TS_DOMAIN_XEN_SETUP, space, PAGES, 1700000000) == TS_OK &&
	     INVOKE(dom, TS_DOMAIN_XEN_ADD_VCPU, vcpu, 0) == TS_OK;
	g->v = ok ? cap_vcpu(&root[vcpu].cap) : NULL;
	return ok;
}

/* A hypercall with up to three arguments; returns RAX. */
int64_t xen_guest_hypercall(struct guest *g, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	arch_vcpu_set_reg(g->v, TS_VREG_RAX, nr);
	arch_vcpu_set_reg(g->v, TS_VREG_RDI, a0);
	arch_vcpu_set_reg(g->v, TS_VREG_RSI, a1);
	arch_vcpu_set_reg(g->v, TS_VREG_RDX, a2);
	xen_hypercall(g->v);
	return (int64_t)arch_vcpu_get_reg(g->v, TS_VREG_RAX);
}

/* An event-channel op whose argument struct is ARGS (bytes) at ARG_GPA. */
static int64_t evtchn(struct guest *g, unsigned op, const void *args, size_t n)
{
	memcpy(g->page[1], args, n);
	return xen_guest_hypercall(g, HC_event_channel_op, op, ARG_GPA, 0);
}

static uint32_t arg32(struct guest *g, unsigned offset)
{
	uint32_t v;
	memcpy(&v, g->page[1] + offset, 4);
	return v;
}

static bool pending(struct guest *g, unsigned port)
{
	return ((uint64_t *)(g->page[0] + 2048))[port / 64] & (1ull << (port % 64));
}

static void place_shared_info(struct guest *g)
{
	struct { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; } x = { DOMID_SELF, 0, 0, 0, 0 };
	memcpy(g->page[1], &x, sizeof(x));
	check(xen_guest_hypercall(g, HC_memory_op, 7, ARG_GPA, 0) == 0 &&
	      *(uint32_t *)(g->page[0] + 3076) != 0, "xen: add_to_physmap places shared_info (with the wallclock)");
}

static void test_setup_errors(void)
{
	check(INVOKE(a.base, TS_DOMAIN_XEN_SETUP, a.base + 1, PAGES, 0) == TS_ERR_ILLEGAL_OPERATION,
	      "xen: setup happens once");
	check(retype(TS_OBJ_DOMAIN, 0, 790, 1) == TS_OK &&
	      INVOKE(790, TS_DOMAIN_XEN_SETUP, 790, PAGES, 0) == TS_ERR_INVALID_CAPABILITY &&
	      INVOKE(790, TS_DOMAIN_XEN_SETUP, a.base + 1, 0, 0) == TS_ERR_RANGE &&
	      INVOKE(790, TS_DOMAIN_XEN_SETUP, a.base + 1, PAGES, 0) == TS_ERR_ILLEGAL_OPERATION,
	      "xen: setup needs a guest space, pages and a domid");
	check(INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, a.base + 13, 1) == TS_ERR_ILLEGAL_OPERATION &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, a.base + 13, TS_XEN_MAX_VCPUS) == TS_ERR_RANGE,
	      "xen: a vCPU belongs to one domain, ids are bounded");
	check(INVOKE(a.base, TS_DOMAIN_XEN_SET_PARAM, TS_XEN_NR_PARAMS, 1) == TS_ERR_RANGE &&
	      INVOKE(a.base, TS_DOMAIN_XEN_SET_PARAM, 0, (3ull << 56) | 0xf3) == TS_ERR_INVALID_ARGUMENT &&
	      INVOKE(a.base, TS_DOMAIN_XEN_SET_PARAM, 0, (2ull << 56) | 0xf3) == TS_OK &&
	      a.v->xen.upcall_vector == 0xf3, "xen: callback parameter: vector type only");
}

/* The ports the VMM emulates; an access must lie wholly in one claimed range. */
static void test_port_claims(void)
{
	const struct domain *d = cap_domain(&root[a.base].cap);
	const struct domain *unset = cap_domain(&root[790].cap);

	check(INVOKE(790, TS_DOMAIN_XEN_CLAIM_PORTS, 0x80, 0x80) == TS_ERR_ILLEGAL_OPERATION &&
	      !xen_port_claimed(unset, 0x80, 1), "ports: claims need the Xen ABI set up first");
	check(INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0x81, 0x80) == TS_ERR_RANGE &&
	      INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0xfff0, 0x10000) == TS_ERR_RANGE &&
	      d->xen.nr_port_claims == 0, "ports: first after last, or past 0xffff: RANGE, nothing claimed");
	check(!xen_port_claimed(d, 0x80, 1), "ports: nothing is claimed at first");
	check(INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0xb000, 0xb003) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0xffff, 0xffff) == TS_OK &&
	      xen_port_claimed(d, 0xb000, 4) && xen_port_claimed(d, 0xb002, 2) &&
	      xen_port_claimed(d, 0xb003, 1) && xen_port_claimed(d, 0xffff, 1),
	      "ports: accesses inside a claimed range are the VMM's");
	check(!xen_port_claimed(d, 0xb002, 4) && !xen_port_claimed(d, 0xaffe, 4) &&
	      !xen_port_claimed(d, 0xffff, 2) && !xen_port_claimed(d, 0xb004, 1),
	      "ports: an access reaching past a range (or past 0xffff) is not");
	for (unsigned i = 2; i < TS_XEN_PORT_CLAIMS; i++)
		INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0x100 * i, 0x100 * i);
	check(d->xen.nr_port_claims == TS_XEN_PORT_CLAIMS &&
	      INVOKE(a.base, TS_DOMAIN_XEN_CLAIM_PORTS, 0x80, 0x80) == TS_ERR_NOT_ENOUGH_MEMORY &&
	      !xen_port_claimed(d, 0x80, 1), "ports: at most TS_XEN_PORT_CLAIMS ranges");
}

static void test_basic_calls(void)
{
	struct { uint32_t idx, map; } f = { 0, 0 };

	host.vcpu_cpl = 3;
	check(xen_guest_hypercall(&a, HC_xen_version, 0, 0, 0) == -1, "xen: hypercalls from guest user mode: -EPERM");
	host.vcpu_cpl = 0;
	check(xen_guest_hypercall(&a, HC_xen_version, 0, 0, 0) == ((4 << 16) | 17), "xen: xen_version 4.17");
	memcpy(a.page[1], &f, sizeof(f));
	check(xen_guest_hypercall(&a, HC_xen_version, 6, ARG_GPA, 0) == 0 &&
	      (arg32(&a, 4) & (1u << 8)) && (arg32(&a, 4) & (1u << 9)),
	      "xen: get_features: vector callback and safe pvclock");
	check(xen_guest_hypercall(&a, 63, 0, 0, 0) == -38, "xen: unknown hypercall: -ENOSYS");
	check(xen_guest_hypercall(&a, HC_xen_version, 6, 0x100000, 0) == -14, "xen: unbacked argument: -EFAULT");
	struct { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; } x = { DOMID_SELF, 0, 0, 0, 100 };
	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == -22, "xen: shared_info on an unbacked gpfn: -EINVAL");
	x.domid = b.domid;
	x.gpfn = 0;
	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == -1, "xen: add_to_physmap for another domain: -EPERM");
	place_shared_info(&a);
	place_shared_info(&b);
}

static void test_event_channels(void)
{
	struct { uint16_t dom, remote; uint32_t port; } unbound = { DOMID_SELF, 6, 0 };
	struct { uint16_t remote, pad; uint32_t remote_port, local_port; } bind;
	struct { uint32_t virq, vcpu, port; } virq = { 0, 0, 0 };
	uint32_t pa = 0, pb = 0;

	check(evtchn(&a, 6, &unbound, sizeof(unbound)) == 0 && (pa = arg32(&a, 4)) > 0,
	      "evtchn: alloc_unbound for domain 6");
	bind = (typeof(bind)){ 5, 0, pa, 0 };
	check(evtchn(&b, 0, &bind, sizeof(bind)) == 0 && (pb = arg32(&b, 8)) > 0 && pending(&b, pb),
	      "evtchn: bind_interdomain connects (the new port starts pending)");
	check(evtchn(&b, 0, &bind, sizeof(bind)) == -22, "evtchn: a bound port cannot be bound again");
	memset(a.page[0], 0, 8);	/* vcpu_info: clear upcall_pending */
	check(evtchn(&b, 4, &pb, 4) == 0 && pending(&a, pa) && a.page[0][0] == 1 &&
	      (*(uint64_t *)(a.page[0] + 8) & (1ull << (pa / 64))) && a.v->xen.upcall_inject,
	      "evtchn: send sets pending, pending_sel, upcall_pending and asks for the upcall");
	/* Masked: pending without an upcall; unmask delivers it. */
	((uint64_t *)(a.page[0] + 2560))[0] |= 1ull << pa;
	((uint64_t *)(a.page[0] + 2048))[0] = 0;
	memset(a.page[0], 0, 16);
	a.v->xen.upcall_inject = false;
	check(evtchn(&b, 4, &pb, 4) == 0 && pending(&a, pa) && a.page[0][0] == 0, "evtchn: masked port: no upcall");
	check(evtchn(&a, 9, &pa, 4) == 0 && a.page[0][0] == 1, "evtchn: unmask delivers what is pending");
	check(evtchn(&a, 4, &(uint32_t){ 1000 }, 4) == -22 && evtchn(&a, 4, &(uint32_t){ 5000 }, 4) == -22,
	      "evtchn: send on a free or out-of-range port: -EINVAL");
	unbound = (typeof(unbound)){ DOMID_SELF, 7, 0 };
	evtchn(&a, 6, &unbound, sizeof(unbound));
	bind = (typeof(bind)){ 5, 0, arg32(&a, 4), 0 };
	check(evtchn(&b, 0, &bind, sizeof(bind)) == -22, "evtchn: a port offered to domain 7 refuses domain 6");
	bind.remote = 77;
	check(evtchn(&b, 0, &bind, sizeof(bind)) == -3, "evtchn: no such domain: -ESRCH");
	check(evtchn(&a, 1, &virq, sizeof(virq)) == 0 && evtchn(&a, 1, &virq, sizeof(virq)) == -17,
	      "evtchn: bind_virq VIRQ_TIMER once per vCPU");
	virq.virq = 30;
	check(evtchn(&a, 1, &virq, sizeof(virq)) == -22, "evtchn: unknown VIRQ: -EINVAL");
	uint32_t timer_port = a.v->xen.virq_port[0];
	host.tsc = 5000000;
	check(xen_guest_hypercall(&a, HC_set_timer_op, 1, 0, 0) == 0 && pending(&a, timer_port),
	      "timer: a deadline in the past fires VIRQ_TIMER at once");
	memcpy(a.page[1], &(uint64_t){ 1ull << 62 }, 8);
	check(xen_guest_hypercall(&a, HC_vcpu_op, 6, 0, ARG_GPA) == -22 && a.v->xen.period_ns == 0,
	      "timer: a periodic timer beyond Xen's STIME_DELTA_MAX (2^62 - 1 ns): -EINVAL");
	check(evtchn(&a, 3, &pa, 4) == 0, "evtchn: close");
	struct { uint16_t dom, pad; uint32_t port, status, vcpu; uint16_t rdom, pad2; uint32_t rport; } st =
		{ DOMID_SELF, 0, pb, 0, 0, 0, 0, 0 };
	check(evtchn(&b, 5, &st, sizeof(st)) == 0 && arg32(&b, 8) == 1 && *(uint16_t *)(b.page[1] + 16) == 5,
	      "evtchn: the peer's port is unbound (for domain 5) again after close");
}

static void test_links(void)
{
	struct notification *out, *in;
	word_t port = 0;

	retype(TS_OBJ_NOTIFICATION, 0, 780, 2);
	out = cap_notification(&root[780].cap);
	in = cap_notification(&root[781].cap);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 782, TS_ROOT_CNODE, 780, TS_RIGHT_WRITE, 0x40);
	check(INVOKE(a.base, TS_DOMAIN_EVTCHN_LINK, 782, 781) == TS_OK && (port = me->ctx.rdx) > 0 &&
	      in->evtchn_domain == cap_domain(&root[a.base].cap), "link: a port between a guest and notifications");
	check(INVOKE(b.base, TS_DOMAIN_EVTCHN_LINK, 782, 781) == TS_ERR_ILLEGAL_OPERATION,
	      "link: a notification links to one port");
	uint32_t p32 = (uint32_t)port;
	check(evtchn(&a, 4, &p32, 4) == 0 && out->word == 0x40, "link: the guest's send signals the native side");
	notification_signal(in, 1);
	check(pending(&a, p32), "link: the native side's signal makes the port pending");
	check(evtchn(&a, 3, &p32, 4) == 0 && !in->evtchn_domain, "link: close releases the notifications");
	INVOKE(a.base, TS_DOMAIN_EVTCHN_LINK, 782, 781);
}

static void test_grant_copy(void)
{
	struct { uint64_t ref; uint16_t dom, off; uint32_t pad; uint64_t ref2; uint16_t dom2, off2; uint32_t pad2;
		 uint16_t len, flags; int16_t status; uint16_t pad3; } op;
	struct { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; } x = { DOMID_SELF, 0, 1, 0, 2 };

	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == 0, "grant: frame 0 placed at gpfn 2");
	/* Entry 1: domain 6 may read gpfn 3; entry 2: read-only; entry 3: for domain 9. */
	uint16_t *e = (uint16_t *)(a.page[2] + 8);
	e[0] = 1 | 4; e[1] = 6; *(uint32_t *)&e[2] = 3;
	e = (uint16_t *)(a.page[2] + 24);
	e[0] = 1; e[1] = 9; *(uint32_t *)&e[2] = 3;
	strcpy((char *)a.page[3] + 16, "granted bytes");
	op = (typeof(op)){ 1, 5, 16, 0, 4, DOMID_SELF, 100, 0, 14, 1, 0, 0 };
	memcpy(b.page[1], &op, sizeof(op));
	check(xen_guest_hypercall(&b, HC_grant_table_op, 5, ARG_GPA, 1) == 0 && *(int16_t *)(b.page[1] + 36) == 0 &&
	      strcmp((char *)b.page[4] + 100, "granted bytes") == 0, "grant: copy through a read grant");
	op = (typeof(op)){ 4, DOMID_SELF, 0, 0, 1, 5, 0, 0, 4, 2, 0, 0 };
	memcpy(b.page[1], &op, sizeof(op));
	check(xen_guest_hypercall(&b, HC_grant_table_op, 5, ARG_GPA, 1) == 0 && *(int16_t *)(b.page[1] + 36) == -8,
	      "grant: a read-only grant is never written");
	op = (typeof(op)){ 3, 5, 0, 0, 4, DOMID_SELF, 0, 0, 4, 1, 0, 0 };
	memcpy(b.page[1], &op, sizeof(op));
	check(xen_guest_hypercall(&b, HC_grant_table_op, 5, ARG_GPA, 1) == 0 && *(int16_t *)(b.page[1] + 36) == -8,
	      "grant: an entry for another domain is refused");
	op = (typeof(op)){ 3, 5, 0, 0, 4, DOMID_SELF, 0, 0, 4, 0, 0, 0 };
	memcpy(b.page[1], &op, sizeof(op));
	check(xen_guest_hypercall(&b, HC_grant_table_op, 5, ARG_GPA, 1) == 0 && *(int16_t *)(b.page[1] + 36) == -8,
	      "grant: another domain's frame without a grant is refused");
	op = (typeof(op)){ 1, 5, 4090, 0, 4, DOMID_SELF, 0, 0, 14, 1, 0, 0 };
	memcpy(b.page[1], &op, sizeof(op));
	check(xen_guest_hypercall(&b, HC_grant_table_op, 5, ARG_GPA, 1) == 0 && *(int16_t *)(b.page[1] + 36) == -10,
	      "grant: a copy crossing a page is refused");
	memcpy(b.page[1], &(uint32_t){ 2 }, 4);
	check(xen_guest_hypercall(&b, HC_grant_table_op, 8, ARG_GPA, 1) == -38 && *(uint32_t *)b.page[1] == 1,
	      "grant: version 2 is not offered; version 1 stays");
}

struct map_op {
	uint64_t host_addr;
	uint32_t flags, ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};
enum { GNTMAP_host_map = 2, GNTMAP_readonly = 4, GNTMAP_contains_pte = 16 };

/* b maps one of a's grants at gpa; the op as the kernel left it. */
static struct map_op map_grant(uint64_t gpa, uint32_t flags, uint32_t ref, uint16_t dom)
{
	struct map_op op = { gpa, flags, ref, dom, 99, 0, 0 };

	memcpy(b.page[1], &op, sizeof(op));
	if (xen_guest_hypercall(&b, HC_grant_table_op, 0, ARG_GPA, 1) != 0)
		op.status = 99;
	else
		memcpy(&op, b.page[1], sizeof(op));
	return op;
}

static int16_t unmap_grant(uint64_t gpa, uint32_t handle)
{
	struct { uint64_t host_addr, dev_bus_addr; uint32_t handle; int16_t status; uint16_t pad; } op =
		{ gpa, 0, handle, 99, 0 };

	memcpy(b.page[1], &op, sizeof(op));
	if (xen_guest_hypercall(&b, HC_grant_table_op, 1, ARG_GPA, 1) != 0)
		return 99;
	memcpy(&op, b.page[1], sizeof(op));
	return op.status;
}

static uint16_t entry_flags(unsigned ref) { return *(uint16_t *)(a.page[2] + 8 * ref); }

static void grant_entry(unsigned ref, uint16_t flags, uint16_t domid, uint32_t gfn)
{
	uint16_t *e = (uint16_t *)(a.page[2] + 8 * ref);

	e[0] = flags; e[1] = domid; *(uint32_t *)&e[2] = gfn;
}

/* After test_grant_copy: a's grant frame is at gpfn 2; entry 1 is read-only for b. */
static void test_grant_map(void)
{
	void *space_b = (void *)root[b.base + 1].cap.obj;
	struct map_op op;
	uint32_t handle;

	grant_entry(4, 1, 6, 3);
	grant_entry(5, 1, 6, 4);
	grant_entry(6, 1, 6, 200);
	op = map_grant(0x200000, GNTMAP_host_map, 4, 5);
	check(op.status == -13 && host_translate(space_b, 0x200000) == 0 && entry_flags(4) == 1,
	      "grant map: no table for the address in the domain's pool: GNTST_no_space, nothing "
	      "changed");
	check(INVOKE(b.base, TS_DOMAIN_XEN_ADD_TABLE, b.base + 5) == TS_ERR_INVALID_CAPABILITY &&
	      INVOKE(b.base, TS_DOMAIN_XEN_ADD_TABLE, b.base + 4) == TS_ERR_ILLEGAL_OPERATION,
	      "TS_DOMAIN_XEN_ADD_TABLE: a frame is refused, and so is a table in use");
	check(retype(TS_OBJ_PAGE_TABLE, 0, 750, 1) == TS_OK &&
	      INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 751, TS_ROOT_CNODE, 750, TS_RIGHTS_ALL) == TS_OK &&
	      INVOKE(b.base, TS_DOMAIN_XEN_ADD_TABLE, 750) == TS_ERR_REVOKE_FIRST &&
	      INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 751) == TS_OK,
	      "TS_DOMAIN_XEN_ADD_TABLE: a table with another capability to it is refused");
	check(INVOKE(b.base, TS_DOMAIN_XEN_ADD_TABLE, 750) == TS_OK && slot_empty(&root[750]),
	      "TS_DOMAIN_XEN_ADD_TABLE: a page table moves into the domain's pool");
	op = map_grant(0x200000, GNTMAP_host_map, 4, 5);
	handle = op.handle;
	check(op.status == 0 && host_translate(space_b, 0x200000) == (paddr_t)a.page[3] &&
	      entry_flags(4) == (1 | 8 | 16),
	      "grant map: a's page at b's gpa 0x200000 (a pool table fills the gap); the entry says "
	      "reading|writing");
	op = map_grant(0x201000, GNTMAP_host_map, 1, 5);
	check(op.status == -8 && host_translate(space_b, 0x201000) == 0,
	      "grant map: a read-only grant mapped writable: GNTST_permission_denied");
	op = map_grant(0x201000, GNTMAP_host_map | GNTMAP_readonly, 1, 5);
	check(op.status == 0 && host_translate(space_b, 0x201000) == (paddr_t)a.page[3] &&
	      entry_flags(1) == (1 | 4 | 8),
	      "grant map: mapped read-only, the read-only entry says reading only");
	check(unmap_grant(0x201000, op.handle) == 0 && entry_flags(1) == (1 | 4),
	      "grant unmap: the entry's in-use bits go with the last mapping");
	check(map_grant(0x1000, GNTMAP_host_map, 4, 5).status == -1 &&
	      host_translate(space_b, 0x1000) == (paddr_t)b.page[1],
	      "grant map: over the guest's own memory: GNTST_general_error, its page stays");
	check(map_grant(0x202000, GNTMAP_host_map, 3, 5).status == -8 &&
	      map_grant(0x202000, GNTMAP_host_map, 600, 5).status == -3 &&
	      map_grant(0x202000, GNTMAP_host_map, 4, 99).status == -2 &&
	      map_grant(0x202000, GNTMAP_host_map | GNTMAP_contains_pte, 4, 5).status == -1 &&
	      map_grant(0x202000, 0, 4, 5).status == -1 &&
	      map_grant(1ull << 52, GNTMAP_host_map, 4, 5).status == -5 &&
	      map_grant(0x202000, GNTMAP_host_map, 6, 5).status == -9 &&
	      host_translate(space_b, 0x202000) == 0 && entry_flags(6) == 1,
	      "grant map: another's grant, a bad ref, domain, PV flags, address or frame: refused");
	check(unmap_grant(0x205000, handle) == -5 && unmap_grant(0, 77) == -4 &&
	      host_translate(space_b, 0x200000) == (paddr_t)a.page[3],
	      "grant unmap: a wrong address or handle is refused, the mapping stays");
	check(unmap_grant(0x200000, handle) == 0 && host_translate(space_b, 0x200000) == 0 &&
	      entry_flags(4) == 1 && unmap_grant(0x200000, handle) == -4,
	      "grant unmap: the page leaves b's space, the entry is free again, the handle is gone");
	op = map_grant(0x203000, GNTMAP_host_map, 4, 5);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, a.base + 5 + 3);
	check(op.status == 0 && host_translate(space_b, 0x203000) == 0 &&
	      unmap_grant(0x203000, op.handle) == -4,
	      "grant map: when the granted frame dies its mapping goes from every space");
	check(invariants_check() == 0, "grant map: invariants hold");
}

/* Grant frame 1 of a where a has no memory (as Linux PVH places them). */
static void test_grant_frame_pool(void)
{
	struct { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; } x = { DOMID_SELF, 0, 1, 1, 0x400 };
	void *space_a = (void *)root[a.base + 1].cap.obj;
	uint8_t *frame;

	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == -22,
	      "grant frame: where the guest has no memory and no pool frame: -EINVAL");
	check(retype(TS_OBJ_FRAME_4K, 0, 753, 1) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_GRANT_FRAME, 753) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_GRANT_FRAME, a.base + 4) == TS_ERR_INVALID_CAPABILITY,
	      "TS_DOMAIN_XEN_ADD_GRANT_FRAME: a 4 KiB frame joins the pool (a table does not)");
	frame = (uint8_t *)cap_domain(&root[a.base].cap)->xen.grant_frames[0].cap.obj;
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == -22,
	      "grant frame 1 needs pool frame 1 (only frame 0 given): -EINVAL");
	x.idx = 0;
	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == -12,
	      "grant frame: no pool table for the address: -ENOMEM");
	check(retype(TS_OBJ_PAGE_TABLE, 0, 752, 1) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_TABLE, 752) == TS_OK &&
	      xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == 0 &&
	      host_translate(space_a, 0x400000) == (paddr_t)frame &&
	      host_translate(space_a, 0x2000) == (paddr_t)a.page[2] &&
	      *(uint16_t *)(frame + 8) == (1 | 4),
	      "grant frame 0 moves from a's page at gpfn 2 (which stays a's) to the pool frame at 0x400000, entries along");
	memcpy(frame + 56, &(struct { uint16_t flags, domid; uint32_t gfn; }){ 1, 6, 5 }, 8);
	memcpy(a.page[5], "pool-granted", 13);
	struct map_op op = map_grant(0x206000, GNTMAP_host_map, 7, 5);
	check(op.status == 0 && memcmp((void *)host_translate((void *)root[b.base + 1].cap.obj, 0x206000),
				       "pool-granted", 13) == 0 && (*(uint16_t *)(frame + 56) & 24) == 24,
	      "grant map: through an entry in the pool frame");
	check(unmap_grant(0x206000, op.handle) == 0, "grant unmap: through the pool frame");
	x.gpfn = 0x401;
	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == 0 &&
	      host_translate(space_a, 0x400000) == 0 && host_translate(space_a, 0x401000) == (paddr_t)frame,
	      "grant frame 0 moves to 0x401000: the pool frame follows, 0x400000 is empty again");
	x.gpfn = 2;
	memcpy(a.page[1], &x, sizeof(x));
	check(xen_guest_hypercall(&a, HC_memory_op, 7, ARG_GPA, 0) == 0 &&
	      host_translate(space_a, 0x401000) == 0 && host_translate(space_a, 0x2000) == (paddr_t)a.page[2] &&
	      *(uint16_t *)(a.page[2] + 56) == 1,
	      "grant frame 0 back on a's own page: entries copied, the pool frame unmapped");
}

enum { VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up };

union hvm_ctx xen_flat_context(bool wide)
{
	union hvm_ctx c = { .c32 = { .mode = 0, .gpr = { 0xc0ffee, 0, 0, 0, 0x3000 }, .eip = 0x4000,
				     .eflags = 2, .cr0 = 0x11, .limit = { ~0u, ~0u, ~0u, ~0u, 0x67 },
				     .ar = { 0xc9a, 0xc92, 0xc92, 0xc92, 0x89 } } };

	if (wide)
		c.c64 = (struct hvm_ctx64){ .mode = 1, .gpr = { 0xc0ffee, 0, 0, 0, 0x3000 }, .rip = 0x4000,
					    .rflags = 2, .cr0 = 0x80000011, .cr3 = 0x5000, .cr4 = 0x20,
					    .efer = 0x100 };
	return c;
}

/* One field of a good context changed; Xen refuses each with -EINVAL. */
#define CTX32(field)	false, offsetof(struct hvm_ctx32, field), sizeof(((struct hvm_ctx32 *)0)->field)
#define CTX64(field)	true, offsetof(struct hvm_ctx64, field), sizeof(((struct hvm_ctx64 *)0)->field)
static const struct {
	const char *what;
	bool wide;
	size_t offset, size;
	uint64_t value;
} bad_contexts[] = {
	{ "vcpu_op: initialise, -EINVAL: an unknown mode", CTX32(mode), 2 },
	{ "vcpu_op: initialise, -EINVAL: pad set", CTX32(pad), 1 },
	{ "vcpu_op: initialise, -EINVAL: pad1 set", CTX32(pad1), 1 },
	{ "vcpu_op: initialise, -EINVAL: pad2 set", CTX32(pad2[2]), 1 },
	{ "vcpu_op: initialise, -EINVAL: CS attribute bits 12-15 set", CTX32(ar[0]), 0x1c9a },
	{ "vcpu_op: initialise, -EINVAL: a null CS", CTX32(ar[0]), 0 },
	{ "vcpu_op: initialise, -EINVAL: a null SS", CTX32(ar[2]), 0 },
	{ "vcpu_op: initialise, -EINVAL: a null TR", CTX32(ar[4]), 0 },
	{ "vcpu_op: initialise, -EINVAL: CS not present", CTX32(ar[0]), 0xc1a },
	{ "vcpu_op: initialise, -EINVAL: CS a data segment", CTX32(ar[0]), 0xc92 },
	{ "vcpu_op: initialise, -EINVAL: CS a system segment", CTX32(ar[0]), 0xc8b },
	{ "vcpu_op: initialise, -EINVAL: SS read-only", CTX32(ar[2]), 0xc90 },
	{ "vcpu_op: initialise, -EINVAL: SS a code segment", CTX32(ar[2]), 0xc9a },
	{ "vcpu_op: initialise, -EINVAL: DS execute-only code", CTX32(ar[1]), 0xc98 },
	{ "vcpu_op: initialise, -EINVAL: TR a data segment", CTX32(ar[4]), 0x93 },
	{ "vcpu_op: initialise, -EINVAL: TR a 16-bit TSS", CTX32(ar[4]), 0x81 },
	{ "vcpu_op: initialise, -EINVAL: EIP 0x4000 beyond CS's limit (3 pages of 4 KiB)", CTX32(limit[0]), 3 },
	{ "vcpu_op: initialise, -EINVAL: SS.DPL 3 with CS.DPL 0", CTX32(ar[2]), 0xcf2 },
	{ "vcpu_op: initialise, -EINVAL: DS.DPL 3 with CS.DPL 0", CTX32(ar[1]), 0xcf2 },
	{ "vcpu_op: initialise, -EINVAL: EFER.LMA without LME", CTX32(efer), 0x400 },
	{ "vcpu_op: initialise, -EINVAL: 64-bit: an unknown mode", CTX64(mode), 7 },
	{ "vcpu_op: initialise, -EINVAL: 64-bit: RIP not canonical", CTX64(rip), 0x0000800000000000ull },
	{ "vcpu_op: initialise, -EINVAL: 64-bit: paging off", CTX64(cr0), 0x11 },
	{ "vcpu_op: initialise, -EINVAL: 64-bit: CR4.PAE clear", CTX64(cr4), 0 },
	{ "vcpu_op: initialise, -EINVAL: 64-bit: EFER.LME clear", CTX64(efer), 0 },
};

static int64_t vcpu_op_as(struct guest *g, unsigned op, unsigned id, const union hvm_ctx *ctx)
{
	if (ctx)
		memcpy(g->page[1], ctx, sizeof(*ctx));
	return xen_guest_hypercall(g, HC_vcpu_op, op, id, ctx ? ARG_GPA : 0);
}

/*
 * VCPUOP_initialise, up, down and is_up on domain 5 with vCPUs 1 and 2
 * added: vCPU 0 and 1 have threads (faulting to an endpoint), vCPU 2 has
 * none. vCPU 1's thread waits as arch_enter_guest leaves a vCPU that is
 * not up.
 */
static void test_vcpu_op(void)
{
	enum { VCPU1 = 760, VCPU2, EP, VSPACE, THREAD0, THREAD1 };
	struct guest a1 = a;
	struct vcpu *v1, *v2;
	struct tcb *t0, *t1;
	union hvm_ctx ctx;

	check(retype(TS_OBJ_VCPU, 0, VCPU1, 2) == TS_OK && retype(TS_OBJ_ENDPOINT, 0, EP, 1) == TS_OK &&
	      retype(TS_OBJ_VSPACE, 0, VSPACE, 1) == TS_OK && retype(TS_OBJ_TCB, 0, THREAD0, 2) == TS_OK &&
	      INVOKE(VCPU1, TS_VCPU_SET_SPACE, a.base + 1) == TS_OK &&
	      INVOKE(VCPU2, TS_VCPU_SET_SPACE, a.base + 1) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, VCPU1, 1) == TS_OK &&
	      INVOKE(a.base, TS_DOMAIN_XEN_ADD_VCPU, VCPU2, 2) == TS_OK &&
	      INVOKE(THREAD0, TS_TCB_CONFIGURE, EP, TS_ROOT_CNODE, VSPACE, 0, 0) == TS_OK &&
	      INVOKE(THREAD1, TS_TCB_CONFIGURE, EP, TS_ROOT_CNODE, VSPACE, 0, 0) == TS_OK &&
	      INVOKE(THREAD0, TS_TCB_BIND_VCPU, a.base + 13) == TS_OK &&
	      INVOKE(THREAD1, TS_TCB_BIND_VCPU, VCPU1) == TS_OK,
	      "vcpu_op: domain 5 gets vCPUs 1 and 2; vCPUs 0 and 1 are bound to threads");
	v1 = cap_vcpu(&root[VCPU1].cap);
	v2 = cap_vcpu(&root[VCPU2].cap);
	t0 = cap_tcb(&root[THREAD0].cap);
	t1 = cap_tcb(&root[THREAD1].cap);
	a1.v = v1;
	sched_make_runnable(t0);
	t1->state = THREAD_BLOCKED_VCPU;

	struct { uint64_t ports; uint32_t nr, pad; uint64_t timeout; } sleep =
		{ ARG_GPA, 0, 0, xen_system_time() + 1000000 };
	memcpy(a.page[1], &sleep, sizeof(sleep));
	memset(a.page[0], 0, 8);	/* no upcall pending from the event-channel tests: it would end the poll */
	a.v->xen.upcall_inject = false;
	check(xen_guest_hypercall(&a, HC_sched_op, 3, ARG_GPA, 0) == 0 && t0->state == THREAD_BLOCKED_VCPU,
	      "sched_op: poll with no ports and a timeout blocks the vCPU");
	host.tsc = xen_ns_to_tsc(sleep.timeout);
	xen_vcpu_timer_fired(a.v);
	check(t0->state == THREAD_RUNNABLE && !a.v->xen.poll_timeout_ns,
	      "sched_op: ... and its timeout wakes it");

	check(vcpu_op_as(&a, VCPUOP_is_up, 0, NULL) == 1 && vcpu_op_as(&a, VCPUOP_is_up, 1, NULL) == 0 &&
	      a.v->xen.initialised && !v1->xen.initialised,
	      "vcpu_op: vCPU 0 starts up, vCPU 1 down and uninitialised");
	check(vcpu_op_as(&a, VCPUOP_up, 1, NULL) == -22 && !v1->xen.up,
	      "vcpu_op: up of an uninitialised vCPU: -EINVAL");
	ctx = xen_flat_context(false);
	check(vcpu_op_as(&a, VCPUOP_initialise, 3, &ctx) == -2 &&
	      vcpu_op_as(&a, VCPUOP_initialise, TS_XEN_MAX_VCPUS, &ctx) == -2 &&
	      vcpu_op_as(&a, VCPUOP_is_up, 3, NULL) == -2 && vcpu_op_as(&a, VCPUOP_down, 3, NULL) == -2,
	      "vcpu_op: a vCPU the domain does not have: -ENOENT");
	check(xen_guest_hypercall(&a, HC_vcpu_op, VCPUOP_initialise, 1, 0x100000) == -14 &&
	      (memcpy(a.page[7] + 4096 - 64, &ctx, 64),
	       xen_guest_hypercall(&a, HC_vcpu_op, VCPUOP_initialise, 1, 0x8000 - 64) == -14) &&
	      !v1->xen.initialised, "vcpu_op: initialise with a context not all in guest memory: -EFAULT");

	for (unsigned i = 0; i < ARRAY_SIZE(bad_contexts); i++) {
		ctx = xen_flat_context(bad_contexts[i].wide);
		memcpy(ctx.bytes + bad_contexts[i].offset, &bad_contexts[i].value, bad_contexts[i].size);
		check(vcpu_op_as(&a, VCPUOP_initialise, 1, &ctx) == -22, bad_contexts[i].what);
	}
	ctx = xen_flat_context(false);
	ctx.c32.ar[0] = 0x49a;
	ctx.c32.limit[0] = 0x3fff;
	check(vcpu_op_as(&a, VCPUOP_initialise, 1, &ctx) == -22,
	      "vcpu_op: EIP 0x4000 beyond CS's limit (byte granular, 0x3fff)");
	ctx = xen_flat_context(false);
	host.vcpu_state_refused = true;
	check(vcpu_op_as(&a, VCPUOP_initialise, 1, &ctx) == -22, "vcpu_op: a state the CPU refuses: -EINVAL");
	host.vcpu_state_refused = false;
	check(!v1->xen.initialised && arch_vcpu_get_reg(v1, TS_VREG_RIP) == 0 &&
	      arch_vcpu_get_reg(v1, TS_VREG_RAX) == 0, "vcpu_op: a refused context leaves the vCPU as it was");

	check(vcpu_op_as(&a, VCPUOP_initialise, 1, &ctx) == 0 && v1->xen.initialised && !v1->xen.up &&
	      t1->state == THREAD_BLOCKED_VCPU && vcpu_op_as(&a, VCPUOP_is_up, 1, NULL) == 0,
	      "vcpu_op: initialise a 32-bit context: vCPU 1 is initialised and still down");
	check(arch_vcpu_get_reg(v1, TS_VREG_RAX) == 0xc0ffee && arch_vcpu_get_reg(v1, TS_VREG_RSP) == 0x3000 &&
	      arch_vcpu_get_reg(v1, TS_VREG_RIP) == 0x4000 && arch_vcpu_get_reg(v1, TS_VREG_CR0) == 0x11 &&
	      arch_vcpu_get_reg(v1, TS_VREG_CS + 1) == 0xc9b && arch_vcpu_get_reg(v1, TS_VREG_CS + 2) == ~0u &&
	      arch_vcpu_get_reg(v1, TS_VREG_DS + 1) == 0xc93 && arch_vcpu_get_reg(v1, TS_VREG_TR + 1) == 0x8b,
	      "vcpu_op: its registers and segments as given; accessed bits set, TR busy");
	ctx.c32.ar[0] = 0;
	check(vcpu_op_as(&a, VCPUOP_initialise, 1, &ctx) == -17 && arch_vcpu_get_reg(v1, TS_VREG_CS + 1) == 0xc9b,
	      "vcpu_op: initialise again (even a bad context): -EEXIST, nothing changes");
	ctx = xen_flat_context(true);
	check(vcpu_op_as(&a, VCPUOP_initialise, 2, &ctx) == 0 && arch_vcpu_get_reg(v2, TS_VREG_RIP) == 0x4000 &&
	      arch_vcpu_get_reg(v2, TS_VREG_CR3) == 0x5000 && arch_vcpu_get_reg(v2, TS_VREG_CS + 1) == 0xa9b &&
	      arch_vcpu_get_reg(v2, TS_VREG_SS + 1) == 0xc93 && arch_vcpu_get_reg(v2, TS_VREG_TR + 2) == 0x67,
	      "vcpu_op: initialise a 64-bit context: flat 64-bit segments as Xen gives them");

	check(vcpu_op_as(&a, VCPUOP_up, 1, NULL) == 0 && v1->xen.up && t1->state == THREAD_RUNNABLE &&
	      vcpu_op_as(&a, VCPUOP_is_up, 1, NULL) == 1 && vcpu_op_as(&a, VCPUOP_up, 1, NULL) == 0,
	      "vcpu_op: up runs vCPU 1 (its thread wakes); up again changes nothing");
	check(vcpu_op_as(&a, VCPUOP_down, 1, NULL) == 0 && vcpu_op_as(&a, VCPUOP_is_up, 1, NULL) == 0 &&
	      vcpu_op_as(&a, VCPUOP_down, 1, NULL) == 0 && v1->xen.initialised && t0->state == THREAD_RUNNABLE,
	      "vcpu_op: down of another vCPU (twice): it is down, still initialised; the caller runs on");

	/* vCPU 1 blocks for an event while up, then goes down and up: it still waits for its event. */
	memset(a.page[0] + 64, 0, 16);	/* vCPU 1's vcpu_info: nothing pending */
	check(vcpu_op_as(&a, VCPUOP_up, 1, NULL) == 0 && xen_guest_hypercall(&a1, HC_sched_op, 1, 0, 0) == 0 &&
	      t1->state == THREAD_BLOCKED_VCPU && vcpu_op_as(&a, VCPUOP_down, 1, NULL) == 0 &&
	      vcpu_op_as(&a, VCPUOP_up, 1, NULL) == 0 && t1->state == THREAD_BLOCKED_VCPU && v1->xen.up,
	      "vcpu_op: a vCPU blocked in SCHEDOP_block, taken down and up again, still waits for its event");
	sched_make_runnable(t1);

	check(vcpu_op_as(&a, VCPUOP_down, 0, NULL) == 0 && !a.v->xen.up && t0->state == THREAD_BLOCKED_VCPU,
	      "vcpu_op: down of the caller's own vCPU: it stops at once (0 in RAX for when it runs again)");
	check(vcpu_op_as(&a1, VCPUOP_is_up, 0, NULL) == 0 && vcpu_op_as(&a1, VCPUOP_up, 0, NULL) == 0 &&
	      a.v->xen.up && t0->state == THREAD_RUNNABLE,
	      "vcpu_op: vCPU 1 sees vCPU 0 down and brings it up again");
	check(vcpu_op_as(&a, VCPUOP_down, 1, NULL) == 0 && vcpu_op_as(&a, VCPUOP_down, 0, NULL) == 0 &&
	      a.v->xen.up && t0->state == THREAD_BLOCKED_SEND && t0->fault_type == TS_FAULT_GUEST_SHUTDOWN &&
	      t0->fault_mr[0] == 0 && t0->fault_mr[1] == 0,
	      "vcpu_op: the last vCPU going down powers the domain off (shutdown fault, reason poweroff, "
	      "vCPU 0), as in Xen");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, THREAD0);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, THREAD1);
	check(!a.v->bound && invariants_check() == 0, "vcpu_op: invariants hold");
}

static void test_domain_death(void)
{
	struct { uint16_t dom, remote; uint32_t port; } unbound = { DOMID_SELF, 5, 0 };
	struct { uint16_t remote, pad; uint32_t remote_port, local_port; } bind;
	struct notification *in = cap_notification(&root[781].cap);
	uint32_t pb;

	struct map_op op = map_grant(0x204000, GNTMAP_host_map, 5, 5);

	evtchn(&b, 6, &unbound, sizeof(unbound));
	pb = arg32(&b, 4);
	bind = (typeof(bind)){ 6, 0, pb, 0 };
	evtchn(&a, 0, &bind, sizeof(bind));
	check(b.v->xen.domain && cap_domain(&root[a.base].cap)->xen.ports[arg32(&a, 8)].state != 0,
	      "death: domain 5 is connected to domain 6 and linked to notifications");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, a.base);
	check(domain_lookup(5) == NULL && !in->evtchn_domain && !a.v->xen.domain,
	      "death: domid, links and vCPUs are released");
	struct { uint16_t dom, pad; uint32_t port, status, vcpu; uint16_t rdom, pad2; uint32_t rport; } st =
		{ DOMID_SELF, 0, pb, 0, 0, 0, 0, 0 };
	check(evtchn(&b, 5, &st, sizeof(st)) == 0 && arg32(&b, 8) == 1, "death: the peer's port is unbound again");
	check(op.status == 0 && host_translate((void *)root[b.base + 1].cap.obj, 0x204000) ==
	      (paddr_t)a.page[4], "death: b still maps a page of the dead domain 5 (its frame lives)");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, b.base);
	check(host_translate((void *)root[b.base + 1].cap.obj, 0x204000) == 0,
	      "death: the mapper's death ends its grant mappings");
	check(invariants_check() == 0, "xen: invariants hold");
}

void test_xen(void)
{
	host.vcpu_supported = true;
	check(make_xen_guest(&a) && make_xen_guest(&b), "xen: two Xen domains with memory and a vCPU each");
	if (!a.v || !b.v)
		return;
	test_setup_errors();
	test_port_claims();
	test_basic_calls();
	test_event_channels();
	test_links();
	test_grant_copy();
	test_grant_map();
	test_grant_frame_pool();
	test_vcpu_op();
	test_domain_death();
}
