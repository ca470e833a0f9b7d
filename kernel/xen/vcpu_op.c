/* vcpu_op: per-vCPU registration (vcpu_info, runstate) and timers. */
#include <kernel/arch.h>
#include <kernel/string.h>
#include "internal.h"

enum {
	VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
	VCPUOP_register_runstate_memory_area, VCPUOP_set_periodic_timer,
	VCPUOP_stop_periodic_timer, VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer,
	VCPUOP_register_vcpu_info,
};
#define VCPU_SSHOTTMR_future	1u
#define XEN_ETIME		62
#define RUNSTATE_running	0
#define MIN_PERIOD_NS		1000000	/* Xen's bounds for periodic timers: 1 ms ... */
#define MAX_PERIOD_NS		((1ull << 62) - 1)	/* ... STIME_DELTA_MAX */

/* vcpu_runstate_info: state, entry time, time in each state. We account
   only the running state: a vCPU here is either running or waiting for
   an event it asked for, so there is no steal time to report. */
struct runstate {
	int32_t state;
	uint32_t pad;
	uint64_t entry_time;
	uint64_t time[4];
};

static void fill_runstate(struct runstate *r)
{
	memset(r, 0, sizeof(*r));
	r->state = RUNSTATE_running;
	r->time[RUNSTATE_running] = xen_system_time();
}

static int64_t register_vcpu_info(struct xen_call *c, struct vcpu *v)
{
	struct { uint64_t gfn; uint32_t offset, rsvd; } a;
	uint8_t *old, *new;
	uint64_t gpa;

	if (copy_from_guest(c, c->arg[2], &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.rsvd || a.offset > 4096 - VCPU_INFO_SIZE || a.offset % 8)
		return xen_err(XEN_EINVAL);
	if (v->xen.vcpu_info_gpa)
		return xen_err(XEN_EINVAL);	/* once only, as in Xen */
	gpa = (a.gfn << 12) + a.offset;
	if (a.gfn >> 52 || !(new = arch_guest_phys(xen_space_root(c->d), gpa, true)))
		return xen_err(XEN_EINVAL);
	old = xen_vcpu_info(v);
	if (old)
		memcpy(new, old, VCPU_INFO_SIZE);
	else
		memset(new, 0, VCPU_INFO_SIZE);
	v->xen.vcpu_info_gpa = gpa;
	xen_update_time(v);
	/* Whatever was pending stays pending at the new place. */
	if (new[VI_UPCALL_PENDING])
		xen_vcpu_kick_upcall(v);
	return 0;
}

int64_t xen_vcpu_op(struct xen_call *c)
{
	struct vcpu *v = xen_domain_vcpu(c->d, (unsigned)c->arg[1]);
	struct runstate r;
	struct { uint64_t ns; uint32_t flags, pad; } shot;
	uint64_t period;

	if (c->arg[1] >= TS_XEN_MAX_VCPUS || !v)
		return xen_err(XEN_ENOENT);
	switch (c->arg[0]) {
	case VCPUOP_is_up:
		return v->xen.up;
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(c, v);
	case VCPUOP_register_runstate_memory_area: {
		uint64_t gla;
		if (copy_from_guest(c, c->arg[2], &gla, sizeof(gla)))
			return xen_err(XEN_EFAULT);
		if (arch_vcpu_bits(c->v) != 64)
			gla &= 0xffffffffu;
		fill_runstate(&r);
		if (gla && arch_guest_write(c->v, gla, &r, sizeof(r)))
			return xen_err(XEN_EFAULT);
		v->xen.runstate_gla = gla;
		return 0;
	}
	case VCPUOP_get_runstate_info:
		fill_runstate(&r);
		if (!v->xen.up)
			r.state = 3;	/* RUNSTATE_offline */
		return copy_to_guest(c, c->arg[2], &r, sizeof(r)) ? xen_err(XEN_EFAULT) : 0;
	case VCPUOP_set_singleshot_timer:
		if (v != c->v)
			return xen_err(XEN_EINVAL);
		if (copy_from_guest(c, c->arg[2], &shot, 12))
			return xen_err(XEN_EFAULT);
		if ((shot.flags & VCPU_SSHOTTMR_future) && shot.ns < xen_system_time())
			return xen_err(XEN_ETIME);
		v->xen.timer_ns = shot.ns ? shot.ns : 1;
		if (v->xen.timer_ns <= xen_system_time()) {
			v->xen.timer_ns = 0;
			xen_send_virq(v, VIRQ_TIMER);
		}
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_stop_singleshot_timer:
		if (v != c->v)
			return xen_err(XEN_EINVAL);
		v->xen.timer_ns = 0;
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_set_periodic_timer:
		if (copy_from_guest(c, c->arg[2], &period, sizeof(period)))
			return xen_err(XEN_EFAULT);
		/* Longer periods could wrap period_next_ns in xen_vcpu_timer_fired's catch-up. */
		if (period < MIN_PERIOD_NS || period > MAX_PERIOD_NS)
			return xen_err(XEN_EINVAL);
		v->xen.period_ns = period;
		v->xen.period_next_ns = xen_system_time() + period;
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_stop_periodic_timer:
		v->xen.period_ns = 0;
		xen_vcpu_rearm_timer(v);
		return 0;
	default:
		/* initialise/up/down: secondary vCPUs start through the emulated
		   local APIC (INIT/SIPI), as PVH Linux does it; send_nmi,
		   get_physid, the vcpu_time and physical-address areas. */
		return xen_err(XEN_ENOSYS);
	}
}
