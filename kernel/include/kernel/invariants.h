#ifndef KERNEL_INVARIANTS_H
#define KERNEL_INVARIANTS_H

#include <kernel/cap.h>

/* Parent of every capability that has no other parent (boot caps, orphans). */
extern struct slot cdt_root;

/* Walks the whole CDT and the scheduler; returns the number of violations (logged). */
unsigned long invariants_check(void);

#endif
