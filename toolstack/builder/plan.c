#include "plan.h"

#include <stdlib.h>
#include <string.h>

void plan_init(struct build_plan *p, enum boot_mode mode, uint64_t memory_bytes)
{
    memset(p, 0, sizeof(*p));
    p->mode = mode;
    p->memory_bytes = memory_bytes;
}

void plan_free(struct build_plan *p)
{
    free(p->placements);
    for (size_t i = 0; i < p->nowned; i++)
        free(p->owned[i]);
    memset(p, 0, sizeof(*p));
}

int plan_add(struct build_plan *p, uint64_t gpa, const uint8_t *data,
             uint64_t len, uint64_t zero_len, const char *what)
{
    uint64_t size = len + zero_len;
    if (size < len || gpa + size < gpa || gpa + size > p->memory_bytes)
        return -1;
    for (size_t i = 0; i < p->nplacements; i++) {
        const struct placement *q = &p->placements[i];
        uint64_t qsize = q->len + q->zero_len;
        if (size && qsize && gpa < q->gpa + qsize && q->gpa < gpa + size)
            return -1;
    }
    if (p->nplacements == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct placement *n = realloc(p->placements, cap * sizeof(*n));
        if (n == NULL)
            return -1;
        p->placements = n;
        p->cap = cap;
    }
    p->placements[p->nplacements++] = (struct placement){
        .gpa = gpa, .data = data, .len = len, .zero_len = zero_len, .what = what,
    };
    return 0;
}

int plan_own(struct build_plan *p, uint8_t *buf)
{
    if (p->nowned == sizeof(p->owned) / sizeof(p->owned[0]))
        return -1;
    p->owned[p->nowned++] = buf;
    return 0;
}
