/*
 * demo: a small native domain for the appliance. It greets init over its
 * endpoint, does some work, and with fault=1 on its command line touches
 * memory it was not given, which init reports as a page fault.
 */
#include <ts/cmdline.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include "protocol.h"

static unsigned count_primes(unsigned below)
{
	unsigned n = 0;

	for (unsigned i = 2; i < below; i++) {
		unsigned d = 2;

		while (d * d <= i && i % d)
			d++;
		n += d * d > i;
	}
	return n;
}

int main(void *start_arg)
{
	const struct ts_child_info *info = start_arg;
	struct ts_msg m = { .info = ts_msginfo_new(INIT_HELLO, 0, 0) };
	char name[32] = "demo", fault[4] = "0";

	if (ts_child_init(info) != 0 || info->nr_caps < 1)
		return 1;
	ts_cmdline_get(info->cmdline, "name", name, sizeof(name));
	ts_cmdline_get(info->cmdline, "fault", fault, sizeof(fault));
	ts_printf("%s: hello from a Tessera domain (cmdline '%s')\n", name, info->cmdline);
	ts_call(info->caps[0], &m);
	ts_printf("%s: init says %lu domain(s) run, uptime %lu ms\n", name, m.mr[0], m.mr[1]);
	ts_printf("%s: there are %u primes below 100000\n", name, count_primes(100000));
	if (fault[0] == '1') {
		ts_printf("%s: now reading memory I was not given\n", name);
		ts_printf("%s: read %lx\n", name, *(volatile uint64_t *)0x10000000);
	}
	ts_printf("%s: done\n", name);
	return 0;
}
