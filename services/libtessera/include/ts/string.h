/* Freestanding memory and string functions (the compiler may call the mem* ones). */
#ifndef TS_STRING_H
#define TS_STRING_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

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
