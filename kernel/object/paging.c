/*
 * Paging structures (PDPT, page directory, page table) that user level
 * installs into a VSpace, and the VSpace (PML4) itself.
 */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/vspace.h>

/* Bits of virtual address one table of this type covers. */
static unsigned coverage_bits(unsigned type)
{
	switch (type) {
	case TS_OBJ_PAGE_TABLE:		return 21;
	case TS_OBJ_PAGE_DIRECTORY:	return 30;
	default:			return 39;
	}
}

void vspace_finalise(const struct cap *c)
{
	void *pml4 = asid_lookup(c->map);

	if (pml4)
		arch_vspace_release(pml4);
	asid_release(c->map);
}

int paging_invoke(struct invocation *inv)
{
	struct cap *c = &inv->slot->cap;
	word_t va;
	void *pml4;
	int err;

	switch (inv->label) {
	case TS_PAGING_MAP:
		if (!inv_has_args(inv, 2))
			return TS_ERR_TRUNCATED_MESSAGE;
		va = ALIGN_DOWN(inv_arg(inv, 1), BIT(coverage_bits(c->type)));
		err = map_prepare(inv, va, coverage_bits(c->type), &pml4);
		if (err)
			return err;
		c->data = va;
		arch_map_entry(pml4, va, map_level(c->type), virt_to_phys((void *)c->obj), true, 0, 0);
		return TS_OK;
	case TS_PAGING_UNMAP:
		mapping_remove(c);
		return TS_OK;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
