/* Message passing: endpoints, notifications, replies, faults. */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <kernel/objects.h>

void ipc_send(struct tcb *sender, struct slot *ep_slot, bool blocking, bool is_call);
void ipc_receive(struct tcb *receiver, struct slot *ep_slot, bool blocking);
void ipc_reply(struct tcb *replier);
void notification_signal(struct notification *n, word_t badge);
void notification_wait(struct tcb *t, struct notification *n, bool blocking);
/*
 * Deliver a fault of thread t to its fault handler (or suspend it): label
 * type, MRs mr[0..length) (length <= FAULT_MAX_MRS; the handler gets only
 * those that fit its registers if it has no IPC buffer).
 */
void ipc_send_fault(struct tcb *t, word_t type, const word_t *mr, unsigned length);
/* Remove t from whatever IPC queue or reply relation it is in. */
void ipc_cancel(struct tcb *t);
void thread_queue_remove(struct thread_queue *q, struct tcb *t);
/* The kernel's view of a thread's IPC buffer, or NULL if it has none. */
struct ts_ipc_buffer *thread_ipc_buffer(struct tcb *t);
/* Write a short reply (label = error, no MRs) into a thread's registers. */
void ipc_set_error(struct tcb *t, int error);

#endif
