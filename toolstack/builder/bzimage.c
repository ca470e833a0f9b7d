#include "bzimage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decompress/bytes.h"
#include "../decompress/decompress.h"

/* The decompressed kernel must fit this (a Debian kernel is ~66 MB). */
#define MAX_KERNEL_SIZE (512u << 20)

bool bzimage_detect(const uint8_t *d, size_t size)
{
    return size >= 0x268 && get_le(d + 0x1fe, 2) == 0xAA55 &&
           memcmp(d + 0x202, "HdrS", 4) == 0;
}

int bzimage_parse(const uint8_t *d, size_t size, struct bzimage *bz,
                  char *err, size_t errlen)
{
    memset(bz, 0, sizeof(*bz));
    if (!bzimage_detect(d, size)) {
        snprintf(err, errlen, "not a bzImage (no boot sector signature or HdrS)");
        return -1;
    }
    bz->version = (uint16_t)get_le(d + 0x206, 2);
    if (bz->version < 0x0208) {
        snprintf(err, errlen, "bzImage boot protocol %u.%02u is older than 2.08 "
                 "(no payload fields)", bz->version >> 8, bz->version & 0xff);
        return -1;
    }
    bz->setup_sects = d[0x1f1] ? d[0x1f1] : 4;
    uint64_t off = (uint64_t)(bz->setup_sects + 1) * 512 + get_le(d + 0x248, 4);
    bz->payload_length = get_le(d + 0x24c, 4);
    if (off > size || bz->payload_length < 4 || bz->payload_length > size - off) {
        snprintf(err, errlen, "bzImage payload out of bounds (truncated image?)");
        return -1;
    }
    bz->payload_offset = (uint32_t)off;
    bz->uncompressed_size = get_le(d + off + bz->payload_length - 4, 4);
    bz->format = dc_format_name(d + off, bz->payload_length);
    if (bz->format == NULL) {
        snprintf(err, errlen, "bzImage payload compression not supported "
                 "(xz, gzip and zstd are)");
        return -1;
    }
    return 0;
}

int bzimage_extract(const uint8_t *d, const struct bzimage *bz,
                    uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
    if (bz->uncompressed_size == 0 || bz->uncompressed_size > MAX_KERNEL_SIZE) {
        snprintf(err, errlen, "bzImage payload size %u is implausible",
                 bz->uncompressed_size);
        return -1;
    }
    struct dc_stream s = {
        .in = d + bz->payload_offset, .in_len = bz->payload_length,
        .out_cap = bz->uncompressed_size,
    };
    s.out = malloc(s.out_cap);
    if (s.out == NULL) {
        snprintf(err, errlen, "out of memory for the decompressed kernel");
        return -1;
    }
    int rc = dc_decode_any(&s);
    if (rc == DC_OK && s.out_len != bz->uncompressed_size) {
        snprintf(s.err, sizeof(s.err), "size %zu differs from the trailer's %u",
                 s.out_len, bz->uncompressed_size);
        rc = DC_CORRUPT;
    }
    if (rc != DC_OK) {
        snprintf(err, errlen, "bzImage %s payload: %s", bz->format, s.err);
        free(s.out);
        return -1;
    }
    *out = s.out;
    *out_len = s.out_len;
    return 0;
}
