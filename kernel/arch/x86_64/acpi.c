/* ACPI: just enough to find the CPUs, the IOAPIC and ISA interrupt overrides (MADT). */
#include <kernel/arch.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "x86.h"

unsigned acpi_cpu_count;
unsigned acpi_apic_ids[MAX_CPUS];
uint64_t acpi_ioapic_base = 0xfec00000;
unsigned acpi_irq_gsi[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
bool acpi_irq_level[16];

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
} __attribute__((packed));

static bool checksum_ok(const void *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct rsdp *find_rsdp(uint64_t hint)
{
	if (hint && !memcmp(phys_to_virt(hint), "RSD PTR ", 8))
		return phys_to_virt(hint);
	for (uint64_t p = 0xe0000; p < 0x100000; p += 16)
		if (!memcmp(phys_to_virt(p), "RSD PTR ", 8) && checksum_ok(phys_to_virt(p), 20))
			return phys_to_virt(p);
	return NULL;
}

static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = phys_to_virt(x ? r->xsdt : r->rsdt);
	unsigned entry = x ? 8 : 4;
	unsigned n = (root->length - sizeof(*root)) / entry;
	const uint8_t *entries = (const uint8_t *)(root + 1);

	for (unsigned i = 0; i < n; i++) {
		uint64_t addr = 0;
		memcpy(&addr, entries + i * entry, entry);
		const struct sdt_header *h = phys_to_virt(addr);
		if (!memcmp(h->signature, sig, 4) && checksum_ok(h, h->length))
			return h;
	}
	return NULL;
}

static void add_cpu(unsigned apic_id)
{
	if (acpi_cpu_count < MAX_CPUS)
		acpi_apic_ids[acpi_cpu_count++] = apic_id;
}

void acpi_init(uint64_t rsdp_hint)
{
	const struct rsdp *r = find_rsdp(rsdp_hint);
	const struct sdt_header *madt;
	const uint8_t *p, *end;

	if (!r || !(madt = find_table(r, "APIC"))) {
		pr_warn("acpi: no MADT, running on the boot CPU only\n");
		return;
	}
	p = (const uint8_t *)madt + sizeof(*madt) + 8;	/* skip LAPIC address and flags */
	end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		switch (p[0]) {
		case 0:	/* processor local APIC: enabled or online-capable */
			if (p[4] & 3)
				add_cpu(p[3]);
			break;
		case 1:	/* IOAPIC */
			if (*(const uint32_t *)(p + 8) == 0)
				acpi_ioapic_base = *(const uint32_t *)(p + 4);
			break;
		case 2: {	/* interrupt source override */
			uint8_t irq = p[3];
			uint16_t flags = *(const uint16_t *)(p + 8);
			if (irq < 16) {
				acpi_irq_gsi[irq] = *(const uint32_t *)(p + 4);
				acpi_irq_level[irq] = ((flags >> 2) & 3) == 3;
			}
			break;
		}
		case 9:	/* processor local x2APIC */
			if (p[8] & 3)
				add_cpu(*(const uint32_t *)(p + 4));
			break;
		}
	}
	pr_info("acpi: %u CPUs, IOAPIC at %#lx\n", acpi_cpu_count, acpi_ioapic_base);
}
