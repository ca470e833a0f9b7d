/* TAP output of the stub-domain test programs. */
#include <stdarg.h>
#include <stdio.h>
#include "tap.h"

static int run, failed;

int tap_check(int cond, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	run++;
	failed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", run, name);
	return cond;
}

int tap_done(const char *program)
{
	printf("%s: %d checks, %d failed\n", program, run, failed);
	fflush(stdout);
	return failed;
}
