/* Per-CPU priority scheduler. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/objects.h>

#define NR_PRIORITIES	256
#define TIMESLICE_TICKS	2

/* Make a blocked or inactive thread runnable on its CPU. */
void sched_make_runnable(struct tcb *t);
/* Take a thread off the CPU / ready queue; its state is set by the caller. */
void sched_unready(struct tcb *t);
/* Stop t from running anywhere (waits for its CPU if it is current there). */
void sched_stop(struct tcb *t);
void sched_yield(struct tcb *t);
void sched_tick(void);
/* Pick this CPU's next thread; NULL if none is runnable. */
struct tcb *sched_choose(void);
/* Called when the priority of a ready thread changes. */
void sched_requeue(struct tcb *t);
/* Count of runnable threads queued on a CPU (for invariants). */
bool sched_queue_contains(unsigned cpu, const struct tcb *t);

#endif
