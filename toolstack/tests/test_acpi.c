/* The PVH guests' ACPI tables (builder/acpi.c), read back the way an OS
 * does: from the RSDP through the XSDT to each table, checking
 * signatures, lengths, checksums, the FADT's hardware-reduced fields, the
 * DSDT's AML and the MADT's x2APIC entries for 1..16 vCPUs (and the
 * limits); then what the VMM makes of writes to the fixed hardware's
 * ports (TAP). */
#include <inttypes.h>
#include <stdint.h>

#include "../builder/acpi.h"
#include "tap.h"

#define BASE 0xe0000ull         /* where PVH guests have them (PVH_ACPI_GPA) */

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static bool sums_to_zero(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

/* The table at guest-physical GPA, or NULL if outside what was built. */
static const uint8_t *at(const uint8_t *buf, size_t used, uint64_t gpa)
{
    if (gpa < BASE || gpa - BASE + 36 > used)
        return NULL;
    return buf + (gpa - BASE);
}

/* A table whose header says SIGNATURE and LENGTH (0: any), whose bytes
 * lie within what was built and sum to zero. */
static bool table_ok(const uint8_t *buf, size_t used, const uint8_t *t, const char *signature,
                     size_t length)
{
    if (t == NULL || memcmp(t, signature, 4) != 0)
        return false;
    uint64_t len = le(t + 4, 4);
    return (length == 0 || len == length) && (size_t)(t - buf) + len <= used &&
           sums_to_zero(t, len) && memcmp(t + 10, "TESSRA", 6) == 0;
}

/* A Generic Address Structure: an 8-bit register at PORT in I/O space. */
static bool gas_is_io8(const uint8_t *g, uint16_t port)
{
    return g[0] == 1 && g[1] == 8 && g[2] == 0 && g[3] == 1 && le(g + 4, 8) == port;
}

static void test_tables(unsigned vcpus, bool full)
{
    static uint8_t buf[ACPI_TABLES_SIZE];
    memset(buf, 0xa5, sizeof(buf));
    size_t used = acpi_build(buf, BASE, vcpus);
    tap_check(used > 0 && used <= ACPI_TABLES_SIZE, "%u vCPUs: tables built (%zu bytes)", vcpus,
              used);
    if (used == 0)
        return;

    const uint8_t *rsdp = buf;
    bool rsdp_ok = memcmp(rsdp, "RSD PTR ", 8) == 0 && rsdp[15] == 2 &&
                   le(rsdp + 16, 4) == 0 && le(rsdp + 20, 4) == ACPI_RSDP_LEN &&
                   sums_to_zero(rsdp, 20) && sums_to_zero(rsdp, ACPI_RSDP_LEN);
    tap_check(rsdp_ok, "%u vCPUs: RSDP revision 2, length 36, no RSDT, both checksums", vcpus);

    const uint8_t *xsdt = at(buf, used, le(rsdp + 24, 8));
    tap_check(table_ok(buf, used, xsdt, "XSDT", 36 + 2 * 8) && xsdt[8] == 1,
              "%u vCPUs: XSDT with two entries", vcpus);
    if (xsdt == NULL)
        return;
    const uint8_t *fadt = at(buf, used, le(xsdt + 36, 8));
    const uint8_t *madt = at(buf, used, le(xsdt + 44, 8));

    tap_check(table_ok(buf, used, fadt, "FACP", ACPI_FADT_LEN) && fadt[8] == 6,
              "%u vCPUs: XSDT[0] is the FADT, revision 6, 276 bytes", vcpus);
    if (fadt == NULL)
        return;
    if (full) {
        uint32_t flags = (uint32_t)le(fadt + 112, 4);
        tap_check(flags == ((1u << 20) | (1u << 10)),
                  "FADT flags: HW_REDUCED_ACPI and RESET_REG_SUP only");
        tap_check(gas_is_io8(fadt + 116, ACPI_RESET_PORT) && fadt[128] == ACPI_RESET_VALUE,
                  "FADT RESET_REG: 8-bit I/O port %#x, value %#x", ACPI_RESET_PORT,
                  ACPI_RESET_VALUE);
        tap_check(gas_is_io8(fadt + 244, ACPI_SLEEP_CONTROL_PORT),
                  "FADT SLEEP_CONTROL_REG: 8-bit I/O port %#x", ACPI_SLEEP_CONTROL_PORT);
        tap_check(gas_is_io8(fadt + 256, ACPI_SLEEP_STATUS_PORT),
                  "FADT SLEEP_STATUS_REG: 8-bit I/O port %#x", ACPI_SLEEP_STATUS_PORT);
        bool no_legacy = le(fadt + 36, 4) == 0 && le(fadt + 46, 2) == 0 && le(fadt + 48, 4) == 0;
        for (unsigned off = 56; off < 88; off += 4)       /* PM1a_EVT_BLK .. GPE1_BLK */
            no_legacy = no_legacy && le(fadt + off, 4) == 0;
        for (unsigned off = 148; off < 244; off++)        /* X_PM1a_EVT_BLK .. X_GPE1_BLK */
            no_legacy = no_legacy && fadt[off] == 0;
        tap_check(no_legacy && le(fadt + 132, 8) == 0,
                  "FADT: no FACS, SCI, SMI command, PM1/PM2 blocks, PM timer or GPE blocks");
        tap_check(le(fadt + 109, 2) == ((1u << 2) | (1u << 5)),
                  "FADT IAPC_BOOT_ARCH: no VGA, no CMOS RTC");
    }

    const uint8_t *dsdt = at(buf, used, le(fadt + 140, 8));
    static const uint8_t s5[] = { 0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04,
                                  0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
    tap_check(le(fadt + 40, 4) == 0 && table_ok(buf, used, dsdt, "DSDT", 36 + sizeof(s5)) &&
              memcmp(dsdt + 36, s5, sizeof(s5)) == 0,
              "%u vCPUs: X_DSDT is a DSDT holding exactly Name(_S5, Package(){5, 5, 0, 0})",
              vcpus);

    tap_check(table_ok(buf, used, madt, "APIC", 36 + 8 + vcpus * 16) &&
              le(madt + 36, 4) == 0xfee00000u && le(madt + 40, 4) == 0,
              "%u vCPUs: XSDT[1] is the MADT: local APIC 0xfee00000, no 8259, %u entries",
              vcpus, vcpus);
    if (madt == NULL)
        return;
    bool entries_ok = true;
    for (unsigned i = 0; i < vcpus; i++) {
        const uint8_t *e = madt + 44 + 16 * i;
        entries_ok = entries_ok && e[0] == 9 && e[1] == 16 && le(e + 2, 2) == 0 &&
                     le(e + 4, 4) == i && le(e + 8, 4) == 1 && le(e + 12, 4) == i;
    }
    tap_check(entries_ok, "%u vCPUs: one enabled Processor Local x2APIC per vCPU, "
              "APIC id = UID = vCPU id", vcpus);

    /* The tables do not overlap: each starts after the previous ends. */
    const uint8_t *order[] = { rsdp, xsdt, fadt, dsdt, madt };
    bool apart = true;
    for (unsigned i = 1; i < 5; i++) {
        size_t prev_len = i == 1 ? ACPI_RSDP_LEN : le(order[i - 1] + 4, 4);
        apart = apart && order[i] >= order[i - 1] + prev_len && (order[i] - buf) % 8 == 0;
    }
    tap_check(apart && (size_t)(madt - buf) + le(madt + 4, 4) == used,
              "%u vCPUs: RSDP, XSDT, FADT, DSDT, MADT in order, 8-byte aligned, apart; "
              "the MADT ends the used bytes", vcpus);
}

static void test_limits(void)
{
    static uint8_t buf[ACPI_TABLES_SIZE];
    tap_check(acpi_build(buf, BASE, 0) == 0, "0 vCPUs: refused");
    tap_check(acpi_build(buf, BASE, ACPI_MAX_VCPUS + 1) == 0, "%u vCPUs: refused",
              ACPI_MAX_VCPUS + 1);
    test_tables(ACPI_MAX_VCPUS, false);
}

static void test_ports(void)
{
    uint32_t s5 = ACPI_SLP_EN | 5 << 2;
    tap_check(s5 == 0x34 && acpi_port_write(ACPI_SLEEP_CONTROL_PORT, 1, s5) == ACPI_POWEROFF,
              "SLP_EN | SLP_TYP 5 (0x34) to the sleep control port: poweroff");
    tap_check(acpi_port_write(ACPI_SLEEP_CONTROL_PORT, 1, 5 << 2) == ACPI_NONE,
              "SLP_TYP 5 without SLP_EN: nothing");
    tap_check(acpi_port_write(ACPI_SLEEP_CONTROL_PORT, 1, ACPI_SLP_EN | 3 << 2) == ACPI_NONE,
              "SLP_EN with SLP_TYP 3 (not in the DSDT): nothing");
    tap_check(acpi_port_write(ACPI_SLEEP_STATUS_PORT, 1, s5) == ACPI_NONE,
              "the S5 value to the sleep status port: nothing");
    tap_check(acpi_port_write(ACPI_SLEEP_CONTROL_PORT, 2, s5) == ACPI_NONE,
              "a 16-bit write to the 8-bit sleep control register: nothing");
    tap_check(acpi_port_write(ACPI_RESET_PORT, 1, ACPI_RESET_VALUE) == ACPI_REBOOT,
              "the reset value to the reset port: reboot");
    tap_check(acpi_port_write(ACPI_RESET_PORT, 1, 0x02) == ACPI_NONE,
              "another value to the reset port: nothing");
    tap_check(acpi_port_write(0x64, 1, 0xfe) == ACPI_NONE, "the 8042's reset command: nothing");
}

int main(void)
{
    test_tables(1, true);
    for (unsigned v = 2; v <= 16; v++)
        test_tables(v, false);
    test_limits();
    test_ports();
    return tap_done();
}
