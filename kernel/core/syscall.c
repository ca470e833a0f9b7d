/*
 * System-call dispatch: look up the capability, check its type and rights,
 * then hand over to IPC or to the object's invocation decoder.
 */
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

static int invoke_object(struct tcb *t, struct slot *s)
{
	struct invocation inv = {
		.thread = t,
		.slot = s,
		.label = ts_msginfo_label(t->ctx.rsi),
		.length = ts_msginfo_length(t->ctx.rsi),
		.buffer = NULL,
	};
	struct ts_ipc_buffer *buf = thread_ipc_buffer(t);
	int err;

	if (buf)
		inv.buffer = buf->msg;
	switch (s->cap.type) {
	case TS_OBJ_UNTYPED:		err = untyped_invoke(&inv); break;
	case TS_OBJ_CNODE:		err = cnode_invoke(&inv); break;
	case TS_OBJ_TCB:		err = tcb_invoke(&inv); break;
	case TS_OBJ_FRAME_4K:
	case TS_OBJ_FRAME_2M:		err = frame_invoke(&inv); break;
	case TS_OBJ_PDPT:
	case TS_OBJ_PAGE_DIRECTORY:
	case TS_OBJ_PAGE_TABLE:		err = paging_invoke(&inv); break;
	case TS_CAP_IRQ_CONTROL:
	case TS_CAP_IRQ_HANDLER:	err = irq_invoke(&inv); break;
	case TS_CAP_IOPORT_CONTROL:
	case TS_CAP_IOPORT:		err = ioport_invoke(&inv); break;
	case TS_OBJ_DOMAIN:		err = domain_invoke(&inv); break;
	case TS_OBJ_VCPU:		err = vcpu_invoke(&inv); break;
	case TS_CAP_CONSOLE:		err = console_invoke(&inv); break;
	case TS_CAP_DEBUG:		err = debug_invoke(&inv); break;
	default:			err = TS_ERR_ILLEGAL_OPERATION; break;
	}
	t->ctx.rsi = ts_msginfo_new(err, 0, inv.reply_length);
	t->ctx.rdi = 0;
	return err;
}

static void do_send(struct tcb *t, bool blocking, bool is_call)
{
	struct slot *s = cspace_lookup(t, t->ctx.rdi);

	if (!s || slot_empty(s)) {
		ipc_set_error(t, TS_ERR_INVALID_CAPABILITY);
		return;
	}
	switch (s->cap.type) {
	case TS_OBJ_ENDPOINT:
		if (!(s->cap.rights & TS_RIGHT_WRITE)) {
			ipc_set_error(t, TS_ERR_INSUFFICIENT_RIGHTS);
			return;
		}
		ipc_send(t, s, blocking, is_call);
		return;
	case TS_OBJ_NOTIFICATION:
		if (!(s->cap.rights & TS_RIGHT_WRITE)) {
			ipc_set_error(t, TS_ERR_INSUFFICIENT_RIGHTS);
			return;
		}
		notification_signal(cap_notification(&s->cap), s->cap.data);
		ipc_set_error(t, TS_OK);
		return;
	default:
		invoke_object(t, s);
		return;
	}
}

/* The receive half of RECV, NBRECV and REPLY_RECV; validated before acting. */
static struct slot *receive_slot(struct tcb *t)
{
	struct slot *s = cspace_lookup(t, t->ctx.rdi);

	if (!s || (s->cap.type != TS_OBJ_ENDPOINT && s->cap.type != TS_OBJ_NOTIFICATION)) {
		ipc_set_error(t, TS_ERR_INVALID_CAPABILITY);
		return NULL;
	}
	if (!(s->cap.rights & TS_RIGHT_READ)) {
		ipc_set_error(t, TS_ERR_INSUFFICIENT_RIGHTS);
		return NULL;
	}
	return s;
}

static void do_receive(struct tcb *t, struct slot *s, bool blocking)
{
	if (s->cap.type == TS_OBJ_ENDPOINT)
		ipc_receive(t, s, blocking);
	else
		notification_wait(t, cap_notification(&s->cap), blocking);
}

void handle_syscall(struct tcb *t)
{
	struct slot *s;

	switch (t->ctx.rax) {
	case TS_SYS_CALL:
		do_send(t, true, true);
		break;
	case TS_SYS_SEND:
		do_send(t, true, false);
		break;
	case TS_SYS_NBSEND:
		do_send(t, false, false);
		break;
	case TS_SYS_RECV:
	case TS_SYS_NBRECV:
		s = receive_slot(t);
		if (s)
			do_receive(t, s, t->ctx.rax == TS_SYS_RECV);
		break;
	case TS_SYS_REPLY:
		ipc_reply(t);
		break;
	case TS_SYS_REPLY_RECV:
		s = receive_slot(t);
		if (s) {
			ipc_reply(t);
			do_receive(t, s, true);
		}
		break;
	case TS_SYS_YIELD:
		sched_yield(t);
		break;
	default:
		ipc_set_error(t, TS_ERR_ILLEGAL_OPERATION);
		break;
	}
}
