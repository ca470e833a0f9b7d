/*
 * printf-style formatting. ts_printf writes through the Console cap in
 * ts_console (one TS_CONSOLE_WRITE per call, so lines from different
 * threads do not interleave). Conversions: %d %i %u %x %X %p %s %c %%,
 * with flags '-' '0', a field width and the length modifiers l ll z.
 */
#ifndef TS_PRINT_H
#define TS_PRINT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern uint64_t ts_console;	/* CPtr of the Console cap, 0 = discard output */

int ts_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ts_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ts_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ts_puts(const char *s);	/* writes s as it is (no newline added) */

#endif
