/* Slot and object allocation from the program's CNode and untyped caps. */
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/syscall.h>

struct ts_allocator ts_alloc;

void ts_alloc_init_boot(const struct ts_bootinfo *bi)
{
	ts_alloc.cnode = TS_ROOT_CNODE;
	ts_alloc.next_slot = bi->empty.first;
	ts_alloc.end_slot = bi->empty.first + bi->empty.count;
	ts_alloc.nr_untyped = 0;
	ts_alloc.first_with_room = 0;
	for (uint64_t i = 0; i < bi->untyped.count && i < TS_BOOT_MAX_UNTYPED; i++) {
		if (!bi->untyped_list[i].is_device)
			ts_alloc.untyped[ts_alloc.nr_untyped++] = bi->untyped.first + i;
	}
}

void ts_alloc_init(uint64_t cnode, uint64_t first, uint64_t end, uint64_t ut, unsigned nr_ut)
{
	ts_alloc.cnode = cnode;
	ts_alloc.next_slot = first;
	ts_alloc.end_slot = end;
	ts_alloc.nr_untyped = nr_ut < TS_BOOT_MAX_UNTYPED ? nr_ut : TS_BOOT_MAX_UNTYPED;
	ts_alloc.first_with_room = 0;
	for (unsigned i = 0; i < ts_alloc.nr_untyped; i++)
		ts_alloc.untyped[i] = ut + i;
}

uint64_t ts_slot_alloc(void)
{
	if (ts_alloc.next_slot >= ts_alloc.end_slot)
		return 0;
	return ts_alloc.next_slot++;
}

unsigned ts_object_bits(enum ts_object_type type, unsigned size_bits)
{
	switch (type) {
	case TS_OBJ_UNTYPED:
		return size_bits;
	case TS_OBJ_CNODE:
		return size_bits + TS_SLOT_BITS;
	case TS_OBJ_TCB:
		return TS_TCB_BITS;
	case TS_OBJ_ENDPOINT:
		return TS_ENDPOINT_BITS;
	case TS_OBJ_NOTIFICATION:
		return TS_NOTIFICATION_BITS;
	case TS_OBJ_FRAME_2M:
		return TS_LARGE_PAGE_BITS;
	case TS_OBJ_DOMAIN:
		return TS_DOMAIN_BITS;
	default:		/* 4K frame and the paging structures */
		return TS_PAGE_BITS;
	}
}

int ts_object_alloc(enum ts_object_type type, unsigned size_bits, uint64_t *slot)
{
	uint64_t dest = ts_slot_alloc();
	int err = TS_ERR_NOT_ENOUGH_MEMORY;

	if (!dest)
		return TS_ERR_RANGE;
	for (unsigned i = ts_alloc.first_with_room; i < ts_alloc.nr_untyped; i++) {
		err = ts_untyped_retype(ts_alloc.untyped[i], type, size_bits, ts_alloc.cnode, dest, 1);
		if (err == TS_OK) {
			*slot = dest;
			return TS_OK;
		}
		if (err != TS_ERR_NOT_ENOUGH_MEMORY)
			break;
		/* No room for a page-sized object: nothing smaller is worth trying here. */
		if (i == ts_alloc.first_with_room && ts_object_bits(type, size_bits) <= TS_PAGE_BITS)
			ts_alloc.first_with_room = i + 1;
	}
	ts_alloc.next_slot--;	/* give the unused slot back */
	return err;
}

/* The paging object that is missing at `level` (3 = PDPT, 2 = PD, 1 = PT). */
static enum ts_object_type level_type(uint64_t level)
{
	return level == 3 ? TS_OBJ_PDPT : level == 2 ? TS_OBJ_PAGE_DIRECTORY : TS_OBJ_PAGE_TABLE;
}

int ts_map_frame(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights, uint64_t attrs)
{
	for (int tries = 0; tries < 4; tries++) {
		struct ts_msg m = { .info = ts_msginfo_new(TS_FRAME_MAP, 0, 4),
				    .mr = { vspace, vaddr, rights, attrs } };
		uint64_t table;
		int err;

		ts_call(frame, &m);
		err = (int)ts_msginfo_label(m.info);
		if (err != TS_ERR_FAILED_LOOKUP || m.mr[0] < 1 || m.mr[0] > 3)
			return err;
		err = ts_object_alloc(level_type(m.mr[0]), 0, &table);
		if (err == TS_OK)
			err = ts_paging_map(table, vspace, vaddr);
		if (err != TS_OK)
			return err;
	}
	return TS_ERR_FAILED_LOOKUP;
}
