/*
 * Timeouts: armed threads sit on one list sorted by deadline (all kernel
 * entries hold the big lock, so one list serves every CPU). Each tick pops
 * the expired ones and signals the notification held in the thread's
 * TCB_TIMER slot. Resolution is the scheduler tick.
 */
#include <kernel/ipc.h>
#include <kernel/timer.h>
#include <kernel/xen.h>

static struct tcb *armed;

void timer_cancel(struct tcb *t)
{
	if (!t->timer_armed)
		return;
	if (t->timer_prev)
		t->timer_prev->timer_next = t->timer_next;
	else
		armed = t->timer_next;
	if (t->timer_next)
		t->timer_next->timer_prev = t->timer_prev;
	t->timer_next = t->timer_prev = NULL;
	t->timer_armed = false;
}

void timer_arm(struct tcb *t, uint64_t deadline)
{
	struct tcb *prev = NULL, *p;

	timer_cancel(t);	/* first: t may be the head */
	p = armed;
	while (p && p->timer_deadline <= deadline) {
		prev = p;
		p = p->timer_next;
	}
	t->timer_deadline = deadline;
	t->timer_prev = prev;
	t->timer_next = p;
	if (p)
		p->timer_prev = t;
	if (prev)
		prev->timer_next = t;
	else
		armed = t;
	t->timer_armed = true;
}

void timer_expire(uint64_t now)
{
	while (armed && armed->timer_deadline <= now) {
		struct tcb *t = armed;
		struct cap *n = &t->slots[TCB_TIMER].cap;

		timer_cancel(t);
		/* A Xen vCPU's thread times its singleshot/periodic/poll deadlines. */
		if (thread_vcpu(t) && thread_vcpu(t)->xen.domain)
			xen_vcpu_timer_fired(thread_vcpu(t));
		else if (n->type == TS_OBJ_NOTIFICATION)
			notification_signal(cap_notification(n), n->data);
	}
}
