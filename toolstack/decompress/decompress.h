/* Decompressors for kernel payloads and initrds: gzip (inflate), xz
 * (LZMA2, BCJ x86) and zstd. Plain C11 with no host services: they decode
 * from one buffer into another, so the same code runs in the control
 * domain. Each returns DC_OK or an error and fills ERR with a one-line
 * reason; OUT is undefined after an error. */
#ifndef TS_DECOMPRESS_H
#define TS_DECOMPRESS_H
#include <stddef.h>
#include <stdint.h>

enum dc_result {
    DC_OK = 0,
    DC_CORRUPT = -1,        /* malformed or truncated input */
    DC_TOO_BIG = -2,        /* the output would exceed OUT_CAP */
    DC_UNSUPPORTED = -3,    /* valid but uses a feature we do not decode */
};

struct dc_stream {
    const uint8_t *in;
    size_t in_len;
    size_t in_used;         /* set on success: bytes of IN consumed */
    uint8_t *out;
    size_t out_cap;
    size_t out_len;         /* set on success */
    char err[128];
};

int gzip_decode(struct dc_stream *s);
int xz_decode(struct dc_stream *s);
int zstd_decode(struct dc_stream *s);

/* Chooses by magic bytes; DC_UNSUPPORTED for an unknown format. */
int dc_decode_any(struct dc_stream *s);
const char *dc_format_name(const uint8_t *in, size_t len);  /* or NULL */

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);   /* gzip/xz */
uint64_t crc64_update(uint64_t crc, const uint8_t *p, size_t n);   /* xz */

#endif
