/*
 * The system-test root task. It runs every test group against the live
 * kernel, printing TAP lines on the console, then ends the QEMU run through
 * an IOPort cap on QEMU's isa-debug-exit port (0xf4).
 */
#include <ts/runtime.h>
#include "harness.h"


const struct ts_bootinfo *bi;
extern unsigned tests_run, tests_failed;

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
	exit_qemu("tessera-tests", tests_failed != 0);
	return 0;
}
