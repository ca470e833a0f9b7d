/*
 * Hash table of nodes keyed by full path: finding a node costs the length
 * of its path, whatever the size of the tree. Grows by doubling.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

#define INITIAL_BUCKETS 64

/* FNV-1a: cheap, and extendable one prefix at a time (see watch.c). */
uint32_t xs_hash_more(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

uint32_t xs_hash(const char *s, size_t len)
{
	return xs_hash_more(XS_HASH_INIT, s, len);
}

int xs_table_init(struct xs_table *t)
{
	t->bucket = calloc(INITIAL_BUCKETS, sizeof(*t->bucket));
	if (!t->bucket)
		return XS_ENOMEM;
	t->nbuckets = INITIAL_BUCKETS;
	t->count = 0;
	return XS_OK;
}

void xs_node_free(struct xs_node *n)
{
	free(n->path);
	free(n->value);
	free(n->children);
	free(n->perms);
	free(n);
}

size_t xs_node_bytes(const struct xs_node *n)
{
	return n->pathlen + 1 + n->vlen + n->childcap +
	       n->nperms * sizeof(struct xs_perm);
}

void xs_table_destroy(struct xs_table *t)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct xs_node *n = t->bucket[i];
		while (n) {
			struct xs_node *next = n->hash_next;
			xs_node_free(n);
			n = next;
		}
	}
	free(t->bucket);
	t->bucket = NULL;
	t->nbuckets = t->count = 0;
}

struct xs_node *xs_table_find(const struct xs_table *t, const char *path,
			      size_t len, uint32_t hash)
{
	for (struct xs_node *n = t->bucket[hash & (t->nbuckets - 1)]; n;
	     n = n->hash_next)
		if (n->hash == hash && n->pathlen == len &&
		    memcmp(n->path, path, len) == 0)
			return n;
	return NULL;
}

static void grow(struct xs_table *t)
{
	size_t nb = t->nbuckets * 2;
	struct xs_node **b = calloc(nb, sizeof(*b));
	if (!b)
		return;	/* keep working with longer chains */
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct xs_node *n = t->bucket[i];
		while (n) {
			struct xs_node *next = n->hash_next;
			n->hash_next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
			n = next;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->nbuckets = nb;
}

void xs_table_insert(struct xs_table *t, struct xs_node *n)
{
	if (t->count >= t->nbuckets)
		grow(t);
	struct xs_node **b = &t->bucket[n->hash & (t->nbuckets - 1)];
	n->hash_next = *b;
	*b = n;
	t->count++;
}

void xs_table_remove(struct xs_table *t, struct xs_node *n)
{
	struct xs_node **p = &t->bucket[n->hash & (t->nbuckets - 1)];
	while (*p && *p != n)
		p = &(*p)->hash_next;
	if (*p) {
		*p = n->hash_next;
		t->count--;
	}
	n->hash_next = NULL;
}
