/* Parsing of boot-module and kernel command lines. */
#ifndef TS_CMDLINE_H
#define TS_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses an unsigned number (decimal, or hex with 0x) at *s and advances
 * *s past it. Returns 0 and leaves *s unchanged if no digit is there.
 */
uint64_t ts_parse_u64(const char **s);

/*
 * Finds "key=value" among the space-separated words of cmdline and copies
 * the value (NUL-terminated, cut to size) to out. Returns 1 if found.
 */
int ts_cmdline_get(const char *cmdline, const char *key, char *out, size_t size);

#endif
