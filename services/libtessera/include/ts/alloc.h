/*
 * Slot and object allocation for one thread of control (not thread safe:
 * let one thread of a program allocate).
 *
 * Slots come from a range of empty slots of the program's root CNode,
 * whose CPtrs are plain slot indices. Objects are retyped from a list of
 * untyped caps: an allocation tries the untyped caps in order and moves
 * past one that has no room.
 */
#ifndef TS_ALLOC_H
#define TS_ALLOC_H

#include <stdint.h>
#include <tessera/bootinfo.h>
#include <tessera/object.h>

struct ts_allocator {
	uint64_t cnode;		/* CPtr of the CNode the slots are in */
	uint64_t next_slot;
	uint64_t end_slot;	/* one past the last slot to hand out */
	uint64_t untyped[TS_BOOT_MAX_UNTYPED];	/* CPtrs of RAM untyped caps */
	unsigned nr_untyped;
	unsigned first_with_room;	/* untyped[] before this one are full */
};

extern struct ts_allocator ts_alloc;

/* Root task: slots from bi->empty, untyped = every non-device boot untyped. */
void ts_alloc_init_boot(const struct ts_bootinfo *bi);
/* Any program: slots [first, end) of cnode, untyped caps in slots [ut, ut + nr_ut). */
void ts_alloc_init(uint64_t cnode, uint64_t first, uint64_t end, uint64_t ut, unsigned nr_ut);

/* An empty slot (its CPtr), or 0 when the range is used up. */
uint64_t ts_slot_alloc(void);

/* log2 of the memory an object of this type and size_bits takes. */
unsigned ts_object_bits(enum ts_object_type type, unsigned size_bits);

/* Retypes one object into a fresh slot; *slot = its CPtr. */
int ts_object_alloc(enum ts_object_type type, unsigned size_bits, uint64_t *slot);

/*
 * Maps frame at vaddr in vspace, creating (from ts_alloc) whatever PDPT,
 * page directory or page table is missing. rights/attrs as TS_FRAME_MAP.
 */
int ts_map_frame(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights, uint64_t attrs);

#endif
