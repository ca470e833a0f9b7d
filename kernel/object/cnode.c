/* CNode: an array of capability slots, and the capability operations on them. */
#include <kernel/cspace.h>
#include <kernel/invoke.h>

void cnode_finalise(struct cnode_header *h)
{
	h->cursor = 1;
	dying_push(&h->dying);
}

/* Apply a mint badge: endpoint/notification badge or CNode guard. */
static int apply_badge(struct cap *c, word_t badge)
{
	switch (c->type) {
	case TS_OBJ_ENDPOINT:
	case TS_OBJ_NOTIFICATION:
		if (c->data && badge)
			return TS_ERR_ILLEGAL_OPERATION;	/* already badged */
		if (badge)
			c->data = badge;
		return TS_OK;
	case TS_OBJ_CNODE: {
		word_t guard_size = badge >> CNODE_GUARD_SIZE_SHIFT;
		word_t guard = badge & CNODE_GUARD_VALUE_MASK;
		if (guard_size + c->size_bits > 64 ||
		    (guard_size < 58 && guard >> guard_size))
			return TS_ERR_INVALID_ARGUMENT;
		c->guard_size = guard_size;
		c->data = guard;
		return TS_OK;
	}
	default:
		return badge ? TS_ERR_INVALID_ARGUMENT : TS_OK;
	}
}

/* The source slot named by MR1 (CNode cptr) and MR2 (index): must hold a cap. */
static int source_slot(struct invocation *inv, struct slot **src)
{
	struct slot *cnode = cspace_lookup_type(inv->thread, inv_arg(inv, 1), TS_OBJ_CNODE);

	if (!cnode)
		return TS_ERR_INVALID_CAPABILITY;
	*src = cnode_slot(&cnode->cap, inv_arg(inv, 2));
	if (!*src)
		return TS_ERR_RANGE;
	return slot_empty(*src) ? TS_ERR_INVALID_CAPABILITY : TS_OK;
}

/* COPY, MINT: dest_index, src_cnode, src_index, rights [, badge]. */
static int copy_or_mint(struct invocation *inv, struct slot *dest, bool mint)
{
	struct slot *src;
	word_t rights;
	struct cap copy;
	int err;

	if (!inv_has_args(inv, mint ? 5 : 4))
		return TS_ERR_TRUNCATED_MESSAGE;
	if ((err = source_slot(inv, &src)))
		return err;
	rights = inv_arg(inv, 3);
	if (rights & ~(word_t)TS_RIGHTS_ALL)
		return TS_ERR_INVALID_ARGUMENT;
	if (!slot_empty(dest))
		return TS_ERR_DELETE_FIRST;
	if (!cap_derive(&src->cap, &copy))
		return TS_ERR_ILLEGAL_OPERATION;
	copy.rights &= rights;
	if (mint && (err = apply_badge(&copy, inv_arg(inv, 4))))
		return err;
	cdt_insert_child(src, dest, &copy);
	return TS_OK;
}

static int move(struct invocation *inv, struct slot *dest)
{
	struct slot *src;
	int err;

	if (!inv_has_args(inv, 3))
		return TS_ERR_TRUNCATED_MESSAGE;
	if ((err = source_slot(inv, &src)))
		return err;
	if (!slot_empty(dest))
		return TS_ERR_DELETE_FIRST;
	cdt_move(dest, src);
	return TS_OK;
}

int cnode_invoke(struct invocation *inv)
{
	struct slot *s;

	if (inv->label < TS_CNODE_COPY || inv->label > TS_CNODE_IS_EMPTY)
		return TS_ERR_ILLEGAL_OPERATION;
	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	s = cnode_slot(&inv->slot->cap, inv_arg(inv, 0));
	if (!s)
		return TS_ERR_RANGE;

	switch (inv->label) {
	case TS_CNODE_COPY:
		return copy_or_mint(inv, s, false);
	case TS_CNODE_MINT:
		return copy_or_mint(inv, s, true);
	case TS_CNODE_MOVE:
		return move(inv, s);
	case TS_CNODE_DELETE:
		cap_delete(s);
		return TS_OK;
	case TS_CNODE_REVOKE:
		cap_revoke(s);
		return TS_OK;
	default:	/* TS_CNODE_IS_EMPTY */
		inv_set_result(inv, 0, slot_empty(s));
		return TS_OK;
	}
}
