/* Minimal TAP output for the C unit tests: collect results, print the plan
 * and one "ok N - name" line per check at the end. */
#ifndef TS_TAP_H
#define TS_TAP_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_MAX 4096

static char *tap_names[TAP_MAX];
static bool tap_ok[TAP_MAX];
static int tap_n;

static void tap_check(bool ok, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (tap_n == TAP_MAX) {
        fprintf(stderr, "tap: too many checks\n");
        exit(1);
    }
    tap_names[tap_n] = strdup(buf);
    tap_ok[tap_n++] = ok;
}

static int tap_done(void)
{
    int failed = 0;
    printf("1..%d\n", tap_n);
    for (int i = 0; i < tap_n; i++) {
        printf("%s %d - %s\n", tap_ok[i] ? "ok" : "not ok", i + 1, tap_names[i]);
        failed += !tap_ok[i];
        free(tap_names[i]);
    }
    return failed ? 1 : 0;
}

#endif
