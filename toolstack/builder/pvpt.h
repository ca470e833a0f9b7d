/* The initial page tables of a 64-bit PV guest: 4-level tables mapping
 * [VIRT, VIRT + SIZE) to guest frames 0, 1, 2, ... with 4 KiB pages, laid
 * out L4, L3s, L2s, L1s. Entries hold guest (pseudo-physical) frame
 * numbers; a backend whose machine frames differ rewrites them through
 * the p2m when it places the tables. */
#ifndef TS_PVPT_H
#define TS_PVPT_H
#include <stdint.h>

#define PV_PTE_FLAGS 0x67u          /* present, rw, user, accessed, dirty */
#define PV_PTE_FLAGS_RO 0x65u       /* the tables themselves: read-only */

/* Frames needed to map SIZE bytes at VIRT. */
uint64_t pv_pt_frames(uint64_t virt, uint64_t size);

/* Fills BUF (pv_pt_frames(VIRT, SIZE) pages, zeroed) for tables that live
 * at guest frame PT_PFN; their own pages are mapped read-only. */
void pv_pt_build(uint8_t *buf, uint64_t virt, uint64_t size, uint64_t pt_pfn);

#endif
