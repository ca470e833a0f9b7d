/* gzip (RFC 1952) around DEFLATE (RFC 1951): stored, fixed-Huffman and
 * dynamic-Huffman blocks, decoded into a flat output buffer. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decompress.h"

struct bits {
    const uint8_t *in;
    size_t len, pos;
    uint64_t buf;
    unsigned count;
    bool overrun;
};

static inline void need(struct bits *b, unsigned n)
{
    while (b->count < n) {
        uint64_t byte = 0;
        if (b->pos < b->len)
            byte = b->in[b->pos];
        else
            b->overrun = true;
        b->pos++;
        b->buf |= byte << b->count;
        b->count += 8;
    }
}

static inline unsigned getbits(struct bits *b, unsigned n)
{
    if (n == 0)
        return 0;
    need(b, n);
    unsigned v = (unsigned)(b->buf & ((1u << n) - 1));
    b->buf >>= n;
    b->count -= n;
    return v;
}

/* Canonical Huffman code: counts per length and symbols sorted by code. */
struct huff {
    uint16_t count[16];
    uint16_t symbol[288];
};

static int build(struct huff *h, const uint8_t *lengths, unsigned n)
{
    uint16_t offs[16];
    memset(h->count, 0, sizeof(h->count));
    for (unsigned i = 0; i < n; i++)
        h->count[lengths[i]]++;
    h->count[0] = 0;
    int left = 1;
    for (int len = 1; len < 16; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0)
            return -1;                  /* over-subscribed */
    }
    offs[1] = 0;
    for (int len = 1; len < 15; len++)
        offs[len + 1] = offs[len] + h->count[len];
    for (unsigned i = 0; i < n; i++)
        if (lengths[i])
            h->symbol[offs[lengths[i]]++] = (uint16_t)i;
    return 0;
}

static int decode_sym(struct bits *b, const struct huff *h)
{
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; len++) {
        code |= (int)getbits(b, 1);
        int count = h->count[len];
        if (code - count < first)
            return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
        if (b->overrun)
            return -1;
    }
    return -1;
}

static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int codes(struct dc_stream *s, struct bits *b, const struct huff *lit,
                 const struct huff *dist)
{
    for (;;) {
        int sym = decode_sym(b, lit);
        if (sym < 0)
            return DC_CORRUPT;
        if (sym < 256) {
            if (s->out_len == s->out_cap)
                return DC_TOO_BIG;
            s->out[s->out_len++] = (uint8_t)sym;
            continue;
        }
        if (sym == 256)
            return DC_OK;
        sym -= 257;
        if (sym >= 29)
            return DC_CORRUPT;
        size_t len = len_base[sym] + getbits(b, len_extra[sym]);
        int ds = decode_sym(b, dist);
        if (ds < 0 || ds >= 30)
            return DC_CORRUPT;
        size_t d = dist_base[ds] + getbits(b, dist_extra[ds]);
        if (b->overrun || d > s->out_len)
            return DC_CORRUPT;
        if (s->out_cap - s->out_len < len)
            return DC_TOO_BIG;
        uint8_t *o = s->out + s->out_len;
        for (size_t i = 0; i < len; i++)
            o[i] = o[(ptrdiff_t)i - (ptrdiff_t)d];
        s->out_len += len;
    }
}

static int fixed_block(struct dc_stream *s, struct bits *b)
{
    static struct huff lit, dist;
    static bool ready;
    if (!ready) {
        uint8_t l[288];
        for (int i = 0; i < 288; i++)
            l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
        build(&lit, l, 288);
        for (int i = 0; i < 30; i++)
            l[i] = 5;
        build(&dist, l, 30);
        ready = true;
    }
    return codes(s, b, &lit, &dist);
}

static int dynamic_block(struct dc_stream *s, struct bits *b)
{
    static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11,
                                       4, 12, 3, 13, 2, 14, 1, 15 };
    unsigned nlen = getbits(b, 5) + 257, ndist = getbits(b, 5) + 1,
             ncode = getbits(b, 4) + 4;
    if (nlen > 286 || ndist > 30)
        return DC_CORRUPT;
    uint8_t lengths[320] = { 0 };
    for (unsigned i = 0; i < ncode; i++)
        lengths[order[i]] = (uint8_t)getbits(b, 3);
    struct huff lencode, lit, dist;
    if (build(&lencode, lengths, 19) != 0)
        return DC_CORRUPT;
    memset(lengths, 0, sizeof(lengths));
    unsigned i = 0;
    while (i < nlen + ndist) {
        int sym = decode_sym(b, &lencode);
        if (sym < 0)
            return DC_CORRUPT;
        if (sym < 16) {
            lengths[i++] = (uint8_t)sym;
            continue;
        }
        uint8_t value = 0;
        unsigned rep;
        if (sym == 16) {
            if (i == 0)
                return DC_CORRUPT;
            value = lengths[i - 1];
            rep = 3 + getbits(b, 2);
        } else if (sym == 17) {
            rep = 3 + getbits(b, 3);
        } else {
            rep = 11 + getbits(b, 7);
        }
        if (i + rep > nlen + ndist)
            return DC_CORRUPT;
        while (rep--)
            lengths[i++] = value;
    }
    if (lengths[256] == 0)
        return DC_CORRUPT;              /* no end-of-block code */
    if (build(&lit, lengths, nlen) != 0 || build(&dist, lengths + nlen, ndist) != 0)
        return DC_CORRUPT;
    return codes(s, b, &lit, &dist);
}

static int fail(struct dc_stream *s, int rc, const char *what)
{
    snprintf(s->err, sizeof(s->err), "gzip: %s", what);
    return rc;
}

int gzip_decode(struct dc_stream *s)
{
    const uint8_t *in = s->in;
    size_t n = s->in_len, p = 10;
    s->out_len = 0;
    if (n < 18 || in[0] != 0x1f || in[1] != 0x8b)
        return fail(s, DC_CORRUPT, "not a gzip stream");
    if (in[2] != 8)
        return fail(s, DC_UNSUPPORTED, "compression method is not deflate");
    unsigned flags = in[3];
    if (flags & 0xe0)
        return fail(s, DC_CORRUPT, "reserved header flags set");
    if (flags & 0x04) {                         /* FEXTRA */
        if (p + 2 > n)
            return fail(s, DC_CORRUPT, "truncated header");
        p += 2 + (in[p] | (size_t)in[p + 1] << 8);
    }
    for (unsigned f = 0x08; f <= 0x10; f <<= 1) /* FNAME, FCOMMENT */
        if (flags & f) {
            while (p < n && in[p] != 0)
                p++;
            p++;
        }
    if (flags & 0x02)                           /* FHCRC */
        p += 2;
    if (p >= n)
        return fail(s, DC_CORRUPT, "truncated header");

    struct bits b = { .in = in + p, .len = n - p };
    int last, rc = DC_OK;
    do {
        last = (int)getbits(&b, 1);
        unsigned type = getbits(&b, 2);
        if (type == 0) {
            b.buf = 0;                          /* to a byte boundary */
            size_t at = b.pos - b.count / 8;
            b.count = 0;
            if (at + 4 > b.len)
                return fail(s, DC_CORRUPT, "truncated stored block");
            unsigned len = b.in[at] | (unsigned)b.in[at + 1] << 8;
            unsigned nlen = b.in[at + 2] | (unsigned)b.in[at + 3] << 8;
            at += 4;
            if ((len ^ 0xffff) != nlen)
                return fail(s, DC_CORRUPT, "stored block length check failed");
            if (at + len > b.len)
                return fail(s, DC_CORRUPT, "truncated stored block");
            if (s->out_cap - s->out_len < len)
                return fail(s, DC_TOO_BIG, "output too large");
            memcpy(s->out + s->out_len, b.in + at, len);
            s->out_len += len;
            b.pos = at + len;
        } else if (type == 1) {
            rc = fixed_block(s, &b);
        } else if (type == 2) {
            rc = dynamic_block(s, &b);
        } else {
            rc = DC_CORRUPT;
        }
        if (rc == DC_TOO_BIG)
            return fail(s, rc, "output too large");
        if (rc != DC_OK || b.overrun)
            return fail(s, DC_CORRUPT, "corrupt deflate data");
    } while (!last);

    size_t end = p + b.pos - b.count / 8;       /* unread whole bytes go back */
    if (end + 8 > n)
        return fail(s, DC_CORRUPT, "truncated trailer");
    const uint8_t *t = in + end;
    uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
                   (uint32_t)t[3] << 24;
    uint32_t isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
                     (uint32_t)t[7] << 24;
    if (crc != crc32_update(0, s->out, s->out_len))
        return fail(s, DC_CORRUPT, "CRC32 of the data does not match");
    if (isize != (uint32_t)s->out_len)
        return fail(s, DC_CORRUPT, "length of the data does not match");
    s->in_used = end + 8;
    return DC_OK;
}
