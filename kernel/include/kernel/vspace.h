/* Address-space identifiers and how mapped frames/tables remember their mapping. */
#ifndef KERNEL_VSPACE_H
#define KERNEL_VSPACE_H

#include <kernel/cap.h>

/*
 * Every VSpace gets an ASID: an index into a fixed table plus a generation.
 * A mapped frame or table cap records (asid, generation, vaddr); once the
 * VSpace dies the generation changes and the stale record is ignored.
 */
#define ASID_COUNT	16384u
#define MAP_VALID	BIT(63)

static inline word_t map_encode(uint32_t asid, uint32_t gen) { return MAP_VALID | ((word_t)gen << 16) | asid; }
static inline uint32_t map_asid(word_t m) { return m & 0xffff; }
static inline uint32_t map_gen(word_t m) { return (uint32_t)(m >> 16); }

bool asid_available(unsigned count);
word_t asid_assign(void *pml4);
void asid_release(word_t map);
/* The PML4 an encoded mapping refers to, or NULL if that VSpace is gone. */
void *asid_lookup(word_t map);

/* Remove whatever mapping a frame or paging cap holds (no-op if unmapped). */
void mapping_remove(struct cap *c);
/* Level of the entry that maps a frame or table of this type (see arch.h). */
unsigned map_level(unsigned type);

#endif
