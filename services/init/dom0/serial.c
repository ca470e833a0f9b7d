/* COM1 (16550) receive side. The kernel writes the console through the
 * same UART by polling; here only the receive-data interrupt is enabled
 * (IER bit 0) and routed to the interrupt controller (MCR OUT2). */
#include <ts/methods.h>
#include "serial.h"

#define COM1		0x3f8
#define UART_RBR	0
#define UART_IER	1
#define UART_LSR	5
#define UART_MCR	4
#define LSR_DATA_READY	0x01
#define MCR_OUT2	0x08

static uint64_t port_cap, irq_cap;

int serial_init(uint64_t ioport, uint64_t irq, uint64_t ntfn)
{
	uint64_t mcr;
	int err;

	port_cap = ioport;
	irq_cap = irq;
	err = ts_ioport_in(port_cap, COM1 + UART_MCR, 1, &mcr);
	if (err == TS_OK)
		err = ts_ioport_out(port_cap, COM1 + UART_MCR, 1, mcr | MCR_OUT2);
	if (err == TS_OK)
		err = ts_ioport_out(port_cap, COM1 + UART_IER, 1, 0x01);
	if (err == TS_OK)
		err = ts_irq_set_notification(irq_cap, ntfn);
	return err;
}

int serial_getc(void)
{
	uint64_t lsr, c;

	if (ts_ioport_in(port_cap, COM1 + UART_LSR, 1, &lsr) != TS_OK || !(lsr & LSR_DATA_READY))
		return -1;
	if (ts_ioport_in(port_cap, COM1 + UART_RBR, 1, &c) != TS_OK)
		return -1;
	return (int)(c & 0xff);
}

void serial_ack(void)
{
	ts_irq_ack(irq_cap);
}
