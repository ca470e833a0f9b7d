#include <string.h>

#include "vmexit.h"

#define EFER_LMA (1ull << 10)
#define CS_L (1ull << 9)                /* in the VMCB's packed attributes */
#define CS_D (1ull << 10)

bool ioio_decode(uint64_t info1, struct ioio *io)
{
    unsigned size_bits = (info1 >> 4) & 7;
    io->port = (uint16_t)(info1 >> 16);
    io->in = info1 & 1;
    io->string = (info1 >> 2) & 1;
    io->rep = (info1 >> 3) & 1;
    io->size = size_bits == 1 ? 1 : size_bits == 2 ? 2 : size_bits == 4 ? 4 : 0;
    return io->size != 0;
}

uint64_t ioio_in_absent(uint64_t rax, unsigned size)
{
    if (size == 4)
        return 0xffffffffull;
    uint64_t mask = size == 2 ? 0xffffull : 0xffull;
    return rax | mask;
}

bool npf_unbacked_data(uint64_t info1)
{
    return (info1 & NPF_FINAL_ADDRESS) &&
           !(info1 & (NPF_TABLE_ADDRESS | NPF_FETCH | NPF_PRESENT));
}

unsigned npf_insn_bytes(uint64_t mr4, uint64_t mr5, uint8_t bytes[15])
{
    uint8_t field[16];
    for (unsigned i = 0; i < 8; i++) {
        field[i] = (uint8_t)(mr4 >> (8 * i));
        field[8 + i] = (uint8_t)(mr5 >> (8 * i));
    }
    memcpy(bytes, field + 1, 15);
    return field[0] <= 15 ? field[0] : 15;
}

unsigned vcpu_code_bits(uint64_t efer, uint64_t cs_attributes)
{
    if ((efer & EFER_LMA) && (cs_attributes & CS_L))
        return 64;
    return cs_attributes & CS_D ? 32 : 16;
}

uint64_t vcpu_next_rip(uint64_t rip, unsigned length, unsigned bits)
{
    uint64_t next = rip + length;
    return bits == 64 ? next : bits == 32 ? (uint32_t)next : (uint16_t)next;
}

bool debug_line_put(struct debug_line *l, char c)
{
    if (c == '\r')
        return false;
    if (c == '\n') {
        l->text[l->len] = '\0';
        return true;
    }
    l->text[l->len++] = c;
    l->text[l->len] = '\0';
    return l->len == DEBUG_LINE_MAX;
}

void debug_line_clear(struct debug_line *l)
{
    l->len = 0;
    l->text[0] = '\0';
}
