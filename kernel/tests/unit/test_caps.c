/*
 * Host unit tests of the capability system, run under ASan and UBSan:
 * untyped retype and object layout, the derivation tree, delete and
 * revoke (with their effect on threads and mappings), CSpace lookup, and
 * the IPC paths, all driven through the real system-call entry point.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/invariants.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/vspace.h>
#include <tessera/bootinfo.h>
#include "host_arch.h"
#include "unit.h"

static void test_layout(void)
{
	check(sizeof(struct slot) == BIT(TS_SLOT_BITS), "layout: a slot is 2^TS_SLOT_BITS bytes");
	check(sizeof(struct tcb) <= BIT(TS_TCB_BITS), "layout: the TCB fits its object size");
	check(sizeof(struct endpoint) <= BIT(TS_ENDPOINT_BITS) &&
	      sizeof(struct notification) <= BIT(TS_NOTIFICATION_BITS) &&
	      sizeof(struct domain) <= BIT(TS_DOMAIN_BITS), "layout: endpoint, notification, domain fit");
	check(object_size(TS_OBJ_CNODE, 4) == 16 * 64 && object_size(TS_OBJ_FRAME_2M, 0) == BIT(21) &&
	      object_size(TS_OBJ_UNTYPED, 3) == 0 && object_size(TS_OBJ_CNODE, 21) == 0 &&
	      object_size(TS_OBJ_TYPE_COUNT, 0) == 0, "layout: object sizes and limits");
}

static void test_retype(void)
{
	word_t before = untyped_free();

	check(retype(TS_OBJ_ENDPOINT, 0, 10, 1) == TS_OK && root[10].cap.type == TS_OBJ_ENDPOINT,
	      "retype: endpoint");
	check(root[10].parent == &root[SLOT_UNTYPED], "retype: object is a child of its untyped");
	check(retype(TS_OBJ_FRAME_4K, 0, 11, 1) == TS_OK && root[11].cap.obj % 4096 == 0,
	      "retype: frames are aligned to their size");
	check(retype(TS_OBJ_CNODE, 8, 12, 1) == TS_OK && root[12].cap.size_bits == 8 &&
	      root[12].cap.obj % BIT(8 + 6) == 0, "retype: CNode radix and alignment");
	check(untyped_free() < before, "retype: watermark advances");
	word_t mid = untyped_free();
	check(retype(TS_OBJ_UNTYPED, UNTYPED_BITS, 13, 1) == TS_ERR_NOT_ENOUGH_MEMORY &&
	      untyped_free() == mid && slot_empty(&root[13]), "retype: too big fails and changes nothing");
	check(retype(TS_OBJ_ENDPOINT, 0, 10, 1) == TS_ERR_DELETE_FIRST, "retype: occupied slot");
	check(retype(TS_OBJ_ENDPOINT, 0, 0, 1) == TS_ERR_RANGE, "retype: slot 0 is never a destination");
	check(retype(99, 0, 14, 1) == TS_ERR_INVALID_ARGUMENT, "retype: unknown type");
	INVOKE(10, TS_UNTYPED_RETYPE, 1);
	check(me->state == THREAD_BLOCKED_SEND, "retype: calling an endpoint is IPC (blocks), not an invocation");
	ipc_cancel(me);
	me->state = THREAD_RUNNABLE;
	check(INVOKE(SLOT_UNTYPED, TS_UNTYPED_RETYPE, 1, 2) == TS_ERR_TRUNCATED_MESSAGE, "retype: truncated");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 20, TS_ROOT_CNODE, SLOT_UNTYPED, 7) == TS_ERR_ILLEGAL_OPERATION,
	      "untyped caps cannot be copied");
	check(invariants_check() == 0, "retype: invariants hold");
}

static void test_derivation(void)
{
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 20, TS_ROOT_CNODE, 10, TS_RIGHTS_ALL) == TS_OK &&
	      root[20].parent == &root[10], "copy: the copy is a child of its source");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 21, TS_ROOT_CNODE, 20, TS_RIGHT_WRITE, 77) == TS_OK &&
	      root[21].cap.data == 77 && root[21].cap.rights == TS_RIGHT_WRITE && root[21].parent == &root[20],
	      "mint: badge and reduced rights, child of its source");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 22, TS_ROOT_CNODE, 21, TS_RIGHTS_ALL, 5) == TS_ERR_ILLEGAL_OPERATION,
	      "mint: a badged cap cannot be rebadged");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 22, TS_ROOT_CNODE, 21, TS_RIGHTS_ALL, 0) == TS_OK &&
	      root[22].cap.rights == TS_RIGHT_WRITE, "mint: rights never grow");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 23, TS_ROOT_CNODE, 22, 8) == TS_ERR_INVALID_ARGUMENT,
	      "copy: unknown rights bits");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 23, TS_ROOT_CNODE, 400, 7) == TS_ERR_INVALID_CAPABILITY,
	      "copy: empty source");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_MOVE, 30, TS_ROOT_CNODE, 22) == TS_OK && slot_empty(&root[22]) &&
	      root[30].parent == &root[21], "move: keeps the place in the tree");
	/* Delete a cap with children: they move up to its parent. */
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 21) == TS_OK && root[30].parent == &root[20],
	      "delete: children are adopted by the parent");
	check(root[10].cap.type == TS_OBJ_ENDPOINT, "delete: a copy's deletion leaves the object");
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_REVOKE, 10) == TS_OK && slot_empty(&root[20]) &&
	      slot_empty(&root[30]) && !slot_empty(&root[10]), "revoke: removes all descendants, keeps the cap");
	check(invariants_check() == 0, "derivation: invariants hold");
}

static struct tcb *make_thread(word_t slot)
{
	retype(TS_OBJ_TCB, 0, slot, 1);
	retype(TS_OBJ_FRAME_4K, 0, slot + 1, 1);
	retype(TS_OBJ_VSPACE, 0, slot + 2, 1);
	INVOKE(slot, TS_TCB_CONFIGURE, 0, TS_ROOT_CNODE, slot + 2, 0x10000, slot + 1);
	return cap_tcb(&root[slot].cap);
}

static void test_ipc(void)
{
	struct tcb *server = make_thread(40);
	word_t mr[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	check(server->slots[TCB_CSPACE].cap.type == TS_OBJ_CNODE &&
	      server->slots[TCB_IPC_BUFFER].cap.type == TS_OBJ_FRAME_4K, "tcb: configure installs copies");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 44, TS_ROOT_CNODE, 10, TS_RIGHTS_ALL, 9);
	syscall_as(server, TS_SYS_RECV, 10, 0, 0, NULL);
	check(server->state == THREAD_BLOCKED_RECV, "ipc: receiver blocks on an idle endpoint");
	syscall_as(me, TS_SYS_CALL, 44, 33, 8, mr);
	check(me->state == THREAD_BLOCKED_REPLY && server->state == THREAD_RUNNABLE,
	      "ipc: call delivers and waits for the reply");
	check(ts_msginfo_label(server->ctx.rsi) == 33 && ts_msginfo_length(server->ctx.rsi) == 8 &&
	      server->ctx.rdi == 9 && server->ctx.r9 == 4 &&
	      thread_ipc_buffer(server)->msg[7] == 8, "ipc: label, length, badge, registers and buffer arrive");
	word_t reply[2] = { 100, 200 };
	syscall_as(server, TS_SYS_REPLY, 0, 5, 2, reply);
	check(me->state == THREAD_RUNNABLE && ts_msginfo_label(me->ctx.rsi) == 5 && me->ctx.r10 == 200,
	      "ipc: reply wakes the caller with the reply message");

	/* A fault longer than the registers: MR4.. reach the handler's IPC buffer, if it has one. */
	word_t fault[6] = { 11, 12, 13, 14, 15, 16 };
	retype(TS_OBJ_TCB, 0, 50, 2);
	INVOKE(50, TS_TCB_CONFIGURE, 44, TS_ROOT_CNODE, 42, 0, 0);
	INVOKE(51, TS_TCB_CONFIGURE, 0, TS_ROOT_CNODE, 42, 0, 0);
	struct tcb *faulter = cap_tcb(&root[50].cap), *bufferless = cap_tcb(&root[51].cap);
	syscall_as(server, TS_SYS_RECV, 10, 0, 0, NULL);
	ipc_send_fault(faulter, TS_FAULT_VMEXIT, fault, 6);
	check(faulter->state == THREAD_BLOCKED_REPLY && ts_msginfo_label(server->ctx.rsi) == TS_FAULT_VMEXIT &&
	      ts_msginfo_length(server->ctx.rsi) == 6 && server->ctx.rdi == 9 && server->ctx.r9 == 14 &&
	      thread_ipc_buffer(server)->msg[4] == 15 && thread_ipc_buffer(server)->msg[5] == 16,
	      "fault: six MRs, the last two in the handler's IPC buffer");
	syscall_as(server, TS_SYS_REPLY, 0, 0, 0, NULL);
	check(faulter->state == THREAD_RUNNABLE, "fault: label 0 resumes the faulting thread");
	sched_unready(faulter);
	syscall_as(bufferless, TS_SYS_RECV, 10, 0, 0, NULL);
	ipc_send_fault(faulter, TS_FAULT_VMEXIT, fault, 6);
	check(ts_msginfo_length(bufferless->ctx.rsi) == 4 && bufferless->ctx.r9 == 14,
	      "fault: a handler without an IPC buffer gets the four register MRs");
	syscall_as(bufferless, TS_SYS_REPLY, 0, 1, 0, NULL);
	check(faulter->state == THREAD_INACTIVE, "fault: any other label leaves the thread stopped");
	bufferless->state = THREAD_INACTIVE;
	sched_unready(bufferless);

	/* A waiter on an endpoint whose last cap goes away wakes with an error. */
	syscall_as(server, TS_SYS_RECV, 10, 0, 0, NULL);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_REVOKE, 10);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 10);
	check(server->state == THREAD_RUNNABLE &&
	      ts_msginfo_label(server->ctx.rsi) == TS_ERR_INVALID_CAPABILITY,
	      "delete: last endpoint cap cancels its waiters");
	server->state = THREAD_INACTIVE;
	sched_unready(server);

	check(syscall_as(me, TS_SYS_RECV, 400, 0, 0, NULL) == TS_ERR_INVALID_CAPABILITY,
	      "recv: empty slot is an invalid capability");
	retype(TS_OBJ_NOTIFICATION, 0, 45, 1);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 46, TS_ROOT_CNODE, 45, TS_RIGHT_WRITE, 0x10);
	check(syscall_as(me, TS_SYS_RECV, 46, 0, 0, NULL) == TS_ERR_INSUFFICIENT_RIGHTS,
	      "recv: without the read right");
	syscall_as(me, TS_SYS_SEND, 46, 0, 0, NULL);
	syscall_as(me, TS_SYS_NBRECV, 45, 0, 0, NULL);
	check(me->ctx.rdi == 0x10, "notification: signal then poll returns the badge");
	check(invariants_check() == 0, "ipc: invariants hold");
}

static void test_timeouts(void)
{
	struct tcb *sleeper = make_thread(50);

	retype(TS_OBJ_NOTIFICATION, 0, 54, 1);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 55, TS_ROOT_CNODE, 54, TS_RIGHTS_ALL, 0x4);
	check(INVOKE(50, TS_TCB_SET_TIMEOUT, 54) == TS_ERR_TRUNCATED_MESSAGE &&
	      INVOKE(50, TS_TCB_SET_TIMEOUT, 10, 100) == TS_ERR_INVALID_CAPABILITY,
	      "timeout: arguments are checked");
	check(INVOKE(50, TS_TCB_SET_TIMEOUT, 55, 1000) == TS_OK && INVOKE(40, TS_TCB_SET_TIMEOUT, 55, 1500) == TS_OK,
	      "timeout: two threads armed");
	syscall_as(sleeper, TS_SYS_RECV, 54, 0, 0, NULL);
	timer_expire(999);
	check(sleeper->state == THREAD_BLOCKED_NOTIFICATION, "timeout: nothing fires before the deadline");
	timer_expire(1000);
	check(sleeper->state == THREAD_RUNNABLE && sleeper->ctx.rdi == 0x4 &&
	      cap_tcb(&root[40].cap)->timer_armed, "timeout: the deadline signals its notification, later ones wait");
	INVOKE(40, TS_TCB_SET_TIMEOUT, 0, 0);
	INVOKE(50, TS_TCB_SET_TIMEOUT, 55, 2000);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 50);
	timer_expire(5000);
	check(slot_empty(&sleeper->slots[TCB_TIMER]) && !sleeper->timer_armed,
	      "timeout: cancelled, and gone with a deleted thread");
	check(invariants_check() == 0, "timeout: invariants hold");
}

/* A VSpace, a PDPT, a page directory and a page table in slots first..first + 3. */
static void retype_paging(unsigned first)
{
	retype(TS_OBJ_VSPACE, 0, first, 1);
	retype(TS_OBJ_PDPT, 0, first + 1, 1);
	retype(TS_OBJ_PAGE_DIRECTORY, 0, first + 2, 1);
	retype(TS_OBJ_PAGE_TABLE, 0, first + 3, 1);
}

static void test_mappings(void)
{
	void *pml4;

	retype_paging(60);
	retype(TS_OBJ_FRAME_4K, 0, 64, 1);
	pml4 = (void *)root[60].cap.obj;
	check(INVOKE(64, TS_FRAME_MAP, 60, 0x400000, TS_RIGHT_READ, 0) == TS_ERR_FAILED_LOOKUP &&
	      me->ctx.rdx == 3, "map: missing PDPT is reported");
	check(INVOKE(61, TS_PAGING_MAP, 60, 0x400000) == TS_OK && INVOKE(62, TS_PAGING_MAP, 60, 0x400000) == TS_OK &&
	      INVOKE(63, TS_PAGING_MAP, 60, 0x400000) == TS_OK, "map: paging structures");
	check(INVOKE(64, TS_FRAME_MAP, 60, 0x400001, TS_RIGHT_READ, 0) == TS_ERR_ALIGNMENT, "map: alignment");
	check(INVOKE(64, TS_FRAME_MAP, 60, 0x800000000000ull, TS_RIGHT_READ, 0) == TS_ERR_RANGE, "map: kernel half refused");
	check(INVOKE(64, TS_FRAME_MAP, 60, 0x400000, TS_RIGHT_READ | TS_RIGHT_WRITE, 0) == TS_OK &&
	      host_translate(pml4, 0x400123) == root[64].cap.obj + 0x123, "map: frame mapped");
	check(INVOKE(64, TS_FRAME_MAP, 60, 0x401000, TS_RIGHT_READ, 0) == TS_ERR_ILLEGAL_OPERATION,
	      "map: a cap maps once");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_COPY, 65, TS_ROOT_CNODE, 64, TS_RIGHT_READ);
	check(INVOKE(65, TS_FRAME_MAP, 60, 0x400000, TS_RIGHT_READ, 0) == TS_ERR_DELETE_FIRST, "map: slot taken");
	check(INVOKE(65, TS_FRAME_MAP, 60, 0x401000, TS_RIGHT_READ, 0) == TS_OK &&
	      host_translate(pml4, 0x401000) == root[64].cap.obj, "map: a copy maps the frame again");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_REVOKE, 64);
	check(slot_empty(&root[65]) && host_translate(pml4, 0x401000) == 0 &&
	      host_translate(pml4, 0x400000) != 0, "revoke: derived cap and its mapping are gone, the original stays");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 64);
	check(host_translate(pml4, 0x400000) == 0, "delete: a mapped frame cap unmaps");
	/* A page table removed from under a mapping takes the translation with it. */
	retype(TS_OBJ_FRAME_4K, 0, 66, 1);
	INVOKE(66, TS_FRAME_MAP, 60, 0x403000, TS_RIGHT_READ, 0);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 63);
	check(host_translate(pml4, 0x403000) == 0, "delete: page table unmapped with its frames");
	unsigned before = host.unmaps;
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 60);
	check(INVOKE(66, TS_FRAME_UNMAP, 0) == TS_OK && host.unmaps == before && root[66].cap.map == 0,
	      "vspace deleted: stale mappings are recognised and ignored");
	check(invariants_check() == 0, "mappings: invariants hold");
}

/* The self-check itself: it must see a mapping of a kernel object and two objects in one place. */
static void test_invariant_checks(void)
{
	void *pml4;
	struct cap bogus;

	retype_paging(70);
	retype(TS_OBJ_ENDPOINT, 0, 74, 1);
	pml4 = (void *)root[70].cap.obj;
	INVOKE(71, TS_PAGING_MAP, 70, 0x400000);
	INVOKE(72, TS_PAGING_MAP, 70, 0x400000);
	INVOKE(73, TS_PAGING_MAP, 70, 0x400000);
	check(invariants_check() == 0, "invariants: a VSpace with its tables holds");
	arch_map_entry(pml4, 0x400000, 1, virt_to_phys((void *)root[73].cap.obj), false, TS_RIGHT_READ, 0);
	check(invariants_check() != 0, "invariants: a frame entry to a page table is caught");
	arch_unmap_entry(pml4, 0x400000, 1, virt_to_phys((void *)root[73].cap.obj));
	bogus = (struct cap){ .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL,
			      .size_bits = TS_PAGE_BITS, .obj = root[74].cap.obj & ~0xfffull };
	cdt_insert_child(&cdt_root, &root[75], &bogus);
	check(invariants_check() != 0, "invariants: a frame over an endpoint is caught");
	for (unsigned i = 70; i <= 75; i++)
		INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, i);
	check(invariants_check() == 0, "invariants: hold again once the faults are gone");
}

static void test_guest_space(void)
{
	check(retype(TS_OBJ_VCPU, 0, 90, 1) == TS_ERR_ILLEGAL_OPERATION && slot_empty(&root[90]),
	      "vcpu: refused where the CPU has no virtualisation (the host model)");
	check(retype(TS_OBJ_GUEST_SPACE, 0, 91, 1) == TS_OK && retype(TS_OBJ_PDPT, 0, 92, 1) == TS_OK &&
	      INVOKE(92, TS_PAGING_MAP, 91, 0) == TS_OK, "guest space: paging structures install like in a VSpace");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 91);
	check(invariants_check() == 0, "guest space: deleted cleanly");
}

static void test_cspace(void)
{
	word_t node = 70;

	retype(TS_OBJ_CNODE, 4, node, 1);
	/* Guard 0 of 8 bits, radix 4: a two-level CPtr = root index << 49 | 0 << 41... */
	check(INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 71, TS_ROOT_CNODE, node,
		     TS_RIGHTS_ALL, (word_t)(64 - ROOT_RADIX - 4) << CNODE_GUARD_SIZE_SHIFT) == TS_OK,
	      "cspace: mint a CNode cap with a guard");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, 72);
	retype(TS_OBJ_ENDPOINT, 0, 72, 1);
	check(INVOKE(node, TS_CNODE_COPY, 5, TS_ROOT_CNODE, 72, TS_RIGHTS_ALL) == TS_OK, "cspace: copy into the child CNode");
	/* Root guard (49 bits) then root index; the minted CNode consumes the rest. */
	struct cap saved = root[TS_ROOT_CNODE].cap;
	me->slots[TCB_CSPACE].cap.guard_size = 0;
	me->slots[TCB_CSPACE].cap.data = 0;
	word_t cptr = (word_t)71 << (64 - ROOT_RADIX) | 5;
	struct slot *s = cspace_lookup(me, cptr);
	check(s && s->cap.type == TS_OBJ_ENDPOINT, "cspace: two-level lookup through a guarded CNode");
	check(cspace_lookup(me, cptr | (1ull << 10)) == NULL, "cspace: guard mismatch fails");
	me->slots[TCB_CSPACE].cap = saved;
	me->slots[TCB_CSPACE].cap.guard_size = 64 - ROOT_RADIX;
	check(cspace_lookup(me, 0) == NULL, "cspace: CPtr 0 is null");
	check(cspace_lookup(me, 1ull << 63) == NULL, "cspace: nonzero guard bits fail");
}

static void test_console_rights(void)
{
	const char text[8] = "hello!\n";
	word_t word;

	memcpy(&word, text, 8);
	cdt_insert_child(&cdt_root, &root[TS_ROOT_CONSOLE],
			 &(struct cap){ .type = TS_CAP_CONSOLE, .rights = TS_RIGHTS_ALL });
	INVOKE(TS_ROOT_CNODE, TS_CNODE_MINT, 80, TS_ROOT_CNODE, TS_ROOT_CONSOLE, TS_RIGHT_WRITE, 0);
	check(INVOKE(80, TS_CONSOLE_WRITE, 7, word) == TS_OK &&
	      memmem(host.console, host.console_len, "hello!", 6) != NULL, "console: a write-only cap writes");
	check(INVOKE(80, TS_CONSOLE_READ_LOG, 0) == TS_ERR_INSUFFICIENT_RIGHTS,
	      "console: reading the log needs the read right");
	check(INVOKE(TS_ROOT_CONSOLE, TS_CONSOLE_READ_LOG, 0) == TS_OK && me->ctx.r10 > 0,
	      "console: the full cap reads the log back");
}

static void test_cycles_and_chains(void)
{
	const word_t chain = 20000;
	word_t base = 100;

	/* A CNode holding a capability to itself survives deletion of its outside cap. */
	retype(TS_OBJ_CNODE, 2, base, 1);
	INVOKE(base, TS_CNODE_COPY, 1, TS_ROOT_CNODE, base, TS_RIGHTS_ALL);
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, base);
	check(invariants_check() == 0, "cycle: self-referencing CNode is consistent");

	/* A chain of CNodes, each holding the only cap to the next, dies without recursion. */
	for (word_t i = 0; i < chain; i++)
		if (retype(TS_OBJ_CNODE, 2, base + 1 + i % 2, 1) != TS_OK)
			break;
		else if (i)
			INVOKE(base + 1 + i % 2, TS_CNODE_MOVE, 1, TS_ROOT_CNODE, base + 1 + (i + 1) % 2);
	check(invariants_check() == 0, "chain: 20000 nested CNodes built");
	INVOKE(TS_ROOT_CNODE, TS_CNODE_DELETE, base + 1 + (chain - 1) % 2);
	check(invariants_check() == 0, "chain: deleting the outermost cap empties them all");

	/* Revoking the untyped removes everything made from it and frees all memory. */
	INVOKE(TS_ROOT_CNODE, TS_CNODE_REVOKE, SLOT_UNTYPED);
	check(root[SLOT_UNTYPED].first_child == NULL && untyped_free() == BIT(UNTYPED_BITS),
	      "revoke untyped: every object is gone and all memory is free");
	check(retype(TS_OBJ_FRAME_4K, 0, 8, 1) == TS_OK && root[8].cap.obj == (word_t)untyped_mem,
	      "revoke untyped: memory is reused from the start");
	check(invariants_check() == 0, "revoke untyped: invariants hold");
}

int main(void)
{
	unit_setup();
	test_layout();
	test_retype();
	test_derivation();
	test_ipc();
	test_timeouts();
	test_mappings();
	test_invariant_checks();
	test_guest_space();
	test_cspace();
	test_console_rights();
	test_cycles_and_chains();
	test_xen();
	return unit_finish();
}
