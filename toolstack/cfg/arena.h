/* A bump allocator: everything a parse allocates is freed at once. */
#ifndef TS_ARENA_H
#define TS_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
    struct arena_chunk *chunks;
};

void *arena_alloc(struct arena *a, size_t size);       /* zeroed; NULL on OOM */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

#endif
