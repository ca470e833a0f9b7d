/*
 * Event channels, the 2-level ABI: a port table per Domain object (kernel
 * memory), pending and mask bits in the guest's shared_info, the upcall
 * through vcpu_info. Interdomain channels connect any two Xen domains;
 * "links" (TS_DOMAIN_EVTCHN_LINK) connect a Xen guest's port to a native
 * domain's notifications, so the native stub domains and Xen guests use one
 * mechanism. Every operation checks everything before it changes anything.
 */
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/string.h>
#include "internal.h"

enum {
	EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close,
	EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi,
	EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
};
enum { EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_pirq,
       EVTCHNSTAT_virq, EVTCHNSTAT_ipi };

static bool test_and_set(uint64_t *words, unsigned bit)
{
	uint64_t m = 1ull << (bit % 64);
	return __atomic_fetch_or(&words[bit / 64], m, __ATOMIC_SEQ_CST) & m;
}

static bool test(uint64_t *words, unsigned bit)
{
	return __atomic_load_n(&words[bit / 64], __ATOMIC_SEQ_CST) & (1ull << (bit % 64));
}

static void clear(uint64_t *words, unsigned bit)
{
	__atomic_fetch_and(&words[bit / 64], ~(1ull << (bit % 64)), __ATOMIC_SEQ_CST);
}

static bool port_valid(struct domain *d, uint64_t port)
{
	return port < TS_XEN_NR_PORTS && d->xen.ports[port].state >= ECS_UNBOUND;
}

/* The 2-level upcall path: pending_sel, then evtchn_upcall_pending, then the vCPU. */
static void notify_vcpu(struct domain *d, unsigned port)
{
	struct vcpu *v = xen_domain_vcpu(d, d->xen.ports[port].vcpu);
	uint8_t *vi;

	if (!v || !(vi = xen_vcpu_info(v)))
		return;
	if (test_and_set((uint64_t *)(vi + VI_PENDING_SEL), port / 64))
		return;
	if (!__atomic_exchange_n(vi + VI_UPCALL_PENDING, 1, __ATOMIC_SEQ_CST))
		xen_vcpu_kick_upcall(v);
}

static void wake_pollers(struct domain *d, unsigned port)
{
	for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++) {
		struct vcpu *v = xen_domain_vcpu(d, i);
		if (!v)
			continue;
		for (unsigned k = 0; k < v->xen.nr_poll_ports; k++)
			if (v->xen.poll_ports[k] == port)
				xen_vcpu_wake(v);
	}
}

void xen_evtchn_set_pending(struct domain *d, unsigned port)
{
	uint8_t *sh = xen_shared_info(d);

	if (!sh || port >= TS_XEN_NR_PORTS)
		return;	/* no shared_info yet: nothing can be pending */
	if (test_and_set((uint64_t *)(sh + SHINFO_PENDING), port))
		return;
	if (!test((uint64_t *)(sh + SHINFO_MASK), port))
		notify_vcpu(d, port);
	wake_pollers(d, port);
}

bool xen_evtchn_is_pending(struct domain *d, unsigned port)
{
	uint8_t *sh = xen_shared_info(d);

	return sh && port < TS_XEN_NR_PORTS && test((uint64_t *)(sh + SHINFO_PENDING), port);
}

void xen_send_virq(struct vcpu *v, unsigned virq)
{
	uint16_t port = v->xen.virq_port[virq];

	if (port && v->xen.domain)
		xen_evtchn_set_pending(v->xen.domain, port);
}

static int alloc_port(struct domain *d)
{
	for (unsigned p = 1; p < TS_XEN_NR_PORTS; p++)
		if (d->xen.ports[p].state == ECS_FREE)
			return (int)p;
	return -1;
}

/* Link index of d goes: its notifications are released. */
static void unlink(struct domain *d, unsigned index)
{
	struct xen_link *l = &d->xen.links[index];

	if (l->in.cap.type == TS_OBJ_NOTIFICATION)
		cap_notification(&l->in.cap)->evtchn_domain = NULL;
	cap_delete(&l->out);
	cap_delete(&l->in);
	l->port = 0;
}

/* Port back to free; its peer (if any) becomes unbound again, as in Xen. */
static void close_port(struct domain *d, unsigned port)
{
	struct xen_port *p = &d->xen.ports[port];
	uint8_t *sh = xen_shared_info(d);

	switch (p->state) {
	case ECS_INTERDOMAIN: {
		struct domain *r = domain_lookup(p->remote_domid);
		if (r && r->xen.ports[p->remote_port].state == ECS_INTERDOMAIN) {
			r->xen.ports[p->remote_port].state = ECS_UNBOUND;
			r->xen.ports[p->remote_port].remote_domid = (uint16_t)d->domid;
		}
		break;
	}
	case ECS_VIRQ: {
		struct vcpu *v = xen_domain_vcpu(d, p->vcpu);
		if (v && p->remote_port < XEN_NR_VIRQS)
			v->xen.virq_port[p->remote_port] = 0;
		break;
	}
	case ECS_LINK:
		unlink(d, p->remote_port);
		break;
	default:
		break;
	}
	if (sh)
		clear((uint64_t *)(sh + SHINFO_PENDING), port);
	memset(p, 0, sizeof(*p));
}

void xen_evtchn_destroy(struct domain *d)
{
	for (unsigned p = 1; p < TS_XEN_NR_PORTS; p++)
		if (d->xen.ports[p].state >= ECS_UNBOUND)
			close_port(d, p);
}

int xen_evtchn_link(struct domain *d, struct slot *out, struct slot *in, word_t *port_out)
{
	struct notification *n = cap_notification(&in->cap);
	unsigned index = TS_XEN_MAX_LINKS;
	int port;

	if (n->evtchn_domain || n->bound || n->waiters.head)
		return TS_ERR_ILLEGAL_OPERATION;
	for (unsigned i = 0; i < TS_XEN_MAX_LINKS && index == TS_XEN_MAX_LINKS; i++)
		if (slot_empty(&d->xen.links[i].out))
			index = i;
	port = alloc_port(d);
	if (index == TS_XEN_MAX_LINKS || port < 0)
		return TS_ERR_NOT_ENOUGH_MEMORY;
	cap_install_copy(&d->xen.links[index].out, out);
	cap_install_copy(&d->xen.links[index].in, in);
	d->xen.links[index].port = (uint16_t)port;
	d->xen.ports[port] = (struct xen_port){ .state = ECS_LINK, .remote_port = (uint16_t)index };
	n->evtchn_domain = d;
	n->evtchn_port = (uint32_t)port;
	/* Signals that arrived before the link are not lost. */
	if (n->word) {
		n->word = 0;
		xen_evtchn_set_pending(d, (unsigned)port);
	}
	*port_out = (word_t)port;
	return TS_OK;
}

static uint16_t resolve_domid(struct domain *d, uint16_t domid)
{
	return domid == DOMID_SELF ? (uint16_t)d->domid : domid;
}

static int64_t alloc_unbound(struct xen_call *c, uint64_t gla)
{
	struct { uint16_t dom, remote_dom; uint32_t port; } a;
	int port;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (resolve_domid(c->d, a.dom) != c->d->domid)
		return xen_err(XEN_EPERM);
	if ((port = alloc_port(c->d)) < 0)
		return xen_err(XEN_ENOSPC);
	a.port = (uint32_t)port;
	if (copy_to_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	c->d->xen.ports[port] = (struct xen_port){ .state = ECS_UNBOUND,
		.remote_domid = resolve_domid(c->d, a.remote_dom) };
	return 0;
}

static int64_t bind_interdomain(struct xen_call *c, uint64_t gla)
{
	struct { uint16_t remote_dom, pad; uint32_t remote_port, local_port; } a;
	struct domain *r;
	int port;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	r = domain_lookup(resolve_domid(c->d, a.remote_dom));
	if (!r || !r->xen.enabled)
		return xen_err(XEN_ESRCH);
	if (!port_valid(r, a.remote_port) || r->xen.ports[a.remote_port].state != ECS_UNBOUND ||
	    r->xen.ports[a.remote_port].remote_domid != c->d->domid)
		return xen_err(XEN_EINVAL);
	if ((port = alloc_port(c->d)) < 0)
		return xen_err(XEN_ENOSPC);
	if (r == c->d && (uint32_t)port == a.remote_port)
		return xen_err(XEN_EINVAL);
	a.local_port = (uint32_t)port;
	if (copy_to_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	c->d->xen.ports[port] = (struct xen_port){ .state = ECS_INTERDOMAIN,
		.remote_domid = (uint16_t)r->domid, .remote_port = (uint16_t)a.remote_port };
	r->xen.ports[a.remote_port].state = ECS_INTERDOMAIN;
	r->xen.ports[a.remote_port].remote_port = (uint16_t)port;
	/* As Xen does: the new local port starts pending, so no early event is lost. */
	xen_evtchn_set_pending(c->d, (unsigned)port);
	return 0;
}

static bool virq_is_per_vcpu(uint32_t virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF || virq == VIRQ_XENPMU;
}

static int64_t bind_virq(struct xen_call *c, uint64_t gla)
{
	struct { uint32_t virq, vcpu, port; } a;
	struct vcpu *v;
	int port;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.virq >= XEN_NR_VIRQS || (!virq_is_per_vcpu(a.virq) && a.vcpu != 0))
		return xen_err(XEN_EINVAL);
	if (!(v = xen_domain_vcpu(c->d, a.vcpu)))
		return xen_err(XEN_ENOENT);
	if (v->xen.virq_port[a.virq])
		return xen_err(XEN_EEXIST);
	if ((port = alloc_port(c->d)) < 0)
		return xen_err(XEN_ENOSPC);
	a.port = (uint32_t)port;
	if (copy_to_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	c->d->xen.ports[port] = (struct xen_port){ .state = ECS_VIRQ, .vcpu = (uint8_t)a.vcpu,
		.remote_port = (uint16_t)a.virq };
	v->xen.virq_port[a.virq] = (uint16_t)port;
	return 0;
}

static int64_t bind_ipi(struct xen_call *c, uint64_t gla)
{
	struct { uint32_t vcpu, port; } a;
	int port;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (!xen_domain_vcpu(c->d, a.vcpu))
		return xen_err(XEN_ENOENT);
	if ((port = alloc_port(c->d)) < 0)
		return xen_err(XEN_ENOSPC);
	a.port = (uint32_t)port;
	if (copy_to_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	c->d->xen.ports[port] = (struct xen_port){ .state = ECS_IPI, .vcpu = (uint8_t)a.vcpu };
	return 0;
}

static int64_t send(struct xen_call *c, uint32_t port)
{
	struct xen_port *p;

	if (!port_valid(c->d, port))
		return xen_err(XEN_EINVAL);
	p = &c->d->xen.ports[port];
	switch (p->state) {
	case ECS_INTERDOMAIN: {
		struct domain *r = domain_lookup(p->remote_domid);
		if (r)
			xen_evtchn_set_pending(r, p->remote_port);
		return 0;
	}
	case ECS_IPI:
		xen_evtchn_set_pending(c->d, port);
		return 0;
	case ECS_LINK: {
		struct slot *out = &c->d->xen.links[p->remote_port].out;
		if (out->cap.type == TS_OBJ_NOTIFICATION)
			notification_signal(cap_notification(&out->cap), out->cap.data);
		return 0;
	}
	case ECS_UNBOUND:
		return 0;	/* nobody listens yet: dropped, as in Xen */
	default:
		return xen_err(XEN_EINVAL);
	}
}

static int64_t status(struct xen_call *c, uint64_t gla)
{
	struct { uint16_t dom, pad; uint32_t port, status, vcpu; uint16_t u_dom, pad2; uint32_t u_port; } a;
	struct xen_port *p;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (resolve_domid(c->d, a.dom) != c->d->domid)
		return xen_err(XEN_EPERM);
	if (a.port >= TS_XEN_NR_PORTS)
		return xen_err(XEN_EINVAL);
	p = &c->d->xen.ports[a.port];
	a.vcpu = p->vcpu;
	a.u_dom = p->remote_domid;
	a.u_port = p->remote_port;
	a.pad2 = 0;
	switch (p->state) {
	case ECS_UNBOUND:	a.status = EVTCHNSTAT_unbound; a.u_port = 0; break;
	case ECS_INTERDOMAIN:	a.status = EVTCHNSTAT_interdomain; break;
	case ECS_LINK:		a.status = EVTCHNSTAT_interdomain; a.u_dom = 0; a.u_port = 0; break;
	case ECS_VIRQ:		a.status = EVTCHNSTAT_virq; a.u_port = 0; break;
	case ECS_IPI:		a.status = EVTCHNSTAT_ipi; a.u_dom = 0; a.u_port = 0; break;
	default:		a.status = EVTCHNSTAT_closed; a.vcpu = 0; a.u_dom = 0; a.u_port = 0; break;
	}
	return copy_to_guest(c, gla, &a, sizeof(a)) ? xen_err(XEN_EFAULT) : 0;
}

static int64_t bind_vcpu(struct xen_call *c, uint64_t gla)
{
	struct { uint32_t port, vcpu; } a;
	struct xen_port *p;

	if (copy_from_guest(c, gla, &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (!port_valid(c->d, a.port))
		return xen_err(XEN_EINVAL);
	if (!xen_domain_vcpu(c->d, a.vcpu))
		return xen_err(XEN_ENOENT);
	p = &c->d->xen.ports[a.port];
	if (p->state == ECS_IPI || (p->state == ECS_VIRQ && virq_is_per_vcpu(p->remote_port)))
		return xen_err(XEN_EINVAL);
	if (p->state == ECS_VIRQ) {
		struct vcpu *old = xen_domain_vcpu(c->d, p->vcpu), *nv = xen_domain_vcpu(c->d, a.vcpu);
		old->xen.virq_port[p->remote_port] = 0;
		nv->xen.virq_port[p->remote_port] = (uint16_t)a.port;
	}
	p->vcpu = (uint8_t)a.vcpu;
	return 0;
}

static int64_t unmask(struct xen_call *c, uint32_t port)
{
	uint8_t *sh = xen_shared_info(c->d);

	if (!port_valid(c->d, port))
		return xen_err(XEN_EINVAL);
	if (!sh)
		return 0;
	clear((uint64_t *)(sh + SHINFO_MASK), port);
	if (test((uint64_t *)(sh + SHINFO_PENDING), port))
		notify_vcpu(c->d, port);
	return 0;
}

static int64_t read_port(struct xen_call *c, uint64_t gla, uint32_t *port)
{
	return copy_from_guest(c, gla, port, sizeof(*port)) ? xen_err(XEN_EFAULT) : 0;
}

int64_t xen_event_channel_op(struct xen_call *c)
{
	uint64_t gla = c->arg[1];
	uint32_t port;
	int64_t rc;

	switch (c->arg[0]) {
	case EVTCHNOP_alloc_unbound:	return alloc_unbound(c, gla);
	case EVTCHNOP_bind_interdomain:	return bind_interdomain(c, gla);
	case EVTCHNOP_bind_virq:	return bind_virq(c, gla);
	case EVTCHNOP_bind_ipi:		return bind_ipi(c, gla);
	case EVTCHNOP_status:		return status(c, gla);
	case EVTCHNOP_bind_vcpu:	return bind_vcpu(c, gla);
	case EVTCHNOP_send:
		return (rc = read_port(c, gla, &port)) ? rc : send(c, port);
	case EVTCHNOP_unmask:
		return (rc = read_port(c, gla, &port)) ? rc : unmask(c, port);
	case EVTCHNOP_close:
		if ((rc = read_port(c, gla, &port)))
			return rc;
		if (!port_valid(c->d, port))
			return xen_err(XEN_EINVAL);
		close_port(c->d, port);
		return 0;
	default:
		/* bind_pirq (no physical IRQs), reset, FIFO ABI (init_control, ...) */
		return xen_err(XEN_ENOSYS);
	}
}
