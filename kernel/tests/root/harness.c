/* TAP output, object helpers and threads for the test root task. */
#include <stdarg.h>
#include <ts/cmdline.h>
#include <ts/string.h>
#include "harness.h"

#define MAX_THREADS	80
#define STACK_SIZE	12288
#define GUARD_BADGE	0x6a

unsigned tests_run, tests_failed;

static struct ts_thread threads[MAX_THREADS];
static uint8_t stacks[MAX_THREADS][STACK_SIZE] __attribute__((aligned(16)));
static unsigned nr_threads;
static uint64_t guard_ep, guard_ep_badged;

static int report(int cond, const char *detail, const char *fmt, va_list ap)
{
	char name[400];

	ts_vsnprintf(name, sizeof(name), fmt, ap);
	tests_run++;
	if (!cond)
		tests_failed++;
	ts_printf("%s %u - %s%s\n", cond ? "ok" : "not ok", tests_run, name, detail);
	return cond;
}

int check(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, "", fmt, ap);
	va_end(ap);
	return cond;
}

int check_err(int got, int want, const char *fmt, ...)
{
	char detail[64] = "";
	va_list ap;

	if (got != want)
		ts_snprintf(detail, sizeof(detail), " (got: %s)", ts_error_name(got));
	va_start(ap, fmt);
	report(got == want, detail, fmt, ap);
	va_end(ap);
	return got == want;
}

int check_range_err(int got, const char *fmt, ...)
{
	int ok = got == TS_ERR_RANGE || got == TS_ERR_INVALID_ARGUMENT;
	char detail[64] = "";
	va_list ap;

	if (!ok)
		ts_snprintf(detail, sizeof(detail), " (got: %s)", ts_error_name(got));
	va_start(ap, fmt);
	report(ok, detail, fmt, ap);
	va_end(ap);
	return ok;
}

uint64_t new_slot(void)
{
	uint64_t slot = ts_slot_alloc();

	if (!slot)
		check(0, "the root CNode has a free slot");
	return slot;
}

uint64_t new_object(enum ts_object_type type, unsigned size_bits)
{
	uint64_t slot;
	int err = ts_object_alloc(type, size_bits, &slot);

	if (err != TS_OK) {
		check_err(err, TS_OK, "retype an object of type %d (size_bits %u)", type, size_bits);
		return 0;
	}
	return slot;
}

int slot_is_empty(uint64_t slot)
{
	int empty = 0;

	return ts_cnode_is_empty(TS_ROOT_CNODE, slot, &empty) == TS_OK && empty;
}

uint64_t cap_type(uint64_t cptr)
{
	uint64_t type = ~0ull;

	ts_debug_cap_identify(TS_ROOT_DEBUG, cptr, &type);
	return type;
}

int syscall_label(enum ts_syscall nr, uint64_t cptr)
{
	struct ts_msg m = { .info = ts_msginfo_new(1, 0, 0) };

	ts_syscall(nr, cptr, &m);
	return (int)ts_msginfo_label(m.info);
}

uint64_t ms_ticks(uint64_t ms)
{
	return ms * (bi->tsc_khz ? bi->tsc_khz : 1000000);
}

uint64_t deadline_ms(uint64_t ms)
{
	return ts_rdtsc() + ms_ticks(ms);
}

uint64_t wait_ntfn(uint64_t ntfn, uint64_t ms)
{
	uint64_t end = deadline_ms(ms), word;

	while (!(word = ts_poll(ntfn)) && ts_rdtsc() < end)
		ts_yield();
	return word;
}

int wait_flag(volatile int *flag, uint64_t ms)
{
	uint64_t end = deadline_ms(ms);

	while (!*flag && ts_rdtsc() < end)
		ts_yield();
	return *flag;
}

struct ts_thread *spawn(void (*fn)(void *), void *arg, unsigned prio, unsigned cpu, uint64_t fault_ep)
{
	struct ts_thread *t;
	int err;

	if (nr_threads == MAX_THREADS) {
		check(0, "the harness has a free thread");
		return 0;
	}
	t = &threads[nr_threads];
	err = ts_thread_start(t, fn, arg, stacks[nr_threads], STACK_SIZE, prio, cpu, fault_ep);
	if (err != TS_OK) {
		check_err(err, TS_OK, "start a thread on CPU %u", cpu);
		return 0;
	}
	nr_threads++;
	return t;
}

void stop(struct ts_thread *t)
{
	if (t)
		ts_tcb_suspend(t->tcb);
}

int run_guarded(void (*fn)(void *), void *arg, struct ts_msg *fault, uint64_t ms)
{
	uint64_t end = deadline_ms(ms);
	struct ts_thread *t;

	if (!guard_ep) {
		guard_ep = new_object(TS_OBJ_ENDPOINT, 0);
		guard_ep_badged = new_slot();
		if (!guard_ep || ts_cnode_mint(TS_ROOT_CNODE, guard_ep_badged, TS_ROOT_CNODE,
					       guard_ep, TS_RIGHTS_ALL, GUARD_BADGE) != TS_OK)
			return -1;
	}
	t = spawn(fn, arg, ROOT_PRIO, 0, guard_ep_badged);
	if (!t)
		return -1;
	while (ts_rdtsc() < end) {
		struct ts_msg m = { 0 };

		if (t->finished)
			return 1;
		ts_nbrecv(guard_ep, &m);
		if (m.badge == GUARD_BADGE) {
			*fault = m;
			stop(t);
			return 0;
		}
		ts_yield();
	}
	stop(t);
	return -1;
}

const struct ts_boot_module *find_module(const char *role)
{
	for (uint64_t i = 0; i < bi->nr_modules; i++) {
		char value[32];

		if (ts_cmdline_get(bi->modules[i].cmdline, "role", value, sizeof(value)) &&
		    strcmp(value, role) == 0)
			return &bi->modules[i];
	}
	return 0;
}

#define DEBUG_EXIT_PORT	0xf4

void exit_qemu(const char *who, int failed)
{
	uint64_t port = ts_slot_alloc();

	if (port && ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, DEBUG_EXIT_PORT,
					    DEBUG_EXIT_PORT, TS_ROOT_CNODE, port) == TS_OK)
		ts_ioport_out(port, DEBUG_EXIT_PORT, 1, failed ? 1 : 0);
	ts_printf("%s: could not exit QEMU\n", who);
}
