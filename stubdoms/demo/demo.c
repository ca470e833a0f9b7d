/*
 * demo: the appliance's demo guest, a Tessera-native program on libos that
 * xl creates from /etc/xen/demo.cfg. It prints to its console, does a
 * little work and exits; its exit status tells the control domain why it
 * stopped (Xen's SHUTDOWN_* codes). Its command line (xl.cfg's extra=)
 * chooses: nothing or "poweroff" exits 0, "reboot" exits 1, "crash"
 * aborts, "wait" waits for `xl shutdown` / `xl reboot` (its control/shutdown
 * node) and exits as asked. It also checks that the memory it was given is zeroed (a guest
 * before it may have used the same pages) and dirties it before leaving.
 * Given a XenStore ring (keys xsring, xskick, xsevent: the control domain
 * introduced it to the xenstore stub domain), it reads its home, writes
 * data/greeting and reads it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libos/libos.h>
#include <libos/xenbus.h>

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

#define SCRUB_CHECK_BYTES (2u << 20)

/* Fresh heap pages must be all zero; then leave a pattern behind. */
static void check_scrubbed(const char *name)
{
	unsigned char *p = malloc(SCRUB_CHECK_BYTES);
	size_t dirty = 0;

	if (p == NULL) {
		printf("%s: no memory for the scrub check\n", name);
		return;
	}
	for (size_t i = 0; i < SCRUB_CHECK_BYTES; i++)
		dirty += p[i] != 0;
	printf("%s: %u KiB of fresh memory, %zu non-zero bytes\n", name, SCRUB_CHECK_BYTES >> 10,
	       dirty);
	memset(p, 0xa5, SCRUB_CHECK_BYTES);
	free(p);
}

static struct xenbus xb;
static struct libos_event xs_event;

/* Connects to xenstored when the control domain gave a ring; 0 if it did. */
static int xenstore_connect(struct libos_xenbus_link *link)
{
	uint64_t ring, ntfn;
	volatile void *page;

	if (libos_args_number(&libos_args, "xsring", &ring) != 0 ||
	    libos_args_number(&libos_args, "xskick", &link->signal) != 0 ||
	    libos_args_number(&libos_args, "xsevent", &ntfn) != 0 ||
	    libos_event_init(&xs_event, ntfn) != 0 || !(page = libos_map_shared(ring, 1, 1)))
		return -1;
	libos_xenbus_init(&xb, page, link);
	return 0;
}

/* Its home, as xl wrote it (relative paths are below /local/domain/N). 0 if connected. */
static int xenstore_home(const char *name)
{
	static struct libos_xenbus_link link = { 0, &xs_event, 2000000000 };
	char domid[16], target[32], greeting[64];
	long rc;

	if (xenstore_connect(&link) != 0)
		return -1;
	if (xenbus_read(&xb, "domid", domid, sizeof(domid)) < 0 ||
	    xenbus_read(&xb, "memory/target", target, sizeof(target)) < 0) {
		printf("%s: xenstore: cannot read my home\n", name);
		return -1;
	}
	printf("%s: xenstore: /local/domain/%s, memory/target %s KiB\n", name, domid, target);
	snprintf(greeting, sizeof(greeting), "hello from domain %s", domid);
	rc = xenbus_write(&xb, "data/greeting", greeting);
	if (rc == 0)
		rc = xenbus_read(&xb, "data/greeting", greeting, sizeof(greeting));
	if (rc < 0)
		printf("%s: xenstore: data/greeting: error %ld\n", name, rc);
	else
		printf("%s: xenstore: data/greeting = \"%s\"\n", name, greeting);
	return 0;
}

/*
 * Waits until control/shutdown says "poweroff" or "reboot" (a watch; it
 * fires once at once), acknowledges by clearing it, and returns the exit
 * status that tells the control domain which: 0 or 1.
 */
static int wait_for_shutdown(const char *name)
{
	char path[64], token[16], value[16];

	if (xenbus_watch(&xb, "control/shutdown", "shutdown") != 0) {
		printf("%s: xenstore: cannot watch control/shutdown\n", name);
		return 2;
	}
	printf("%s: waiting for control/shutdown\n", name);
	fflush(stdout);
	for (;;) {
		int err = xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token));

		if (err == -ETIMEDOUT)
			continue;
		if (err != 0 || xenbus_read(&xb, "control/shutdown", value, sizeof(value)) < 0) {
			printf("%s: xenstore: control/shutdown: error %d\n", name, err);
			return 2;
		}
		if (strcmp(value, "poweroff") == 0 || strcmp(value, "reboot") == 0) {
			xenbus_write(&xb, "control/shutdown", "");
			printf("%s: control/shutdown = %s\n", name, value);
			return strcmp(value, "reboot") == 0;
		}
	}
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 && strchr(argv[1], '=') == NULL ? argv[1] : "poweroff";

	printf("%s: hello from a Tessera guest created by xl (uptime %llu us)\n", argv[0],
	       (unsigned long long)(libos_now_ns() / 1000));
	printf("%s: there are %u primes below 20000\n", argv[0], count_primes(20000));
	check_scrubbed(argv[0]);
	if (xenstore_home(argv[0]) == 0 && strcmp(how, "wait") == 0) {
		int status = wait_for_shutdown(argv[0]);

		printf("%s: done, %s\n", argv[0], status == 1 ? "reboot" : "poweroff");
		return status;
	}
	if (strcmp(how, "crash") == 0) {
		printf("%s: crashing on purpose\n", argv[0]);
		abort();
	}
	printf("%s: done, %s\n", argv[0], how);
	return strcmp(how, "reboot") == 0 ? 1 : 0;
}
