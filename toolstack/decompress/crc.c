/* CRC-32 (IEEE 802.3, reflected, as gzip and xz use it) and CRC-64
 * (ECMA-182, reflected, as xz uses it). Bitwise tables built on first use. */
#include "decompress.h"

#include <stdbool.h>

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool tables_ready;

static void make_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        uint64_t d = i;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
            d = (d >> 1) ^ (0xC96C5795D7870F42ull & (0ull - (d & 1)));
        }
        crc32_table[i] = c;
        crc64_table[i] = d;
    }
    tables_ready = true;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        make_tables();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc32_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t crc64_update(uint64_t crc, const uint8_t *p, size_t n)
{
    if (!tables_ready)
        make_tables();
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc64_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
