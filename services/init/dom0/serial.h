/* COM1 input for Domain-0's shell: the I/O ports and IRQ 4 init gave it. */
#ifndef DOM0_SERIAL_H
#define DOM0_SERIAL_H
#include <stdint.h>

/* Enables the receive interrupt; IRQ 4 signals ntfn (a badged cap). */
int serial_init(uint64_t ioport, uint64_t irq, uint64_t ntfn);
/* The next received byte, or -1 if none is waiting. */
int serial_getc(void);
/* Re-enables the IRQ line once the received bytes are read. */
void serial_ack(void);

#endif
