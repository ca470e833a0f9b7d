/* libFuzzer: the disk and vif spec parsers (first byte chooses). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cfg/devspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *spec = malloc(size);
    if (spec == NULL)
        return 0;
    memcpy(spec, data + 1, size - 1);
    spec[size - 1] = '\0';
    struct arena a = { 0 };
    struct diag d;
    diag_init(&d, &a);
    if (data[0] & 1) {
        struct disk_spec disk;
        disk_spec_parse(&a, spec, &disk, &d, "disk");
    } else {
        struct vif_spec vif;
        vif_spec_parse(&a, spec, &vif, &d, "vif");
    }
    arena_free(&a);
    free(spec);
    return 0;
}
