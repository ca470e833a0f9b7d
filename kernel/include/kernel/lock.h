/* The big kernel lock: one CPU at a time runs kernel code (as in seL4 SMP). */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

void kernel_lock(void);
void kernel_unlock(void);
/* Serve requests other CPUs made of this one (stall, TLB flush). */
void serve_remote_requests(void);

#endif
