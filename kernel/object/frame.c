/* Frames: 4 KiB and 2 MiB pages of memory that can be mapped into a VSpace. */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/vspace.h>

unsigned map_level(unsigned type)
{
	switch (type) {
	case TS_OBJ_FRAME_4K:		return 1;
	case TS_OBJ_FRAME_2M:		return 2;
	case TS_OBJ_PAGE_TABLE:		return 2;
	case TS_OBJ_PAGE_DIRECTORY:	return 3;
	default:			return 4;	/* PDPT */
	}
}

/* Frames and paging structures alike: remove the mapping this cap made. */
void mapping_remove(struct cap *c)
{
	void *pml4 = asid_lookup(c->map);

	if (pml4)
		arch_unmap_entry(pml4, c->data, map_level(c->type), virt_to_phys((void *)c->obj));
	c->map = 0;
	c->data = 0;
}

/* Shared by frames and paging structures: find the VSpace and check the slot. */
int map_prepare(struct invocation *inv, word_t va, word_t align_bits, void **pml4)
{
	struct cap *c = &inv->slot->cap;
	struct slot *vspace;
	word_t missing = 0;
	int err;

	vspace = cspace_lookup(inv->thread, inv_arg(inv, 0));
	if (!vspace || (vspace->cap.type != TS_OBJ_VSPACE && vspace->cap.type != TS_OBJ_GUEST_SPACE))
		return TS_ERR_INVALID_CAPABILITY;
	if (asid_lookup(c->map))
		return TS_ERR_ILLEGAL_OPERATION;	/* this cap already maps it */
	if (!IS_ALIGNED(va, align_bits))
		return TS_ERR_ALIGNMENT;
	if (!arch_user_address_ok(va, BIT(align_bits)))
		return TS_ERR_RANGE;
	*pml4 = asid_lookup(vspace->cap.map);
	err = arch_map_check(*pml4, va, map_level(c->type), &missing);
	if (err == TS_ERR_FAILED_LOOKUP)
		inv_set_result(inv, 0, missing);
	if (!err)
		c->map = vspace->cap.map;
	return err;
}

static int map(struct invocation *inv)
{
	struct cap *c = &inv->slot->cap;
	word_t va, rights, attrs;
	void *pml4;
	int err;

	if (!inv_has_args(inv, 4))
		return TS_ERR_TRUNCATED_MESSAGE;
	va = inv_arg(inv, 1);
	rights = inv_arg(inv, 2);
	attrs = inv_arg(inv, 3);
	if (rights & ~(word_t)(TS_RIGHT_READ | TS_RIGHT_WRITE))
		return TS_ERR_INVALID_ARGUMENT;
	if (attrs & ~(word_t)(TS_MAP_EXECUTE | TS_MAP_UNCACHED))
		return TS_ERR_INVALID_ARGUMENT;
	rights &= c->rights;
	if (!(rights & TS_RIGHT_READ))
		return TS_ERR_INSUFFICIENT_RIGHTS;
	err = map_prepare(inv, va, c->size_bits, &pml4);
	if (err)
		return err;
	c->data = va;
	arch_map_entry(pml4, va, map_level(c->type), virt_to_phys((void *)c->obj), false,
		       rights, attrs);
	return TS_OK;
}

int frame_invoke(struct invocation *inv)
{
	switch (inv->label) {
	case TS_FRAME_MAP:
		return map(inv);
	case TS_FRAME_UNMAP:
		mapping_remove(&inv->slot->cap);
		return TS_OK;
	case TS_FRAME_GET_ADDRESS:
		inv_set_result(inv, 0, virt_to_phys((void *)inv->slot->cap.obj));
		return TS_OK;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
