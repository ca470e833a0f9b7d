/* Local APIC in x2APIC mode where the CPU has it, xAPIC (MMIO) otherwise. */
#include <kernel/arch.h>
#include <kernel/printk.h>
#include "x86.h"

#define MSR_APIC_BASE	0x1b
#define APIC_BASE_X2	(1u << 10)
#define APIC_BASE_EN	(1u << 11)

#define REG_ID		0x02
#define REG_EOI		0x0b
#define REG_SVR		0x0f
#define REG_ICR		0x30
#define REG_ICR_HIGH	0x31
#define REG_LVT_TIMER	0x32
#define REG_TIMER_INIT	0x38
#define REG_TIMER_CUR	0x39
#define REG_TIMER_DIV	0x3e

#define TIMER_PERIODIC	(1u << 17)
#define TIMER_HZ	100

static bool x2apic;
static volatile uint32_t *xapic;	/* MMIO base through the physical map */
static uint32_t timer_initial_count;

static uint32_t apic_read(unsigned reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + reg) : xapic[reg * 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + reg, v);
	else
		xapic[reg * 4] = v;
}

unsigned lapic_id(void)
{
	return x2apic ? apic_read(REG_ID) : apic_read(REG_ID) >> 24;
}

void lapic_init_cpu(void)
{
	uint32_t a, b, c, d;
	uint64_t base;

	cpuid(1, 0, &a, &b, &c, &d);
	x2apic = c & (1u << 21);
	base = rdmsr(MSR_APIC_BASE);
	xapic = phys_to_virt(base & ~0xfffull);
	base |= APIC_BASE_EN;
	if (x2apic)
		base |= APIC_BASE_X2;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(REG_SVR, 0x100 | VEC_SPURIOUS);
}

void lapic_eoi(void)
{
	apic_write(REG_EOI, 0);
}

static void icr_send(unsigned apic_id, uint32_t low)
{
	if (x2apic) {
		wrmsr(0x800 + REG_ICR, (uint64_t)apic_id << 32 | low);
		return;
	}
	apic_write(REG_ICR_HIGH, apic_id << 24);
	apic_write(REG_ICR, low);
	while (apic_read(REG_ICR) & (1u << 12))
		cpu_relax();
}

void lapic_send_ipi(unsigned apic_id, unsigned vector)
{
	icr_send(apic_id, vector);
}

void lapic_send_init_sipi(unsigned apic_id, unsigned page)
{
	icr_send(apic_id, 0x4500);		/* INIT, assert */
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(apic_id, 0x4600 | page);	/* STARTUP */
		delay_us(200);
	}
}

/* Count LAPIC timer ticks over 10 ms of TSC time (the TSC is calibrated first). */
void lapic_calibrate(void)
{
	uint32_t elapsed;

	apic_write(REG_TIMER_DIV, 0x3);	/* divide by 16 */
	apic_write(REG_LVT_TIMER, 1u << 16);	/* masked */
	apic_write(REG_TIMER_INIT, 0xffffffff);
	delay_us(10000);
	elapsed = 0xffffffff - apic_read(REG_TIMER_CUR);
	timer_initial_count = elapsed * 100 / TIMER_HZ;
	pr_info("apic: %s, timer %u kHz, tick %u Hz\n", x2apic ? "x2APIC" : "xAPIC",
		elapsed / 10, TIMER_HZ);
}

void lapic_timer_start(void)
{
	apic_write(REG_TIMER_DIV, 0x3);
	apic_write(REG_LVT_TIMER, TIMER_PERIODIC | VEC_TIMER);
	apic_write(REG_TIMER_INIT, timer_initial_count);
}
