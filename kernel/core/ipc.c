/*
 * Message passing. A blocked sender keeps its message in its own registers
 * and IPC buffer until a receiver arrives; transfer copies MR0..3 between
 * saved register files and MR4.. between IPC buffers, through the kernel's
 * mapping of the buffer frames, never through user addresses.
 */
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/xen.h>

struct ts_ipc_buffer *thread_ipc_buffer(struct tcb *t)
{
	struct cap *c = &t->slots[TCB_IPC_BUFFER].cap;

	return c->type == TS_OBJ_FRAME_4K ? (struct ts_ipc_buffer *)c->obj : NULL;
}

void thread_queue_remove(struct thread_queue *q, struct tcb *t)
{
	if (t->ipc_prev)
		t->ipc_prev->ipc_next = t->ipc_next;
	else
		q->head = t->ipc_next;
	if (t->ipc_next)
		t->ipc_next->ipc_prev = t->ipc_prev;
	else
		q->tail = t->ipc_prev;
	t->ipc_next = t->ipc_prev = NULL;
	t->blocked_on = NULL;
}

static void thread_queue_append(struct thread_queue *q, struct tcb *t, void *object)
{
	t->ipc_next = NULL;
	t->ipc_prev = q->tail;
	if (q->tail)
		q->tail->ipc_next = t;
	else
		q->head = t;
	q->tail = t;
	t->blocked_on = object;
}

void ipc_set_error(struct tcb *t, int error)
{
	t->ctx.rsi = ts_msginfo_new(error, 0, 0);
	t->ctx.rdi = 0;
}

/* Copy transferable capabilities named in the sender's IPC buffer. */
static unsigned transfer_caps(struct tcb *from, struct tcb *to, unsigned n)
{
	struct ts_ipc_buffer *src = thread_ipc_buffer(from);
	struct ts_ipc_buffer *dst = thread_ipc_buffer(to);
	struct slot *cnode;
	unsigned done = 0;

	if (!src || !dst || !dst->receive_cnode)
		return 0;
	cnode = cspace_lookup_type(to, dst->receive_cnode, TS_OBJ_CNODE);
	if (!cnode)
		return 0;
	for (; done < n; done++) {
		struct slot *s = cspace_lookup(from, src->caps[done]);
		struct slot *d = cnode_slot(&cnode->cap, dst->receive_index + done);
		struct cap copy;

		if (!s || !d || !slot_empty(d) || dst->receive_index + done < done)
			break;
		if (!cap_derive(&s->cap, &copy))
			break;
		cdt_insert_child(s, d, &copy);
	}
	return done;
}

static void deliver(struct tcb *from, struct tcb *to, word_t badge, bool can_grant)
{
	word_t info = from->ctx.rsi;
	unsigned length = MIN(ts_msginfo_length(info), TS_MSG_MAX_LENGTH);
	unsigned caps = 0;

	if (from->fault_pending) {
		struct ts_ipc_buffer *dst = thread_ipc_buffer(to);

		length = dst ? from->fault_length : MIN(from->fault_length, TS_MSG_REG_COUNT);
		for (unsigned i = 0; i < length; i++) {
			if (i < TS_MSG_REG_COUNT)
				*ctx_mr(&to->ctx, i) = from->fault_mr[i];
			else
				dst->msg[i] = from->fault_mr[i];
		}
		to->ctx.rsi = ts_msginfo_new(from->fault_type, 0, length);
		to->ctx.rdi = badge;
		return;
	}
	for (unsigned i = 0; i < MIN(length, TS_MSG_REG_COUNT); i++)
		*ctx_mr(&to->ctx, i) = *ctx_mr(&from->ctx, i);
	if (length > TS_MSG_REG_COUNT) {
		struct ts_ipc_buffer *src = thread_ipc_buffer(from);
		struct ts_ipc_buffer *dst = thread_ipc_buffer(to);
		if (src && dst)
			memcpy(&dst->msg[TS_MSG_REG_COUNT], &src->msg[TS_MSG_REG_COUNT],
			       (length - TS_MSG_REG_COUNT) * sizeof(word_t));
		else
			length = TS_MSG_REG_COUNT;
	}
	if (can_grant && ts_msginfo_extra_caps(info))
		caps = transfer_caps(from, to, ts_msginfo_extra_caps(info));
	to->ctx.rsi = ts_msginfo_new(ts_msginfo_label(info), caps, length);
	to->ctx.rdi = badge;
}

/* A receiver that takes a call becomes the caller's replier. */
static void link_reply(struct tcb *caller, struct tcb *callee)
{
	if (callee->caller) {
		/* The previous caller was never answered: it gets an error. */
		struct tcb *old = callee->caller;
		old->callee = NULL;
		old->fault_pending = 0;
		ipc_set_error(old, TS_ERR_ILLEGAL_OPERATION);
		sched_make_runnable(old);
	}
	caller->state = THREAD_BLOCKED_REPLY;
	caller->callee = callee;
	callee->caller = caller;
}

void ipc_send(struct tcb *sender, struct slot *ep_slot, bool blocking, bool is_call)
{
	struct endpoint *ep = cap_endpoint(&ep_slot->cap);
	word_t badge = ep_slot->cap.data;
	bool can_grant = ep_slot->cap.rights & TS_RIGHT_GRANT;

	if (ep->state == EP_RECEIVERS) {
		struct tcb *receiver = ep->queue.head;
		thread_queue_remove(&ep->queue, receiver);
		if (!ep->queue.head)
			ep->state = EP_IDLE;
		deliver(sender, receiver, badge, can_grant);
		if (is_call)
			link_reply(sender, receiver);
		else
			sender->ctx.rsi = ts_msginfo_new(TS_OK, 0, 0);
		sched_make_runnable(receiver);
		return;
	}
	if (!blocking) {
		sender->ctx.rsi = ts_msginfo_new(TS_OK, 0, 0);
		return;
	}
	sender->state = THREAD_BLOCKED_SEND;
	sender->send_badge = badge;
	sender->send_is_call = is_call;
	sender->send_can_grant = can_grant;
	thread_queue_append(&ep->queue, sender, ep);
	ep->state = EP_SENDERS;
}

void ipc_receive(struct tcb *receiver, struct slot *ep_slot, bool blocking)
{
	struct endpoint *ep = cap_endpoint(&ep_slot->cap);
	struct notification *bound = receiver->bound_notification;

	if (bound && bound->word) {
		receiver->ctx.rsi = ts_msginfo_new(0, 0, 0);
		receiver->ctx.rdi = bound->word;
		bound->word = 0;
		return;
	}
	if (ep->state == EP_SENDERS) {
		struct tcb *sender = ep->queue.head;
		thread_queue_remove(&ep->queue, sender);
		if (!ep->queue.head)
			ep->state = EP_IDLE;
		deliver(sender, receiver, sender->send_badge, sender->send_can_grant);
		if (sender->send_is_call) {
			link_reply(sender, receiver);
		} else {
			sender->ctx.rsi = ts_msginfo_new(TS_OK, 0, 0);
			sched_make_runnable(sender);
		}
		return;
	}
	if (!blocking) {
		receiver->ctx.rsi = ts_msginfo_new(0, 0, 0);
		receiver->ctx.rdi = 0;
		return;
	}
	receiver->state = THREAD_BLOCKED_RECV;
	thread_queue_append(&ep->queue, receiver, ep);
	ep->state = EP_RECEIVERS;
}

void ipc_reply(struct tcb *replier)
{
	struct tcb *caller = replier->caller;

	if (!caller)
		return;
	replier->caller = NULL;
	caller->callee = NULL;
	if (caller->fault_pending) {
		/* Label 0 resumes the faulting thread with its (maybe repaired) registers. */
		caller->fault_pending = 0;
		if (ts_msginfo_label(replier->ctx.rsi) == 0)
			sched_make_runnable(caller);
		else
			caller->state = THREAD_INACTIVE;
		return;
	}
	deliver(replier, caller, 0, true);
	sched_make_runnable(caller);
}

void notification_signal(struct notification *n, word_t badge)
{
	struct tcb *t = n->waiters.head;

	if (n->evtchn_domain) {
		xen_evtchn_set_pending(n->evtchn_domain, n->evtchn_port);
		return;
	}

	if (t) {
		thread_queue_remove(&n->waiters, t);
		t->ctx.rsi = ts_msginfo_new(0, 0, 0);
		t->ctx.rdi = n->word | badge;
		n->word = 0;
		sched_make_runnable(t);
		return;
	}
	t = n->bound;
	if (t && t->state == THREAD_BLOCKED_RECV) {
		ipc_cancel(t);
		t->ctx.rsi = ts_msginfo_new(0, 0, 0);
		t->ctx.rdi = n->word | badge;
		n->word = 0;
		sched_make_runnable(t);
		return;
	}
	n->word |= badge;
}

void notification_wait(struct tcb *t, struct notification *n, bool blocking)
{
	t->ctx.rsi = ts_msginfo_new(0, 0, 0);
	if (n->word || !blocking) {
		t->ctx.rdi = n->word;
		n->word = 0;
		return;
	}
	t->state = THREAD_BLOCKED_NOTIFICATION;
	thread_queue_append(&n->waiters, t, n);
}

void ipc_send_fault(struct tcb *t, word_t type, const word_t *mr, unsigned length)
{
	struct slot *ep = &t->slots[TCB_FAULT_EP];

	if (ep->cap.type != TS_OBJ_ENDPOINT || !(ep->cap.rights & TS_RIGHT_WRITE)) {
		pr_warn("thread %p: unhandled fault %lu at rip %#lx (addr/vector %#lx, error %#lx): suspended\n",
			(void *)t, type, mr[0], mr[1], mr[2]);
		t->state = THREAD_INACTIVE;
		sched_unready(t);
		return;
	}
	t->fault_pending = 1;
	t->fault_type = type;
	t->fault_length = length;
	memcpy(t->fault_mr, mr, length * sizeof(word_t));
	ipc_send(t, ep, true, true);
}

void ipc_cancel(struct tcb *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV: {
		struct endpoint *ep = t->blocked_on;
		thread_queue_remove(&ep->queue, t);
		if (!ep->queue.head)
			ep->state = EP_IDLE;
		break;
	}
	case THREAD_BLOCKED_NOTIFICATION:
		thread_queue_remove(&((struct notification *)t->blocked_on)->waiters, t);
		break;
	case THREAD_BLOCKED_REPLY:
		if (t->callee)
			t->callee->caller = NULL;
		t->callee = NULL;
		break;
	default:
		break;
	}
	t->fault_pending = 0;
	t->state = THREAD_INACTIVE;
}

/* Threads blocked on a dying endpoint or notification wake with an error. */
static void cancel_queue(struct thread_queue *q)
{
	struct tcb *t;

	while ((t = q->head)) {
		bool faulted = t->fault_pending;
		thread_queue_remove(q, t);
		t->fault_pending = 0;
		if (faulted) {
			t->state = THREAD_INACTIVE;
			continue;
		}
		ipc_set_error(t, TS_ERR_INVALID_CAPABILITY);
		sched_make_runnable(t);
	}
}

void endpoint_cancel_all(struct endpoint *ep)
{
	cancel_queue(&ep->queue);
	ep->state = EP_IDLE;
}

void notification_cancel_all(struct notification *n)
{
	cancel_queue(&n->waiters);
	if (n->bound)
		n->bound->bound_notification = NULL;
	n->bound = NULL;
}
