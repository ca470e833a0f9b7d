/* Loading a guest kernel file: an ELF image, or a bzImage whose payload is
 * decompressed to the ELF inside. */
#ifndef TS_KERNEL_H
#define TS_KERNEL_H
#include "elf.h"

/* Parses DATA. When it is a bzImage, *DECOMPRESSED receives the malloc'd
 * ELF that IMG points into (else NULL). 0, or -1 with ERR. */
int kernel_parse(const uint8_t *data, size_t size, struct elf_image *img,
                 uint8_t **decompressed, char *err, size_t errlen);

#endif
