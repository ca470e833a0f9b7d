/*
 * CPtr resolution, seL4 style: at each CNode the capability's guard is
 * matched, then radix bits select a slot; a CNode capability in that slot
 * continues the walk until all 64 bits are used or another type is found.
 */
#include <kernel/cspace.h>

static word_t low_bits(word_t v, unsigned n)
{
	return n >= 64 ? v : v & MASK(n);
}

struct slot *cnode_slot(const struct cap *cnode, word_t index)
{
	if (cnode->type != TS_OBJ_CNODE || index == 0 || index >= BIT(cnode->size_bits))
		return NULL;
	return &cap_cnode_slots(cnode)[index];
}

struct slot *cspace_lookup(struct tcb *t, word_t cptr)
{
	const struct cap *c = &t->slots[TCB_CSPACE].cap;
	unsigned left = 64;

	for (;;) {
		unsigned g, r;
		struct slot *s;

		if (c->type != TS_OBJ_CNODE)
			return NULL;
		g = c->guard_size;
		r = c->size_bits;
		if (g + r > left)
			return NULL;
		if (g && low_bits(cptr >> (left - g), g) != low_bits(c->data, g))
			return NULL;
		left -= g + r;
		s = cnode_slot(c, low_bits(cptr >> left, r));
		if (!s || left == 0 || s->cap.type != TS_OBJ_CNODE)
			return s;
		c = &s->cap;
	}
}

int lookup_signal_target(struct tcb *t, word_t cptr, struct slot **out)
{
	*out = NULL;
	if (!cptr)
		return TS_OK;
	*out = cspace_lookup_type(t, cptr, TS_OBJ_NOTIFICATION);
	if (!*out)
		return TS_ERR_INVALID_CAPABILITY;
	return (*out)->cap.rights & TS_RIGHT_WRITE ? TS_OK : TS_ERR_INSUFFICIENT_RIGHTS;
}

struct slot *cspace_lookup_type(struct tcb *t, word_t cptr, unsigned type)
{
	struct slot *s = cspace_lookup(t, cptr);

	return s && s->cap.type == type ? s : NULL;
}
