/* What the control domain's VMM needs to know about the vCPU exits the
 * kernel passes on (AMD SVM exit codes, the IOIO exit's EXITINFO1), and
 * the line buffer of Xen's HVM debug console (port 0xe9). Plain logic,
 * tested on the host (toolstack/tests/test_vmexit.c). */
#ifndef TS_LIBCTL_VMEXIT_H
#define TS_LIBCTL_VMEXIT_H
#include <stdbool.h>
#include <stdint.h>

#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_SHUTDOWN 0x7f          /* triple fault */
#define SVM_EXIT_NPF 0x400              /* nested page fault: EXITINFO2 = gpa */

#define XEN_DEBUG_PORT 0xe9             /* Xen's HVM debug console */

struct ioio {
    uint16_t port;
    unsigned size;                      /* 1, 2 or 4 bytes */
    bool in, string, rep;
};

/* Decodes EXITINFO1 of an IOIO exit: port in bits 31:16, IN = bit 0,
 * string = bit 2, rep = bit 3, size one-hot in bits 4-6. False if the
 * size bits are not one of 1, 2, 4 bytes. */
bool ioio_decode(uint64_t info1, struct ioio *io);

/* RAX after an IN from a port nobody emulates: all ones of the access
 * size, which replace AL / AX and leave the rest (a 32-bit IN clears the
 * upper half, as any 32-bit register write does). */
uint64_t ioio_in_absent(uint64_t rax, unsigned size);

/* Lines written byte by byte to the debug port. */
#define DEBUG_LINE_MAX 120
struct debug_line {
    char text[DEBUG_LINE_MAX + 1];
    unsigned len;
};

/* Adds one byte; true when a line is complete (a newline, or the buffer
 * is full): then text holds it (NUL-terminated, without the newline)
 * until debug_line_clear. Carriage returns are dropped. */
bool debug_line_put(struct debug_line *l, char c);
void debug_line_clear(struct debug_line *l);

#endif
