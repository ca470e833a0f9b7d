/* Debug capability (root task only): kernel self-checks used by the tests. */
#include <kernel/cspace.h>
#include <kernel/invariants.h>
#include <kernel/invoke.h>

int debug_invoke(struct invocation *inv)
{
	struct slot *s;

	switch (inv->label) {
	case TS_DEBUG_CHECK_INVARIANTS:
		inv_set_result(inv, 0, invariants_check());
		return TS_OK;
	case TS_DEBUG_CAP_IDENTIFY:
		if (!inv_has_args(inv, 1))
			return TS_ERR_TRUNCATED_MESSAGE;
		s = cspace_lookup(inv->thread, inv_arg(inv, 0));
		inv_set_result(inv, 0, s ? s->cap.type : TS_OBJ_NULL);
		return TS_OK;
	case TS_DEBUG_UNTYPED_FREE:
		if (!inv_has_args(inv, 1))
			return TS_ERR_TRUNCATED_MESSAGE;
		s = cspace_lookup_type(inv->thread, inv_arg(inv, 0), TS_OBJ_UNTYPED);
		if (!s)
			return TS_ERR_INVALID_CAPABILITY;
		inv_set_result(inv, 0, BIT(s->cap.size_bits) - (s->first_child ? s->cap.data : 0));
		return TS_OK;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
