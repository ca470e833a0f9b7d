/*
 * Priority scheduler: one ready queue per priority per CPU, a bitmap to
 * find the highest, round-robin with a time slice inside a priority. A
 * thread runs only on its affinity CPU; waking one on another CPU sends
 * that CPU a reschedule interrupt. The current thread is not on a queue.
 */
#include <kernel/arch.h>
#include <kernel/sched.h>

static void ready_push(struct cpu *c, struct tcb *t)
{
	struct thread_queue *q = &c->ready[t->priority];

	t->sched_next = NULL;
	t->sched_prev = q->tail;
	if (q->tail)
		q->tail->sched_next = t;
	else
		q->head = t;
	q->tail = t;
	c->ready_bitmap[t->priority / 64] |= BIT(t->priority % 64);
	t->on_ready_queue = 1;
}

static void ready_remove(struct cpu *c, struct tcb *t)
{
	struct thread_queue *q = &c->ready[t->priority];

	if (t->sched_prev)
		t->sched_prev->sched_next = t->sched_next;
	else
		q->head = t->sched_next;
	if (t->sched_next)
		t->sched_next->sched_prev = t->sched_prev;
	else
		q->tail = t->sched_prev;
	if (!q->head)
		c->ready_bitmap[t->priority / 64] &= ~BIT(t->priority % 64);
	t->sched_next = t->sched_prev = NULL;
	t->on_ready_queue = 0;
}

static struct tcb *ready_highest(struct cpu *c)
{
	for (int w = NR_PRIORITIES / 64 - 1; w >= 0; w--)
		if (c->ready_bitmap[w])
			return c->ready[w * 64 + 63 - __builtin_clzll(c->ready_bitmap[w])].head;
	return NULL;
}

void sched_make_runnable(struct tcb *t)
{
	struct cpu *c = &cpus[t->cpu];

	t->state = THREAD_RUNNABLE;
	if (t->running || t->on_ready_queue)
		return;
	ready_push(c, t);
	if (c->current && c->current->state == THREAD_RUNNABLE &&
	    c->current->priority >= t->priority)
		return;
	if (c == this_cpu())
		c->need_resched = true;
	else
		arch_send_reschedule(c->id);
}

void sched_unready(struct tcb *t)
{
	if (t->on_ready_queue)
		ready_remove(&cpus[t->cpu], t);
}

void sched_stop(struct tcb *t)
{
	sched_unready(t);
	if (t->running && t->cpu != this_cpu()->id)
		arch_remote_request(t->cpu, REQUEST_STALL);
}

void sched_requeue(struct tcb *t)
{
	if (t->on_ready_queue) {
		ready_remove(&cpus[t->cpu], t);
		t->on_ready_queue = 0;
		sched_make_runnable(t);
	} else if (t->running) {
		/* A lowered priority may let a queued thread in. */
		if (t->cpu == this_cpu()->id)
			this_cpu()->need_resched = true;
		else
			arch_send_reschedule(t->cpu);
	}
}

void sched_yield(struct tcb *t)
{
	(void)t;
	this_cpu()->need_resched = true;
}

void sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct tcb *cur = c->current;

	c->ticks++;
	if (cur && --cur->timeslice == 0)
		c->need_resched = true;
}

struct tcb *sched_choose(void)
{
	struct cpu *c = this_cpu();
	struct tcb *cur = c->current;
	struct tcb *best = ready_highest(c);
	bool rotate = c->need_resched;

	c->need_resched = false;
	if (cur && cur->state == THREAD_RUNNABLE && cur->cpu == c->id) {
		if (!best || best->priority < cur->priority ||
		    (best->priority == cur->priority && !rotate))
			return cur;
		if (cur->timeslice == 0)
			cur->timeslice = TIMESLICE_TICKS;
		ready_push(c, cur);
	}
	best = ready_highest(c);
	if (best) {
		ready_remove(c, best);
		if (best->timeslice == 0)
			best->timeslice = TIMESLICE_TICKS;
	}
	return best;
}

bool sched_queue_contains(unsigned cpu, const struct tcb *t)
{
	for (const struct tcb *q = cpus[cpu].ready[t->priority].head; q; q = q->sched_next)
		if (q == t)
			return true;
	return false;
}
