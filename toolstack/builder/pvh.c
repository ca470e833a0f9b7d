/* The PVH start of day (docs/misc/pvh.pandoc): the kernel's segments at
 * their physical addresses, the initrd, the ACPI tables (acpi.c) and a
 * page holding hvm_start_info, the module list, the e820 map and the
 * command line; the vCPU starts in 32-bit flat protected mode at
 * XEN_ELFNOTE_PHYS32_ENTRY with %ebx pointing at hvm_start_info. HVM
 * firmware gets the same, entered at its ELF entry point, as Xen 4.17
 * starts hvmloader. */
#include "pvh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "pvpt.h"
#include "startinfo.h"

#define PAGE 4096ull
#define ALIGN_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

/* The image's PT_LOAD segments at their physical addresses (less OFFSET);
 * WHAT names the image in errors ("kernel", "firmware"). */
static int add_segments(const struct elf_image *k, uint64_t offset, const char *what,
                        struct build_plan *plan, char *err, size_t errlen)
{
    for (unsigned i = 0; i < k->nsegments; i++) {
        const struct elf_segment *s = &k->seg[i];
        if (s->paddr < offset)
            return fail(err, errlen, "kernel segment below PADDR_OFFSET");
        if (plan_add(plan, s->paddr - offset, k->data + s->offset, s->filesz,
                     s->memsz - s->filesz, what) != 0) {
            char msg[128];
            snprintf(msg, sizeof(msg), "%s at 0x%llx does not fit in "
                     "%llu MiB of guest memory", what,
                     (unsigned long long)(s->paddr - offset),
                     (unsigned long long)(plan->memory_bytes >> 20));
            return fail(err, errlen, msg);
        }
    }
    return 0;
}

int pvh_layout(uint64_t memory, struct pvh_layout *l)
{
    if ((memory & (PAGE - 1)) != 0 || memory < PVH_ISA_HOLE_END + (1ull << 20))
        return -1;
    l->low_end = memory < PVH_LOWMEM_END ? memory : PVH_LOWMEM_END;
    l->high_end = memory > l->low_end ? (1ull << 32) + (memory - l->low_end) : 0;
    l->store_gpa = l->low_end - PVH_SPECIAL_PAGES * PAGE;
    l->console_gpa = l->store_gpa + PAGE;
    return 0;
}

bool pvh_is_ram(const struct pvh_layout *l, uint64_t gpa)
{
    return gpa < l->low_end || (gpa >= (1ull << 32) && gpa < l->high_end);
}

unsigned pvh_memmap(const struct pvh_layout *l, struct e820_entry *map)
{
    unsigned n = 0;
    map[n++] = (struct e820_entry){ 0, PVH_ISA_HOLE_START, E820_RAM };
    map[n++] = (struct e820_entry){ PVH_ISA_HOLE_START, PVH_ISA_HOLE_END - PVH_ISA_HOLE_START,
                                    E820_RESERVED };
    map[n++] = (struct e820_entry){ PVH_ISA_HOLE_END, l->store_gpa - PVH_ISA_HOLE_END, E820_RAM };
    map[n++] = (struct e820_entry){ l->store_gpa, PVH_SPECIAL_PAGES * PAGE, E820_RESERVED };
    if (l->high_end)
        map[n++] = (struct e820_entry){ 1ull << 32, l->high_end - (1ull << 32), E820_RAM };
    return n;
}

#define LARGE (2ull << 20)

unsigned pvh_backing(const struct pvh_layout *l, struct pvh_run *runs)
{
    /* RAM below the special pages, and above 4 GiB. */
    uint64_t from[2] = { 0, 1ull << 32 };
    uint64_t to[2] = { l->store_gpa, l->high_end };
    unsigned n = 0;
    for (unsigned i = 0; i < 2; i++) {
        uint64_t large_end = to[i] > from[i] ? to[i] & ~(LARGE - 1) : from[i];
        if (large_end > from[i])
            runs[n++] = (struct pvh_run){ from[i], (large_end - from[i]) / LARGE, 21 };
    }
    for (unsigned i = 0; i < 2; i++) {
        uint64_t large_end = to[i] > from[i] ? to[i] & ~(LARGE - 1) : from[i];
        if (to[i] > large_end)
            runs[n++] = (struct pvh_run){ large_end, (to[i] - large_end) / PAGE, 12 };
    }
    return n;
}

unsigned pvh_ram_blocks(const struct pvh_layout *l, unsigned *bits)
{
    struct pvh_run runs[PVH_RUNS_MAX];
    unsigned nruns = pvh_backing(l, runs), n = 0;
    uint64_t large = 0, small = PVH_SPECIAL_PAGES * PAGE;
    for (unsigned i = 0; i < nruns; i++) {
        if (runs[i].page_bits == 21)
            large += runs[i].count << 21;
        else
            small += runs[i].count << 12;
    }
    for (unsigned b = 63; b >= 21; b--)
        if (large & (1ull << b))
            bits[n++] = b;
    unsigned small_bits = 12;
    while ((1ull << small_bits) < small)
        small_bits++;
    bits[n++] = small_bits;
    return n;
}

/* The initrd goes high: page-aligned, right below the special pages, as
 * far as possible from the kernel (which may decompress or grow its bss
 * up to there). */
static uint64_t initrd_address(const struct pvh_layout *l, size_t len)
{
    uint64_t size = ALIGN_UP((uint64_t)len);
    return size <= l->store_gpa ? l->store_gpa - size : 0;
}

/* What PVH kernels and HVM firmware both get, their image placed: the
 * special pages, the ACPI tables, the initrd, and hvm_start_info (with
 * the module list, the e820 map and the command line) on the page after
 * the image, in %ebx at ENTRY in 32-bit flat protected mode. */
static int start_of_day(const struct guest_boot *g, const struct pvh_layout *l,
                        uint64_t entry, struct build_plan *plan, char *err, size_t errlen)
{
    const struct elf_image *k = g->kernel;
    if (plan_add(plan, l->store_gpa, NULL, 0, PAGE, "xenstore ring") != 0 ||
        plan_add(plan, l->console_gpa, NULL, 0, PAGE, "console ring") != 0)
        return fail(err, errlen, "the kernel overlaps the special pages at the end of RAM");
    plan->store_gpa = l->store_gpa;
    plan->console_gpa = l->console_gpa;
    uint8_t *acpi = malloc(ACPI_TABLES_SIZE);
    if (acpi == NULL || plan_own(plan, acpi) != 0) {
        free(acpi);
        return fail(err, errlen, "out of memory");
    }
    size_t acpi_len = acpi_build(acpi, PVH_ACPI_GPA, g->vcpus ? g->vcpus : 1);
    if (acpi_len == 0)
        return fail(err, errlen, "too many vCPUs for the ACPI tables");
    if (plan_add(plan, PVH_ACPI_GPA, acpi, acpi_len, PAGE - acpi_len, "ACPI tables") != 0)
        return fail(err, errlen, "the image overlaps the ACPI tables in the ISA hole");

    uint64_t initrd_at = 0;
    if (g->initrd_len) {
        initrd_at = initrd_address(l, g->initrd_len);
        if (plan_add(plan, initrd_at, g->initrd, g->initrd_len, 0, "initrd") != 0)
            return fail(err, errlen, "the initrd does not fit in guest memory");
    }

    struct e820_entry map[PVH_MEMMAP_MAX];
    unsigned nmap = pvh_memmap(l, map);
    size_t cmdlen = g->cmdline ? strlen(g->cmdline) + 1 : 0;
    size_t off_mod = HVM_START_INFO_SIZE;
    size_t off_map = off_mod + (g->initrd_len ? HVM_MODLIST_ENTRY_SIZE : 0);
    size_t off_cmd = off_map + nmap * HVM_MEMMAP_ENTRY_SIZE;
    size_t size = off_cmd + cmdlen;
    uint8_t *si = calloc(1, size);
    if (si == NULL || plan_own(plan, si) != 0) {
        free(si);
        return fail(err, errlen, "out of memory");
    }
    uint64_t at = ALIGN_UP(k->pend);
    put_le(si + HVM_OFF_MAGIC, HVM_START_MAGIC, 4);
    put_le(si + HVM_OFF_VERSION, 1, 4);
    put_le(si + HVM_OFF_FLAGS, 0, 4);
    if (g->initrd_len) {
        /* One module, the initrd, with no command line of its own. */
        put_le(si + HVM_OFF_NR_MODULES, 1, 4);
        put_le(si + HVM_OFF_MODLIST, at + off_mod, 8);
        put_le(si + off_mod + 0, initrd_at, 8);
        put_le(si + off_mod + 8, g->initrd_len, 8);
    }
    if (cmdlen) {
        put_le(si + HVM_OFF_CMDLINE, at + off_cmd, 8);
        memcpy(si + off_cmd, g->cmdline, cmdlen);
    }
    put_le(si + HVM_OFF_RSDP, PVH_ACPI_GPA, 8);
    put_le(si + HVM_OFF_MEMMAP, at + off_map, 8);
    put_le(si + HVM_OFF_MEMMAP_ENTRIES, nmap, 4);
    for (unsigned i = 0; i < nmap; i++) {
        uint8_t *e = si + off_map + i * HVM_MEMMAP_ENTRY_SIZE;
        put_le(e + 0, map[i].addr, 8);
        put_le(e + 8, map[i].size, 8);
        put_le(e + 16, map[i].type, 4);
    }
    if (plan_add(plan, at, si, size, 0, "hvm_start_info") != 0)
        return fail(err, errlen, "no room for hvm_start_info in guest memory");

    plan->regs.rip = entry;
    plan->regs.rbx = at;
    plan->regs.cr0 = 0x11;              /* PE | ET: protected mode, no paging */
    return 0;
}

int pvh_plan(const struct guest_boot *g, struct build_plan *plan,
             char *err, size_t errlen)
{
    const struct elf_image *k = g->kernel;
    if (!k->notes.has[XEN_ELFNOTE_PHYS32_ENTRY])
        return fail(err, errlen, "the kernel has no PVH entry point "
                    "(XEN_ELFNOTE_PHYS32_ENTRY): boot it with type=\"pv\"");
    if (add_segments(k, 0, "kernel segment", plan, err, errlen) != 0)
        return -1;
    struct pvh_layout l;
    if (pvh_layout(g->memory_bytes, &l) != 0)
        return fail(err, errlen, "guest memory must be whole pages and at least 2 MiB");
    return start_of_day(g, &l, k->notes.value[XEN_ELFNOTE_PHYS32_ENTRY] & 0xffffffffu, plan,
                        err, errlen);
}

/* HVM firmware, as Xen's HVM builder loads hvmloader: its segments at
 * their physical addresses, in RAM below the special pages (so below
 * 4 GiB: 32-bit code reaches them), entered at e_entry, which must be in
 * one of them. */
int hvm_firmware_plan(const struct guest_boot *g, struct build_plan *plan,
                      char *err, size_t errlen)
{
    const struct elf_image *k = g->kernel;
    struct pvh_layout l;
    if (pvh_layout(g->memory_bytes, &l) != 0)
        return fail(err, errlen, "guest memory must be whole pages and at least 2 MiB");
    char msg[160];
    if (k->pend > l.store_gpa) {
        snprintf(msg, sizeof(msg), "its segments end at 0x%llx, above the RAM for it "
                 "(below the special pages at 0x%llx with %llu MiB of guest memory)",
                 (unsigned long long)k->pend, (unsigned long long)l.store_gpa,
                 (unsigned long long)(g->memory_bytes >> 20));
        return fail(err, errlen, msg);
    }
    bool entry_loaded = false;
    for (unsigned i = 0; i < k->nsegments; i++)
        entry_loaded = entry_loaded || (k->entry >= k->seg[i].paddr &&
                                        k->entry - k->seg[i].paddr < k->seg[i].memsz);
    if (!entry_loaded) {
        snprintf(msg, sizeof(msg), "its entry point 0x%llx is outside its loaded segments",
                 (unsigned long long)k->entry);
        return fail(err, errlen, msg);
    }
    if (add_segments(k, 0, "firmware segment", plan, err, errlen) != 0)
        return -1;
    return start_of_day(g, &l, k->entry, plan, err, errlen);
}

/* --- PV --- */

/* Xen's PV layout: kernel, initrd, p2m list, start_info, xenstore and
 * console pages, page tables, boot stack (+ 512 KiB), all mapped from
 * VIRT_BASE by the initial page tables. The backend fills what needs
 * machine frames (the p2m, store and console MFNs, shared_info) and
 * rewrites the page tables' frame numbers if its frames differ. */
int pv_plan(const struct guest_boot *g, struct build_plan *plan,
            char *err, size_t errlen)
{
    const struct elf_image *k = g->kernel;
    const struct xen_notes *n = &k->notes;
    if (!k->is64)
        return fail(err, errlen, "32-bit PV guests are not supported");
    if (!n->has[XEN_ELFNOTE_VIRT_BASE] || !n->has[XEN_ELFNOTE_ENTRY])
        return fail(err, errlen, "the kernel has no PV entry point "
                    "(XEN_ELFNOTE_ENTRY/VIRT_BASE): boot it with type=\"pvh\"");
    uint64_t virt = n->value[XEN_ELFNOTE_VIRT_BASE];
    if ((virt & (PAGE - 1)) != 0 || virt + g->memory_bytes < virt)
        return fail(err, errlen, "VIRT_BASE is not page-aligned or leaves no room "
                    "to map the guest's memory");
    uint64_t poff = n->has[XEN_ELFNOTE_PADDR_OFFSET] ? n->value[XEN_ELFNOTE_PADDR_OFFSET] : 0;
    if (add_segments(k, poff, "kernel segment", plan, err, errlen) != 0)
        return -1;
    uint64_t next = ALIGN_UP(k->pend - poff);
    uint64_t initrd_at = next;
    if (g->initrd_len) {
        if (plan_add(plan, initrd_at, g->initrd, g->initrd_len, 0, "initrd") != 0)
            return fail(err, errlen, "the initrd does not fit in guest memory");
        next = ALIGN_UP(initrd_at + g->initrd_len);
    }
    uint64_t nr_pages = g->memory_bytes / PAGE;
    uint64_t p2m_at = next, p2m_len = ALIGN_UP(nr_pages * 8);
    if (plan_add(plan, p2m_at, NULL, 0, p2m_len, "p2m list (backend fills)") != 0)
        return fail(err, errlen, "no room for the p2m list in guest memory");
    next += p2m_len;
    uint64_t si_at = next, store_at = si_at + PAGE, cons_at = store_at + PAGE;
    uint64_t pt_at = cons_at + PAGE;
    /* The page tables map everything up to and including the boot stack,
     * themselves too: grow until the count is stable. */
    uint64_t npt = 1;
    for (;;) {
        if (pt_at + (npt + 1) * PAGE + (512 << 10) > g->memory_bytes)
            return fail(err, errlen, "the PV boot layout does not fit in guest memory");
        uint64_t need = pv_pt_frames(virt, pt_at + (npt + 1) * PAGE + (512 << 10));
        if (need <= npt)
            break;
        npt = need;
    }
    uint64_t stack_at = pt_at + npt * PAGE;
    uint8_t *pt = calloc(npt, PAGE);
    if (pt == NULL || plan_own(plan, pt) != 0) {
        free(pt);
        return fail(err, errlen, "out of memory");
    }
    pv_pt_build(pt, virt, stack_at + PAGE + (512 << 10), pt_at / PAGE);

    uint8_t *si = calloc(1, PAGE);
    if (si == NULL || plan_own(plan, si) != 0) {
        free(si);
        return fail(err, errlen, "out of memory");
    }
    memcpy(si + PV_OFF_MAGIC, "xen-3.0-x86_64", 15);
    put_le(si + PV_OFF_NR_PAGES, nr_pages, 8);
    put_le(si + PV_OFF_PT_BASE, virt + pt_at, 8);
    put_le(si + PV_OFF_NR_PT_FRAMES, npt, 8);
    put_le(si + PV_OFF_MFN_LIST, virt + p2m_at, 8);
    if (g->initrd_len) {
        bool pfn = n->has[XEN_ELFNOTE_MOD_START_PFN] && n->value[XEN_ELFNOTE_MOD_START_PFN];
        put_le(si + PV_OFF_FLAGS, pfn ? SIF_MOD_START_PFN : 0, 4);
        put_le(si + PV_OFF_MOD_START, pfn ? initrd_at / PAGE : virt + initrd_at, 8);
        put_le(si + PV_OFF_MOD_LEN, g->initrd_len, 8);
    }
    if (g->cmdline) {
        size_t len = strlen(g->cmdline);
        if (len >= PV_MAX_CMDLINE)
            return fail(err, errlen, "the command line is longer than 1023 bytes");
        memcpy(si + PV_OFF_CMD_LINE, g->cmdline, len);
    }
    if (plan_add(plan, si_at, si, PAGE, 0, "start_info") != 0 ||
        plan_add(plan, store_at, NULL, 0, PAGE, "xenstore ring") != 0 ||
        plan_add(plan, cons_at, NULL, 0, PAGE, "console ring") != 0 ||
        plan_add(plan, pt_at, pt, npt * PAGE, 0, "page tables") != 0 ||
        plan_add(plan, stack_at, NULL, 0, PAGE, "boot stack") != 0)
        return fail(err, errlen, "the PV boot layout does not fit in guest memory");

    plan->regs.rip = n->value[XEN_ELFNOTE_ENTRY];
    plan->regs.rsi = virt + si_at;
    plan->regs.rsp = virt + stack_at + PAGE;
    return 0;
}
