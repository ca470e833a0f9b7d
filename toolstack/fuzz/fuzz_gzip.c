/* libFuzzer: the gzip decoder, into a 1 MiB output buffer. */
#include <stdint.h>

#include "../decompress/decompress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[1 << 20];
    struct dc_stream s = { .in = data, .in_len = size, .out = out,
                           .out_cap = sizeof(out) };
    gzip_decode(&s);
    return 0;
}
