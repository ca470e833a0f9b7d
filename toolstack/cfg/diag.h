/* Diagnostics collected while reading a configuration: warnings and errors,
 * in order, each one line of text ("FILE:LINE: KEY: reason"). */
#ifndef TS_DIAG_H
#define TS_DIAG_H
#include "arena.h"

enum diag_level { DIAG_WARNING, DIAG_ERROR };

struct diag_msg {
    enum diag_level level;
    char *text;
    struct diag_msg *next;
};

struct diag {
    struct arena *arena;
    struct diag_msg *first, **tail;
    int errors, warnings;
};

void diag_init(struct diag *d, struct arena *a);
void diag_add(struct diag *d, enum diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
