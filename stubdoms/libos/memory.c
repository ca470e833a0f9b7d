/*
 * Memory: kernel objects and heap pages retyped from the domain's heap
 * Untyped (ts_alloc), sbrk, and mappings of frames the parent gave.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include <libos/heap.h>
#include <libos/protocol.h>
#include "internal.h"

#define RW (TS_RIGHT_READ | TS_RIGHT_WRITE)

struct libos_lock libos_object_lock;
static struct heap heap;
static uint64_t next_shared = LIBOS_SHARED_VADDR;

void libos_heap_init(void)
{
	uint64_t size = libos_args.heap ? heap_budget((unsigned)libos_args.heap_bits) : 0;

	if (size > LIBOS_HEAP_LIMIT - LIBOS_HEAP_VADDR)
		size = LIBOS_HEAP_LIMIT - LIBOS_HEAP_VADDR;
	heap_init(&heap, LIBOS_HEAP_VADDR, LIBOS_HEAP_VADDR + size);
}

uint64_t libos_slot_alloc(void)
{
	uint64_t slot;

	libos_lock(&libos_object_lock);
	slot = ts_slot_alloc();
	libos_unlock(&libos_object_lock);
	return slot;
}

int libos_cap_mint(uint64_t src, uint64_t rights, uint64_t badge, uint64_t *slot)
{
	uint64_t dest = libos_slot_alloc();
	int err;

	if (!dest)
		return TS_ERR_RANGE;
	if (badge)
		err = ts_cnode_mint(TS_CHILD_CNODE, dest, TS_CHILD_CNODE, src, rights, badge);
	else
		err = ts_cnode_copy(TS_CHILD_CNODE, dest, TS_CHILD_CNODE, src, rights);
	if (err == TS_OK)
		*slot = dest;
	return err;
}

int libos_object_alloc(enum ts_object_type type, unsigned size_bits, uint64_t *slot)
{
	int err;

	libos_lock(&libos_object_lock);
	err = ts_object_alloc(type, size_bits, slot);
	libos_unlock(&libos_object_lock);
	return err;
}

/* A new frame from the heap Untyped mapped read-write at vaddr. */
static int map_new_page(uint64_t vaddr)
{
	uint64_t frame;
	int err;

	libos_lock(&libos_object_lock);
	err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &frame);
	if (err == TS_OK) {
		err = ts_map_frame(frame, TS_CHILD_VSPACE, vaddr, RW, 0);
		if (err != TS_OK)
			ts_cnode_delete(TS_CHILD_CNODE, frame);
	}
	libos_unlock(&libos_object_lock);
	return err;
}

/* Newlib's malloc calls this with its own lock held. */
void *sbrk(ptrdiff_t incr)
{
	uintptr_t new_brk, map_end, old;

	libos_lock(&libos_object_lock);
	if (heap_plan(&heap, incr, &new_brk, &map_end) != 0)
		goto no_memory;
	while (heap.mapped < map_end) {
		if (map_new_page(heap.mapped) != TS_OK)
			goto no_memory;
		heap.mapped += HEAP_PAGE_SIZE;
	}
	old = heap.brk;
	heap.brk = new_brk;
	libos_unlock(&libos_object_lock);
	return (void *)old;
no_memory:
	libos_unlock(&libos_object_lock);
	errno = ENOMEM;
	return (void *)-1;
}

/* Newlib's aligned_alloc calls it but Newlib does not define it. */
int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t libos_heap_mapped(void)
{
	return heap.mapped - heap.base;
}

void *libos_map_shared(uint64_t first, unsigned count, int writable)
{
	uint64_t rights = writable ? RW : TS_RIGHT_READ;
	void *addr = NULL;
	int err = TS_OK;

	libos_lock(&libos_object_lock);
	if (count == 0 || count > (LIBOS_SHARED_LIMIT - next_shared) / TS_PAGE_SIZE) {
		libos_unlock(&libos_object_lock);
		errno = count ? ENOMEM : EINVAL;
		return NULL;
	}
	for (unsigned i = 0; i < count && err == TS_OK; i++) {
		err = ts_map_frame(first + i, TS_CHILD_VSPACE, next_shared + i * TS_PAGE_SIZE,
				   rights, 0);
		if (err != TS_OK) {
			while (i--)
				ts_frame_unmap(first + i);
		}
	}
	if (err == TS_OK) {
		addr = (void *)(uintptr_t)next_shared;
		next_shared += count * TS_PAGE_SIZE;
	}
	libos_unlock(&libos_object_lock);
	if (err != TS_OK)
		errno = err == TS_ERR_NOT_ENOUGH_MEMORY ? ENOMEM : EINVAL;
	return addr;
}
