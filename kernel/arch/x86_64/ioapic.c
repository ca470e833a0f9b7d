/* IOAPIC: routes device interrupt lines (GSIs 0-23) to the boot CPU. */
#include <kernel/arch.h>
#include "x86.h"

#define NR_PINS	24

static volatile uint32_t *ioapic;
static unsigned gsi_irq[NR_PINS];

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

static uint32_t ioapic_read(unsigned reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static unsigned irq_to_gsi(unsigned irq)
{
	return irq < 16 ? acpi_irq_gsi[irq] : irq;
}

unsigned gsi_to_irq(unsigned gsi)
{
	return gsi < NR_PINS ? gsi_irq[gsi] : gsi;
}

void ioapic_mask(unsigned gsi)
{
	ioapic_write(0x10 + 2 * gsi, ioapic_read(0x10 + 2 * gsi) | (1u << 16));
}

void ioapic_init(void)
{
	/* The legacy PICs: remap away from exception vectors, then mask. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 4); outb(0xa1, 2);
	outb(0x21, 1); outb(0xa1, 1);
	outb(0x21, 0xff); outb(0xa1, 0xff);

	ioapic = phys_to_virt(acpi_ioapic_base);
	for (unsigned gsi = 0; gsi < NR_PINS; gsi++)
		gsi_irq[gsi] = gsi;
	for (unsigned irq = 0; irq < 16; irq++)
		if (acpi_irq_gsi[irq] < NR_PINS)
			gsi_irq[acpi_irq_gsi[irq]] = irq;
	for (unsigned gsi = 0; gsi < NR_PINS; gsi++) {
		unsigned irq = gsi_irq[gsi];
		bool level = irq < 16 ? acpi_irq_level[irq] : true;
		uint32_t low = (1u << 16) | (VEC_IRQ_BASE + gsi);
		if (level)
			low |= (1u << 15) | (irq >= 16 ? (1u << 13) : 0);
		ioapic_write(0x11 + 2 * gsi, cpus[0].apic_id << 24);
		ioapic_write(0x10 + 2 * gsi, low);
	}
}

bool arch_irq_valid(unsigned irq)
{
	return irq < NR_PINS && irq != 2 && irq_to_gsi(irq) < NR_PINS;
}

void arch_irq_mask(unsigned irq)
{
	ioapic_mask(irq_to_gsi(irq));
}

void arch_irq_unmask(unsigned irq)
{
	unsigned gsi = irq_to_gsi(irq);

	ioapic_write(0x10 + 2 * gsi, ioapic_read(0x10 + 2 * gsi) & ~(1u << 16));
}
