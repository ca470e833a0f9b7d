/* What the control domain's VMM needs to know about the vCPU exits the
 * kernel passes on (AMD SVM exit codes, the IOIO exit's EXITINFO1, a
 * nested page fault's EXITINFO1 and instruction bytes, the vCPU's code
 * size), and the line buffer of Xen's HVM debug console (port 0xe9).
 * Plain logic, tested on the host (toolstack/tests/test_pvh.c). */
#ifndef TS_LIBCTL_VMEXIT_H
#define TS_LIBCTL_VMEXIT_H
#include <stdbool.h>
#include <stdint.h>

#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_SHUTDOWN 0x7f          /* triple fault */
#define SVM_EXIT_NPF 0x400              /* nested page fault: EXITINFO2 = gpa */

#define XEN_DEBUG_PORT 0xe9             /* Xen's HVM debug console */

/* A nested page fault's EXITINFO1: #PF-style bits, and which address
 * faulted (the access's own, or one of the guest's page-table entries). */
#define NPF_PRESENT (1ull << 0)
#define NPF_FETCH (1ull << 4)
#define NPF_FINAL_ADDRESS (1ull << 32)
#define NPF_TABLE_ADDRESS (1ull << 33)

/* Whether a nested page fault is a data access (no instruction fetch,
 * not the guest's page walk) to a guest-physical page that is not there
 * (not a protection fault on one that is). */
bool npf_unbacked_data(uint64_t info1);

/* The instruction bytes a nested page fault carries in MR4 and MR5
 * (byte 0 the count, then the bytes): the count (at most 15), the bytes
 * into BYTES. */
unsigned npf_insn_bytes(uint64_t mr4, uint64_t mr5, uint8_t bytes[15]);

/* The size of the code a vCPU runs: 64 (EFER.LMA and CS.L), else 32 or
 * 16 by CS.D, from EFER and CS's attributes in the VMCB's format. */
unsigned vcpu_code_bits(uint64_t efer, uint64_t cs_attributes);

/* RIP after an instruction of LENGTH bytes in code of BITS: EIP wraps at
 * 4 GiB and IP at 64 KiB. */
uint64_t vcpu_next_rip(uint64_t rip, unsigned length, unsigned bits);

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
