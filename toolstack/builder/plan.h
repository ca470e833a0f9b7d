/* A build plan: what a backend must place in a new domain's memory and how
 * to start its first vCPU. The builder produces it on any machine; only
 * the backend touches a real domain. */
#ifndef TS_PLAN_H
#define TS_PLAN_H
#include <stddef.h>
#include <stdint.h>

struct placement {
    uint64_t gpa;               /* guest-physical address */
    const uint8_t *data;        /* LEN bytes copied to GPA ... */
    uint64_t len;
    uint64_t zero_len;          /* ... followed by ZERO_LEN zero bytes */
    const char *what;           /* "kernel segment 0", "hvm_start_info", ... */
};

enum boot_mode {
    BOOT_PVH,                   /* 32-bit flat protected mode, paging off,
                                 * %ebx = hvm_start_info: PVH kernels and
                                 * HVM firmware */
    BOOT_PV,                    /* 64-bit PV: start_info in %rsi */
};

struct boot_regs {
    uint64_t rip, rsp, rbx, rsi;
    uint32_t cr0;               /* PVH: PE (and ET) only */
};

struct build_plan {
    enum boot_mode mode;
    uint64_t memory_bytes;
    struct boot_regs regs;
    uint64_t store_gpa, console_gpa;    /* PVH: the special pages (0: none) */
    size_t nplacements, cap;
    struct placement *placements;
    /* buffers the plan owns (start info, page tables, decompressed kernel) */
    size_t nowned;
    uint8_t *owned[8];
};

void plan_init(struct build_plan *p, enum boot_mode mode, uint64_t memory_bytes);
void plan_free(struct build_plan *p);
/* Adds a placement; fails (-1) on overlap with an earlier one, on a range
 * outside guest memory or when out of memory. */
int plan_add(struct build_plan *p, uint64_t gpa, const uint8_t *data,
             uint64_t len, uint64_t zero_len, const char *what);
/* Hands BUF to the plan, freed by plan_free. -1 if the table is full. */
int plan_own(struct build_plan *p, uint8_t *buf);

#endif
