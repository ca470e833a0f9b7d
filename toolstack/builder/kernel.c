#include "kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"

int kernel_parse(const uint8_t *data, size_t size, struct elf_image *img,
                 uint8_t **decompressed, char *err, size_t errlen)
{
    *decompressed = NULL;
    if (!bzimage_detect(data, size))
        return elf_parse(data, size, img, err, errlen);
    struct bzimage bz;
    uint8_t *elf;
    size_t len;
    if (bzimage_parse(data, size, &bz, err, errlen) != 0 ||
        bzimage_extract(data, &bz, &elf, &len, err, errlen) != 0)
        return -1;
    if (elf_parse(elf, len, img, err, errlen) != 0) {
        free(elf);
        return -1;
    }
    *decompressed = elf;
    return 0;
}
