/*
 * The bookkeeping of the program break (pure code; libos's sbrk maps the
 * pages it asks for). The heap is [base, limit); pages are mapped from
 * base up to `mapped` and stay mapped when the break moves down.
 */
#ifndef LIBOS_HEAP_H
#define LIBOS_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE	4096u

struct heap {
	uintptr_t base;		/* page aligned */
	uintptr_t brk;		/* the current break */
	uintptr_t mapped;	/* end of the mapped pages, page aligned */
	uintptr_t limit;	/* page aligned */
};

/*
 * How many bytes of an Untyped of 2^bits bytes the heap may take: the
 * rest (an eighth, at least 256 KiB) stays for page tables, threads and
 * notifications, so a failed large malloc cannot starve them.
 */
size_t heap_budget(unsigned bits);

void heap_init(struct heap *h, uintptr_t base, uintptr_t limit);

/*
 * Plans moving the break by incr: on success (0) *new_brk is the new
 * break and *map_end how far pages must be mapped for it (>= h->mapped).
 * Returns -1, changing nothing, if the break would leave [base, limit).
 */
int heap_plan(const struct heap *h, intptr_t incr, uintptr_t *new_brk, uintptr_t *map_end);

#endif
