/* Thread control block: a thread's registers, its CSpace/VSpace and its scheduling. */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/ipc.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

static void unbind_notification(struct tcb *t)
{
	if (t->bound_notification)
		t->bound_notification->bound = NULL;
	t->bound_notification = NULL;
}

static struct domain *thread_domain(struct tcb *t)
{
	struct cap *c = &t->slots[TCB_DOMAIN].cap;

	return c->type == TS_OBJ_DOMAIN ? cap_domain(c) : NULL;
}

/* Stop the thread wherever it is: CPU, ready queue, IPC queue or reply. */
static void thread_suspend(struct tcb *t)
{
	sched_stop(t);
	ipc_cancel(t);
	t->state = THREAD_INACTIVE;
}

void tcb_finalise(struct tcb *t)
{
	struct domain *d = thread_domain(t);

	thread_suspend(t);
	timer_cancel(t);
	if (t->caller) {
		struct tcb *caller = t->caller;
		caller->callee = NULL;
		t->caller = NULL;
		if (caller->fault_pending) {
			caller->fault_pending = 0;
			caller->state = THREAD_INACTIVE;
		} else {
			ipc_set_error(caller, TS_ERR_INVALID_CAPABILITY);
			sched_make_runnable(caller);
		}
	}
	unbind_notification(t);
	if (thread_vcpu(t))
		thread_vcpu(t)->bound = NULL;
	if (d)
		d->nr_threads--;
	dying_push(&t->dying);
}

static struct slot *optional_cap(struct tcb *caller, word_t cptr, unsigned type, bool *bad)
{
	struct slot *s;

	if (!cptr)
		return NULL;
	s = cspace_lookup_type(caller, cptr, type);
	if (!s)
		*bad = true;
	return s;
}

static int configure(struct invocation *inv, struct tcb *t)
{
	struct tcb *caller = inv->thread;
	struct slot *cspace, *vspace, *ipc_frame;
	word_t ipc_vaddr;
	bool bad = false;

	if (!inv_has_args(inv, 5))
		return TS_ERR_TRUNCATED_MESSAGE;
	optional_cap(caller, inv_arg(inv, 0), TS_OBJ_ENDPOINT, &bad);
	cspace = cspace_lookup_type(caller, inv_arg(inv, 1), TS_OBJ_CNODE);
	vspace = cspace_lookup_type(caller, inv_arg(inv, 2), TS_OBJ_VSPACE);
	ipc_vaddr = inv_arg(inv, 3);
	ipc_frame = optional_cap(caller, inv_arg(inv, 4), TS_OBJ_FRAME_4K, &bad);
	if (bad || !cspace || !vspace)
		return TS_ERR_INVALID_CAPABILITY;
	if (ipc_frame && !IS_ALIGNED(ipc_vaddr, TS_PAGE_BITS))
		return TS_ERR_ALIGNMENT;
	if (ipc_frame && !arch_user_address_ok(ipc_vaddr, TS_PAGE_SIZE))
		return TS_ERR_RANGE;
	if (t->state != THREAD_INACTIVE || t->running)
		return TS_ERR_ILLEGAL_OPERATION;

	/*
	 * Deleting an old cap may finalise a CNode holding one of the new
	 * sources; sources are looked up again after each install.
	 */
	word_t cptrs[4] = { inv_arg(inv, 0), inv_arg(inv, 1), inv_arg(inv, 2), inv_arg(inv, 4) };
	unsigned types[4] = { TS_OBJ_ENDPOINT, TS_OBJ_CNODE, TS_OBJ_VSPACE, TS_OBJ_FRAME_4K };
	enum tcb_slot targets[4] = { TCB_FAULT_EP, TCB_CSPACE, TCB_VSPACE, TCB_IPC_BUFFER };
	for (int i = 0; i < 4; i++)
		cap_install_copy(&t->slots[targets[i]],
				 cptrs[i] ? cspace_lookup_type(caller, cptrs[i], types[i]) : NULL);
	t->ipc_buffer_vaddr = ipc_frame ? ipc_vaddr : 0;
	return TS_OK;
}

static bool canonical_user(word_t va)
{
	return arch_user_address_ok(va, 1);
}

static int write_registers(struct invocation *inv, struct tcb *t)
{
	word_t resume, count, v[TS_REG_COUNT];

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	resume = inv_arg(inv, 0);
	count = inv_arg(inv, 1);
	if (resume > 1 || count > TS_REG_COUNT)
		return TS_ERR_INVALID_ARGUMENT;
	if (!inv_has_args(inv, 2 + count))
		return TS_ERR_TRUNCATED_MESSAGE;
	for (word_t i = 0; i < count; i++)
		v[i] = inv_arg(inv, 2 + i);
	if ((count > TS_REG_RIP && !canonical_user(v[TS_REG_RIP])) ||
	    (count > TS_REG_RSP && v[TS_REG_RSP] && !canonical_user(v[TS_REG_RSP] - 1)) ||
	    (count > TS_REG_FS_BASE && v[TS_REG_FS_BASE] && !canonical_user(v[TS_REG_FS_BASE])))
		return TS_ERR_INVALID_ARGUMENT;
	if (resume && t->slots[TCB_VSPACE].cap.type != TS_OBJ_VSPACE)
		return TS_ERR_ILLEGAL_OPERATION;

	if (t != inv->thread)
		sched_stop(t);
	word_t *regs[TS_REG_COUNT] = {
		&t->ctx.rip, &t->ctx.rsp, &t->ctx.rflags, &t->ctx.rax, &t->ctx.rbx,
		&t->ctx.rcx, &t->ctx.rdx, &t->ctx.rsi, &t->ctx.rdi, &t->ctx.rbp,
		&t->ctx.r8, &t->ctx.r9, &t->ctx.r10, &t->ctx.r11, &t->ctx.r12,
		&t->ctx.r13, &t->ctx.r14, &t->ctx.r15, NULL,
	};
	for (word_t i = 0; i < count; i++) {
		if (i == TS_REG_FS_BASE)
			arch_thread_set_tls_base(t, v[i]);
		else if (i == TS_REG_RFLAGS)
			t->ctx.rflags = arch_user_rflags(v[i]);
		else
			*regs[i] = v[i];
	}
	if (resume && t->state == THREAD_INACTIVE)
		t->state = THREAD_RUNNABLE;
	if (t->state == THREAD_RUNNABLE && t != inv->thread)
		sched_make_runnable(t);
	return TS_OK;
}

static int read_registers(struct invocation *inv, struct tcb *t)
{
	const word_t v[TS_REG_COUNT] = {
		t->ctx.rip, t->ctx.rsp, t->ctx.rflags, t->ctx.rax, t->ctx.rbx,
		t->ctx.rcx, t->ctx.rdx, t->ctx.rsi, t->ctx.rdi, t->ctx.rbp,
		t->ctx.r8, t->ctx.r9, t->ctx.r10, t->ctx.r11, t->ctx.r12,
		t->ctx.r13, t->ctx.r14, t->ctx.r15, arch_thread_get_tls_base(t),
	};

	if (inv_result_capacity(inv) < TS_REG_COUNT)
		return TS_ERR_ILLEGAL_OPERATION;
	if (t->running && t != inv->thread) {
		/* Registers of a thread running elsewhere are only valid once stopped. */
		sched_stop(t);
		if (t->state == THREAD_RUNNABLE)
			sched_make_runnable(t);
	}
	for (unsigned i = 0; i < TS_REG_COUNT; i++)
		inv_set_result(inv, i, v[i]);
	return TS_OK;
}

static int set_priority(struct invocation *inv, struct tcb *t, bool mcp)
{
	word_t prio;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	prio = inv_arg(inv, 0);
	if (prio > TS_MAX_PRIORITY || prio > inv->thread->mcp)
		return TS_ERR_RANGE;
	if (mcp) {
		t->mcp = prio;
		return TS_OK;
	}
	if (t->on_ready_queue) {
		sched_unready(t);
		t->priority = prio;
		sched_make_runnable(t);
	} else {
		t->priority = prio;
		if (t->running)
			sched_requeue(t);
	}
	return TS_OK;
}

static int set_affinity(struct invocation *inv, struct tcb *t)
{
	word_t cpu;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	cpu = inv_arg(inv, 0);
	if (cpu >= nr_cpus)
		return TS_ERR_RANGE;
	if (cpu == t->cpu)
		return TS_OK;
	if (t == inv->thread) {
		/* Leaves this CPU when the system call returns (see kernel exit). */
		t->cpu = cpu;
		return TS_OK;
	}
	sched_stop(t);
	t->cpu = cpu;
	if (t->state == THREAD_RUNNABLE)
		sched_make_runnable(t);
	return TS_OK;
}

static int bind_notification(struct invocation *inv, struct tcb *t)
{
	struct slot *s;
	struct notification *n;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_NOTIFICATION);
	if (!s)
		return TS_ERR_INVALID_CAPABILITY;
	n = cap_notification(&s->cap);
	if (t->bound_notification || n->bound)
		return TS_ERR_ILLEGAL_OPERATION;
	t->bound_notification = n;
	n->bound = t;
	return TS_OK;
}

static int set_domain(struct invocation *inv, struct tcb *t)
{
	struct slot *s;
	struct domain *old = thread_domain(t);

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_DOMAIN);
	if (!s)
		return TS_ERR_INVALID_CAPABILITY;
	if (old == cap_domain(&s->cap))
		return TS_OK;
	if (old)
		old->nr_threads--;
	cap_domain(&s->cap)->nr_threads++;
	cap_install_copy(&t->slots[TCB_DOMAIN], s);
	return TS_OK;
}

static int set_timeout(struct invocation *inv, struct tcb *t)
{
	struct slot *n;
	int err;

	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	if ((err = lookup_signal_target(inv->thread, inv_arg(inv, 0), &n)))
		return err;
	timer_cancel(t);
	cap_install_copy(&t->slots[TCB_TIMER], n);
	if (n)
		timer_arm(t, inv_arg(inv, 1));
	return TS_OK;
}

static int bind_vcpu(struct invocation *inv, struct tcb *t)
{
	struct slot *s = NULL;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	if (inv_arg(inv, 0)) {
		s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_VCPU);
		if (!s)
			return TS_ERR_INVALID_CAPABILITY;
		if ((cap_vcpu(&s->cap)->bound && cap_vcpu(&s->cap)->bound != t) ||
		    slot_empty(&cap_vcpu(&s->cap)->space))
			return TS_ERR_ILLEGAL_OPERATION;
	}
	if (t->state != THREAD_INACTIVE || t->running)
		return TS_ERR_ILLEGAL_OPERATION;
	if (thread_vcpu(t))
		thread_vcpu(t)->bound = NULL;
	cap_install_copy(&t->slots[TCB_VCPU], s);
	if (s)
		cap_vcpu(&s->cap)->bound = t;
	return TS_OK;
}

int tcb_invoke(struct invocation *inv)
{
	struct tcb *t = cap_tcb(&inv->slot->cap);

	switch (inv->label) {
	case TS_TCB_CONFIGURE:
		return configure(inv, t);
	case TS_TCB_SET_PRIORITY:
		return set_priority(inv, t, false);
	case TS_TCB_SET_MCP:
		return set_priority(inv, t, true);
	case TS_TCB_SET_AFFINITY:
		return set_affinity(inv, t);
	case TS_TCB_READ_REGISTERS:
		return read_registers(inv, t);
	case TS_TCB_WRITE_REGISTERS:
		return write_registers(inv, t);
	case TS_TCB_RESUME:
		if (t->slots[TCB_VSPACE].cap.type != TS_OBJ_VSPACE)
			return TS_ERR_ILLEGAL_OPERATION;
		if (t->state == THREAD_INACTIVE)
			sched_make_runnable(t);
		return TS_OK;
	case TS_TCB_SUSPEND:
		thread_suspend(t);
		return TS_OK;
	case TS_TCB_BIND_NOTIFICATION:
		return bind_notification(inv, t);
	case TS_TCB_UNBIND_NOTIFICATION:
		if (!t->bound_notification)
			return TS_ERR_ILLEGAL_OPERATION;
		unbind_notification(t);
		return TS_OK;
	case TS_TCB_SET_DOMAIN:
		return set_domain(inv, t);
	case TS_TCB_SET_TLS_BASE:
		if (!inv_has_args(inv, 1))
			return TS_ERR_TRUNCATED_MESSAGE;
		if (inv_arg(inv, 0) && !canonical_user(inv_arg(inv, 0)))
			return TS_ERR_INVALID_ARGUMENT;
		arch_thread_set_tls_base(t, inv_arg(inv, 0));
		return TS_OK;
	case TS_TCB_SET_TIMEOUT:
		return set_timeout(inv, t);
	case TS_TCB_BIND_VCPU:
		return bind_vcpu(inv, t);
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
