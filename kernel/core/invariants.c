/*
 * Kernel self-check, run on demand by the tests (e.g. after the syscall
 * fuzzer): the CDT is a well-formed tree, objects lie inside the untyped
 * they came from, and every thread's state matches the queues it is on.
 */
#include <kernel/arch.h>
#include <kernel/invariants.h>
#include <kernel/printk.h>

struct slot cdt_root;

static unsigned long violations;

static void violation(const struct slot *s, const char *what)
{
	if (violations++ < 16)
		pr_err("invariant: slot %p (type %u): %s\n", (const void *)s, s->cap.type, what);
}

static bool thread_in_queue(const struct thread_queue *q, const struct tcb *t)
{
	for (const struct tcb *p = q->head; p; p = p->ipc_next)
		if (p == t)
			return true;
	return false;
}

static void check_thread(const struct slot *s, const struct tcb *t)
{
	switch (t->state) {
	case THREAD_RUNNABLE:
		if (t->running == t->on_ready_queue)
			violation(s, "runnable thread must be either running or queued");
		if (t->on_ready_queue && !sched_queue_contains(t->cpu, t))
			violation(s, "thread marked queued is not on its ready queue");
		break;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		if (!t->blocked_on || !thread_in_queue(&((struct endpoint *)t->blocked_on)->queue, t))
			violation(s, "blocked thread is not on its endpoint queue");
		break;
	case THREAD_BLOCKED_NOTIFICATION:
		if (!t->blocked_on || !thread_in_queue(&((struct notification *)t->blocked_on)->waiters, t))
			violation(s, "waiting thread is not on its notification queue");
		break;
	case THREAD_BLOCKED_REPLY:
		if (t->callee && t->callee->caller != t)
			violation(s, "caller/callee link is one-sided");
		break;
	case THREAD_INACTIVE:
		break;
	default:
		violation(s, "thread state out of range");
	}
	if (t->state != THREAD_RUNNABLE && t->on_ready_queue)
		violation(s, "blocked thread on a ready queue");
	if (t->cpu >= nr_cpus)
		violation(s, "thread affinity beyond the online CPUs");
	if (t->caller && t->caller->callee != t)
		violation(s, "callee/caller link is one-sided");
}

static void check_slot(const struct slot *s)
{
	const struct slot *p = s->parent;

	if (s->cap.type == TS_OBJ_NULL)
		violation(s, "empty slot in the derivation tree");
	if (s->next && s->next->prev != s)
		violation(s, "sibling links broken");
	if (s->prev && s->prev->next != s)
		violation(s, "sibling links broken");
	if (!s->prev && p && p->first_child != s)
		violation(s, "first child not recorded by parent");
	if (p && p->cap.type == TS_OBJ_UNTYPED && s->cap.obj) {
		word_t base = p->cap.obj, end = base + BIT(p->cap.size_bits);
		if (s->cap.obj < base || s->cap.obj >= end)
			violation(s, "object outside its untyped");
		else if (s->cap.obj + object_size(s->cap.type, s->cap.size_bits) > base + p->cap.data)
			violation(s, "object beyond its untyped's watermark");
	}
	if (s->cap.type == TS_OBJ_TCB)
		check_thread(s, cap_tcb(&s->cap));
	if (s->cap.type == TS_OBJ_ENDPOINT) {
		const struct endpoint *ep = cap_endpoint(&s->cap);
		if ((ep->state == EP_IDLE) != (ep->queue.head == NULL))
			violation(s, "endpoint state does not match its queue");
	}
}

unsigned long invariants_check(void)
{
	const struct slot *s = cdt_root.first_child;

	violations = 0;
	if (cdt_root.parent || cdt_root.next || cdt_root.prev)
		violation(&cdt_root, "root has links");
	while (s) {
		check_slot(s);
		if (s->first_child) {
			if (s->first_child->parent != s)
				violation(s, "child's parent link wrong");
			s = s->first_child;
			continue;
		}
		while (s && !s->next)
			s = s->parent == &cdt_root ? NULL : s->parent;
		if (s)
			s = s->next;
	}
	for (unsigned c = 0; c < nr_cpus; c++) {
		const struct tcb *t = cpus[c].current;
		if (t && (!t->running || t->cpu != c) && t->state == THREAD_RUNNABLE)
			violation(&cdt_root, "current thread not marked running on its CPU");
	}
	return violations;
}
