/* LZMA2 decoding into a flat output buffer (the whole output is the
 * dictionary, which is how a kernel image is decompressed anyway). */
#ifndef TS_LZMA2_H
#define TS_LZMA2_H
#include "decompress.h"

/* Decodes one LZMA2 stream from S->in (up to its end marker), appending
 * to S->out from S->out_len. DICT_SIZE bounds match distances. */
int lzma2_decode(struct dc_stream *s, uint32_t dict_size);

/* Undoes the BCJ x86 filter over BUF (the filter's start offset is 0). */
void bcj_x86_decode(uint8_t *buf, size_t len);

#endif
