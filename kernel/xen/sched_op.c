/* sched_op and set_timer_op: yielding, blocking, polling, shutdown, timers. */
#include <kernel/arch.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include "internal.h"

enum { SCHEDOP_yield, SCHEDOP_block, SCHEDOP_shutdown, SCHEDOP_poll, SCHEDOP_remote_shutdown,
       SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_pin_override };
#define SHUTDOWN_MAX	4	/* poweroff, reboot, suspend, crash, watchdog */

/* SCHEDOP_poll: wait until one of the ports is pending or the timeout passes. */
static int64_t poll(struct xen_call *c, bool *running)
{
	struct vcpu *v = c->v;
	bool wide = arch_vcpu_bits(v) == 64;
	uint64_t ports_gla, timeout;
	uint32_t nr, ports[8];

	if (wide) {
		struct { uint64_t ports; uint32_t nr, pad; uint64_t timeout; } a;
		if (copy_from_guest(c, c->arg[1], &a, sizeof(a)))
			return xen_err(XEN_EFAULT);
		ports_gla = a.ports, nr = a.nr, timeout = a.timeout;
	} else {
		struct { uint32_t ports, nr; uint64_t timeout; } __attribute__((packed)) a;
		if (copy_from_guest(c, c->arg[1], &a, sizeof(a)))
			return xen_err(XEN_EFAULT);
		ports_gla = a.ports, nr = a.nr, timeout = a.timeout;
	}
	if (nr > 8)
		return xen_err(XEN_EINVAL);
	if (copy_from_guest(c, ports_gla, ports, nr * sizeof(uint32_t)))
		return xen_err(XEN_EFAULT);
	for (unsigned i = 0; i < nr; i++) {
		if (ports[i] >= TS_XEN_NR_PORTS)
			return xen_err(XEN_EINVAL);
		if (xen_evtchn_is_pending(c->d, ports[i]))
			return 0;
	}
	if (timeout && timeout <= xen_system_time())
		return 0;
	/* As in Xen, events waiting for delivery end a poll at once, and any
	   upcall (not only the ports named) wakes the polling vCPU. */
	if (xen_upcall_pending(v))
		return 0;
	for (unsigned i = 0; i < nr; i++)
		v->xen.poll_ports[i] = (uint16_t)ports[i];
	v->xen.nr_poll_ports = (uint8_t)nr;
	v->xen.poll_timeout_ns = timeout;
	xen_vcpu_rearm_timer(v);
	v->bound->state = THREAD_BLOCKED_VCPU;
	sched_unready(v->bound);
	*running = false;
	return 0;
}

/* The toolstack decides (on_poweroff, ...); replying resumes this vCPU. */
void xen_shutdown(struct xen_call *c, uint32_t reason, bool *running)
{
	arch_vcpu_set_reg(c->v, TS_VREG_RAX, 0);
	ipc_send_fault(c->v->bound, TS_FAULT_GUEST_SHUTDOWN,
		       (const word_t[]){ reason, c->v->xen.id, 0, 0 }, 4);
	*running = false;
}

int64_t xen_sched_op(struct xen_call *c, bool *running)
{
	uint32_t reason;

	switch (c->arg[0]) {
	case SCHEDOP_yield:
		sched_yield(c->v->bound);
		return 0;
	case SCHEDOP_block:
		xen_vcpu_block(c->v);
		*running = c->v->bound->state == THREAD_RUNNABLE;
		return 0;
	case SCHEDOP_poll:
		return poll(c, running);
	case SCHEDOP_shutdown:
		if (copy_from_guest(c, c->arg[1], &reason, sizeof(reason)))
			return xen_err(XEN_EFAULT);
		if (reason > SHUTDOWN_MAX)
			return xen_err(XEN_EINVAL);
		xen_shutdown(c, reason, running);
		return 0;
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(c, c->arg[1], &reason, sizeof(reason)))
			return xen_err(XEN_EFAULT);
		return reason > SHUTDOWN_MAX ? xen_err(XEN_EINVAL) : 0;
	case SCHEDOP_remote_shutdown:
	case SCHEDOP_pin_override:
		return xen_err(XEN_EPERM);
	default:
		return xen_err(XEN_ENOSYS);	/* watchdog */
	}
}

int64_t xen_set_timer_op(struct xen_call *c)
{
	c->v->xen.timer_ns = c->arg[0];
	if (c->arg[0] && c->arg[0] <= xen_system_time()) {
		c->v->xen.timer_ns = 0;
		xen_send_virq(c->v, VIRQ_TIMER);
	}
	xen_vcpu_rearm_timer(c->v);
	return 0;
}
