/* libFuzzer: the ELF loader, the bzImage parser (payloads up to 1 MiB are
 * decompressed) and the PVH and PV plans built from whatever loads; the
 * same bytes as HVM firmware (no notes needed) and its plan. */
#include <stdint.h>
#include <stdlib.h>

#include "../builder/bzimage.h"
#include "../builder/pvh.h"

static void plans(const struct elf_image *img)
{
    static const char cmdline[] = "console=hvc0";
    struct guest_boot g = { .kernel = img, .initrd = (const uint8_t *)cmdline,
                            .initrd_len = sizeof(cmdline), .cmdline = cmdline,
                            .memory_bytes = 64 << 20 };
    char err[256];
    struct build_plan p;
    plan_init(&p, BOOT_PVH, g.memory_bytes);
    pvh_plan(&g, &p, err, sizeof(err));
    plan_free(&p);
    plan_init(&p, BOOT_PV, g.memory_bytes);
    pv_plan(&g, &p, err, sizeof(err));
    plan_free(&p);
}

static void firmware_plan(const uint8_t *data, size_t size, struct elf_image *img)
{
    char err[256];
    if (elf_parse_firmware(data, size, img, err, sizeof(err)) != 0)
        return;
    struct guest_boot g = { .kernel = img, .memory_bytes = 16 << 20, .vcpus = 2 };
    struct build_plan p;
    plan_init(&p, BOOT_PVH, g.memory_bytes);
    hvm_firmware_plan(&g, &p, err, sizeof(err));
    plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_image img;        /* ~5 KiB of note text */
    char err[256];
    firmware_plan(data, size, &img);
    if (!bzimage_detect(data, size)) {
        if (elf_parse(data, size, &img, err, sizeof(err)) == 0)
            plans(&img);
        return 0;
    }
    struct bzimage bz;
    uint8_t *elf;
    size_t len;
    if (bzimage_parse(data, size, &bz, err, sizeof(err)) != 0 ||
        bz.uncompressed_size > (1u << 20) ||
        bzimage_extract(data, &bz, &elf, &len, err, sizeof(err)) != 0)
        return 0;
    if (elf_parse(elf, len, &img, err, sizeof(err)) == 0)
        plans(&img);
    free(elf);
    return 0;
}
