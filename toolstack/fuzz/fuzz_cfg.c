/* libFuzzer: the whole xl.cfg path. The input is a config file, then
 * NUL-separated KEY=VALUE overrides; the result is also printed as JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cfg/domcfg_json.h"
#include "../cfg/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *over[8];
    int nover = 0;
    size_t first = strlen(text);
    for (size_t i = first; i < size && nover < 8; i++)
        if (text[i] == '\0' && i + 1 <= size)
            over[nover++] = text + i + 1;
    struct arena a = { 0 };
    struct diag d;
    struct domain_config dc;
    diag_init(&d, &a);
    if (domcfg_load(&a, "fuzz.cfg", text, over, nover, &dc, &d) == 0) {
        struct json j;
        json_init(&j);
        domcfg_to_json(&dc, NULL, &j);
        json_free(&j);
    }
    arena_free(&a);
    free(text);
    return 0;
}
