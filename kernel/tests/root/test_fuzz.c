/*
 * Supervises the syscall fuzzer (fuzzer.c): builds its domain from memory
 * of one untyped "arena", lets it run its syscalls while a helper thread
 * unblocks it from its endpoint and notification, restarts it when it
 * faults or stalls, then checks the kernel's invariants, revokes the arena
 * and checks the reclaimed memory serves new objects.
 */
#include <ts/cmdline.h>
#include <ts/domain.h>
#include <ts/string.h>
#include "../fuzz.h"
#include "harness.h"

#define ARENA_BITS	20
#define FAULT_BADGE	0xf2
#define STALL_MS	10
#define STATUS_VADDR	0x20000000000ull	/* the status page in the root's VSpace */

static struct ts_domain fuzzer;
static uint64_t fault_ep;

/* The helper: answers calls and receives on the fuzzer's endpoint and notification. */
struct helper {
	uint64_t ep, ntfn;
};

static void unblock_forever(void *arg)
{
	struct helper *h = arg;

	ts_ipc()->receive_cnode = 0;
	for (;;) {
		struct ts_msg m = { 0 };

		ts_nbrecv(h->ep, &m);
		if (m.info || m.badge) {
			m = (struct ts_msg){ 0 };
			ts_reply(&m);
		}
		m = (struct ts_msg){ .info = ts_msginfo_new(0, 0, 0) };
		ts_nbsend(h->ep, &m);
		ts_signal(h->ntfn);
		ts_yield();
	}
}

/* Puts the fuzzer back at its entry point with its original configuration. */
static int restart(unsigned cpu)
{
	uint64_t regs[TS_REG_COUNT] = { 0 };
	int err;

	ts_tcb_suspend(fuzzer.tcb);
	ts_tcb_unbind_notification(fuzzer.tcb);
	err = ts_tcb_configure(fuzzer.tcb, fuzzer.fault_ep, fuzzer.cnode, fuzzer.vspace, TS_CHILD_IPC_VADDR,
			       fuzzer.ipc_frame);
	if (err == TS_OK)
		err = ts_tcb_set_priority(fuzzer.tcb, ROOT_PRIO);
	if (err == TS_OK)
		err = ts_tcb_set_affinity(fuzzer.tcb, cpu);
	regs[TS_REG_RIP] = fuzzer.entry;
	regs[TS_REG_RFLAGS] = 0x202;
	regs[TS_REG_RDI] = TS_CHILD_INFO_VADDR;
	regs[TS_REG_FS_BASE] = TS_CHILD_INFO_VADDR;
	if (err == TS_OK)
		err = ts_tcb_write_registers(fuzzer.tcb, 1, regs);
	return err;
}

/* The caps of enum fuzz_cap, made from the arena and given to the fuzzer. */
static int give_caps(uint64_t arena, struct helper *h)
{
	static const struct { enum ts_object_type type; unsigned bits; } objs[FUZZ_NR_CAPS] = {
		[FUZZ_UNTYPED_BIG] = { TS_OBJ_UNTYPED, 16 }, [FUZZ_UNTYPED_SMALL] = { TS_OBJ_UNTYPED, 12 },
		[FUZZ_ENDPOINT] = { TS_OBJ_ENDPOINT, 0 }, [FUZZ_NOTIFICATION] = { TS_OBJ_NOTIFICATION, 0 },
		[FUZZ_CNODE] = { TS_OBJ_CNODE, 4 }, [FUZZ_FRAME0] = { TS_OBJ_FRAME_4K, 0 },
		[FUZZ_FRAME1] = { TS_OBJ_FRAME_4K, 0 }, [FUZZ_FRAME2] = { TS_OBJ_FRAME_4K, 0 },
	};
	int err = TS_OK;

	for (unsigned i = 0; i < FUZZ_NR_CAPS && err == TS_OK; i++) {
		uint64_t slot = new_slot();

		err = ts_untyped_retype(arena, objs[i].type, objs[i].bits, TS_ROOT_CNODE, slot, 1);
		if (err != TS_OK)
			break;
		if (i == FUZZ_ENDPOINT)
			h->ep = slot;
		if (i == FUZZ_NOTIFICATION && (h->ntfn = new_slot()))
			err = ts_cnode_mint(TS_ROOT_CNODE, h->ntfn, TS_ROOT_CNODE, slot, TS_RIGHT_WRITE, 0x1);
		if (err == TS_OK)
			err = objs[i].type == TS_OBJ_UNTYPED ? ts_domain_give_move(&fuzzer, slot, 0)
							     : ts_domain_give(&fuzzer, slot, TS_RIGHTS_ALL, 0, 0);
	}
	return err;
}

static void print_histogram(const struct fuzz_status *st)
{
	char line[600];
	int n = ts_snprintf(line, sizeof(line), "# fuzz: reply labels:");

	for (int i = 0; i <= TS_ERR_COUNT && n < (int)sizeof(line); i++)
		n += ts_snprintf(line + n, sizeof(line) - n, " %s=%lu",
				 i < TS_ERR_COUNT ? ts_error_name(i) : "other", st->by_error[i]);
	ts_printf("%s\n", line);
	n = ts_snprintf(line, sizeof(line), "# fuzz: syscalls:");
	for (int i = 0; i <= TS_SYS_COUNT && n < (int)sizeof(line); i++)
		n += ts_snprintf(line + n, sizeof(line) - n, " %d=%lu", i, st->by_syscall[i]);
	ts_printf("%s (the last: invalid numbers)\n", line);
}

static void call_once(void *arg)
{
	struct ts_msg m = { .info = ts_msginfo_new(0x21, 0, 1), .mr = { 0x4242 } };

	ts_call((uint64_t)arg, &m);
}

/* After the arena was revoked: its memory makes working objects again. */
static void reuse_arena(uint64_t arena)
{
	uint64_t frame = new_slot(), ntfn = new_slot(), badged = new_slot(), ep = new_slot(), value = 0;
	struct ts_msg m = { 0 };

	check_err(ts_untyped_retype(arena, TS_OBJ_FRAME_4K, 0, TS_ROOT_CNODE, frame, 1), TS_OK,
		  "fuzz: the reclaimed memory makes a frame");
	check_err(ts_map_frame(frame, TS_ROOT_VSPACE, STATUS_VADDR + 16 * TS_PAGE_SIZE,
			       TS_RIGHT_READ | TS_RIGHT_WRITE, 0), TS_OK, "fuzz: which maps");
	*(volatile uint64_t *)(STATUS_VADDR + 16 * TS_PAGE_SIZE) = 0x600d;
	value = *(volatile uint64_t *)(STATUS_VADDR + 16 * TS_PAGE_SIZE);
	check(value == 0x600d, "fuzz: and holds data");
	check_err(ts_untyped_retype(arena, TS_OBJ_NOTIFICATION, 0, TS_ROOT_CNODE, ntfn, 1), TS_OK,
		  "fuzz: the reclaimed memory makes a notification");
	ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, ntfn, TS_RIGHT_WRITE, 0x33);
	ts_signal(badged);
	check(ts_poll(ntfn) == 0x33, "fuzz: which signals");
	check_err(ts_untyped_retype(arena, TS_OBJ_ENDPOINT, 0, TS_ROOT_CNODE, ep, 1), TS_OK,
		  "fuzz: the reclaimed memory makes an endpoint");
	if (spawn(call_once, (void *)ep, ROOT_PRIO, bi->nr_cpus > 1 ? 1 : 0, 0))
		ts_recv(ep, &m);
	check(ts_msginfo_label(m.info) == 0x21 && m.mr[0] == 0x4242, "fuzz: which carries a call from another thread");
	m = (struct ts_msg){ 0 };
	ts_reply(&m);
	ts_frame_unmap(frame);
	ts_cnode_revoke(TS_ROOT_CNODE, arena);
}

void test_fuzz(void)
{
	const struct ts_boot_module *mod = find_module("fuzzer");
	uint64_t arena = new_object(TS_OBJ_UNTYPED, ARENA_BITS), status = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t status_copy = new_slot(), violations = ~0ull, free_bytes = 0, restarts = 0, faults = 0;
	unsigned cpu = bi->nr_cpus > 1 ? 1 : 0;
	volatile struct fuzz_status *st = (volatile struct fuzz_status *)STATUS_VADDR;
	static struct helper h;
	struct ts_thread *helper;
	uint64_t start, last_change, last_done = 0, distinct = 0;
	uint64_t next_checkpoint, checkpoints = 0, bad_checkpoints = 0;
	uint64_t stalls[TS_SYS_COUNT + 1] = { 0 }, stalled_suspend = 0;
	char value[24] = "";
	const char *p = value;
	struct ts_domain_config cfg;

	if (!mod) {
		ts_printf("# fuzz: no fuzzer module in this image, skipped\n");
		return;
	}
	fault_ep = new_object(TS_OBJ_ENDPOINT, 0);
	if (!arena || !status || !fault_ep)
		return;
	cfg = (struct ts_domain_config){
		.image = (const void *)mod->vaddr, .image_size = mod->size, .cmdline = mod->cmdline,
		.cnode_radix = 6, .fault_ep = fault_ep, .fault_badge = FAULT_BADGE,
		.priority = ROOT_PRIO, .cpu = cpu, .domid = TS_DOMID_INVALID,
	};
	if (!check_err(ts_domain_create(&cfg, &fuzzer), TS_OK, "fuzz: build the fuzzer domain") ||
	    !check_err(give_caps(arena, &h), TS_OK, "fuzz: give it untyped, endpoint, notification, CNode, frames"))
		return;
	ts_map_frame(status, TS_ROOT_VSPACE, STATUS_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	ts_cnode_copy(TS_ROOT_CNODE, status_copy, TS_ROOT_CNODE, status, TS_RIGHTS_ALL);
	if (!check_err(ts_map_frame(status_copy, fuzzer.vspace, FUZZ_STATUS_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0),
		       TS_OK, "fuzz: share its status page"))
		return;
	st->target = 1000000;
	if (ts_cmdline_get(mod->cmdline, "count", value, sizeof(value)))
		st->target = ts_parse_u64(&p);
	st->seed = ts_rdtsc() ^ 0x7e55e7a5eedull;
	if (ts_cmdline_get(mod->cmdline, "seed", value, sizeof(value))) {
		p = value;
		st->seed = ts_parse_u64(&p);
	}
	next_checkpoint = st->target / 10;
	ts_printf("# fuzz: %lu syscalls, seed 0x%lx (rerun with seed=0x%lx on the fuzzer's module line)\n",
		  st->target, st->seed, st->seed);
	helper = spawn(unblock_forever, &h, ROOT_PRIO, 0, 0);
	if (!check_err(ts_domain_start(&fuzzer), TS_OK, "fuzz: start the fuzzer on CPU %u", cpu))
		return;

	start = last_change = ts_rdtsc();
	while (!st->finished && ts_rdtsc() - start < ms_ticks(300000)) {
		struct ts_msg m = { 0 };

		if (st->done >= next_checkpoint) {
			/* check the kernel's invariants with the fuzzer stopped mid-run */
			ts_tcb_suspend(fuzzer.tcb);
			violations = ~0ull;
			ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
			bad_checkpoints += violations != 0;
			checkpoints++;
			next_checkpoint += st->target / 10;
			ts_tcb_resume(fuzzer.tcb);
		}
		ts_nbrecv(fault_ep, &m);
		if (m.badge == FAULT_BADGE) {
			faults++;
			restarts++;
			restart(cpu);
			last_change = ts_rdtsc();
		} else if (st->done != last_done) {
			last_done = st->done;
			last_change = ts_rdtsc();
		} else if (ts_rdtsc() - last_change > ms_ticks(STALL_MS)) {
			stalls[st->last_syscall < TS_SYS_COUNT ? st->last_syscall : TS_SYS_COUNT]++;
			stalled_suspend += st->last_syscall == TS_SYS_CALL && st->last_label == TS_TCB_SUSPEND;
			restarts++;
			restart(cpu);
			last_change = ts_rdtsc();
		}
		ts_yield();
	}
	ts_tcb_suspend(fuzzer.tcb);
	stop(helper);
	ts_printf("# fuzz: %lu syscalls in %lu ms, %lu restarts (%lu after faults)\n", st->done,
		  (ts_rdtsc() - start) / ms_ticks(1), restarts, faults);
	print_histogram((const struct fuzz_status *)st);
	ts_printf("# fuzz: stalls by syscall: call %lu (%lu of them TCB_SUSPEND), send %lu, recv %lu, reply_recv %lu,"
		  " other %lu\n", stalls[TS_SYS_CALL], stalled_suspend, stalls[TS_SYS_SEND], stalls[TS_SYS_RECV],
		  stalls[TS_SYS_REPLY_RECV], restarts - faults - stalls[TS_SYS_CALL] - stalls[TS_SYS_SEND] -
		  stalls[TS_SYS_RECV] - stalls[TS_SYS_REPLY_RECV]);
	check(st->finished && st->done >= st->target, "fuzz: the fuzzer issued all %lu random syscalls", st->target);
	check(checkpoints > 0 && bad_checkpoints == 0,
	      "fuzz: no invariant violation at any of %lu checkpoints during the run", checkpoints);
	for (int i = 0; i < TS_ERR_COUNT; i++)
		distinct += st->by_error[i] != 0;
	check(st->by_error[TS_OK] > 0 && distinct >= 8,
	      "fuzz: its calls succeeded and failed in many ways (%lu distinct results)", distinct);
	check_err(ts_debug_check_invariants(TS_ROOT_DEBUG, &violations), TS_OK, "fuzz: check invariants");
	check(violations == 0, "fuzz: no invariant violation after the fuzzer (%lu)", violations);

	/* take everything it made back */
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, arena), TS_OK, "fuzz: revoke the fuzzer's untyped arena");
	ts_debug_untyped_free(TS_ROOT_DEBUG, arena, &free_bytes);
	check(free_bytes == 1ull << ARENA_BITS, "fuzz: all of the arena is free again");
	violations = ~0ull;
	ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
	check(violations == 0, "fuzz: no invariant violation after the revoke (%lu)", violations);
	reuse_arena(arena);
}
