/* Zstandard frames (RFC 8878): raw, RLE and compressed blocks; Huffman
 * literals; FSE-coded sequences; XXH64 content checksum. No dictionaries. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "decompress.h"

#define ZSTD_MAGIC 0xFD2FB528u
#define BLOCK_MAX (128u << 10)
#define HUF_MAX_BITS 11
#define FSE_MAX_LOG 9

static int highbit(uint32_t v)          /* v > 0 */
{
    int n = 0;
    while (v >>= 1)
        n++;
    return n;
}

/* --- XXH64 --- */

#define P1 11400714785074694791ull
#define P2 14029467366897019727ull
#define P3 1609587929392839161ull
#define P4 9650029242287828579ull
#define P5 2870177450012600261ull

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint64_t xxh_round(uint64_t acc, uint64_t in) { return rotl(acc + in * P2, 31) * P1; }

static uint64_t xxh64(const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;
        while (end - p >= 32) {
            v1 = xxh_round(v1, get_le(p, 8));
            v2 = xxh_round(v2, get_le(p + 8, 8));
            v3 = xxh_round(v3, get_le(p + 16, 8));
            v4 = xxh_round(v4, get_le(p + 24, 8));
            p += 32;
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        uint64_t v[4] = { v1, v2, v3, v4 };
        for (int i = 0; i < 4; i++) {
            h ^= xxh_round(0, v[i]);
            h = h * P1 + P4;
        }
    } else {
        h = P5;
    }
    h += len;
    for (; end - p >= 8; p += 8) {
        h ^= xxh_round(0, get_le(p, 8));
        h = rotl(h, 27) * P1 + P4;
    }
    if (end - p >= 4) {
        h ^= get_le(p, 4) * P1;
        h = rotl(h, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= *p * P5;
        h = rotl(h, 11) * P1;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

/* --- bit readers --- */

/* Backward stream: starts after the highest set bit of the last byte. Bits
 * before the start read as zero; "pos < 0" afterwards means overread. */
struct bwd {
    const uint8_t *p;
    int64_t pos;            /* bits not yet consumed */
};

static int bwd_init(struct bwd *b, const uint8_t *p, size_t len)
{
    if (len == 0 || p[len - 1] == 0)
        return -1;
    b->p = p;
    b->pos = (int64_t)(len - 1) * 8 + highbit(p[len - 1]);
    return 0;
}

static uint32_t bwd_peek(const struct bwd *b, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        int64_t bit = b->pos - 1 - (int64_t)i;
        uint32_t x = bit >= 0 ? (b->p[bit >> 3] >> (bit & 7)) & 1 : 0;
        v |= x << (n - 1 - i);
    }
    return v;
}

static uint32_t bwd_read(struct bwd *b, unsigned n)
{
    uint32_t v = bwd_peek(b, n);
    b->pos -= n;
    return v;
}

/* --- FSE --- */

struct fse_cell {
    uint16_t baseline;
    uint8_t symbol, bits;
};

struct fse {
    unsigned log;
    struct fse_cell cell[1 << FSE_MAX_LOG];
};

static int fse_build(struct fse *t, const int16_t *prob, unsigned nsym, unsigned log)
{
    unsigned size = 1u << log, high = size - 1;
    uint16_t next[256];
    t->log = log;
    for (unsigned s = 0; s < nsym; s++) {
        if (prob[s] == -1) {
            t->cell[high--].symbol = (uint8_t)s;
            next[s] = 1;
        } else {
            next[s] = (uint16_t)prob[s];
        }
    }
    unsigned pos = 0, step = (size >> 1) + (size >> 3) + 3;
    for (unsigned s = 0; s < nsym; s++)
        for (int i = 0; i < prob[s]; i++) {
            t->cell[pos].symbol = (uint8_t)s;
            do
                pos = (pos + step) & (size - 1);
            while (pos > high);
        }
    if (pos != 0)
        return -1;
    for (unsigned u = 0; u < size; u++) {
        unsigned s = t->cell[u].symbol;
        unsigned n = next[s]++;
        t->cell[u].bits = (uint8_t)(log - (unsigned)highbit(n));
        t->cell[u].baseline = (uint16_t)((n << t->cell[u].bits) - size);
    }
    return 0;
}

/* N bits at bit offset BIT of a forward (little-endian) bit stream. */
static int fwd_bits(const uint8_t *p, size_t len, size_t bit, unsigned n,
                    unsigned *out)
{
    if (bit + n > len * 8)
        return -1;
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++, bit++)
        v |= (unsigned)((p[bit >> 3] >> (bit & 7)) & 1) << i;
    *out = v;
    return 0;
}

/* Reads an FSE table description (forward bits). Returns bytes used or -1. */
static int fse_read(struct fse *t, const uint8_t *p, size_t len, unsigned max_sym,
                    unsigned max_log)
{
    int16_t prob[256] = { 0 };
    size_t bit = 0;
    if (len < 1)
        return -1;
    unsigned log = (p[0] & 15) + 5;
    bit = 4;
    if (log > max_log)
        return -1;
    int remaining = (1 << log) + 1;
    unsigned threshold = 1u << log, nbits = log + 1, sym = 0;
    while (remaining > 1 && sym <= max_sym) {
        unsigned v;
        if (fwd_bits(p, len, bit, nbits, &v) != 0)
            return -1;
        unsigned max = 2 * threshold - 1 - (unsigned)remaining;
        unsigned value;
        if ((v & (threshold - 1)) < max) {
            value = v & (threshold - 1);
            bit += nbits - 1;
        } else {
            value = v & (2 * threshold - 1);
            if (value >= threshold)
                value -= max;
            bit += nbits;
        }
        int pr = (int)value - 1;
        remaining -= pr < 0 ? -pr : pr;
        prob[sym++] = (int16_t)pr;
        if (pr == 0) {
            for (;;) {
                unsigned rep;
                if (fwd_bits(p, len, bit, 2, &rep) != 0)
                    return -1;
                bit += 2;
                if (sym + rep > max_sym + 1)
                    return -1;
                sym += rep;
                if (rep != 3)
                    break;
            }
        }
        while (remaining > 0 && (unsigned)remaining < threshold) {
            nbits--;
            threshold >>= 1;
        }
    }
    if (remaining != 1 || sym > max_sym + 1 || bit > len * 8)
        return -1;
    if (fse_build(t, prob, sym, log) != 0)
        return -1;
    return (int)((bit + 7) / 8);
}

/* --- Huffman literals --- */

struct huf {
    unsigned max_bits;
    uint8_t symbol[1 << HUF_MAX_BITS];
    uint8_t bits[1 << HUF_MAX_BITS];
};

static int huf_from_weights(struct huf *h, const uint8_t *w, unsigned n)
{
    uint32_t sum = 0;
    if (n > 255)
        return -1;                  /* with the implied one: 256 symbols at most */
    for (unsigned i = 0; i < n; i++) {
        if (w[i] > HUF_MAX_BITS)
            return -1;
        if (w[i])
            sum += 1u << (w[i] - 1);
    }
    if (sum == 0)
        return -1;
    unsigned max_bits = (unsigned)highbit(sum) + 1;
    uint32_t left = (1u << max_bits) - sum;
    if (max_bits > HUF_MAX_BITS || (left & (left - 1)) != 0)
        return -1;
    uint8_t weights[256];
    memcpy(weights, w, n);
    weights[n] = (uint8_t)(highbit(left) + 1);      /* the implied last one */
    n++;
    h->max_bits = max_bits;
    unsigned pos = 0;
    for (unsigned wt = 1; wt <= max_bits; wt++)
        for (unsigned s = 0; s < n; s++)
            if (weights[s] == wt) {
                unsigned count = 1u << (wt - 1);
                for (unsigned i = 0; i < count; i++) {
                    h->symbol[pos + i] = (uint8_t)s;
                    h->bits[pos + i] = (uint8_t)(max_bits + 1 - wt);
                }
                pos += count;
            }
    return pos == (1u << max_bits) ? 0 : -1;
}

/* Huffman tree description; returns bytes used or -1. */
static int huf_read(struct huf *h, const uint8_t *p, size_t len)
{
    uint8_t w[256];
    unsigned n = 0;
    if (len < 1)
        return -1;
    unsigned head = p[0];
    if (head >= 128) {
        n = head - 127;
        size_t bytes = (n + 1) / 2;
        if (bytes + 1 > len)
            return -1;
        for (unsigned i = 0; i < n; i++)
            w[i] = i % 2 ? p[1 + i / 2] & 15 : p[1 + i / 2] >> 4;
        return huf_from_weights(h, w, n) == 0 ? (int)bytes + 1 : -1;
    }
    if (head + 1u > len || head == 0)
        return -1;
    struct fse t;
    int used = fse_read(&t, p + 1, head, 255, 6);
    if (used < 0)
        return -1;
    struct bwd b;
    if (bwd_init(&b, p + 1 + used, head - (size_t)used) != 0)
        return -1;
    unsigned s1 = bwd_read(&b, t.log), s2 = bwd_read(&b, t.log);
    for (;;) {
        if (n >= 255)
            return -1;
        w[n++] = t.cell[s1].symbol;
        s1 = t.cell[s1].baseline + bwd_read(&b, t.cell[s1].bits);
        if (b.pos < 0) {
            w[n++] = t.cell[s2].symbol;
            break;
        }
        if (n >= 255)
            return -1;
        w[n++] = t.cell[s2].symbol;
        s2 = t.cell[s2].baseline + bwd_read(&b, t.cell[s2].bits);
        if (b.pos < 0) {
            w[n++] = t.cell[s1].symbol;
            break;
        }
    }
    return huf_from_weights(h, w, n) == 0 ? (int)head + 1 : -1;
}

static int huf_stream(const struct huf *h, const uint8_t *p, size_t len,
                      uint8_t *out, size_t n)
{
    struct bwd b;
    if (bwd_init(&b, p, len) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = bwd_peek(&b, h->max_bits);
        out[i] = h->symbol[v];
        b.pos -= h->bits[v];
    }
    return b.pos == 0 ? 0 : -1;
}

/* --- frame state --- */

struct zstd {
    struct dc_stream *s;
    size_t frame_start;             /* output offset where this frame began */
    uint64_t window;
    struct huf huf;
    bool have_huf;
    struct fse ll, of, ml;
    bool have_ll, have_of, have_ml;
    uint32_t rep[3];
    uint8_t literals[BLOCK_MAX];
};

static const int16_t ll_default[36] = {
    4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1 };
static const int16_t ml_default[53] = {
    1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
    -1, -1, -1, -1, -1 };
static const int16_t of_default[29] = {
    1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    -1, -1, -1, -1, -1 };

static const uint32_t ll_base[36] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24,
    28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768,
    65536 };
static const uint8_t ll_bits[36] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3,
    4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint32_t ml_base[53] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
    23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39, 41, 43, 47,
    51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771,
    65539 };
static const uint8_t ml_bits[53] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
    12, 13, 14, 15, 16 };

/* Decodes the literals section into z->literals. Returns bytes used. */
static int literals(struct zstd *z, const uint8_t *p, size_t len, size_t *nlit)
{
    if (len < 1)
        return -1;
    unsigned type = p[0] & 3, fmt = (p[0] >> 2) & 3;
    size_t regen, comp = 0, hsize;
    if (type < 2) {
        if ((fmt & 1) == 0) {
            hsize = 1;
            regen = p[0] >> 3;
        } else if (fmt == 1) {
            hsize = 2;
            if (len < 2)
                return -1;
            regen = (p[0] >> 4) + ((size_t)p[1] << 4);
        } else {
            hsize = 3;
            if (len < 3)
                return -1;
            regen = (p[0] >> 4) + ((size_t)p[1] << 4) + ((size_t)p[2] << 12);
        }
        if (regen > BLOCK_MAX)
            return -1;
        if (type == 0) {
            if (len - hsize < regen)
                return -1;
            memcpy(z->literals, p + hsize, regen);
            *nlit = regen;
            return (int)(hsize + regen);
        }
        if (len < hsize + 1)
            return -1;
        memset(z->literals, p[hsize], regen);
        *nlit = regen;
        return (int)hsize + 1;
    }
    unsigned streams = fmt == 0 ? 1 : 4;
    hsize = fmt < 2 ? 3 : fmt == 2 ? 4 : 5;
    if (len < hsize)
        return -1;
    uint64_t h = get_le(p, (unsigned)hsize);
    unsigned field = fmt < 2 ? 10 : fmt == 2 ? 14 : 18;
    regen = (size_t)((h >> 4) & ((1u << field) - 1));
    comp = (size_t)((h >> (4 + field)) & ((1u << field) - 1));
    if (regen > BLOCK_MAX || comp > len - hsize)
        return -1;
    const uint8_t *q = p + hsize;
    size_t qlen = comp;
    if (type == 2) {
        int used = huf_read(&z->huf, q, qlen);
        if (used < 0)
            return -1;
        z->have_huf = true;
        q += used;
        qlen -= (size_t)used;
    } else if (!z->have_huf) {
        return -1;
    }
    if (streams == 1) {
        if (huf_stream(&z->huf, q, qlen, z->literals, regen) != 0)
            return -1;
    } else {
        if (qlen < 6)
            return -1;
        size_t sz[4] = { get_le(q, 2), get_le(q + 2, 2), get_le(q + 4, 2), 0 };
        if (sz[0] + sz[1] + sz[2] > qlen - 6)
            return -1;
        sz[3] = qlen - 6 - sz[0] - sz[1] - sz[2];
        size_t part = (regen + 3) / 4, done = 0;
        if (part * 3 > regen)
            return -1;
        const uint8_t *sp = q + 6;
        for (int i = 0; i < 4; i++) {
            size_t n = i < 3 ? part : regen - 3 * part;
            if (huf_stream(&z->huf, sp, sz[i], z->literals + done, n) != 0)
                return -1;
            sp += sz[i];
            done += n;
        }
    }
    *nlit = regen;
    return (int)(hsize + comp);
}

static int table_for(unsigned mode, struct fse *t, bool *have,
                     const int16_t *def, unsigned nsym, unsigned def_log,
                     unsigned max_log, const uint8_t **p, const uint8_t *end)
{
    switch (mode) {
    case 0:
        *have = true;
        return fse_build(t, def, nsym, def_log);
    case 1: {                                   /* RLE: one symbol */
        if (*p >= end || **p >= nsym)
            return -1;
        t->log = 0;
        t->cell[0] = (struct fse_cell){ .symbol = *(*p)++, .bits = 0, .baseline = 0 };
        *have = true;
        return 0;
    }
    case 2: {
        int used = fse_read(t, *p, (size_t)(end - *p), nsym - 1, max_log);
        if (used < 0)
            return -1;
        *p += used;
        *have = true;
        return 0;
    }
    default:                                    /* repeat the previous table */
        return *have ? 0 : -1;
    }
}

static int copy_match(struct zstd *z, size_t offset, size_t len)
{
    struct dc_stream *s = z->s;
    if (offset == 0 || offset > s->out_len - z->frame_start || offset > z->window)
        return -1;
    if (s->out_cap - s->out_len < len)
        return -2;
    uint8_t *o = s->out + s->out_len;
    for (size_t i = 0; i < len; i++)
        o[i] = o[(ptrdiff_t)i - (ptrdiff_t)offset];
    s->out_len += len;
    return 0;
}

static int put_literals(struct zstd *z, const uint8_t *lit, size_t n)
{
    struct dc_stream *s = z->s;
    if (s->out_cap - s->out_len < n)
        return -2;
    memcpy(s->out + s->out_len, lit, n);
    s->out_len += n;
    return 0;
}

static int compressed_block(struct zstd *z, const uint8_t *p, size_t len)
{
    size_t nlit;
    int used = literals(z, p, len, &nlit);
    if (used < 0)
        return -1;
    const uint8_t *q = p + used, *end = p + len;
    if (q >= end)
        return -1;
    size_t nseq = *q++;
    if (nseq >= 128) {
        if (q >= end)
            return -1;
        if (nseq < 255) {
            nseq = ((nseq - 128) << 8) + *q++;
        } else {
            if (end - q < 2)
                return -1;
            nseq = q[0] + ((size_t)q[1] << 8) + 0x7F00;
            q += 2;
        }
    }
    const uint8_t *lit = z->literals, *lit_end = z->literals + nlit;
    if (nseq == 0)
        return q == end ? put_literals(z, lit, nlit) : -1;
    if (q >= end)
        return -1;
    unsigned modes = *q++;
    if (modes & 3)
        return -1;
    if (table_for(modes >> 6, &z->ll, &z->have_ll, ll_default, 36, 6, 9, &q, end) != 0 ||
        table_for((modes >> 4) & 3, &z->of, &z->have_of, of_default, 29, 5, 8, &q, end) != 0 ||
        table_for((modes >> 2) & 3, &z->ml, &z->have_ml, ml_default, 53, 6, 9, &q, end) != 0)
        return -1;
    struct bwd b;
    if (bwd_init(&b, q, (size_t)(end - q)) != 0)
        return -1;
    unsigned ll = bwd_read(&b, z->ll.log), of = bwd_read(&b, z->of.log),
             ml = bwd_read(&b, z->ml.log);
    for (size_t i = 0; i < nseq; i++) {
        unsigned of_code = z->of.cell[of].symbol, ml_code = z->ml.cell[ml].symbol,
                 ll_code = z->ll.cell[ll].symbol;
        if (of_code > 31 || ml_code > 52 || ll_code > 35)
            return -1;
        uint32_t of_value = (1u << of_code) + bwd_read(&b, of_code);
        size_t mlen = ml_base[ml_code] + bwd_read(&b, ml_bits[ml_code]);
        size_t llen = ll_base[ll_code] + bwd_read(&b, ll_bits[ll_code]);
        uint32_t offset;
        if (of_value > 3) {
            offset = of_value - 3;
            z->rep[2] = z->rep[1];
            z->rep[1] = z->rep[0];
            z->rep[0] = offset;
        } else {
            unsigned idx = of_value - 1 + (llen == 0);
            if (idx == 3) {
                offset = z->rep[0] - 1;
                if (offset == 0)
                    return -1;
            } else {
                offset = z->rep[idx];
            }
            if (idx > 0) {
                if (idx != 1)
                    z->rep[2] = z->rep[1];
                z->rep[1] = z->rep[0];
                z->rep[0] = offset;
            }
        }
        if (llen > (size_t)(lit_end - lit))
            return -1;
        int rc = put_literals(z, lit, llen);
        if (rc == 0)
            rc = copy_match(z, offset, mlen);
        if (rc != 0)
            return rc;
        lit += llen;
        if (i + 1 < nseq) {
            ll = z->ll.cell[ll].baseline + bwd_read(&b, z->ll.cell[ll].bits);
            ml = z->ml.cell[ml].baseline + bwd_read(&b, z->ml.cell[ml].bits);
            of = z->of.cell[of].baseline + bwd_read(&b, z->of.cell[of].bits);
        }
        if (b.pos < 0)
            return -1;
    }
    if (b.pos != 0)
        return -1;
    return put_literals(z, lit, (size_t)(lit_end - lit));
}

static int fail(struct dc_stream *s, int rc, const char *what)
{
    snprintf(s->err, sizeof(s->err), "zstd: %s", what);
    return rc;
}

static int frame(struct zstd *z, const uint8_t **pp, const uint8_t *end)
{
    struct dc_stream *s = z->s;
    const uint8_t *p = *pp;
    if (end - p < 6)
        return fail(s, DC_CORRUPT, "truncated frame header");
    unsigned desc = p[4];
    p += 5;
    unsigned fcs_flag = desc >> 6, single = (desc >> 5) & 1, checksum = (desc >> 2) & 1,
             did_flag = desc & 3;
    if (desc & 0x08)
        return fail(s, DC_CORRUPT, "reserved frame header bit set");
    if (!single) {
        unsigned w = *p++;
        unsigned wlog = 10 + (w >> 3);
        if (wlog > 41)
            return fail(s, DC_UNSUPPORTED, "window too large");
        uint64_t base = 1ull << wlog;
        z->window = base + (base / 8) * (w & 7);
    }
    static const unsigned did_size[4] = { 0, 1, 2, 4 };
    static const unsigned fcs_size[4] = { 0, 2, 4, 8 };
    unsigned fsize = fcs_flag == 0 && single ? 1 : fcs_size[fcs_flag];
    if ((size_t)(end - p) < did_size[did_flag] + fsize)
        return fail(s, DC_CORRUPT, "truncated frame header");
    if (did_flag && get_le(p, did_size[did_flag]) != 0)
        return fail(s, DC_UNSUPPORTED, "frames needing a dictionary are not supported");
    p += did_size[did_flag];
    uint64_t content = UINT64_MAX;
    if (fsize) {
        content = get_le(p, fsize) + (fsize == 2 ? 256 : 0);
        p += fsize;
    }
    if (single)
        z->window = content;
    z->frame_start = s->out_len;
    z->have_huf = z->have_ll = z->have_of = z->have_ml = false;
    z->rep[0] = 1;
    z->rep[1] = 4;
    z->rep[2] = 8;
    for (;;) {
        if (end - p < 3)
            return fail(s, DC_CORRUPT, "truncated block header");
        uint32_t h = (uint32_t)get_le(p, 3);
        p += 3;
        unsigned last = h & 1, type = (h >> 1) & 3;
        size_t size = h >> 3;
        if (type == 3)
            return fail(s, DC_CORRUPT, "reserved block type");
        if (size > BLOCK_MAX || (type != 1 && (size_t)(end - p) < size))
            return fail(s, DC_CORRUPT, "block out of bounds");
        int rc;
        if (type == 0) {
            rc = put_literals(z, p, size);
            p += size;
        } else if (type == 1) {
            if (p >= end)
                return fail(s, DC_CORRUPT, "truncated RLE block");
            rc = s->out_cap - s->out_len < size ? -2 : 0;
            if (rc == 0) {
                memset(s->out + s->out_len, *p, size);
                s->out_len += size;
            }
            p++;
        } else {
            rc = compressed_block(z, p, size);
            p += size;
        }
        if (rc == -2)
            return fail(s, DC_TOO_BIG, "output too large");
        if (rc != 0)
            return fail(s, DC_CORRUPT, "corrupt compressed block");
        if (last)
            break;
    }
    size_t produced = s->out_len - z->frame_start;
    if (content != UINT64_MAX && content != produced)
        return fail(s, DC_CORRUPT, "frame content size mismatch");
    if (checksum) {
        if (end - p < 4)
            return fail(s, DC_CORRUPT, "truncated checksum");
        if ((uint32_t)xxh64(s->out + z->frame_start, produced) != (uint32_t)get_le(p, 4))
            return fail(s, DC_CORRUPT, "content checksum mismatch");
        p += 4;
    }
    *pp = p;
    return DC_OK;
}

/* Decodes consecutive frames (skippable ones are skipped) to the end of the
 * input or up to the first bytes that are not a frame. */
int zstd_decode(struct dc_stream *s)
{
    const uint8_t *p = s->in, *end = s->in + s->in_len;
    s->out_len = 0;
    struct zstd *z = malloc(sizeof(*z));
    if (z == NULL)
        return fail(s, DC_TOO_BIG, "out of memory");
    z->s = s;
    int rc = DC_OK, frames = 0;
    while (end - p >= 4) {
        uint32_t magic = (uint32_t)get_le(p, 4);
        if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {
            if (end - p < 8 || get_le(p + 4, 4) > (uint64_t)(end - p - 8)) {
                rc = fail(s, DC_CORRUPT, "truncated skippable frame");
                break;
            }
            p += 8 + get_le(p + 4, 4);
            continue;
        }
        if (magic != ZSTD_MAGIC)
            break;
        if ((rc = frame(z, &p, end)) != DC_OK)
            break;
        frames++;
    }
    free(z);
    if (rc == DC_OK && frames == 0)
        rc = fail(s, DC_CORRUPT, "not a zstd frame");
    if (rc == DC_OK)
        s->in_used = (size_t)(p - s->in);
    return rc;
}
