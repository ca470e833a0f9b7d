#include "vmexit.h"

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
