/*
 * demo: the appliance's demo guest, a Tessera-native program on libos that
 * xl creates from /etc/xen/demo.cfg. It prints to its console, does a
 * little work and exits; its exit status tells the control domain why it
 * stopped (Xen's SHUTDOWN_* codes). Its command line (xl.cfg's extra=)
 * chooses: nothing or "poweroff" exits 0, "reboot" exits 1, "crash"
 * aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libos/libos.h>

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

int main(int argc, char **argv)
{
	const char *how = argc > 1 && strchr(argv[1], '=') == NULL ? argv[1] : "poweroff";

	printf("%s: hello from a Tessera guest created by xl (uptime %llu us)\n", argv[0],
	       (unsigned long long)(libos_now_ns() / 1000));
	printf("%s: there are %u primes below 20000\n", argv[0], count_primes(20000));
	if (strcmp(how, "crash") == 0) {
		printf("%s: crashing on purpose\n", argv[0]);
		abort();
	}
	printf("%s: done, %s\n", argv[0], how);
	return strcmp(how, "reboot") == 0 ? 1 : 0;
}
