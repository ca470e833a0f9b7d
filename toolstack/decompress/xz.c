/* The .xz container (xz-file-format-1.0.4): stream header, blocks with
 * filter chains (optional BCJ x86, then LZMA2), index, stream footer. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "lzma2.h"

#define FILTER_X86 0x04
#define FILTER_LZMA2 0x21

enum check { CHECK_NONE = 0, CHECK_CRC32 = 1, CHECK_CRC64 = 4, CHECK_SHA256 = 10 };

/* Multibyte integer: 7 bits per byte, at most 9 bytes. */
static int read_vli(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 9; i++) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return (b == 0 && i > 0) ? -1 : (*out = v, 0);
    }
    return -1;
}

static int fail(struct dc_stream *s, int rc, const char *what)
{
    snprintf(s->err, sizeof(s->err), "xz: %s", what);
    return rc;
}

static size_t check_size(unsigned check)
{
    if (check == 0)
        return 0;
    return (size_t)4 << ((check - 1) / 3);      /* 4, 8, 16, 32, 64 bytes */
}

/* Decodes one block at *P; appends its output; returns its sizes. */
static int decode_block(struct dc_stream *s, const uint8_t **p, const uint8_t *end,
                        unsigned check, uint64_t *unpadded, uint64_t *uncompressed)
{
    const uint8_t *start = *p;
    size_t hsize = ((size_t)start[0] + 1) * 4;
    if ((size_t)(end - start) < hsize)
        return fail(s, DC_CORRUPT, "truncated block header");
    if (crc32_update(0, start, hsize - 4) != get_le(start + hsize - 4, 4))
        return fail(s, DC_CORRUPT, "block header CRC mismatch");
    const uint8_t *h = start + 2, *hend = start + hsize - 4;
    unsigned flags = start[1];
    if (flags & 0x3c)
        return fail(s, DC_UNSUPPORTED, "reserved block flags set");
    uint64_t csize = 0, usize = 0;
    if ((flags & 0x40) && read_vli(&h, hend, &csize) != 0)
        return fail(s, DC_CORRUPT, "bad compressed size");
    if ((flags & 0x80) && read_vli(&h, hend, &usize) != 0)
        return fail(s, DC_CORRUPT, "bad uncompressed size");
    unsigned nfilters = (flags & 3) + 1;
    bool x86 = false;
    uint32_t dict_size = 0;
    for (unsigned i = 0; i < nfilters; i++) {
        uint64_t id, psize;
        if (read_vli(&h, hend, &id) != 0 || read_vli(&h, hend, &psize) != 0 ||
            psize > (uint64_t)(hend - h))
            return fail(s, DC_CORRUPT, "bad filter flags");
        bool last = i + 1 == nfilters;
        if (id == FILTER_X86 && !last) {
            if (psize == 4 && get_le(h, 4) != 0)
                return fail(s, DC_UNSUPPORTED, "BCJ x86 start offset is not 0");
            if (psize != 0 && psize != 4)
                return fail(s, DC_CORRUPT, "bad BCJ x86 properties");
            x86 = true;
        } else if (id == FILTER_LZMA2 && last) {
            if (psize != 1 || h[0] > 40)
                return fail(s, DC_CORRUPT, "bad LZMA2 properties");
            unsigned b = h[0];
            dict_size = b == 40 ? 0xFFFFFFFFu : (2u | (b & 1)) << (b / 2 + 11);
        } else {
            char what[64];
            snprintf(what, sizeof(what), "unsupported filter 0x%llx",
                     (unsigned long long)id);
            return fail(s, DC_UNSUPPORTED, what);
        }
        h += psize;
    }
    while (h < hend)
        if (*h++ != 0)
            return fail(s, DC_CORRUPT, "nonzero block header padding");

    size_t out_start = s->out_len;
    struct dc_stream sub = *s;
    sub.in = start + hsize;
    sub.in_len = (size_t)(end - sub.in);
    int rc = lzma2_decode(&sub, dict_size);
    if (rc != DC_OK) {
        memcpy(s->err, sub.err, sizeof(s->err));
        return rc;
    }
    s->out_len = sub.out_len;
    size_t produced = s->out_len - out_start;
    if ((flags & 0x40) && csize != sub.in_used)
        return fail(s, DC_CORRUPT, "compressed size mismatch");
    if ((flags & 0x80) && usize != produced)
        return fail(s, DC_CORRUPT, "uncompressed size mismatch");
    if (x86)
        bcj_x86_decode(s->out + out_start, produced);

    const uint8_t *q = sub.in + sub.in_used;
    *unpadded = hsize + sub.in_used;
    while ((size_t)(q - start) % 4) {
        if (q >= end || *q++ != 0)
            return fail(s, DC_CORRUPT, "bad block padding");
    }
    size_t cs = check_size(check);
    if ((size_t)(end - q) < cs)
        return fail(s, DC_CORRUPT, "truncated block check");
    if (check == CHECK_CRC32 &&
        crc32_update(0, s->out + out_start, produced) != get_le(q, 4))
        return fail(s, DC_CORRUPT, "CRC32 of the data does not match");
    if (check == CHECK_CRC64) {
        uint64_t c = crc64_update(0, s->out + out_start, produced);
        uint64_t want = get_le(q, 8);
        if (c != want)
            return fail(s, DC_CORRUPT, "CRC64 of the data does not match");
    }
    *unpadded += cs;
    *uncompressed = produced;
    *p = q + cs;
    return DC_OK;
}

int xz_decode(struct dc_stream *s)
{
    static const uint8_t magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };
    const uint8_t *p = s->in, *end = s->in + s->in_len;
    s->out_len = 0;
    if (s->in_len < 12 || memcmp(p, magic, 6) != 0)
        return fail(s, DC_CORRUPT, "not an xz stream");
    if (crc32_update(0, p + 6, 2) != get_le(p + 8, 4))
        return fail(s, DC_CORRUPT, "stream header CRC mismatch");
    if (p[6] != 0 || (p[7] & 0xf0))
        return fail(s, DC_UNSUPPORTED, "unknown stream flags");
    unsigned check = p[7];
    if (check != CHECK_NONE && check != CHECK_CRC32 && check != CHECK_CRC64 &&
        check != CHECK_SHA256)
        return fail(s, DC_UNSUPPORTED, "unknown integrity check type");
    if (check == CHECK_SHA256)
        return fail(s, DC_UNSUPPORTED, "SHA-256 integrity check not supported");
    p += 12;

    /* Blocks, summing their sizes for the index check. */
    uint64_t nblocks = 0, sum_unpadded = 0, sum_usize = 0;
    for (;;) {
        if (p >= end)
            return fail(s, DC_CORRUPT, "truncated stream");
        if (*p == 0x00)
            break;                                  /* the index */
        uint64_t unpadded, usize;
        int rc = decode_block(s, &p, end, check, &unpadded, &usize);
        if (rc != DC_OK)
            return rc;
        nblocks++;
        sum_unpadded += unpadded;
        sum_usize += usize;
    }

    /* Index: must describe exactly the blocks just decoded. */
    const uint8_t *index = p++;
    uint64_t n;
    if (read_vli(&p, end, &n) != 0 || n != nblocks)
        return fail(s, DC_CORRUPT, "index does not match the blocks");
    for (uint64_t i = 0; i < n; i++) {
        uint64_t unpadded, usize;
        if (read_vli(&p, end, &unpadded) != 0 || read_vli(&p, end, &usize) != 0)
            return fail(s, DC_CORRUPT, "truncated index");
        sum_unpadded -= unpadded;
        sum_usize -= usize;
    }
    if (sum_unpadded != 0 || sum_usize != 0)
        return fail(s, DC_CORRUPT, "index does not match the blocks");
    while ((size_t)(p - index) % 4) {
        if (p >= end || *p++ != 0)
            return fail(s, DC_CORRUPT, "bad index padding");
    }
    if (end - p < 4 + 12 || crc32_update(0, index, (size_t)(p - index)) != get_le(p, 4))
        return fail(s, DC_CORRUPT, "index CRC mismatch or truncated");
    size_t index_size = (size_t)(p - index) + 4;
    p += 4;

    /* Stream footer */
    if (crc32_update(0, p + 4, 6) != get_le(p, 4) ||
        (get_le(p + 4, 4) + 1) * 4 != index_size ||
        p[8] != 0 || p[9] != check || p[10] != 'Y' || p[11] != 'Z')
        return fail(s, DC_CORRUPT, "bad stream footer");
    p += 12;
    s->in_used = (size_t)(p - s->in);
    return DC_OK;
}
