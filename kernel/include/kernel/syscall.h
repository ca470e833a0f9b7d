#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/objects.h>

/* Perform the system call whose arguments are in t's saved registers. */
void handle_syscall(struct tcb *t);

#endif
