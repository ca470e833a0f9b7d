/* type="hvm" build plans (TAP): the firmware ELF (firmware_override) at
 * its physical addresses, entered at e_entry with %ebx = hvm_start_info,
 * the PVH layout around it, and every error: no firmware, a missing or
 * bad file, segments that do not fit, a device model, kernel=. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../builder/build.h"
#include "../builder/pvh.h"
#include "../builder/startinfo.h"
#include "tap.h"

#define MIB (1ull << 20)
#define EM_386 3
#define EM_X86_64 62

static char dir[] = "/tmp/test_hvm.XXXXXX";

/* An executable ELF of class 32 or 64 for MACHINE with one PT_LOAD of
 * FILESZ bytes (0x5a) at PADDR, MEMSZ in memory, entered at ENTRY.
 * Returns its length in BUF. */
static size_t make_elf(uint8_t *buf, bool is64, unsigned machine, uint64_t paddr,
                       uint64_t filesz, uint64_t memsz, uint64_t entry)
{
    size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, off = 0x1000;
    memset(buf, 0, off + filesz);
    memcpy(buf, "\177ELF", 4);
    buf[4] = is64 ? 2 : 1;
    buf[5] = 1;
    buf[6] = 1;
    put_le(buf + 16, 2, 2);                     /* ET_EXEC */
    put_le(buf + 18, machine, 2);
    put_le(buf + 20, 1, 4);
    uint8_t *p = buf + eh;
    if (is64) {
        put_le(buf + 24, entry, 8);
        put_le(buf + 32, eh, 8);                /* e_phoff */
        put_le(buf + 52, eh, 2);
        put_le(buf + 54, ph, 2);
        put_le(buf + 56, 1, 2);
        put_le(p, 1, 4);                        /* PT_LOAD */
        put_le(p + 4, 7, 4);
        put_le(p + 8, off, 8);
        put_le(p + 16, paddr, 8);
        put_le(p + 24, paddr, 8);
        put_le(p + 32, filesz, 8);
        put_le(p + 40, memsz, 8);
    } else {
        put_le(buf + 24, entry, 4);
        put_le(buf + 28, eh, 4);
        put_le(buf + 40, eh, 2);
        put_le(buf + 42, ph, 2);
        put_le(buf + 44, 1, 2);
        put_le(p, 1, 4);
        put_le(p + 4, off, 4);
        put_le(p + 8, paddr, 4);
        put_le(p + 12, paddr, 4);
        put_le(p + 16, filesz, 4);
        put_le(p + 20, memsz, 4);
        put_le(p + 24, 7, 4);
    }
    memset(buf + off, 0x5a, filesz);
    return off + filesz;
}

/* Writes LEN bytes of DATA to DIR/NAME; returns the path (static). */
static const char *write_file(const char *name, const void *data, size_t len)
{
    static char paths[8][128];
    static unsigned next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof(paths[0]), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

static const char *firmware(const char *name, bool is64, unsigned machine, uint64_t paddr,
                            uint64_t filesz, uint64_t memsz, uint64_t entry)
{
    static uint8_t buf[0x1000 + 0x10000];
    size_t len = make_elf(buf, is64, machine, paddr, filesz, memsz, entry);
    return write_file(name, buf, len);
}

static struct domain_config hvm(const char *fw, const char *dm)
{
    return (struct domain_config){
        .name = "h", .type = DOM_HVM, .memory_mb = 16, .vcpus = 1,
        .firmware_override = fw, .device_model_version = dm,
    };
}

static const struct placement *find(const struct build_plan *p, const char *what)
{
    for (size_t i = 0; i < p->nplacements; i++)
        if (strcmp(p->placements[i].what, what) == 0)
            return &p->placements[i];
    return NULL;
}

/* Builds DC, which must fail with an error containing WANT and leave
 * nothing in the plan. */
static void expect_error(const char *name, const struct domain_config *dc, const char *want)
{
    struct build_plan plan;
    char err[256] = "";
    int rc = build_domain_plan(dc, &plan, err, sizeof(err));
    tap_check(rc != 0 && strstr(err, want) != NULL && plan.nplacements == 0 && plan.nowned == 0,
              "%s: error \"%s\" (want \"%s\")", name, err, want);
    if (rc == 0)
        plan_free(&plan);
}

static void test_elf32(void)
{
    const char *fw = firmware("fw32.elf", false, EM_386, 0x100000, 0x3000, 0x5000, 0x100040);
    struct domain_config dc = hvm(fw, "none");
    struct build_plan plan;
    char err[256] = "";
    int rc = build_domain_plan(&dc, &plan, err, sizeof(err));
    tap_check(rc == 0, "ELF32 i386 firmware without Xen notes: planned (%s)", err);
    if (rc != 0)
        return;
    const struct placement *seg = find(&plan, "firmware segment");
    tap_check(seg != NULL && seg->gpa == 0x100000 && seg->len == 0x3000 &&
              seg->zero_len == 0x2000 && seg->data[0] == 0x5a && seg->data[0x2fff] == 0x5a,
              "its PT_LOAD at its physical address, file bytes then zeroes");
    tap_check(plan.mode == BOOT_PVH && plan.regs.rip == 0x100040 && plan.regs.cr0 == 0x11,
              "entered at e_entry in 32-bit flat protected mode");
    const struct placement *si = find(&plan, "hvm_start_info");
    tap_check(si != NULL && plan.regs.rbx == 0x105000 && si->gpa == 0x105000,
              "%%ebx: hvm_start_info on the page after the firmware");
    if (si == NULL)
        goto out;
    tap_check(get_le(si->data + HVM_OFF_MAGIC, 4) == HVM_START_MAGIC &&
              get_le(si->data + HVM_OFF_VERSION, 4) == 1,
              "hvm_start_info: magic and version 1");
    tap_check(get_le(si->data + HVM_OFF_CMDLINE, 8) == 0 &&
              get_le(si->data + HVM_OFF_NR_MODULES, 4) == 0,
              "hvm_start_info: no command line, no modules");
    tap_check(get_le(si->data + HVM_OFF_RSDP, 8) == PVH_ACPI_GPA &&
              get_le(si->data + HVM_OFF_MEMMAP_ENTRIES, 4) == 4 &&
              get_le(si->data + HVM_OFF_MEMMAP, 8) == si->gpa + HVM_START_INFO_SIZE,
              "hvm_start_info: the ACPI RSDP and the PVH e820 map");
    tap_check(plan.store_gpa == 16 * MIB - 0x2000 && plan.console_gpa == 16 * MIB - 0x1000 &&
              find(&plan, "xenstore ring") != NULL && find(&plan, "console ring") != NULL &&
              find(&plan, "ACPI tables") != NULL,
              "the special pages and the ACPI tables as for PVH guests");
out:
    plan_free(&plan);
}

/* firmware="PATH" takes the place of firmware_override, as in xl 4.17. */
static void test_firmware_path(void)
{
    const char *fw = firmware("fwpath.elf", false, EM_386, 0x100000, 0x100, 0x100, 0x100000);
    struct domain_config dc = hvm("/nonexistent/hvmloader", "none");
    dc.firmware = fw;
    struct build_plan plan;
    char err[256] = "";
    int rc = build_domain_plan(&dc, &plan, err, sizeof(err));
    tap_check(rc == 0 && plan.regs.rip == 0x100000,
              "firmware=PATH is loaded in place of firmware_override (%s)", err);
    if (rc == 0)
        plan_free(&plan);
}

static void test_elf64_cmdline(void)
{
    const char *fw = firmware("fw64.elf", true, EM_X86_64, 0x200000, 0x100, 0x100, 0x200000);
    struct domain_config dc = hvm(fw, "none");
    dc.cmdline = "console=e9";
    dc.vcpus = 4;
    struct build_plan plan;
    char err[256] = "";
    int rc = build_domain_plan(&dc, &plan, err, sizeof(err));
    tap_check(rc == 0 && plan.regs.rip == 0x200000 && plan.regs.rbx == 0x201000,
              "ELF64 firmware: planned, entered at e_entry (%s)", err);
    if (rc != 0)
        return;
    const struct placement *si = find(&plan, "hvm_start_info");
    uint64_t cmd = si ? get_le(si->data + HVM_OFF_CMDLINE, 8) : 0;
    tap_check(cmd != 0 && strcmp((const char *)si->data + (cmd - si->gpa), "console=e9") == 0,
              "a command line given goes into hvm_start_info");
    plan_free(&plan);
}

static void test_errors(void)
{
    struct domain_config dc = hvm(NULL, "none");
    expect_error("no firmware_override", &dc,
                 "firmware_override: not set: an HVM guest starts from a firmware ELF "
                 "(Xen's hvmloader) and Tessera has none of its own yet");
    dc = hvm("/nonexistent/hvmloader", "none");
    expect_error("missing firmware", &dc,
                 "firmware_override /nonexistent/hvmloader: No such file or directory");
    const char *text = write_file("notelf.bin", "MZ this is not an ELF file at all, really", 41);
    char want[256];
    dc = hvm(text, "none");
    snprintf(want, sizeof(want), "firmware_override %s: not an ELF image", text);
    expect_error("firmware that is not an ELF", &dc, want);
    const char *arm = firmware("arm.elf", true, 183, 0x100000, 0x100, 0x100, 0x100000);
    dc = hvm(arm, "none");
    snprintf(want, sizeof(want), "firmware_override %s: ELF image is not for x86", arm);
    expect_error("firmware for another machine", &dc, want);
    const char *high = firmware("high.elf", false, EM_386, 16 * MIB - 0x2000, 0x100, 0x1000,
                                16 * MIB - 0x2000);
    dc = hvm(high, "none");
    snprintf(want, sizeof(want), "firmware_override %s: its segments end at 0xfff000, above "
             "the RAM for it (below the special pages at 0xffe000 with 16 MiB of guest memory)",
             high);
    expect_error("firmware over the special pages", &dc, want);
    const char *beyond = firmware("beyond.elf", true, EM_X86_64, 0x100000000ull, 0x100, 0x100,
                                  0x100000000ull);
    dc = hvm(beyond, "none");
    expect_error("firmware above 4 GiB", &dc, "above the RAM for it");
    const char *acpi = firmware("acpi.elf", false, EM_386, 0xE0000, 0x100, 0x100, 0xE0000);
    dc = hvm(acpi, "none");
    expect_error("firmware over the ACPI tables", &dc, "overlaps the ACPI tables");
    const char *noentry = firmware("noentry.elf", false, EM_386, 0x100000, 0x100, 0x100, 0x8000);
    dc = hvm(noentry, "none");
    expect_error("entry point outside the firmware", &dc,
                 "its entry point 0x8000 is outside its loaded segments");
}

/* With a device model (the default, qemu-xen, qemu-xen-traditional) the
 * firmware is checked first, then the device model refused. */
static void test_device_model(void)
{
    const char *fw = firmware("dm.elf", false, EM_386, 0x100000, 0x100, 0x100, 0x100000);
    const char *dms[] = { NULL, "qemu-xen", "qemu-xen-traditional" };
    for (unsigned i = 0; i < 3; i++) {
        struct domain_config dc = hvm(fw, dms[i]);
        char name[96];
        snprintf(name, sizeof(name), "device_model_version %s", dms[i] ? dms[i] : "unset");
        expect_error(name, &dc, "HVM guests with emulated devices need a device model, which "
                     "is not supported yet; device_model_version=\"none\" runs the firmware");
    }
    struct domain_config dc = hvm("/nonexistent/hvmloader", NULL);
    expect_error("with a device model, a missing firmware is reported first", &dc,
                 "firmware_override /nonexistent/hvmloader: No such file or directory");
    dc = hvm(fw, "none");
    dc.firmware = "seabios";
    expect_error("firmware=\"seabios\" without a device model", &dc,
                 "firmware: \"seabios\" is a BIOS that hvmloader loads for a device model");
    dc = hvm(NULL, "none");
    dc.firmware = "/nonexistent/fw.elf";
    expect_error("firmware=PATH is the firmware ELF", &dc,
                 "firmware /nonexistent/fw.elf: No such file or directory");
    dc = hvm(fw, "none");
    dc.kernel = "/boot/vmlinuz";
    expect_error("kernel= without a device model", &dc,
                 "kernel: an HVM guest's direct kernel boot is done by its device model");
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_elf32();
    test_elf64_cmdline();
    test_firmware_path();
    test_errors();
    test_device_model();
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_hvm: could not remove %s\n", dir);
    return tap_done();
}
