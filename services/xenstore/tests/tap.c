#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int ntests, nfailed;

bool tap_vok(bool cond, const char *fmt, va_list ap)
{
	printf("%sok %d - ", cond ? "" : "not ", ++ntests);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	nfailed += !cond;
	return cond;
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int tap_done(void)
{
	printf("1..%d\n", ntests);
	return nfailed ? 1 : 0;
}
