/* The PVH guest layout (special pages, e820 map, where RAM is, how it is
 * backed with frames) and the VMM's decoding of IOIO exits, nested page
 * faults and debug-port lines (TAP). */
#include <inttypes.h>

#include "../builder/pvh.h"
#include "../builder/startinfo.h"
#include "../libctl/vmexit.h"
#include "tap.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static bool entry_is(const struct e820_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
    return e->addr == addr && e->size == size && e->type == type;
}

static bool run_is(const struct pvh_run *r, uint64_t gpa, uint64_t count, unsigned bits)
{
    return r->gpa == gpa && r->count == count && r->page_bits == bits;
}

static void test_layout(void)
{
    struct pvh_layout l;
    struct e820_entry map[PVH_MEMMAP_MAX];

    tap_check(pvh_layout(256 * MIB, &l) == 0 && l.low_end == 256 * MIB && l.high_end == 0,
              "layout: 256 MiB is all low RAM");
    tap_check(l.store_gpa == 256 * MIB - 0x2000 && l.console_gpa == 256 * MIB - 0x1000,
              "layout: XenStore and console rings are the last two pages");
    unsigned n = pvh_memmap(&l, map);
    tap_check(n == 4 && entry_is(&map[0], 0, 0xA0000, E820_RAM) &&
              entry_is(&map[1], 0xA0000, 0x60000, E820_RESERVED) &&
              entry_is(&map[2], 0x100000, 255 * MIB - 0x2000, E820_RAM) &&
              entry_is(&map[3], 256 * MIB - 0x2000, 0x2000, E820_RESERVED),
              "e820: RAM, ISA hole reserved, RAM up to the special pages, special pages reserved");

    tap_check(pvh_layout(5 * GIB, &l) == 0 && l.low_end == PVH_LOWMEM_END &&
              l.high_end == 4 * GIB + 5 * GIB - PVH_LOWMEM_END,
              "layout: 5 GiB: RAM up to the MMIO hole, the rest above 4 GiB");
    n = pvh_memmap(&l, map);
    tap_check(n == 5 && entry_is(&map[3], PVH_LOWMEM_END - 0x2000, 0x2000, E820_RESERVED) &&
              entry_is(&map[4], 4 * GIB, 5 * GIB - PVH_LOWMEM_END, E820_RAM),
              "e820: special pages below the MMIO hole, high RAM last");
    tap_check(pvh_is_ram(&l, 0) && pvh_is_ram(&l, PVH_ISA_HOLE_START) &&
              pvh_is_ram(&l, PVH_LOWMEM_END - 1) && !pvh_is_ram(&l, PVH_LOWMEM_END) &&
              !pvh_is_ram(&l, 0xfed00000) && pvh_is_ram(&l, 4 * GIB) &&
              pvh_is_ram(&l, l.high_end - 1) && !pvh_is_ram(&l, l.high_end),
              "RAM 5 GiB: ISA hole and special pages are RAM; MMIO hole and above high RAM not");
    pvh_layout(256 * MIB, &l);
    tap_check(pvh_is_ram(&l, 256 * MIB - 1) && !pvh_is_ram(&l, 256 * MIB) &&
              !pvh_is_ram(&l, 4 * GIB),
              "RAM 256 MiB: nothing from 256 MiB up, nothing above 4 GiB");

    tap_check(PVH_ACPI_GPA >= PVH_ISA_HOLE_START && PVH_ACPI_GPA + 4096 <= PVH_ISA_HOLE_END &&
              PVH_ACPI_GPA % 4096 == 0,
              "layout: the ACPI tables' page lies in the ISA hole (reserved, backed by RAM)");
    tap_check(pvh_layout(MIB, &l) != 0, "layout: 1 MiB is too small");
    tap_check(pvh_layout(16 * MIB + 100, &l) != 0, "layout: memory must be whole pages");
}

static void test_backing(void)
{
    struct pvh_layout l;
    struct pvh_run r[PVH_RUNS_MAX];

    pvh_layout(256 * MIB, &l);
    unsigned n = pvh_backing(&l, r);
    tap_check(n == 2 && run_is(&r[0], 0, 127, 21) && run_is(&r[1], 254 * MIB, 510, 12),
              "backing 256 MiB: 127 frames of 2 MiB, then 510 of 4 KiB up to the special pages");

    pvh_layout(5 * GIB, &l);
    n = pvh_backing(&l, r);
    tap_check(n == 3 && run_is(&r[0], 0, PVH_LOWMEM_END / (2 * MIB) - 1, 21) &&
              run_is(&r[1], 4 * GIB, (5 * GIB - PVH_LOWMEM_END) / (2 * MIB), 21) &&
              run_is(&r[2], PVH_LOWMEM_END - 2 * MIB, 510, 12),
              "backing 5 GiB: the 2 MiB runs (low, high) first, then the 4 KiB one; "
              "no empty run for the aligned high end");

    pvh_layout(2 * MIB + 0x3000, &l);
    n = pvh_backing(&l, r);
    tap_check(n == 2 && run_is(&r[0], 0, 1, 21) && run_is(&r[1], 2 * MIB, 1, 12),
              "backing an unaligned size: one large frame, one small one, two special pages");

    uint64_t total = 0;
    pvh_layout(100 * MIB, &l);
    n = pvh_backing(&l, r);
    for (unsigned i = 0; i < n; i++)
        total += r[i].count << r[i].page_bits;
    tap_check(total + PVH_SPECIAL_PAGES * 4096 == 100 * MIB,
              "backing: frames and special pages are exactly the guest's memory");
}

static void test_blocks(void)
{
    struct pvh_layout l;
    unsigned bits[PVH_BLOCKS_MAX];

    pvh_layout(256 * MIB, &l);
    unsigned n = pvh_ram_blocks(&l, bits);
    tap_check(n == 8 && bits[0] == 27 && bits[5] == 22 && bits[6] == 21 && bits[7] == 21,
              "blocks 256 MiB: 128+64+32+16+8+4+2 MiB of 2 MiB frames, 2 MiB for the rest");
    pvh_layout(768 * MIB, &l);
    n = pvh_ram_blocks(&l, bits);
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += 1ull << bits[i];
    tap_check(total == 768 * MIB, "blocks 768 MiB: exactly 768 MiB, not 1 GiB");
    pvh_layout(5 * MIB, &l);
    n = pvh_ram_blocks(&l, bits);
    tap_check(n == 2 && bits[0] == 22 && bits[1] == 20,
              "blocks 5 MiB: 4 MiB of 2 MiB frames, 1 MiB for the last 4 KiB frames");
}

static void test_ioio(void)
{
    struct ioio io;

    /* out %al, $0xe9: port 0xe9, 8-bit */
    tap_check(ioio_decode(0x00e90010, &io) && io.port == 0xe9 && io.size == 1 && !io.in &&
              !io.string && !io.rep, "ioio: OUT byte to 0xe9");
    /* in (%dx), %eax from 0xcfc */
    tap_check(ioio_decode(0x0cfc0041, &io) && io.port == 0xcfc && io.size == 4 && io.in,
              "ioio: IN dword from 0xcfc");
    /* rep insw from 0x1f0 */
    tap_check(ioio_decode(0x01f0002d, &io) && io.size == 2 && io.in && io.string && io.rep,
              "ioio: REP INSW");
    tap_check(!ioio_decode(0x00800030, &io), "ioio: two size bits at once is refused");
    tap_check(!ioio_decode(0x00800000, &io), "ioio: no size bit is refused");

    tap_check(ioio_in_absent(0x1234, 1) == 0x12ff, "IN byte: AL all ones, the rest kept");
    tap_check(ioio_in_absent(0xffffffff00001234ull, 2) == 0xffffffff0000ffffull,
              "IN word: AX all ones, the upper bits kept");
    tap_check(ioio_in_absent(0xabcdef0012345678ull, 4) == 0xffffffffull,
              "IN dword: EAX all ones, zero-extended");
}

static void test_npf(void)
{
    uint8_t bytes[15];

    /* A read of an absent page, as QEMU reports it: final address, P clear. */
    tap_check(npf_unbacked_data(NPF_FINAL_ADDRESS) && npf_unbacked_data(NPF_FINAL_ADDRESS | 0x6),
              "npf: a read or a user write of a page that is not there is a data access to it");
    tap_check(!npf_unbacked_data(NPF_FINAL_ADDRESS | NPF_FETCH) &&
              !npf_unbacked_data(NPF_TABLE_ADDRESS) &&
              !npf_unbacked_data(NPF_FINAL_ADDRESS | NPF_PRESENT | 2) && !npf_unbacked_data(0),
              "npf: not a fetch, a fault in the guest's page walk or a write to a read-only page");
    tap_check(npf_insn_bytes(0x0000d0fe058b4406ull, 0x1122334455667788ull, bytes) == 6 &&
              memcmp(bytes, "\x44\x8b\x05\xfe\xd0\x00\x00\x88\x77\x66\x55\x44\x33\x22\x11",
                     15) == 0,
              "npf: MR4-MR5 hold the count, then the bytes in order");
    tap_check(npf_insn_bytes(0xff, 0, bytes) == 15, "npf: a count above 15 is 15");

    tap_check(vcpu_code_bits(0x500, 0xa9b) == 64 && vcpu_code_bits(0x500, 0xc9b) == 32 &&
              vcpu_code_bits(0, 0xc9b) == 32 && vcpu_code_bits(0, 0x9b) == 16 &&
              vcpu_code_bits(0, 0xa9b) == 16,
              "code size: 64 with EFER.LMA and CS.L, else CS.D: 32 (compatibility mode too) or 16");
    tap_check(vcpu_next_rip(0xffffffff81000000ull, 7, 64) == 0xffffffff81000007ull &&
              vcpu_next_rip(0xfffffffe, 5, 32) == 3 && vcpu_next_rip(0xfffe, 3, 16) == 1,
              "next RIP: 64-bit adds, EIP wraps at 4 GiB, IP at 64 KiB");
}

static void test_debug_line(void)
{
    struct debug_line l = { .len = 0 };
    const char *text = "hello\r\n";
    bool done = false;

    for (const char *p = text; *p && !done; p++)
        done = debug_line_put(&l, *p);
    tap_check(done && strcmp(l.text, "hello") == 0, "debug port: a line ends at newline, CR dropped");
    debug_line_clear(&l);
    unsigned lines = 0;
    for (unsigned i = 0; i < DEBUG_LINE_MAX * 2 + 5; i++)
        if (debug_line_put(&l, 'x')) {
            lines += strlen(l.text) == DEBUG_LINE_MAX;
            debug_line_clear(&l);
        }
    tap_check(lines == 2 && l.len == 5, "debug port: a long line is cut at %u bytes",
              DEBUG_LINE_MAX);
}

int main(void)
{
    test_layout();
    test_backing();
    test_blocks();
    test_ioio();
    test_npf();
    test_debug_line();
    return tap_done();
}
