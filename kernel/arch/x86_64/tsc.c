/* TSC frequency, calibrated against the PIT (channel 2, gate via port 0x61). */
#include <kernel/printk.h>
#include "x86.h"

#define PIT_HZ		1193182
#define CALIBRATE_MS	20

uint64_t tsc_khz;

void tsc_calibrate(void)
{
	uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t start, end;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	start = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	end = rdtsc();
	tsc_khz = (end - start) / CALIBRATE_MS;
	pr_info("tsc: %lu kHz\n", tsc_khz);
}

void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}
