/*
 * The system-test root task. It runs every test group against the live
 * kernel, printing TAP lines on the console, then ends the QEMU run through
 * an IOPort cap on QEMU's isa-debug-exit port (0xf4).
 */
#include <ts/runtime.h>
#include "harness.h"

#define DEBUG_EXIT_PORT	0xf4

const struct ts_bootinfo *bi;
extern unsigned tests_run, tests_failed;

static void exit_qemu(int failed)
{
	uint64_t port = ts_slot_alloc();

	if (port && ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, DEBUG_EXIT_PORT,
					    DEBUG_EXIT_PORT, TS_ROOT_CNODE, port) == TS_OK)
		ts_ioport_out(port, DEBUG_EXIT_PORT, 1, failed ? 1 : 0);
	ts_printf("tessera-tests: could not exit QEMU\n");
}

int main(void *start_arg)
{
	bi = start_arg;
	if (ts_root_init(bi) != 0)
		return 1;
	ts_printf("tessera-tests: start, %lu CPUs, TSC %lu kHz, %lu modules\n", bi->nr_cpus, bi->tsc_khz,
		  bi->nr_modules);
	test_untyped();
	test_cnode();
	test_ipc();
	test_syscalls();
	test_notification();
	test_tcb();
	test_timeout();
	test_domain();
	test_vm();
	test_hardware();
	test_scheduling();
	test_isolation();
	test_vcpu();
	test_fuzz();
	test_debug();
	ts_printf("tessera-tests: done, %u tests, %u failed\n", tests_run, tests_failed);
	exit_qemu(tests_failed != 0);
	return 0;
}
