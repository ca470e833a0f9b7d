/*
 * svcclient: a domain served by the xenstore and console stub domains.
 * It has no Console cap: stdout is its PV console ring (libos keys
 * pvcons/pvkick/pvevent), so these TAP lines reach the serial line
 * through the console service, behind "[client] ". It reads and writes
 * its XenStore home over its ring (keys xsring/xskick/xsevent), answers
 * one line of console input, tries a cap slot and an address it was not
 * given, and ends by reading that address: the fault is its exit, which
 * the control domain (the test root task) checks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ts/methods.h>
#include <libos/libos.h>
#include "xs_wire.h"
#include "tap.h"

#define NOT_GIVEN_ADDR	0x3ff00000ull	/* in the shared region, never mapped here */
#define NOT_GIVEN_SLOT	4000		/* beyond anything given or allocated */
#define ROUNDS		200		/* write+read pairs timed */

static void xenstore(struct xenbus *xb)
{
	char value[64];
	uint64_t t0;
	unsigned i;
	long n;

	n = xenbus_read(xb, "name", value, sizeof(value));
	tap_check(n == 6 && strcmp(value, "client") == 0,
		  "xenstore: its home's 'name' (relative path) is '%s'", n > 0 ? value : "");
	tap_check(xenbus_write(xb, "data/greeting", "hello") == 0 &&
		  xenbus_read(xb, "/local/domain/5/data/greeting", value, sizeof(value)) == 5 &&
		  strcmp(value, "hello") == 0, "xenstore: writes data/greeting under its home");
	n = xenbus_request(xb, XS_GET_DOMAIN_PATH, 0, "5", 2, NULL, 0, value, sizeof(value));
	tap_check(n > 0 && strcmp(value, "/local/domain/5") == 0,
		  "xenstore: GET_DOMAIN_PATH 5 is '%s'", n > 0 ? value : "");
	tap_check(xenbus_write(xb, "/local/domain/1/stolen", "x") == -EACCES,
		  "xenstore: writing another domain's home is EACCES");
	tap_check(xenbus_read(xb, "/local/domain/0/name", value, sizeof(value)) == -EACCES,
		  "xenstore: reading the control domain's home is EACCES");
	t0 = libos_now_ns();
	for (i = 0; i < ROUNDS; i++) {
		snprintf(value, sizeof(value), "%u", i);
		if (xenbus_write(xb, "data/counter", value) != 0 ||
		    xenbus_read(xb, "data/counter", value, sizeof(value)) < 0)
			break;
	}
	tap_check(i == ROUNDS, "xenstore: %u write+read pairs through the stub domain, %llu us per "
		  "request", i, (unsigned long long)((libos_now_ns() - t0) / 1000 / (2 * (i ? i : 1))));
}

/* Answers each line of input; the root task sends "ping", then "quiet". */
static void console_input(void)
{
	static const char *const expected[] = { "ping", "quiet" };
	char line[64];

	printf("hello from the PV console\n");
	fflush(stdout);
	for (unsigned i = 0; i < 2; i++) {
		if (!tap_check(fgets(line, sizeof(line), stdin) != NULL,
			       "console: a line of input arrives"))
			return;
		line[strcspn(line, "\n")] = 0;
		printf("client got: %s\n", line);
		fflush(stdout);
		tap_check(strcmp(line, expected[i]) == 0, "console: the input is '%s'", line);
	}
}

int main(int argc, char **argv)
{
	static struct xenbus xb;
	static struct libos_event xs_event;
	struct libos_xenbus_link link = { 0, &xs_event, 2000000000 };
	uint64_t ring, ntfn, res[3];
	void *page = NULL;

	(void)argc;
	libos_probe_caps(NOT_GIVEN_SLOT, res);
	tap_check(res[0] == TS_ERR_INVALID_CAPABILITY && res[1] == TS_ERR_INVALID_CAPABILITY,
		  "isolation: it holds no Console cap (%s)", ts_error_name((int)res[0]));
	tap_check(res[2] == TS_ERR_INVALID_CAPABILITY,
		  "isolation: a call on slot %d it was not given fails (%s)", NOT_GIVEN_SLOT,
		  ts_error_name((int)res[2]));
	if (libos_args_number(&libos_args, "xsring", &ring) == 0 &&
	    libos_args_number(&libos_args, "xskick", &link.signal) == 0 &&
	    libos_args_number(&libos_args, "xsevent", &ntfn) == 0 &&
	    libos_event_init(&xs_event, ntfn) == 0)
		page = libos_map_shared(ring, 1, 1);
	if (tap_check(page != NULL, "xenstore: its ring page and event channel")) {
		libos_xenbus_init(&xb, page, &link);
		xenstore(&xb);
	}
	console_input();
	tap_done(argv[0]);
	fflush(stdout);
	/* The end: a read of memory it was not given faults; the parent checks the address. */
	return *(volatile char *)NOT_GIVEN_ADDR;
}
