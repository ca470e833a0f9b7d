/*
 * The stub-domain system test's root task: it builds each Newlib stub
 * domain of the ISO (boot modules role=nltest, role=lwiptest, and
 * role=nlabort: nltest calling abort, role=xstest) with the
 * cpio archive (role=files), waits for its exit status or a fault (with
 * a deadline), and reports TAP lines next to the ones the domains print.
 * It ends the QEMU run through the isa-debug-exit port (0xf4).
 */
#include <tessera/bootinfo.h>
#include <libos/protocol.h>
#include <ts/cmdline.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include "../builder/stubdom.h"
#include "harness.h"
#include "services.h"

#define EXIT_BADGE	0x100
#define FAULT_BADGE	0x200
#define TIMER_BADGE	(1ull << 62)
#define DEADLINE_MS	20000

const struct ts_bootinfo *bi;	/* for the harness */
extern unsigned tests_run, tests_failed;
static uint64_t ep, timer;

/* A page and a notification the root shares with nltest. */
#define RW		(TS_RIGHT_READ | TS_RIGHT_WRITE)
#define PARENT_BADGE	0x4
static const char greeting[] = "parent: hello", answer[] = "child: hello back";
static uint64_t shared_frame;

static int give_shared(struct ts_domain *d)
{
	uint64_t ntfn, signaller = 0;
	int err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &shared_frame);

	if (err == TS_OK)
		err = ts_frame_fill(shared_frame, greeting, sizeof(greeting));
	if (err == TS_OK)
		err = stubdom_give(d, "shared", shared_frame, RW, 0);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_NOTIFICATION, 0, &ntfn);
	if (err == TS_OK)
		err = stubdom_give(d, "ntfn", ntfn, RW, 0);
	if (err == TS_OK)
		err = (signaller = ts_slot_alloc()) ? TS_OK : TS_ERR_RANGE;
	if (err == TS_OK)
		err = ts_cnode_mint(TS_ROOT_CNODE, signaller, TS_ROOT_CNODE, ntfn, TS_RIGHT_WRITE,
				    PARENT_BADGE);
	if (err == TS_OK)
		ts_signal(signaller);	/* pending until the child waits */
	return err;
}

/* After nltest exited: its answer in the second half of the shared page. */
static void check_shared_answer(void)
{
	const char *page = (const char *)TS_SCRATCH_VADDR;
	int err = ts_map_frame(shared_frame, TS_ROOT_VSPACE, TS_SCRATCH_VADDR, TS_RIGHT_READ, 0);

	check(err == TS_OK && strcmp(page + 2048, answer) == 0,
	      "nltest: the shared page holds its answer '%s'", err == TS_OK ? page + 2048 : "");
	if (err == TS_OK)
		ts_frame_unmap(shared_frame);
}

/* The program name and arguments: the module's command line without role=. */
static void module_args(const struct ts_boot_module *m, char *out, size_t size)
{
	const char *p = m->cmdline;
	size_t n = 0;

	while (*p && n + 1 < size) {
		const char *end = p;

		while (*end && *end != ' ')
			end++;
		if (strncmp(p, "role=", 5) != 0) {
			if (n)
				out[n++] = ' ';
			for (; p < end && n + 1 < size; p++)
				out[n++] = *p;
		}
		p = *end ? end + 1 : end;
	}
	out[n] = 0;
}

/* Runs one stub domain to its exit and checks its status. */
static void run_stubdom(const char *role, unsigned index, int (*give)(struct ts_domain *d),
			uint64_t want_status)
{
	const struct ts_boot_module *m = find_module(role);
	struct ts_domain d = { 0 };
	char args[64], name[192], detail[96] = "";
	struct stubdom_config cfg = {
		.args = args, .cnode_radix = 12, .heap_bits = 23, .console = TS_ROOT_CONSOLE,
		.fault_ep = ep, .fault_badge = FAULT_BADGE | index,
		.exit_ep = ep, .exit_badge = EXIT_BADGE | index,
		.cpio = find_module("files"), .priority = 50, .cpu = index % bi->nr_cpus,
		.domid = 10 + index, .tsc_khz = bi->tsc_khz,
	};
	struct ts_msg msg = { 0 };
	uint64_t start;
	int err;

	ts_snprintf(name, sizeof(name), "%s: the boot module and the cpio archive are present", role);
	if (!check(m && cfg.cpio, "%s", name))
		return;
	module_args(m, args, sizeof(args));
	cfg.image = (const void *)m->vaddr;
	cfg.image_size = m->size;
	err = stubdom_create(&cfg, &d);
	if (err == TS_OK && give)
		err = give(&d);
	if (err == TS_OK)
		err = ts_domain_start(&d);
	ts_snprintf(name, sizeof(name), "%s: built as a stub domain and started ('%s')", role,
		    d.info.cmdline);
	if (err != TS_OK)
		ts_snprintf(detail, sizeof(detail), " (%s)", ts_error_name(err));
	if (!check(err == TS_OK, "%s%s", name, detail))
		return;

	start = ts_rdtsc();
	ts_tcb_set_timeout(TS_ROOT_TCB, timer, start + DEADLINE_MS * bi->tsc_khz);
	ts_recv(ep, &msg);
	ts_tcb_set_timeout(TS_ROOT_TCB, 0, 0);
	ts_tcb_suspend(d.tcb);
	if (msg.badge == (EXIT_BADGE | index) && ts_msginfo_label(msg.info) == LIBOS_EXIT) {
		ts_snprintf(name, sizeof(name), "%s: exit status %ld (want %ld) reached the parent after %lu ms",
			    role, (long)msg.mr[0], (long)want_status, (ts_rdtsc() - start) / bi->tsc_khz);
		check(msg.mr[0] == want_status, "%s", name);
	} else if (msg.badge == (FAULT_BADGE | index)) {
		ts_snprintf(detail, sizeof(detail), " (fault %lu at rip %p, address/vector %lx)",
			    ts_msginfo_label(msg.info), (void *)msg.mr[0], msg.mr[1]);
		ts_snprintf(name, sizeof(name), "%s: ran to its exit", role);
		check(0, "%s%s", name, detail);
	} else {
		ts_snprintf(name, sizeof(name), "%s: exited within %u s", role, DEADLINE_MS / 1000);
		check(0, "%s (no exit message)", name);
	}
}

int main(void *start_arg)
{
	uint64_t ntfn;

	bi = start_arg;
	if (ts_root_init(bi) != 0)
		return 1;
	ts_printf("stubdom-tests: start, %lu CPUs, TSC %lu kHz\n", bi->nr_cpus, bi->tsc_khz);
	/* The deadline timer signals a notification bound to this thread, so
	 * it also ends a receive on the endpoint. */
	if (ts_object_alloc(TS_OBJ_ENDPOINT, 0, &ep) != TS_OK ||
	    ts_object_alloc(TS_OBJ_NOTIFICATION, 0, &ntfn) != TS_OK || !(timer = ts_slot_alloc()) ||
	    ts_cnode_mint(TS_ROOT_CNODE, timer, TS_ROOT_CNODE, ntfn, TS_RIGHT_WRITE, TIMER_BADGE) != TS_OK ||
	    ts_tcb_bind_notification(TS_ROOT_TCB, ntfn) != TS_OK) {
		check(0, "the root task makes its endpoint and timer");
	} else {
		run_stubdom("nltest", 1, give_shared, 0);
		check_shared_answer();
		run_stubdom("lwiptest", 2, NULL, 0);
		/* abort() is SIGABRT to itself: status 128 + 6. */
		run_stubdom("nlabort", 3, NULL, 134);
		run_stubdom("xstest", 4, NULL, 0);
		test_services(ep);
	}
	ts_printf("stubdom-tests: done\n");
	exit_qemu("stubdom-tests", tests_failed != 0);
	return 0;
}
