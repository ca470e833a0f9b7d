/* The ACPI tables of a PVH guest (ACPI 6.x layouts: RSDP 5.2.5, the
 * system description table header 5.2.6, XSDT 5.2.8, FADT 5.2.9, DSDT
 * 5.2.11.1, MADT 5.2.12 with the Processor Local x2APIC structure
 * 5.2.12.12, the Generic Address Structure 5.2.3.2). Every multi-byte
 * field is little-endian, written byte by byte. */
#include "acpi.h"

#include <string.h>

#include "../decompress/bytes.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* The creator of every table. */
#define OEM_ID "TESSRA"                 /* 6 bytes */
#define OEM_TABLE_ID "TESSERA "         /* 8 bytes */
#define CREATOR_ID "TSRA"

/* FADT field offsets. */
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG 256
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define IAPC_VGA_NOT_PRESENT (1u << 2)
#define IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)

#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define MADT_X2APIC 9
#define MADT_ENABLED 1u
#define LAPIC_ADDRESS 0xfee00000u

/* Name(_S5, Package(){5, 5, 0, 0}): NameOp, NameSeg "_S5_", PackageOp,
 * PkgLength 8 (itself and the 7 bytes after it), NumElements 4, two
 * BytePrefix 5 (SLP_TYPa, SLP_TYPb), two ZeroOp. */
static const uint8_t s5_aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                  0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };

static uint8_t checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return (uint8_t)-sum;
}

/* A table's header; its checksum is set by finish(). */
static void header(uint8_t *t, const char *signature, size_t len, uint8_t revision)
{
    memcpy(t, signature, 4);
    put_le(t + 4, len, 4);
    t[8] = revision;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    put_le(t + 24, 1, 4);               /* OEM revision */
    memcpy(t + 28, CREATOR_ID, 4);
    put_le(t + 32, 1, 4);               /* creator revision */
}

static void finish(uint8_t *t, size_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

/* An 8-bit register in system I/O space. */
static void gas_io8(uint8_t *g, uint16_t port)
{
    g[0] = GAS_SYSTEM_IO;
    g[1] = 8;                           /* register bit width */
    g[2] = 0;                           /* bit offset */
    g[3] = GAS_ACCESS_BYTE;
    put_le(g + 4, port, 8);
}

static size_t build_dsdt(uint8_t *t)
{
    size_t len = ACPI_HEADER_LEN + sizeof(s5_aml);
    header(t, "DSDT", len, 2);
    memcpy(t + ACPI_HEADER_LEN, s5_aml, sizeof(s5_aml));
    finish(t, len);
    return len;
}

static size_t build_fadt(uint8_t *t, uint64_t dsdt)
{
    header(t, "FACP", ACPI_FADT_LEN, 6);
    put_le(t + FADT_IAPC_BOOT_ARCH, IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT, 2);
    put_le(t + FADT_FLAGS, FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP, 4);
    gas_io8(t + FADT_RESET_REG, ACPI_RESET_PORT);
    t[FADT_RESET_VALUE] = ACPI_RESET_VALUE;
    t[FADT_MINOR_VERSION] = 0;
    put_le(t + FADT_X_DSDT, dsdt, 8);
    gas_io8(t + FADT_SLEEP_CONTROL_REG, ACPI_SLEEP_CONTROL_PORT);
    gas_io8(t + FADT_SLEEP_STATUS_REG, ACPI_SLEEP_STATUS_PORT);
    finish(t, ACPI_FADT_LEN);
    return ACPI_FADT_LEN;
}

/* The local APIC address, no 8259 (flags 0), then vCPU i as x2APIC id i,
 * processor UID i, enabled. */
static size_t build_madt(uint8_t *t, unsigned vcpus)
{
    size_t len = ACPI_HEADER_LEN + 8 + vcpus * ACPI_MADT_X2APIC_LEN;
    header(t, "APIC", len, 4);
    put_le(t + 36, LAPIC_ADDRESS, 4);
    put_le(t + 40, 0, 4);
    for (unsigned i = 0; i < vcpus; i++) {
        uint8_t *e = t + ACPI_HEADER_LEN + 8 + i * ACPI_MADT_X2APIC_LEN;
        e[0] = MADT_X2APIC;
        e[1] = ACPI_MADT_X2APIC_LEN;
        put_le(e + 4, i, 4);            /* x2APIC id */
        put_le(e + 8, MADT_ENABLED, 4);
        put_le(e + 12, i, 4);           /* ACPI processor UID */
    }
    finish(t, len);
    return len;
}

static size_t build_xsdt(uint8_t *t, const uint64_t *entries, unsigned n)
{
    size_t len = ACPI_HEADER_LEN + 8 * n;
    header(t, "XSDT", len, 1);
    for (unsigned i = 0; i < n; i++)
        put_le(t + ACPI_HEADER_LEN + 8 * i, entries[i], 8);
    finish(t, len);
    return len;
}

/* Revision 2: no RSDT, the XSDT's address; a checksum of the first 20
 * bytes (the ACPI 1.0 structure) and an extended one of all 36. */
static void build_rsdp(uint8_t *r, uint64_t xsdt)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, OEM_ID, 6);
    r[15] = 2;
    put_le(r + 20, ACPI_RSDP_LEN, 4);
    put_le(r + 24, xsdt, 8);
    r[8] = checksum(r, 20);
    r[32] = checksum(r, ACPI_RSDP_LEN);
}

size_t acpi_build(uint8_t *buf, uint64_t base, unsigned vcpus)
{
    if (vcpus == 0 || vcpus > ACPI_MAX_VCPUS)
        return 0;
    memset(buf, 0, ACPI_TABLES_SIZE);
    /* RSDP, XSDT, FADT, DSDT, MADT, each 8-byte aligned (the RSDP 16). */
    size_t xsdt = ALIGN8(ACPI_RSDP_LEN), fadt = ALIGN8(xsdt + ACPI_HEADER_LEN + 2 * 8);
    size_t dsdt = ALIGN8(fadt + ACPI_FADT_LEN);
    size_t madt = ALIGN8(dsdt + build_dsdt(buf + dsdt));
    size_t end = madt + build_madt(buf + madt, vcpus);
    build_fadt(buf + fadt, base + dsdt);
    build_xsdt(buf + xsdt, (const uint64_t[]){ base + fadt, base + madt }, 2);
    build_rsdp(buf, base + xsdt);
    return end;
}

enum acpi_port_action acpi_port_write(uint16_t port, unsigned size, uint32_t value)
{
    if (size != 1)
        return ACPI_NONE;
    if (port == ACPI_SLEEP_CONTROL_PORT && (value & ACPI_SLP_EN) &&
        (value & ACPI_SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT == ACPI_SLP_TYP_S5)
        return ACPI_POWEROFF;
    if (port == ACPI_RESET_PORT && (value & 0xff) == ACPI_RESET_VALUE)
        return ACPI_REBOOT;
    return ACPI_NONE;
}
