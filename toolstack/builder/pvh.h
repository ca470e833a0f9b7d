/* PVH and PV build plans from a loaded kernel, and HVM ones from a
 * loaded firmware. */
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
    unsigned vcpus;                 /* the MADT's processors (0: one) */
};

/* Fill PLAN (already initialised by the caller). 0, or -1 with ERR. */
int pvh_plan(const struct guest_boot *g, struct build_plan *plan,
             char *err, size_t errlen);
int pv_plan(const struct guest_boot *g, struct build_plan *plan,
            char *err, size_t errlen);
/* type="hvm": G->kernel is the firmware (hvmloader); the plan is a PVH
 * one entered at its e_entry (BOOT_PVH). */
int hvm_firmware_plan(const struct guest_boot *g, struct build_plan *plan,
                      char *err, size_t errlen);

/* Below this the e820 map has RAM; above it, up to 4 GiB, the MMIO hole. */
#define PVH_LOWMEM_END 0xF0000000ull
/* The legacy VGA/ROM hole, backed by RAM but reserved in the e820 map. */
#define PVH_ISA_HOLE_START 0xA0000ull
#define PVH_ISA_HOLE_END 0x100000ull
/* The ACPI tables (builder/acpi.h, one page): in the ISA hole, where a PC
 * BIOS keeps them too, so they are RAM the e820 map already reserves and
 * the rest of the layout does not move; hvm_start_info.rsdp_paddr points
 * at the RSDP, their first bytes. */
#define PVH_ACPI_GPA 0xE0000ull
/* Special pages: the XenStore and console rings, the last two pages of
 * the RAM below 4 GiB (as Xen puts its special pages at the end of low
 * memory), reserved in the e820 map; the guest finds them through
 * HVM_PARAM_STORE_PFN / HVM_PARAM_CONSOLE_PFN. */
#define PVH_SPECIAL_PAGES 2

/* Where a PVH guest of MEMORY bytes has what: RAM is [0, low_end) and,
 * above the MMIO hole, [4 GiB, high_end) (high_end 0: none). */
struct pvh_layout {
    uint64_t low_end, high_end;
    uint64_t store_gpa, console_gpa;        /* the special pages */
};
/* 0, or -1 if MEMORY is not page-aligned or too small for the layout. */
int pvh_layout(uint64_t memory, struct pvh_layout *l);
/* Whether the guest has RAM at GPA (the ISA hole and special pages
 * included: they are backed too). */
bool pvh_is_ram(const struct pvh_layout *l, uint64_t gpa);

/* The e820 map a PVH guest gets: fills up to MAX entries (5 suffice),
 * returns the count. Each entry is (addr, size, type) in E820 order. */
struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
};
#define PVH_MEMMAP_MAX 5
unsigned pvh_memmap(const struct pvh_layout *l, struct e820_entry *map);

/* How a backend backs a PVH guest's RAM with frames (the special pages
 * apart): runs of COUNT frames of 2^PAGE_BITS bytes from GPA, 2 MiB frames
 * where aligned, 4 KiB ones around them. 2 MiB runs come first so that
 * frames retyped in this order from one Untyped stay aligned. */
struct pvh_run {
    uint64_t gpa, count;
    unsigned page_bits;             /* 12 or 21 */
};
#define PVH_RUNS_MAX 4
unsigned pvh_backing(const struct pvh_layout *l, struct pvh_run *runs);

/* The power-of-two blocks (log2 sizes in BITS) the frames of
 * pvh_backing come from, so that a guest takes no more than its memory
 * (plus rounding of its last 2 MiB): the 2 MiB frames' bytes as a sum of
 * powers of two, largest first, then one block for the 4 KiB frames and
 * the special pages. Returns the count (at most PVH_BLOCKS_MAX). */
#define PVH_BLOCKS_MAX 48
unsigned pvh_ram_blocks(const struct pvh_layout *l, unsigned *bits);

#endif
