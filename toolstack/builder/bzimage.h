/* The Linux x86 boot protocol header of a bzImage, and its compressed
 * payload (the vmlinux ELF). */
#ifndef TS_BZIMAGE_H
#define TS_BZIMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bzimage {
    uint16_t version;               /* boot protocol, e.g. 0x020f */
    unsigned setup_sects;
    uint32_t payload_offset;        /* from the start of the file */
    uint32_t payload_length;
    uint32_t uncompressed_size;     /* the payload's 4-byte size trailer */
    const char *format;             /* "xz", "gzip", "zstd" */
};

bool bzimage_detect(const uint8_t *data, size_t size);
int bzimage_parse(const uint8_t *data, size_t size, struct bzimage *bz,
                  char *err, size_t errlen);
/* Decompresses the payload into a malloc'd buffer. */
int bzimage_extract(const uint8_t *data, const struct bzimage *bz,
                    uint8_t **out, size_t *out_len, char *err, size_t errlen);

#endif
