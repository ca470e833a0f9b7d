/* LZMA and LZMA2 as described by the LZMA SDK's lzma-specification.txt and
 * the xz file format specification. */
#include "lzma2.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROB_INIT 1024
#define NUM_STATES 12
#define POS_STATES_MAX 16
#define LIT_CODER_SIZE 0x300
#define END_POS_MODEL 14
#define ALIGN_BITS 4
#define MATCH_MIN 2

struct rc {
    const uint8_t *in, *end;
    uint32_t range, code;
    bool overrun;               /* read past the chunk: corrupt */
};

struct len_coder {
    uint16_t choice, choice2;
    uint16_t low[POS_STATES_MAX][8], mid[POS_STATES_MAX][8], high[256];
};

/* The adaptive probabilities: only uint16_t, so the whole struct can be
 * reset as one array. */
struct lzma_probs {
    uint16_t is_match[NUM_STATES][POS_STATES_MAX];
    uint16_t is_rep[NUM_STATES], is_rep_g0[NUM_STATES], is_rep_g1[NUM_STATES],
             is_rep_g2[NUM_STATES];
    uint16_t is_rep0_long[NUM_STATES][POS_STATES_MAX];
    uint16_t pos_slot[4][64];
    uint16_t pos_special[128 - END_POS_MODEL];   /* 114 in total */
    uint16_t align[1 << ALIGN_BITS];
    struct len_coder match_len, rep_len;
    uint16_t literal[LIT_CODER_SIZE << 4];       /* lc + lp <= 4 in LZMA2 */
};

struct lzma {
    unsigned lc, lp, pb;
    unsigned state;
    uint32_t rep[4];
    struct lzma_probs p;
};

static inline uint8_t rc_byte(struct rc *rc)
{
    if (rc->in < rc->end)
        return *rc->in++;
    rc->overrun = true;
    return 0;
}

static inline void rc_normalize(struct rc *rc)
{
    if (rc->range < (1u << 24)) {
        rc->range <<= 8;
        rc->code = (rc->code << 8) | rc_byte(rc);
    }
}

static inline unsigned rc_bit(struct rc *rc, uint16_t *prob)
{
    rc_normalize(rc);
    uint32_t bound = (rc->range >> 11) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob += (2048 - *prob) >> 5;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob -= *prob >> 5;
    return 1;
}

static inline unsigned rc_tree(struct rc *rc, uint16_t *probs, unsigned bits)
{
    unsigned m = 1;
    for (unsigned i = 0; i < bits; i++)
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1u << bits);
}

static inline unsigned rc_tree_reverse(struct rc *rc, uint16_t *probs,
                                       unsigned bits)
{
    unsigned m = 1, sym = 0;
    for (unsigned i = 0; i < bits; i++) {
        unsigned bit = rc_bit(rc, &probs[m]);
        m = (m << 1) | bit;
        sym |= bit << i;
    }
    return sym;
}

static inline uint32_t rc_direct(struct rc *rc, unsigned bits)
{
    uint32_t v = 0;
    while (bits--) {
        rc_normalize(rc);
        rc->range >>= 1;
        uint32_t bit = rc->code >= rc->range;
        if (bit)
            rc->code -= rc->range;
        v = (v << 1) | bit;
    }
    return v;
}

static void reset_probs(uint16_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = PROB_INIT;
}

static void lzma_reset_state(struct lzma *z)
{
    z->state = 0;
    memset(z->rep, 0, sizeof(z->rep));
    reset_probs((uint16_t *)&z->p, sizeof(z->p) / sizeof(uint16_t));
}

static unsigned decode_len(struct rc *rc, struct len_coder *lc, unsigned pos_state)
{
    if (!rc_bit(rc, &lc->choice))
        return rc_tree(rc, lc->low[pos_state], 3);
    if (!rc_bit(rc, &lc->choice2))
        return 8 + rc_tree(rc, lc->mid[pos_state], 3);
    return 16 + rc_tree(rc, lc->high, 8);
}

/* Decodes one LZMA chunk producing exactly UNPACKED bytes from its COMPRESSED
 * bytes. DICT_START: where the current dictionary begins in OUT. */
static int lzma_chunk(struct lzma *z, struct dc_stream *s, const uint8_t *in,
                      size_t compressed, size_t unpacked, size_t dict_start,
                      uint32_t dict_size)
{
    struct rc rc = { .in = in, .end = in + compressed };
    if (compressed < 5 || rc_byte(&rc) != 0) {
        snprintf(s->err, sizeof(s->err), "lzma: bad range coder start");
        return DC_CORRUPT;
    }
    rc.range = 0xFFFFFFFFu;
    for (int i = 0; i < 4; i++)
        rc.code = (rc.code << 8) | rc_byte(&rc);

    uint8_t *out = s->out;
    size_t pos = s->out_len, end = pos + unpacked;
    unsigned pb_mask = (1u << z->pb) - 1, lp_mask = (1u << z->lp) - 1;
    while (pos < end) {
        unsigned pos_state = (unsigned)pos & pb_mask;
        if (!rc_bit(&rc, &z->p.is_match[z->state][pos_state])) {
            unsigned prev = pos > dict_start ? out[pos - 1] : 0;
            uint16_t *probs = &z->p.literal[LIT_CODER_SIZE *
                (((pos & lp_mask) << z->lc) + (prev >> (8 - z->lc)))];
            unsigned sym = 1;
            if (z->state >= 7) {
                /* matched literal: guided by the byte at rep0 */
                unsigned match = out[pos - z->rep[0] - 1];
                while (sym < 0x100) {
                    unsigned mbit = (match >> 7) & 1;
                    match <<= 1;
                    unsigned bit = rc_bit(&rc, &probs[((1 + mbit) << 8) + sym]);
                    sym = (sym << 1) | bit;
                    if (bit != mbit)
                        break;
                }
            }
            while (sym < 0x100)
                sym = (sym << 1) | rc_bit(&rc, &probs[sym]);
            out[pos++] = (uint8_t)sym;
            z->state = z->state < 4 ? 0 : z->state < 10 ? z->state - 3 : z->state - 6;
            continue;
        }
        unsigned len;
        if (rc_bit(&rc, &z->p.is_rep[z->state])) {
            if (pos == dict_start)
                goto corrupt;
            if (!rc_bit(&rc, &z->p.is_rep_g0[z->state])) {
                if (!rc_bit(&rc, &z->p.is_rep0_long[z->state][pos_state])) {
                    if (z->rep[0] >= pos - dict_start)
                        goto corrupt;
                    z->state = z->state < 7 ? 9 : 11;       /* short rep */
                    out[pos] = out[pos - z->rep[0] - 1];
                    pos++;
                    continue;
                }
            } else {
                uint32_t dist;
                if (!rc_bit(&rc, &z->p.is_rep_g1[z->state])) {
                    dist = z->rep[1];
                } else {
                    if (!rc_bit(&rc, &z->p.is_rep_g2[z->state])) {
                        dist = z->rep[2];
                    } else {
                        dist = z->rep[3];
                        z->rep[3] = z->rep[2];
                    }
                    z->rep[2] = z->rep[1];
                }
                z->rep[1] = z->rep[0];
                z->rep[0] = dist;
            }
            len = decode_len(&rc, &z->p.rep_len, pos_state);
            z->state = z->state < 7 ? 8 : 11;
        } else {
            z->rep[3] = z->rep[2];
            z->rep[2] = z->rep[1];
            z->rep[1] = z->rep[0];
            len = decode_len(&rc, &z->p.match_len, pos_state);
            z->state = z->state < 7 ? 7 : 10;
            unsigned slot = rc_tree(&rc, z->p.pos_slot[len < 4 ? len : 3], 6);
            uint32_t dist;
            if (slot < 4) {
                dist = slot;
            } else {
                unsigned direct = (slot >> 1) - 1;
                dist = (2 | (slot & 1)) << direct;
                if (slot < END_POS_MODEL) {
                    dist += rc_tree_reverse(&rc, &z->p.pos_special[dist - slot],
                                            direct);
                } else {
                    dist += rc_direct(&rc, direct - ALIGN_BITS) << ALIGN_BITS;
                    dist += rc_tree_reverse(&rc, z->p.align, ALIGN_BITS);
                    if (dist == 0xFFFFFFFFu)
                        goto corrupt;       /* end marker: not allowed in LZMA2 */
                }
            }
            z->rep[0] = dist;
        }
        len += MATCH_MIN;
        uint32_t dist = z->rep[0];
        if (dist >= pos - dict_start || dist >= dict_size || len > end - pos)
            goto corrupt;
        const uint8_t *from = out + pos - dist - 1;
        for (unsigned i = 0; i < len; i++)
            out[pos + i] = from[i];         /* may overlap: byte by byte */
        pos += len;
        if (rc.overrun)
            goto corrupt;
    }
    if (rc.overrun)
        goto corrupt;
    s->out_len = pos;
    return DC_OK;
corrupt:
    snprintf(s->err, sizeof(s->err), "lzma: corrupt data at output byte %zu", pos);
    return DC_CORRUPT;
}

static int lzma2_chunks(struct lzma *z, struct dc_stream *s, uint32_t dict_size);

int lzma2_decode(struct dc_stream *s, uint32_t dict_size)
{
    struct lzma *z = malloc(sizeof(*z));     /* 28 KiB: not for small stacks */
    if (z == NULL) {
        snprintf(s->err, sizeof(s->err), "lzma2: out of memory");
        return DC_TOO_BIG;
    }
    int rc = lzma2_chunks(z, s, dict_size);
    free(z);
    return rc;
}

static int lzma2_chunks(struct lzma *z, struct dc_stream *s, uint32_t dict_size)
{
    const uint8_t *in = s->in, *end = s->in + s->in_len;
    size_t dict_start = s->out_len;
    bool need_dict_reset = true, need_props = true;

    for (;;) {
        if (in >= end)
            goto truncated;
        unsigned control = *in++;
        if (control == 0x00)
            break;
        if (control == 0x01 || control == 0x02) {   /* stored chunk */
            if (end - in < 2)
                goto truncated;
            size_t size = ((size_t)in[0] << 8 | in[1]) + 1;
            in += 2;
            if (control == 0x01) {
                dict_start = s->out_len;
                need_dict_reset = false;
            } else if (need_dict_reset) {
                goto corrupt;
            }
            if ((size_t)(end - in) < size)
                goto truncated;
            if (s->out_cap - s->out_len < size)
                goto too_big;
            memcpy(s->out + s->out_len, in, size);
            s->out_len += size;
            in += size;
            continue;
        }
        if (control < 0x80)
            goto corrupt;
        if (end - in < 4)
            goto truncated;
        size_t unpacked = ((size_t)(control & 0x1f) << 16 | (size_t)in[0] << 8 | in[1]) + 1;
        size_t packed = ((size_t)in[2] << 8 | in[3]) + 1;
        in += 4;
        unsigned reset = (control >> 5) & 3;
        if (reset == 3) {
            dict_start = s->out_len;
            need_dict_reset = false;
        } else if (need_dict_reset) {
            goto corrupt;
        }
        if (reset >= 2) {
            if (in >= end)
                goto truncated;
            unsigned props = *in++;
            if (props >= 9 * 5 * 5)
                goto corrupt;
            z->lc = props % 9;
            props /= 9;
            z->lp = props % 5;
            z->pb = props / 5;
            if (z->lc + z->lp > 4)
                goto corrupt;
            need_props = false;
        } else if (need_props) {
            goto corrupt;
        }
        if (reset >= 1)
            lzma_reset_state(z);
        if ((size_t)(end - in) < packed)
            goto truncated;
        if (s->out_cap - s->out_len < unpacked)
            goto too_big;
        int rc = lzma_chunk(z, s, in, packed, unpacked, dict_start, dict_size);
        if (rc != DC_OK)
            return rc;
        in += packed;
    }
    s->in_used = (size_t)(in - s->in);
    return DC_OK;
truncated:
    snprintf(s->err, sizeof(s->err), "lzma2: truncated input");
    return DC_CORRUPT;
corrupt:
    snprintf(s->err, sizeof(s->err), "lzma2: corrupt chunk header at input byte %zu",
             (size_t)(in - s->in));
    return DC_CORRUPT;
too_big:
    snprintf(s->err, sizeof(s->err), "lzma2: output larger than %zu bytes", s->out_cap);
    return DC_TOO_BIG;
}

/* BCJ x86: E8 (call) and E9 (jmp) operands were turned from relative into
 * absolute addresses by the encoder; turn them back. The mask tracks E8/E9
 * bytes seen in the previous 3 positions, which the encoder skipped. */
void bcj_x86_decode(uint8_t *buf, size_t len)
{
    static const bool mask_allowed[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
    static const unsigned mask_bit[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    if (len < 5)
        return;
    size_t limit = len - 4, prev_pos = (size_t)-1;
    unsigned prev_mask = 0;
    for (size_t i = 0; i < limit; i++) {
        if ((buf[i] & 0xFE) != 0xE8)
            continue;
        size_t gap = i - prev_pos;
        if (gap > 3) {
            prev_mask = 0;
        } else {
            prev_mask = (prev_mask << (gap - 1)) & 7;
            if (prev_mask != 0) {
                uint8_t b = buf[i + 4 - mask_bit[prev_mask]];
                if (!mask_allowed[prev_mask] || b == 0x00 || b == 0xFF) {
                    prev_pos = i;
                    prev_mask = (prev_mask << 1) | 1;
                    continue;
                }
            }
        }
        prev_pos = i;
        if (buf[i + 4] != 0x00 && buf[i + 4] != 0xFF) {
            prev_mask = (prev_mask << 1) | 1;
            continue;
        }
        uint32_t src = (uint32_t)buf[i + 1] | (uint32_t)buf[i + 2] << 8 |
                       (uint32_t)buf[i + 3] << 16 | (uint32_t)buf[i + 4] << 24;
        uint32_t dest;
        for (;;) {
            dest = src - (uint32_t)(i + 5);
            if (prev_mask == 0)
                break;
            unsigned j = mask_bit[prev_mask] * 8;
            uint8_t b = (uint8_t)(dest >> (24 - j));
            if (b != 0x00 && b != 0xFF)
                break;
            src = dest ^ ((1u << (32 - j)) - 1);
        }
        dest &= 0x01FFFFFF;
        dest |= 0u - (dest & 0x01000000);
        buf[i + 1] = (uint8_t)dest;
        buf[i + 2] = (uint8_t)(dest >> 8);
        buf[i + 3] = (uint8_t)(dest >> 16);
        buf[i + 4] = (uint8_t)(dest >> 24);
        i += 4;
    }
}
