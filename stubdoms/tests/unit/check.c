/* TAP output of the host unit tests. */
#include <stdarg.h>
#include <stdio.h>
#include "check.h"

static int tests_run, tests_failed;

void check(int cond, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	tests_failed += !cond;
	printf("%s %d - ", cond ? "ok" : "not ok", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int check_done(void)
{
	printf("1..%d\n", tests_run);
	return tests_failed != 0;
}
