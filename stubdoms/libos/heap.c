/* Program-break bookkeeping for sbrk. */
#include <libos/heap.h>

size_t heap_budget(unsigned bits)
{
	size_t size, reserve;

	if (bits >= sizeof(size_t) * 8)
		bits = sizeof(size_t) * 8 - 1;
	size = (size_t)1 << bits;
	reserve = size / 8 > 256 * 1024 ? size / 8 : 256 * 1024;
	return size > reserve ? (size - reserve) & ~(size_t)(HEAP_PAGE_SIZE - 1) : 0;
}

void heap_init(struct heap *h, uintptr_t base, uintptr_t limit)
{
	h->base = base;
	h->brk = base;
	h->mapped = base;
	h->limit = limit;
}

int heap_plan(const struct heap *h, intptr_t incr, uintptr_t *new_brk, uintptr_t *map_end)
{
	uintptr_t brk;

	if (incr >= 0) {
		if ((uintptr_t)incr > h->limit - h->brk)
			return -1;
		brk = h->brk + (uintptr_t)incr;
	} else {
		/* -(incr + 1) + 1 avoids negating INTPTR_MIN. */
		uintptr_t down = (uintptr_t)-(incr + 1) + 1;

		if (down > h->brk - h->base)
			return -1;
		brk = h->brk - down;
	}
	*new_brk = brk;
	*map_end = (brk + HEAP_PAGE_SIZE - 1) & ~(uintptr_t)(HEAP_PAGE_SIZE - 1);
	if (*map_end < h->mapped)
		*map_end = h->mapped;
	return 0;
}
