/* COM1 (16550 UART at 0x3f8), 115200 8n1: the kernel console. */
#include <kernel/arch.h>
#include "x86.h"

#define COM1	0x3f8

bool serial_enabled = true;

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8n1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

static void serial_putc(char ch)
{
	while (!(inb(COM1 + 5) & 0x20))
		cpu_relax();
	outb(COM1, ch);
}

void arch_console_write(const char *s, size_t n)
{
	if (!serial_enabled)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
