/* Frames and paging structures: map, unmap, lookups, rights, and what a thread can reach. */
#include "harness.h"

#define BASE	0x10000000000ull	/* 1 TiB: a part of the root VSpace nothing else uses */
#define RW	(TS_RIGHT_READ | TS_RIGHT_WRITE)

static volatile uint64_t probe_addr, probe_value;

static void probe_read(void *arg)
{
	(void)arg;
	probe_value = *(volatile uint64_t *)probe_addr;
}

static void probe_write(void *arg)
{
	(void)arg;
	*(volatile uint64_t *)probe_addr = probe_value;
}

/* 1 if a thread can read addr; 0 if it faulted with a VM fault at addr. */
static int readable(uint64_t addr)
{
	struct ts_msg f;
	int r;

	probe_addr = addr;
	r = run_guarded(probe_read, 0, &f, 2000);
	if (r == 0)
		return ts_msginfo_label(f.info) == TS_FAULT_VM && f.mr[1] == addr ? 0 : -1;
	return r;
}

static int writable(uint64_t addr)
{
	struct ts_msg f;
	int r;

	probe_addr = addr;
	probe_value = 0x5151;
	r = run_guarded(probe_write, 0, &f, 2000);
	if (r == 0)
		return ts_msginfo_label(f.info) == TS_FAULT_VM && f.mr[1] == addr ? 0 : -1;
	return r;
}

/* FRAME_MAP keeping MR0 of a failed lookup (the missing level). */
static int map_raw(uint64_t frame, uint64_t vaddr, uint64_t *level)
{
	struct ts_msg m = { .info = ts_msginfo_new(TS_FRAME_MAP, 0, 4),
			    .mr = { TS_ROOT_VSPACE, vaddr, RW, 0 } };

	ts_call(frame, &m);
	*level = m.mr[0];
	return (int)ts_msginfo_label(m.info);
}

void test_vm(void)
{
	uint64_t f = new_object(TS_OBJ_FRAME_4K, 0), f2 = new_slot(), f3 = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t f4 = new_object(TS_OBJ_FRAME_4K, 0), f5 = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t ro = new_object(TS_OBJ_FRAME_4K, 0), ep = new_object(TS_OBJ_ENDPOINT, 0);
	uint64_t f6 = new_object(TS_OBJ_FRAME_4K, 0), wonly = new_slot(), ronly = new_slot();
	uint64_t pdpt = new_object(TS_OBJ_PDPT, 0), pd = new_object(TS_OBJ_PAGE_DIRECTORY, 0);
	uint64_t pt = new_object(TS_OBJ_PAGE_TABLE, 0), pt2 = new_object(TS_OBJ_PAGE_TABLE, 0);
	uint64_t level = 0, paddr = 0, big;
	volatile uint64_t *p = (volatile uint64_t *)BASE, *alias = (volatile uint64_t *)(BASE + 4096);

	if (!f || !f3 || !f4 || !f5 || !f6 || !ro || !ep || !pdpt || !pd || !pt || !pt2)
		return;
	check(map_raw(f, BASE, &level) == TS_ERR_FAILED_LOOKUP && level == 3,
	      "vm: map with no PDPT -> failed lookup, level 3");
	check_err(ts_paging_map(pdpt, TS_ROOT_VSPACE, BASE), TS_OK, "vm: map a PDPT");
	check(map_raw(f, BASE, &level) == TS_ERR_FAILED_LOOKUP && level == 2,
	      "vm: map with no page directory -> failed lookup, level 2");
	check_err(ts_paging_map(pd, TS_ROOT_VSPACE, BASE), TS_OK, "vm: map a page directory");
	check(map_raw(f, BASE, &level) == TS_ERR_FAILED_LOOKUP && level == 1,
	      "vm: map with no page table -> failed lookup, level 1");
	check_err(ts_paging_map(pt, TS_ROOT_VSPACE, BASE), TS_OK, "vm: map a page table");
	check_err(ts_paging_map(pt2, TS_ROOT_VSPACE, BASE), TS_ERR_DELETE_FIRST,
		  "vm: a second page table for the same range -> delete first");
	check_err(ts_paging_map(pt2, ep, BASE + TS_LARGE_PAGE_SIZE), TS_ERR_INVALID_CAPABILITY,
		  "vm: paging map into an endpoint -> invalid capability");
	check_err(ts_frame_map(f, TS_ROOT_VSPACE, BASE, RW, 0), TS_OK, "vm: map a 4K frame");
	*p = 0xfeedface;
	check(*p == 0xfeedface, "vm: the mapped frame holds what is written");
	check_err(ts_frame_get_address(f, &paddr), TS_OK, "vm: get the frame's physical address");
	check(paddr && paddr % TS_PAGE_SIZE == 0, "vm: the physical address is page aligned");

	ts_cnode_copy(TS_ROOT_CNODE, f2, TS_ROOT_CNODE, f, TS_RIGHTS_ALL);
	check_err(ts_frame_map(f2, TS_ROOT_VSPACE, BASE + 4096, RW, 0), TS_OK, "vm: map a copy of the cap elsewhere");
	check(*alias == 0xfeedface, "vm: both addresses show the same frame");
	check(ts_frame_map(f, TS_ROOT_VSPACE, BASE + 8192, RW, 0) != TS_OK, "vm: a mapped frame cap cannot map twice");
	check_err(ts_frame_map(f3, TS_ROOT_VSPACE, BASE + 8192 + 8, RW, 0), TS_ERR_ALIGNMENT,
		  "vm: unaligned virtual address -> alignment");
	check_err(ts_frame_map(f3, TS_ROOT_VSPACE, TS_USER_TOP + 1, RW, 0), TS_ERR_RANGE,
		  "vm: address above the user range -> range");
	check_err(ts_frame_map(f3, ep, BASE + 8192, RW, 0), TS_ERR_INVALID_CAPABILITY,
		  "vm: map into an endpoint -> invalid capability");
	check_err(ts_frame_map(f3, TS_ROOT_VSPACE, BASE, RW, 0), TS_ERR_DELETE_FIRST,
		  "vm: map over a mapped page -> delete first");
	check_err(ts_invoke(f3, TS_FRAME_MAP, 3, (const uint64_t[]){ TS_ROOT_VSPACE, BASE + 8192, RW }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "vm: map with 3 of 4 MRs -> truncated message");
	check_err(ts_frame_get_address(pdpt, &paddr), TS_ERR_ILLEGAL_OPERATION,
		  "vm: get address invoked on a PDPT -> illegal operation");

	/* rights */
	check_err(ts_frame_map(ro, TS_ROOT_VSPACE, BASE + 3 * 4096, TS_RIGHT_READ, 0), TS_OK, "vm: map read-only");
	check(readable(BASE + 3 * 4096) == 1, "vm: a read-only page can be read");
	check(writable(BASE + 3 * 4096) == 0, "vm: writing a read-only page faults at that address");

	check_err(ts_cnode_mint(TS_ROOT_CNODE, wonly, TS_ROOT_CNODE, f6, TS_RIGHT_WRITE, 0), TS_OK,
		  "vm: mint a write-only frame cap");
	check_err(ts_frame_map(wonly, TS_ROOT_VSPACE, BASE + 6 * 4096, RW, 0), TS_ERR_INSUFFICIENT_RIGHTS,
		  "vm: map through a frame cap without READ -> insufficient rights");
	ts_cnode_mint(TS_ROOT_CNODE, ronly, TS_ROOT_CNODE, f6, TS_RIGHT_READ, 0);
	check_err(ts_frame_map(ronly, TS_ROOT_VSPACE, BASE + 6 * 4096, 8 | RW, 0), TS_ERR_INVALID_ARGUMENT,
		  "vm: unknown rights bits -> invalid argument");
	check_err(ts_frame_map(ronly, TS_ROOT_VSPACE, BASE + 6 * 4096, RW, 4), TS_ERR_INVALID_ARGUMENT,
		  "vm: unknown attribute bits -> invalid argument");
	check_err(ts_frame_map(ronly, TS_ROOT_VSPACE, BASE + 6 * 4096, RW, 0), TS_OK,
		  "vm: map read-write through a read-only frame cap");
	check(writable(BASE + 6 * 4096) == 0, "vm: the mapping is read-only (rights ANDed with the cap's)");

	/* unmap, delete, paging unmap */
	check_err(ts_frame_unmap(f2), TS_OK, "vm: unmap the copy");
	check(readable(BASE + 4096) == 0, "vm: the unmapped page faults");
	check(readable(BASE) == 1, "vm: the other mapping of the frame stays");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, f), TS_OK, "vm: delete the mapped frame cap");
	check(readable(BASE) == 0, "vm: deleting a frame cap unmaps it");
	check_err(ts_frame_map(f4, TS_ROOT_VSPACE, BASE + 4 * 4096, RW, 0), TS_OK, "vm: map one more frame");
	check_err(ts_paging_unmap(pt), TS_OK, "vm: unmap its page table");
	check(readable(BASE + 4 * 4096) == 0, "vm: pages under an unmapped page table are gone");
	check(map_raw(f5, BASE + 5 * 4096, &level) == TS_ERR_FAILED_LOOKUP && level == 1,
	      "vm: the range needs a page table again");
	check_err(ts_paging_map(pt, TS_ROOT_VSPACE, BASE), TS_OK, "vm: the page table can be mapped again");

	/* a 2 MiB frame straight into the page directory */
	if (ts_object_alloc(TS_OBJ_FRAME_2M, 0, &big) == TS_OK) {
		check_err(ts_frame_map(big, TS_ROOT_VSPACE, BASE + 4 * TS_LARGE_PAGE_SIZE + 4096, RW, 0),
			  TS_ERR_ALIGNMENT, "vm: a 2M frame at a 4K-aligned address -> alignment");
		check_err(ts_frame_map(big, TS_ROOT_VSPACE, BASE + 4 * TS_LARGE_PAGE_SIZE, RW, 0), TS_OK,
			  "vm: map a 2M frame");
		check(writable(BASE + 5 * TS_LARGE_PAGE_SIZE - 8) == 1, "vm: its last word is writable");
		check_err(ts_frame_unmap(big), TS_OK, "vm: unmap the 2M frame");
	}
}
