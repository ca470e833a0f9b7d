/* Test helper: decompresses FILE (xz, gzip or zstd) into OUT using the
 * project's decoders; MAXSIZE bounds the output. */
#include <stdio.h>
#include <stdlib.h>

#include "../cfg/load.h"
#include "../decompress/decompress.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: dctool IN OUT MAXSIZE\n");
        return 2;
    }
    char *in;
    size_t len;
    if (read_file(argv[1], &in, &len) != 0) {
        perror(argv[1]);
        return 1;
    }
    struct dc_stream s = { .in = (const uint8_t *)in, .in_len = len,
                           .out_cap = strtoull(argv[3], NULL, 0) };
    s.out = malloc(s.out_cap ? s.out_cap : 1);
    int rc = s.out ? dc_decode_any(&s) : DC_TOO_BIG;
    if (rc != DC_OK) {
        fprintf(stderr, "dctool: %s: %s\n", argv[1], s.err);
    } else {
        FILE *f = fopen(argv[2], "wb");
        if (f == NULL || fwrite(s.out, 1, s.out_len, f) != s.out_len || fclose(f) != 0) {
            perror(argv[2]);
            rc = DC_CORRUPT;
        } else {
            printf("%zu %zu\n", s.in_used, s.out_len);
        }
    }
    free(s.out);
    free(in);
    return rc == DC_OK ? 0 : 1;
}
