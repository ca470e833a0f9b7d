/* Test Anything Protocol output for the unit tests. */
#ifndef XS_TAP_H
#define XS_TAP_H

#include <stdarg.h>
#include <stdbool.h>

/* Prints "ok N - ..." or "not ok N - ..."; returns cond. */
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool tap_vok(bool cond, const char *fmt, va_list ap);
/* Prints the plan; returns the exit status (1 if anything failed). */
int tap_done(void);

#endif
