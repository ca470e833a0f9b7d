#include <string.h>

#include "decompress.h"

const char *dc_format_name(const uint8_t *in, size_t len)
{
    if (len >= 6 && memcmp(in, "\xFD" "7zXZ\0", 6) == 0)
        return "xz";
    if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b)
        return "gzip";
    if (len >= 4 && in[0] == 0x28 && in[1] == 0xB5 && in[2] == 0x2F && in[3] == 0xFD)
        return "zstd";
    if (len >= 4 && (in[0] & 0xF0) == 0x50 && in[1] == 0x2A && in[2] == 0x4D &&
        in[3] == 0x18)
        return "zstd";                  /* starts with a skippable frame */
    return NULL;
}

int dc_decode_any(struct dc_stream *s)
{
    const char *f = dc_format_name(s->in, s->in_len);
    if (f == NULL) {
        strcpy(s->err, "unknown compression format");
        return DC_UNSUPPORTED;
    }
    if (f[0] == 'x')
        return xz_decode(s);
    if (f[0] == 'g')
        return gzip_decode(s);
    return zstd_decode(s);
}
