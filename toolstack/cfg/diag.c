#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void diag_init(struct diag *d, struct arena *a)
{
    d->arena = a;
    d->first = NULL;
    d->tail = &d->first;
    d->errors = d->warnings = 0;
}

void diag_add(struct diag *d, enum diag_level level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    if (level == DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
    struct diag_msg *m = arena_alloc(d->arena, sizeof(*m));
    if (m == NULL)
        return;     /* the counters still record it */
    m->level = level;
    m->text = arena_strdup(d->arena, buf);
    *d->tail = m;
    d->tail = &m->next;
}
