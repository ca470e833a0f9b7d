/* Resolving capability pointers (CPtrs) through a thread's CSpace. */
#ifndef KERNEL_CSPACE_H
#define KERNEL_CSPACE_H

#include <kernel/objects.h>

/* The slot a CPtr names in thread t's CSpace, or NULL (TS_ERR_FAILED_LOOKUP). */
struct slot *cspace_lookup(struct tcb *t, word_t cptr);
/* Like cspace_lookup, but NULL also when the slot is empty or not of type. */
struct slot *cspace_lookup_type(struct tcb *t, word_t cptr, unsigned type);
/*
 * A notification the kernel will signal for t (IRQ delivery, timeouts):
 * cptr 0 gives *out = NULL; otherwise it must name a notification with WRITE.
 */
int lookup_signal_target(struct tcb *t, word_t cptr, struct slot **out);
/* Slot index of a CNode capability's object, or NULL if out of range / slot 0. */
struct slot *cnode_slot(const struct cap *cnode, word_t index);

/* Guard encoding in a CNode mint badge: guard value | guard_size << 58. */
#define CNODE_GUARD_SIZE_SHIFT	58
#define CNODE_GUARD_VALUE_MASK	MASK(58)

#endif
