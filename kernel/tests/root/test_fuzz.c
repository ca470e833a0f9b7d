/*
 * Supervises the syscall fuzzer (fuzzer.c). Two fuzzer domains run at
 * once, one per CPU (each issues the full count), sharing an endpoint and
 * a notification so that their IPC meets across CPUs; helper threads (one
 * per CPU) unblock them from those two objects, and the supervisor
 * restarts a fuzzer that faults or stalls. The run is cut into epochs:
 * each epoch builds both domains and everything they hold from one untyped
 * "arena", runs them for a tenth of the count, stops them, checks the
 * kernel's invariants, and revokes the arena, which must free all of it.
 * The PRNG state and counters live in status pages outside the arena, so
 * the syscall sequence goes on from epoch to epoch. At the end the
 * reclaimed memory must serve new objects.
 */
#include <ts/cmdline.h>
#include <ts/domain.h>
#include <ts/string.h>
#include "../fuzz.h"
#include "harness.h"

#define INSTANCES	2
#define EPOCHS		10
#define ARENA_BITS	21
#define FAULT_BADGE	0xf2	/* + instance */
#define STALL_MS	25	/* more than two time slices */
#define STATUS_VADDR	0x20000000000ull	/* status pages in the root's VSpace */
#define SCRATCH_VADDR	(STATUS_VADDR + 16 * TS_PAGE_SIZE)

struct instance {
	struct ts_domain d;
	unsigned cpu;
	uint64_t status;		/* frame of its status page */
	volatile struct fuzz_status *st;
	uint64_t last_done, last_change;
	uint64_t restarts, faults, stalls[TS_SYS_COUNT + 1], stalled_suspend;
};

static struct instance fuzzers[INSTANCES];
static uint64_t fault_ep;

/* The helper: answers calls and receives on the shared endpoint and notification. */
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

/* Puts a fuzzer back at its entry point with its original configuration. */
static int restart(struct instance *f)
{
	uint64_t regs[TS_REG_COUNT] = { 0 };
	int err;

	ts_tcb_suspend(f->d.tcb);
	ts_tcb_unbind_notification(f->d.tcb);
	err = ts_tcb_configure(f->d.tcb, f->d.fault_ep, f->d.cnode, f->d.vspace, TS_CHILD_IPC_VADDR, f->d.ipc_frame);
	if (err == TS_OK)
		err = ts_tcb_set_priority(f->d.tcb, ROOT_PRIO);
	if (err == TS_OK)
		err = ts_tcb_set_affinity(f->d.tcb, f->cpu);
	regs[TS_REG_RIP] = f->d.entry;
	regs[TS_REG_RFLAGS] = 0x202;
	regs[TS_REG_RDI] = TS_CHILD_INFO_VADDR;
	regs[TS_REG_FS_BASE] = TS_CHILD_INFO_VADDR;
	if (err == TS_OK)
		err = ts_tcb_write_registers(f->d.tcb, 1, regs);
	f->restarts++;
	f->last_change = ts_rdtsc();
	return err;
}

/* Makes one object from the arena in a fresh root slot. */
static int from_arena(uint64_t arena, enum ts_object_type type, unsigned bits, uint64_t *slot)
{
	*slot = new_slot();
	return *slot ? ts_untyped_retype(arena, type, bits, TS_ROOT_CNODE, *slot, 1) : TS_ERR_RANGE;
}

/* The caps of enum fuzz_cap: its own untyped, CNode and frames, the shared endpoint and notification. */
static int give_caps(struct instance *f, uint64_t arena, const struct helper *shared)
{
	static const struct { enum ts_object_type type; unsigned bits; } own[FUZZ_NR_CAPS] = {
		[FUZZ_UNTYPED_BIG] = { TS_OBJ_UNTYPED, 16 }, [FUZZ_UNTYPED_SMALL] = { TS_OBJ_UNTYPED, 12 },
		[FUZZ_CNODE] = { TS_OBJ_CNODE, 4 }, [FUZZ_FRAME0] = { TS_OBJ_FRAME_4K, 0 },
		[FUZZ_FRAME1] = { TS_OBJ_FRAME_4K, 0 }, [FUZZ_FRAME2] = { TS_OBJ_FRAME_4K, 0 },
	};
	int err = TS_OK;

	for (unsigned i = 0; i < FUZZ_NR_CAPS && err == TS_OK; i++) {
		uint64_t slot;

		if (i == FUZZ_ENDPOINT || i == FUZZ_NOTIFICATION) {
			err = ts_domain_give(&f->d, i == FUZZ_ENDPOINT ? shared->ep : shared->ntfn, TS_RIGHTS_ALL, 0, 0);
			continue;
		}
		err = from_arena(arena, own[i].type, own[i].bits, &slot);
		if (err == TS_OK)
			err = own[i].type == TS_OBJ_UNTYPED ? ts_domain_give_move(&f->d, slot, 0)
							    : ts_domain_give(&f->d, slot, TS_RIGHTS_ALL, 0, 0);
	}
	return err;
}

/* The status pages, from the root's own memory: they outlive the epochs. */
static int make_status_pages(void)
{
	int err = TS_OK;

	for (unsigned i = 0; i < INSTANCES && err == TS_OK; i++) {
		fuzzers[i].status = new_object(TS_OBJ_FRAME_4K, 0);
		fuzzers[i].st = (volatile struct fuzz_status *)(STATUS_VADDR + i * TS_PAGE_SIZE);
		fuzzers[i].cpu = (1 + i) % bi->nr_cpus;
		err = fuzzers[i].status ? ts_map_frame(fuzzers[i].status, TS_ROOT_VSPACE, (uint64_t)fuzzers[i].st,
						       TS_RIGHT_READ | TS_RIGHT_WRITE, 0)
					: TS_ERR_NOT_ENOUGH_MEMORY;
	}
	return err;
}

/* Builds fuzzer i (ts_alloc takes from the arena) and shares its status page with it. */
static int build(unsigned i, const struct ts_boot_module *mod, uint64_t arena, const struct helper *shared)
{
	struct instance *f = &fuzzers[i];
	struct ts_domain_config cfg = {
		.image = (const void *)mod->vaddr, .image_size = mod->size, .cmdline = mod->cmdline,
		.cnode_radix = 6, .fault_ep = fault_ep, .fault_badge = FAULT_BADGE + i,
		.priority = ROOT_PRIO, .cpu = f->cpu, .domid = TS_DOMID_INVALID,
	};
	uint64_t copy = new_slot();
	int err = copy ? ts_domain_create(&cfg, &f->d) : TS_ERR_RANGE;

	if (err == TS_OK)
		err = give_caps(f, arena, shared);
	if (err == TS_OK)
		err = ts_cnode_copy(TS_ROOT_CNODE, copy, TS_ROOT_CNODE, f->status, TS_RIGHTS_ALL);
	if (err == TS_OK)
		err = ts_map_frame(copy, f->d.vspace, FUZZ_STATUS_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	return err;
}

/* The shared endpoint and notification and both fuzzer domains, all from the arena. */
static int build_epoch(const struct ts_boot_module *mod, uint64_t arena, struct helper *shared)
{
	struct ts_allocator saved = ts_alloc;
	uint64_t ntfn, badged = new_slot();
	int err;

	ts_alloc.untyped[0] = arena;
	ts_alloc.nr_untyped = 1;
	ts_alloc.first_with_room = 0;
	err = from_arena(arena, TS_OBJ_ENDPOINT, 0, &shared->ep);
	if (err == TS_OK)
		err = from_arena(arena, TS_OBJ_NOTIFICATION, 0, &ntfn);
	if (err == TS_OK)	/* the helpers signal through a badged copy */
		err = ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, ntfn, TS_RIGHT_WRITE, 1);
	shared->ntfn = badged;
	for (unsigned i = 0; i < INSTANCES && err == TS_OK; i++)
		err = build(i, mod, arena, shared);
	saved.next_slot = ts_alloc.next_slot;
	ts_alloc = saved;
	return err;
}

static void print_instance(unsigned i)
{
	const struct instance *f = &fuzzers[i];
	const volatile struct fuzz_status *st = f->st;
	char line[600];
	int n = ts_snprintf(line, sizeof(line), "# fuzz[%u]: reply labels:", i);

	for (int e = 0; e <= TS_ERR_COUNT && n < (int)sizeof(line); e++)
		n += ts_snprintf(line + n, sizeof(line) - n, " %s=%lu",
				 e < TS_ERR_COUNT ? ts_error_name(e) : "other", st->by_error[e]);
	ts_printf("%s\n", line);
	n = ts_snprintf(line, sizeof(line), "# fuzz[%u]: syscalls:", i);
	for (int s = 0; s <= TS_SYS_COUNT && n < (int)sizeof(line); s++)
		n += ts_snprintf(line + n, sizeof(line) - n, " %d=%lu", s, st->by_syscall[s]);
	ts_printf("%s (the last: invalid numbers)\n", line);
	ts_printf("# fuzz[%u]: CPU %u, %lu syscalls, %lu restarts: %lu after faults; stalls in call %lu"
		  " (%lu TCB_SUSPEND), send %lu, recv %lu, reply_recv %lu\n", i, f->cpu, st->done, f->restarts,
		  f->faults, f->stalls[TS_SYS_CALL], f->stalled_suspend, f->stalls[TS_SYS_SEND],
		  f->stalls[TS_SYS_RECV], f->stalls[TS_SYS_REPLY_RECV]);
}

static void check_results(unsigned i)
{
	const volatile struct fuzz_status *st = fuzzers[i].st;
	uint64_t distinct = 0;

	check(st->finished && st->done >= st->target, "fuzz[%u]: the fuzzer issued all %lu random syscalls", i,
	      st->target);
	for (int e = 0; e < TS_ERR_COUNT; e++)
		distinct += st->by_error[e] != 0;
	check(st->by_error[TS_OK] > 0 && distinct >= 8,
	      "fuzz[%u]: its calls succeeded and failed in many ways (%lu distinct results)", i, distinct);
}

/* Restarts fuzzer f if it made no progress for STALL_MS. */
static void supervise(struct instance *f)
{
	if (f->st->finished)
		return;
	if (f->st->done != f->last_done) {
		f->last_done = f->st->done;
		f->last_change = ts_rdtsc();
	} else if (ts_rdtsc() - f->last_change > ms_ticks(STALL_MS)) {
		uint64_t nr = f->st->last_syscall;

		f->stalls[nr < TS_SYS_COUNT ? nr : TS_SYS_COUNT]++;
		f->stalled_suspend += nr == TS_SYS_CALL && f->st->last_label == TS_TCB_SUSPEND;
		restart(f);
	}
}

static int all_finished(void)
{
	for (unsigned i = 0; i < INSTANCES; i++) {
		if (!fuzzers[i].st->finished)
			return 0;
	}
	return 1;
}

static void stop_all(void)
{
	for (unsigned i = 0; i < INSTANCES; i++)
		ts_tcb_suspend(fuzzers[i].d.tcb);
}

static void call_once(void *arg)
{
	struct ts_msg m = { .info = ts_msginfo_new(0x21, 0, 1), .mr = { 0x4242 } };

	ts_call((uint64_t)arg, &m);
}

/* After the arena was revoked: its memory makes working objects again. */
static void reuse_arena(uint64_t arena)
{
	uint64_t frame, ntfn, ep, badged = new_slot(), value = 0;
	struct ts_msg m = { 0 };

	check_err(from_arena(arena, TS_OBJ_FRAME_4K, 0, &frame), TS_OK, "fuzz: the reclaimed memory makes a frame");
	check_err(ts_map_frame(frame, TS_ROOT_VSPACE, SCRATCH_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0), TS_OK,
		  "fuzz: which maps");
	*(volatile uint64_t *)SCRATCH_VADDR = 0x600d;
	value = *(volatile uint64_t *)SCRATCH_VADDR;
	check(value == 0x600d, "fuzz: and holds data");
	check_err(from_arena(arena, TS_OBJ_NOTIFICATION, 0, &ntfn), TS_OK,
		  "fuzz: the reclaimed memory makes a notification");
	ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, ntfn, TS_RIGHT_WRITE, 0x33);
	ts_signal(badged);
	check(ts_poll(ntfn) == 0x33, "fuzz: which signals");
	check_err(from_arena(arena, TS_OBJ_ENDPOINT, 0, &ep), TS_OK, "fuzz: the reclaimed memory makes an endpoint");
	if (spawn(call_once, (void *)ep, ROOT_PRIO, bi->nr_cpus > 1 ? 1 : 0, 0))
		ts_recv(ep, &m);
	check(ts_msginfo_label(m.info) == 0x21 && m.mr[0] == 0x4242, "fuzz: which carries a call from another thread");
	m = (struct ts_msg){ 0 };
	ts_reply(&m);
	ts_frame_unmap(frame);
	ts_cnode_revoke(TS_ROOT_CNODE, arena);
}

/* Runs both fuzzers until each reached its target (or the time is up). */
static void run_epoch(uint64_t deadline)
{
	uint64_t now = ts_rdtsc();

	for (unsigned i = 0; i < INSTANCES; i++) {
		fuzzers[i].last_change = now;
		fuzzers[i].st->finished = 0;
		ts_domain_start(&fuzzers[i].d);
	}
	while (!all_finished() && ts_rdtsc() < deadline) {
		struct ts_msg m = { 0 };

		ts_nbrecv(fault_ep, &m);
		if (m.badge >= FAULT_BADGE && m.badge < FAULT_BADGE + INSTANCES) {
			fuzzers[m.badge - FAULT_BADGE].faults++;
			restart(&fuzzers[m.badge - FAULT_BADGE]);
		}
		for (unsigned i = 0; i < INSTANCES; i++)
			supervise(&fuzzers[i]);
		ts_yield();
	}
	stop_all();
}

void test_fuzz(void)
{
	const struct ts_boot_module *mod = find_module("fuzzer");
	uint64_t arena = new_object(TS_OBJ_UNTYPED, ARENA_BITS), target = 1000000, seed = ts_rdtsc() ^ 0x7e55e7a5eedull;
	uint64_t violations = ~0ull, free_bytes = 0, start, deadline, bad_checkpoints = 0, bad_reclaims = 0;
	unsigned epoch;
	static struct helper shared;
	struct ts_thread *helpers[INSTANCES];
	char value[24] = "";
	const char *p;
	int err = TS_OK;

	if (!mod) {
		ts_printf("# fuzz: no fuzzer module in this image, skipped\n");
		return;
	}
	fault_ep = new_object(TS_OBJ_ENDPOINT, 0);
	if (!arena || !fault_ep || !check_err(make_status_pages(), TS_OK, "fuzz: status pages"))
		return;
	if (ts_cmdline_get(mod->cmdline, "count", value, sizeof(value)) && (p = value))
		target = ts_parse_u64(&p);
	if (ts_cmdline_get(mod->cmdline, "seed", value, sizeof(value)) && (p = value))
		seed = ts_parse_u64(&p);
	for (unsigned i = 0; i < INSTANCES; i++) {
		fuzzers[i].st->seed = seed + i;
		ts_printf("# fuzz[%u]: %lu syscalls on CPU %u in %u epochs, seed 0x%lx (rerun: seed=0x%lx on the"
			  " fuzzer's module line)\n", i, target, fuzzers[i].cpu, EPOCHS, seed + i, seed);
	}
	for (unsigned i = 0; i < INSTANCES; i++)
		helpers[i] = spawn(unblock_forever, &shared, ROOT_PRIO, fuzzers[i].cpu, 0);

	start = ts_rdtsc();
	deadline = start + ms_ticks(300000);
	for (epoch = 0; epoch < EPOCHS && err == TS_OK && ts_rdtsc() < deadline; epoch++) {
		err = build_epoch(mod, arena, &shared);
		if (err != TS_OK)
			break;
		for (unsigned i = 0; i < INSTANCES; i++)
			fuzzers[i].st->target = target * (epoch + 1) / EPOCHS;
		run_epoch(deadline);
		/* both stopped: are the kernel's structures sound, and does revoke take it all back? */
		violations = ~0ull;
		ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
		bad_checkpoints += violations != 0;
		err = ts_cnode_revoke(TS_ROOT_CNODE, arena);
		ts_debug_untyped_free(TS_ROOT_DEBUG, arena, &free_bytes);
		bad_reclaims += free_bytes != 1ull << ARENA_BITS;
	}
	for (unsigned i = 0; i < INSTANCES; i++)
		stop(helpers[i]);
	ts_printf("# fuzz: %u fuzzers ran %u epochs in %lu ms\n", INSTANCES, epoch, (ts_rdtsc() - start) / ms_ticks(1));
	check_err(err, TS_OK, "fuzz: every epoch built the fuzzer domains from the arena and revoked them");
	for (unsigned i = 0; i < INSTANCES; i++) {
		print_instance(i);
		check_results(i);
	}
	check(bad_checkpoints == 0, "fuzz: no invariant violation after any of the %u epochs", epoch);
	check(bad_reclaims == 0, "fuzz: revoking the arena freed all of it after every epoch");
	violations = ~0ull;
	check_err(ts_debug_check_invariants(TS_ROOT_DEBUG, &violations), TS_OK, "fuzz: check invariants");
	check(violations == 0, "fuzz: no invariant violation at the end (%lu)", violations);
	reuse_arena(arena);
}
