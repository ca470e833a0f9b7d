/* PVH and PV build plans from a loaded kernel. */
#ifndef TS_PVH_H
#define TS_PVH_H
#include "elf.h"
#include "plan.h"

struct guest_boot {
    const struct elf_image *kernel;
    const uint8_t *initrd;
    size_t initrd_len;
    const char *cmdline;            /* may be NULL */
    uint64_t memory_bytes;
    uint64_t rsdp_paddr;            /* 0: no ACPI tables */
};

/* Fill PLAN (already initialised by the caller). 0, or -1 with ERR. */
int pvh_plan(const struct guest_boot *g, struct build_plan *plan,
             char *err, size_t errlen);
int pv_plan(const struct guest_boot *g, struct build_plan *plan,
            char *err, size_t errlen);

/* Below this the e820 map has RAM; above it, up to 4 GiB, the MMIO hole. */
#define PVH_LOWMEM_END 0xF0000000ull

#endif
