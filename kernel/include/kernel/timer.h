/* Per-thread one-shot timeouts that signal a notification (sleep, Xen timers). */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/objects.h>

void timer_arm(struct tcb *t, uint64_t deadline);
void timer_cancel(struct tcb *t);
/* Signal every timeout whose deadline has passed (called on timer ticks). */
void timer_expire(uint64_t now);

#endif
