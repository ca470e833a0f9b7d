/* Untyped retype and the CNode methods, with every error path. */
#include "harness.h"

static uint64_t untyped_free(uint64_t ut)
{
	uint64_t bytes = ~0ull;

	ts_debug_untyped_free(TS_ROOT_DEBUG, ut, &bytes);
	return bytes;
}

static const struct { enum ts_object_type type; unsigned size_bits; const char *name; } kinds[] = {
	{ TS_OBJ_UNTYPED, 12, "untyped" },
	{ TS_OBJ_CNODE, 4, "CNode" },
	{ TS_OBJ_TCB, 0, "TCB" },
	{ TS_OBJ_ENDPOINT, 0, "endpoint" },
	{ TS_OBJ_NOTIFICATION, 0, "notification" },
	{ TS_OBJ_FRAME_4K, 0, "4K frame" },
	{ TS_OBJ_VSPACE, 0, "VSpace" },
	{ TS_OBJ_PDPT, 0, "PDPT" },
	{ TS_OBJ_PAGE_DIRECTORY, 0, "page directory" },
	{ TS_OBJ_PAGE_TABLE, 0, "page table" },
	{ TS_OBJ_DOMAIN, 0, "domain" },
};

/* Retype arguments out of their domain. */
static const struct { enum ts_object_type type; unsigned size_bits; const char *name; } bad_sizes[] = {
	{ TS_OBJ_TYPE_COUNT, 0, "unknown object type" },
	{ TS_OBJ_NULL, 0, "object type NULL" },
	{ TS_OBJ_UNTYPED, TS_UNTYPED_MIN_BITS - 1, "untyped of 2^3 bytes" },
	{ TS_OBJ_UNTYPED, TS_UNTYPED_MAX_BITS + 1, "untyped of 2^48 bytes" },
	{ TS_OBJ_CNODE, TS_CNODE_MAX_RADIX + 1, "CNode of radix 21" },
	{ TS_OBJ_CNODE, TS_CNODE_MIN_RADIX - 1, "CNode of radix 1" },
};

void test_untyped(void)
{
	uint64_t arena = new_object(TS_OBJ_UNTYPED, 17), small = new_object(TS_OBJ_UNTYPED, 12);
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), big, first, dest, before;
	unsigned n = sizeof(kinds) / sizeof(kinds[0]);

	if (!arena || !small || !ep)
		return;
	check(untyped_free(arena) == 1u << 17, "untyped: a new 128 KiB untyped has 128 KiB free");
	for (unsigned i = 0; i < n; i++) {
		uint64_t slot = new_slot();

		check_err(ts_untyped_retype(arena, kinds[i].type, kinds[i].size_bits, TS_ROOT_CNODE, slot, 1),
			  TS_OK, "untyped: retype a %s", kinds[i].name);
		check(cap_type(slot) == kinds[i].type, "untyped: the new cap is a %s", kinds[i].name);
	}
	if (ts_object_alloc(TS_OBJ_FRAME_2M, 0, &big) == TS_OK)
		check(cap_type(big) == TS_OBJ_FRAME_2M, "untyped: retype a 2M frame");
	else
		check(0, "untyped: retype a 2M frame");

	/* count objects land in consecutive slots */
	first = ts_alloc.next_slot;
	for (int i = 0; i < 4; i++)
		new_slot();
	check_err(ts_untyped_retype(arena, TS_OBJ_NOTIFICATION, 0, TS_ROOT_CNODE, first, 4), TS_OK,
		  "untyped: retype 4 notifications at once");
	check(cap_type(first) == TS_OBJ_NOTIFICATION && cap_type(first + 3) == TS_OBJ_NOTIFICATION,
	      "untyped: they fill 4 consecutive slots");

	/* errors: nothing changes */
	dest = new_slot();
	before = untyped_free(arena);
	check_err(ts_untyped_retype(dest, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, dest, 1),
		  TS_ERR_INVALID_CAPABILITY, "untyped: retype through an empty slot -> invalid capability");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, ep, 1, 1), TS_ERR_INVALID_CAPABILITY,
		  "untyped: dest_cnode that is an endpoint -> invalid capability");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, dest, 1, 1), TS_ERR_INVALID_CAPABILITY,
		  "untyped: dest_cnode that is empty -> invalid capability");
	check_err(ts_untyped_retype(TS_ROOT_IPC_BUFFER, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, dest, 1),
		  TS_ERR_ILLEGAL_OPERATION, "untyped: retype invoked on a frame -> illegal operation");
	for (unsigned i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++)
		check_err(ts_untyped_retype(arena, bad_sizes[i].type, bad_sizes[i].size_bits, TS_ROOT_CNODE, dest, 1),
			  TS_ERR_INVALID_ARGUMENT, "untyped: %s -> invalid argument", bad_sizes[i].name);
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, 0, 1), TS_ERR_RANGE,
		  "untyped: destination slot 0 -> range");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, 1ull << bi->root_cnode_radix, 1),
		  TS_ERR_RANGE, "untyped: destination index past the CNode -> range");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, (1ull << bi->root_cnode_radix) - 1, 2),
		  TS_ERR_RANGE, "untyped: count running past the CNode -> range");
	check_range_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, dest, 0),
			"untyped: count 0 -> range/invalid argument");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, ep, 1), TS_ERR_DELETE_FIRST,
		  "untyped: occupied destination slot -> delete first");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, dest - 1, 2), TS_ERR_DELETE_FIRST,
		  "untyped: one occupied slot among count -> delete first");
	check_err(ts_invoke(arena, TS_UNTYPED_RETYPE, 4,
			    (const uint64_t[]){ TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, dest }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "untyped: retype with 4 of 5 MRs -> truncated message");
	check_err(ts_invoke(arena, 1000, 0, 0, 0, 0), TS_ERR_ILLEGAL_OPERATION,
		  "untyped: unknown method label -> illegal operation");
	check(untyped_free(arena) == before && slot_is_empty(dest),
	      "untyped: failed retypes changed nothing");

	/* not enough memory */
	check_err(ts_untyped_retype(small, TS_OBJ_FRAME_4K, 0, TS_ROOT_CNODE, dest, 1), TS_OK,
		  "untyped: a 4 KiB untyped holds one frame");
	check_err(ts_untyped_retype(small, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, new_slot(), 1),
		  TS_ERR_NOT_ENOUGH_MEMORY, "untyped: a full untyped -> not enough memory");
	check(untyped_free(small) == 0, "untyped: the full untyped reports 0 bytes free");

	/* revoke: every object made from it goes, the watermark resets */
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, arena), TS_OK, "untyped: revoke the arena");
	check(slot_is_empty(first) && slot_is_empty(first + 3) && cap_type(first) == TS_OBJ_NULL,
	      "untyped: revoke deleted the objects made from it");
	check(untyped_free(arena) == 1u << 17, "untyped: revoke reset the free watermark");
	check_err(ts_untyped_retype(arena, TS_OBJ_CNODE, 11, TS_ROOT_CNODE, first, 1), TS_OK,
		  "untyped: the memory is reusable after revoke (a 128 KiB CNode)");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, first + 1, 1),
		  TS_ERR_NOT_ENOUGH_MEMORY, "untyped: ... which filled it");
	ts_cnode_revoke(TS_ROOT_CNODE, arena);
}

void test_cnode(void)
{
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), ut = new_object(TS_OBJ_UNTYPED, 12);
	uint64_t cn = new_object(TS_OBJ_CNODE, 4);
	uint64_t a = new_slot(), b = new_slot(), c = new_slot(), d = new_slot(), e = new_slot();
	int empty = -1;

	if (!ep || !ut || !cn)
		return;
	check_err(ts_cnode_copy(TS_ROOT_CNODE, a, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL), TS_OK, "cnode: copy");
	check(cap_type(a) == TS_OBJ_ENDPOINT, "cnode: the copy is an endpoint cap");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, a, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL), TS_ERR_DELETE_FIRST,
		  "cnode: copy onto an occupied slot -> delete first");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, 0, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL), TS_ERR_RANGE,
		  "cnode: copy into slot 0 -> range");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, 1ull << bi->root_cnode_radix, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL),
		  TS_ERR_RANGE, "cnode: copy past the end of the CNode -> range");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, b, TS_ROOT_CNODE, e, TS_RIGHTS_ALL), TS_ERR_INVALID_CAPABILITY,
		  "cnode: copy from an empty slot -> invalid capability");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, b, ep, 1, TS_RIGHTS_ALL), TS_ERR_INVALID_CAPABILITY,
		  "cnode: src_cnode that is an endpoint -> invalid capability");
	check_err(ts_cnode_copy(TS_ROOT_TCB, 1, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL), TS_ERR_ILLEGAL_OPERATION,
		  "cnode: copy invoked on a TCB -> illegal operation");
	check_err(ts_cnode_copy(e, 1, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL), TS_ERR_INVALID_CAPABILITY,
		  "cnode: copy invoked on an empty slot -> invalid capability");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, b, TS_ROOT_CNODE, ut, TS_RIGHTS_ALL), TS_ERR_ILLEGAL_OPERATION,
		  "cnode: copy of an untyped cap -> illegal operation");
	check_err(ts_cnode_mint(TS_ROOT_CNODE, b, TS_ROOT_CNODE, ut, TS_RIGHTS_ALL, 0), TS_ERR_ILLEGAL_OPERATION,
		  "cnode: mint of an untyped cap -> illegal operation");
	check_err(ts_invoke(TS_ROOT_CNODE, TS_CNODE_COPY, 3, (const uint64_t[]){ b, TS_ROOT_CNODE, ep }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "cnode: copy with 3 of 4 MRs -> truncated message");
	check_err(ts_invoke(TS_ROOT_CNODE, TS_CNODE_MINT, 4, (const uint64_t[]){ b, TS_ROOT_CNODE, ep, 7 }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "cnode: mint with 4 of 5 MRs -> truncated message");
	check(slot_is_empty(b), "cnode: failed copies and mints changed nothing");

	/* mint: badges and reduced rights */
	check_err(ts_cnode_mint(TS_ROOT_CNODE, b, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL, 0x77), TS_OK,
		  "cnode: mint a badged endpoint cap");
	check_err(ts_cnode_mint(TS_ROOT_CNODE, c, TS_ROOT_CNODE, b, TS_RIGHTS_ALL, 0x78), TS_ERR_ILLEGAL_OPERATION,
		  "cnode: re-badging a badged cap -> illegal operation");
	check_err(ts_cnode_mint(TS_ROOT_CNODE, c, TS_ROOT_CNODE, b, TS_RIGHT_READ, 0), TS_OK,
		  "cnode: mint a read-only copy of a badged cap, badge 0 keeps the badge");

	/* move */
	check_err(ts_cnode_move(TS_ROOT_CNODE, d, TS_ROOT_CNODE, ut), TS_OK, "cnode: move an untyped cap");
	check(slot_is_empty(ut) && cap_type(d) == TS_OBJ_UNTYPED, "cnode: move emptied the source slot");
	check_err(ts_cnode_move(TS_ROOT_CNODE, a, TS_ROOT_CNODE, d), TS_ERR_DELETE_FIRST,
		  "cnode: move onto an occupied slot -> delete first");
	check_err(ts_cnode_move(cn, 3, TS_ROOT_CNODE, d), TS_OK, "cnode: move into another CNode");
	check_err(ts_cnode_move(TS_ROOT_CNODE, d, cn, 3), TS_OK, "cnode: and back");

	/* is_empty, delete, revoke */
	check_err(ts_cnode_is_empty(TS_ROOT_CNODE, a, &empty), TS_OK, "cnode: is_empty");
	check(empty == 0, "cnode: is_empty says an occupied slot is not empty");
	check(slot_is_empty(e), "cnode: is_empty says an empty slot is empty");
	check_err(ts_cnode_is_empty(TS_ROOT_CNODE, 1ull << bi->root_cnode_radix, &empty), TS_ERR_RANGE,
		  "cnode: is_empty past the end -> range");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, a), TS_OK, "cnode: delete");
	check(slot_is_empty(a) && cap_type(ep) == TS_OBJ_ENDPOINT, "cnode: delete removed only that cap");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, 0), TS_ERR_RANGE, "cnode: delete slot 0 -> range");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, 1ull << bi->root_cnode_radix), TS_ERR_RANGE,
		  "cnode: delete past the end -> range");
	check_err(ts_invoke(TS_ROOT_CNODE, TS_CNODE_DELETE, 0, 0, 0, 0), TS_ERR_TRUNCATED_MESSAGE,
		  "cnode: delete with no MR -> truncated message");
	check_err(ts_cnode_copy(TS_ROOT_CNODE, a, TS_ROOT_CNODE, c, TS_RIGHTS_ALL), TS_OK,
		  "cnode: copy a copy (grandchild of the endpoint cap)");
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, ep), TS_OK, "cnode: revoke the endpoint cap");
	check(slot_is_empty(a) && slot_is_empty(b) && slot_is_empty(c) && !slot_is_empty(ep),
	      "cnode: revoke deleted children and grandchildren, kept the cap");
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, 0), TS_ERR_RANGE, "cnode: revoke slot 0 -> range");
	check_err(ts_invoke(TS_ROOT_CNODE, 999, 0, 0, 0, 0), TS_ERR_ILLEGAL_OPERATION,
		  "cnode: unknown method label -> illegal operation");
}
