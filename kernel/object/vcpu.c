/*
 * Virtual CPU: guest register state run by one bound thread in a guest
 * space. Its exits that the kernel does not handle arrive at the thread's
 * fault endpoint (TS_FAULT_VMEXIT); the handler reads and writes guest
 * registers here and replies to resume it.
 */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>

void vcpu_finalise(struct vcpu *v)
{
	cap_delete(&v->space);
}

static int set_space(struct invocation *inv, struct vcpu *v)
{
	struct slot *s;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_GUEST_SPACE);
	if (!s)
		return TS_ERR_INVALID_CAPABILITY;
	if (v->bound && v->bound->running)
		return TS_ERR_ILLEGAL_OPERATION;
	cap_install_copy(&v->space, s);
	return TS_OK;
}

/* MR0 first register, MR1 count: the range must lie inside enum ts_vcpu_reg. */
static int reg_range(struct invocation *inv, word_t *first, word_t *count)
{
	if (!inv_has_args(inv, 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	*first = inv_arg(inv, 0);
	*count = inv_arg(inv, 1);
	if (*first > TS_VREG_COUNT || *count > TS_VREG_COUNT - *first)
		return TS_ERR_RANGE;
	return TS_OK;
}

void vcpu_quiesce(struct vcpu *v, struct tcb *caller)
{
	struct tcb *t = v->bound;

	if (t && t->running && t != caller) {
		sched_stop(t);
		if (t->state == THREAD_RUNNABLE)
			sched_make_runnable(t);
	}
}

int vcpu_invoke(struct invocation *inv)
{
	struct vcpu *v = cap_vcpu(&inv->slot->cap);
	word_t first, count;
	int err;

	switch (inv->label) {
	case TS_VCPU_SET_SPACE:
		return set_space(inv, v);
	case TS_VCPU_READ_REGS:
		if ((err = reg_range(inv, &first, &count)))
			return err;
		if (count > inv_result_capacity(inv))
			return TS_ERR_RANGE;
		vcpu_quiesce(v, inv->thread);
		for (word_t i = 0; i < count; i++)
			inv_set_result(inv, i, arch_vcpu_get_reg(v, first + i));
		return TS_OK;
	case TS_VCPU_WRITE_REGS:
		if ((err = reg_range(inv, &first, &count)))
			return err;
		if (!inv_has_args(inv, 2 + count))
			return TS_ERR_TRUNCATED_MESSAGE;
		vcpu_quiesce(v, inv->thread);
		for (word_t i = 0; i < count; i++)
			arch_vcpu_set_reg(v, first + i, inv_arg(inv, 2 + i));
		return TS_OK;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
