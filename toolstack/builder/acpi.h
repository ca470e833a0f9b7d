/* ACPI tables for PVH guests, as Xen's toolstack gives them: a
 * hardware-reduced platform (no PM timer, no SCI, no legacy PM1 blocks)
 * whose only fixed hardware is a sleep control/status register pair and
 * a reset register, all in system I/O space and emulated by the control
 * domain's VMM (libctl/tessera_vmm.c). The guest finds the RSDP through
 * hvm_start_info.rsdp_paddr; the tables fill one page, PVH_ACPI_GPA
 * (builder/pvh.h), in the ISA hole the e820 map reserves.
 *
 * RSDP (revision 2) -> XSDT -> FADT (revision 6) -> DSDT (just \_S5)
 *                           -> MADT (a Processor Local x2APIC per vCPU) */
#ifndef TS_ACPI_H
#define TS_ACPI_H
#include <stddef.h>
#include <stdint.h>

/* The fixed hardware's I/O ports (8-bit registers). Writing SLP_EN with
 * SLP_TYP 5 (the DSDT's \_S5) to the sleep control register powers the
 * guest off; writing ACPI_RESET_VALUE to the reset register (the PC's
 * reset control port) reboots it. The sleep status register reads
 * WAK_STS: a sleep other than S5 returns at once. */
#define ACPI_SLEEP_CONTROL_PORT 0xb000
#define ACPI_SLEEP_STATUS_PORT 0xb001
#define ACPI_RESET_PORT 0xcf9
#define ACPI_RESET_VALUE 0x06
#define ACPI_SLP_EN (1u << 5)
#define ACPI_SLP_TYP_SHIFT 2
#define ACPI_SLP_TYP_MASK (7u << ACPI_SLP_TYP_SHIFT)
#define ACPI_SLP_TYP_S5 5
#define ACPI_WAK_STS (1u << 7)

/* What a write to a port means to the VMM. */
enum acpi_port_action { ACPI_NONE, ACPI_POWEROFF, ACPI_REBOOT };
enum acpi_port_action acpi_port_write(uint16_t port, unsigned size, uint32_t value);

/* Sizes and offsets of the tables in their page (tested on the host). */
#define ACPI_RSDP_LEN 36
#define ACPI_HEADER_LEN 36
#define ACPI_FADT_LEN 276
#define ACPI_MADT_X2APIC_LEN 16
#define ACPI_TABLES_SIZE 4096
#define ACPI_MAX_VCPUS 128

/* Writes the tables for a guest with VCPUS vCPUs (1..ACPI_MAX_VCPUS) into
 * BUF (ACPI_TABLES_SIZE bytes), to be loaded at guest-physical BASE; the
 * RSDP is at BASE. Returns the bytes used, or 0 if VCPUS is out of range. */
size_t acpi_build(uint8_t *buf, uint64_t base, unsigned vcpus);

#endif
