/* hvm_op: HVM parameters (the toolstack sets most; guests read them) and the upcall vector. */
#include "internal.h"

enum { HVMOP_set_param = 0, HVMOP_get_param = 1, HVMOP_flush_tlbs = 5, HVMOP_get_time = 10,
       HVMOP_set_evtchn_upcall_vector = 23 };
#define HVM_PARAM_CALLBACK_IRQ		0
#define CALLBACK_TYPE_VECTOR		2ull
#define MIN_VECTOR			0x10

/* HVM_PARAM_CALLBACK_IRQ: only the vector type exists here (no emulated
   interrupt controller to route a GSI or PCI INTx through). */
int xen_set_callback(struct domain *d, uint64_t value)
{
	uint8_t vector = value & 0xff;

	if (value && ((value >> 56) != CALLBACK_TYPE_VECTOR || vector < MIN_VECTOR))
		return -XEN_EINVAL;
	d->xen.params[HVM_PARAM_CALLBACK_IRQ] = value;
	d->xen.callback_vector = value ? vector : 0;
	for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++) {
		struct vcpu *v = xen_domain_vcpu(d, i);
		if (v)
			v->xen.upcall_vector = d->xen.callback_vector;
	}
	return 0;
}

int64_t xen_hvm_op(struct xen_call *c)
{
	struct { uint16_t domid, pad; uint32_t index; uint64_t value; } p;
	struct { uint32_t vcpu; uint8_t vector, pad[3]; } u;
	struct vcpu *v;
	uint64_t now;

	switch (c->arg[0]) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		if (copy_from_guest(c, c->arg[1], &p, sizeof(p)))
			return xen_err(XEN_EFAULT);
		if (p.domid != DOMID_SELF && p.domid != c->d->domid)
			return xen_err(XEN_EPERM);
		if (p.index >= TS_XEN_NR_PARAMS)
			return xen_err(XEN_EINVAL);
		if (c->arg[0] == HVMOP_set_param) {
			/* Guests choose their callback; the rest is the toolstack's. */
			if (p.index != HVM_PARAM_CALLBACK_IRQ)
				return xen_err(XEN_EPERM);
			return xen_set_callback(c->d, p.value);
		}
		p.value = c->d->xen.params[p.index];
		return copy_to_guest(c, c->arg[1], &p, sizeof(p)) ? xen_err(XEN_EFAULT) : 0;
	case HVMOP_set_evtchn_upcall_vector:
		if (copy_from_guest(c, c->arg[1], &u, sizeof(u)))
			return xen_err(XEN_EFAULT);
		if (!(v = xen_domain_vcpu(c->d, u.vcpu)))
			return xen_err(XEN_ENOENT);
		if (u.vector < MIN_VECTOR)
			return xen_err(XEN_EINVAL);
		v->xen.upcall_vector = u.vector;
		return 0;
	case HVMOP_get_time:
		now = xen_system_time();
		return copy_to_guest(c, c->arg[1], &now, sizeof(now)) ? xen_err(XEN_EFAULT) : 0;
	case HVMOP_flush_tlbs:
		/* Every guest entry flushes the TLB: kick the vCPUs running elsewhere. */
		for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++)
			if ((v = xen_domain_vcpu(c->d, i)) && v != c->v)
				xen_vcpu_wake(v);
		return 0;
	default:
		return xen_err(XEN_ENOSYS);
	}
}
