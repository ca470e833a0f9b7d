/*
 * Untyped memory: the only source of kernel objects. Retype carves objects
 * from a watermark, each aligned to its size; an untyped with no children
 * left starts again from its beginning.
 */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/string.h>
#include <kernel/vspace.h>

#define RETYPE_MAX_COUNT	4096

uint64_t object_size(word_t type, word_t size_bits)
{
	switch (type) {
	case TS_OBJ_UNTYPED:
		if (size_bits < TS_UNTYPED_MIN_BITS || size_bits > TS_UNTYPED_MAX_BITS)
			return 0;
		return BIT(size_bits);
	case TS_OBJ_CNODE:
		if (size_bits < TS_CNODE_MIN_RADIX || size_bits > TS_CNODE_MAX_RADIX)
			return 0;
		return BIT(size_bits + TS_SLOT_BITS);
	case TS_OBJ_TCB:		return BIT(TS_TCB_BITS);
	case TS_OBJ_ENDPOINT:		return BIT(TS_ENDPOINT_BITS);
	case TS_OBJ_NOTIFICATION:	return BIT(TS_NOTIFICATION_BITS);
	case TS_OBJ_FRAME_4K:		return BIT(TS_PAGE_BITS);
	case TS_OBJ_FRAME_2M:		return BIT(TS_LARGE_PAGE_BITS);
	case TS_OBJ_VSPACE:
	case TS_OBJ_PDPT:
	case TS_OBJ_PAGE_DIRECTORY:
	case TS_OBJ_PAGE_TABLE:		return BIT(TS_PAGING_BITS);
	case TS_OBJ_DOMAIN:		return BIT(TS_DOMAIN_BITS);
	case TS_OBJ_VCPU:		return BIT(TS_VCPU_BITS);
	case TS_OBJ_GUEST_SPACE:	return BIT(TS_PAGING_BITS);
	default:			return 0;
	}
}

void object_create(word_t type, word_t size_bits, void *mem, struct cap *cap)
{
	memset(cap, 0, sizeof(*cap));
	cap->type = type;
	cap->rights = TS_RIGHTS_ALL;
	cap->obj = (word_t)mem;
	switch (type) {
	case TS_OBJ_UNTYPED:
		cap->size_bits = size_bits;
		return;
	case TS_OBJ_CNODE: {
		struct cnode_header *h = mem;
		cap->size_bits = size_bits;
		h->radix = size_bits;
		h->dying.kind = DYING_CNODE;
		return;
	}
	case TS_OBJ_TCB: {
		struct tcb *t = mem;
		t->dying.kind = DYING_TCB;
		t->state = THREAD_INACTIVE;
		arch_thread_init(t);
		return;
	}
	case TS_OBJ_FRAME_4K:
		cap->size_bits = TS_PAGE_BITS;
		return;
	case TS_OBJ_FRAME_2M:
		cap->size_bits = TS_LARGE_PAGE_BITS;
		return;
	case TS_OBJ_VSPACE:
		arch_vspace_init(mem);
		cap->map = asid_assign(mem);
		return;
	case TS_OBJ_DOMAIN:
		((struct domain *)mem)->domid = TS_DOMID_INVALID;
		return;
	case TS_OBJ_VCPU:
		arch_vcpu_init(mem);
		return;
	case TS_OBJ_GUEST_SPACE:
		/* Unlike a VSpace, no kernel mappings: every entry is the guest's. */
		cap->map = asid_assign(mem);
		return;
	default:
		return;
	}
}

int untyped_invoke(struct invocation *inv)
{
	struct cap *u = &inv->slot->cap;
	word_t type, size_bits, index, count, offset, size, avail;
	struct slot *cnode;

	if (inv->label != TS_UNTYPED_RETYPE)
		return TS_ERR_ILLEGAL_OPERATION;
	if (!inv_has_args(inv, 5))
		return TS_ERR_TRUNCATED_MESSAGE;
	type = inv_arg(inv, 0);
	size_bits = inv_arg(inv, 1);
	index = inv_arg(inv, 3);
	count = inv_arg(inv, 4);

	size = object_size(type, size_bits);
	if (!size)
		return TS_ERR_INVALID_ARGUMENT;
	if ((u->aux & UNTYPED_DEVICE) && type != TS_OBJ_FRAME_4K &&
	    type != TS_OBJ_FRAME_2M && type != TS_OBJ_UNTYPED)
		return TS_ERR_ILLEGAL_OPERATION;
	cnode = cspace_lookup_type(inv->thread, inv_arg(inv, 2), TS_OBJ_CNODE);
	if (!cnode)
		return TS_ERR_INVALID_CAPABILITY;
	if (count == 0 || count > RETYPE_MAX_COUNT || index == 0 ||
	    index >= BIT(cnode->cap.size_bits) ||
	    count > BIT(cnode->cap.size_bits) - index)
		return TS_ERR_RANGE;
	for (word_t i = 0; i < count; i++)
		if (!slot_empty(cnode_slot(&cnode->cap, index + i)))
			return TS_ERR_DELETE_FIRST;
	if ((type == TS_OBJ_VSPACE || type == TS_OBJ_GUEST_SPACE) && !asid_available(count))
		return TS_ERR_NOT_ENOUGH_MEMORY;
	if (type == TS_OBJ_VCPU && !arch_vcpu_supported())
		return TS_ERR_ILLEGAL_OPERATION;

	offset = inv->slot->first_child ? u->data : 0;
	offset = ALIGN_UP(offset, size);
	if (size > BIT(u->size_bits) || offset > BIT(u->size_bits))
		return TS_ERR_NOT_ENOUGH_MEMORY;
	avail = BIT(u->size_bits) - offset;
	if (count > avail / size)
		return TS_ERR_NOT_ENOUGH_MEMORY;

	for (word_t i = 0; i < count; i++) {
		void *mem = (void *)(u->obj + offset + i * size);
		struct cap cap;

		if (type != TS_OBJ_UNTYPED && !(u->aux & UNTYPED_DEVICE))
			memset(mem, 0, size);
		object_create(type, size_bits, mem, &cap);
		if (type == TS_OBJ_UNTYPED)
			cap.aux = u->aux & UNTYPED_DEVICE;
		cdt_insert_child(inv->slot, cnode_slot(&cnode->cap, index + i), &cap);
	}
	u->data = offset + count * size;
	return TS_OK;
}
