#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cfg/load.h"
#include "kernel.h"
#include "pvh.h"

/* The bytes of file PATH (KEY names it in errors), kept alive by PLAN. */
static int view_file(const char *key, const char *path, struct build_plan *plan,
                     const char **data, size_t *len, char *err, size_t errlen)
{
    char *owned;
    if (file_view(path, data, len, &owned) != 0) {
        snprintf(err, errlen, "%s %s: %s", key, path, strerror(errno));
        return -1;
    }
    if (owned != NULL && plan_own(plan, (uint8_t *)owned) != 0) {
        free(owned);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Whether an HVM guest needs a device model: every one does (emulated
 * devices, direct kernel boot) unless device_model_version="none". */
static bool needs_device_model(const struct domain_config *dc)
{
    return dc->device_model_version == NULL || strcmp(dc->device_model_version, "none") != 0;
}

/* firmware= names of the BIOS that hvmloader loads for the device model
 * (xl.cfg(5)); any other value is a path, as firmware_override is. */
static bool is_bios_name(const char *v)
{
    static const char *const names[] = { "bios", "uefi", "seabios", "rombios", "ovmf" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(v, names[i]) == 0)
            return true;
    return false;
}

/* type="hvm": the firmware ELF in a PVH-style plan: firmware="PATH", else
 * firmware_override (xl 4.17 puts both into the same libxl field, the
 * firmware= path last). The firmware is loaded and checked before a
 * device model is refused, so that a bad firmware is reported as such. */
static int build_hvm(const struct domain_config *dc, struct build_plan *plan,
                     char *err, size_t errlen)
{
    bool bios = dc->firmware != NULL && is_bios_name(dc->firmware);
    const char *fw = dc->firmware != NULL && !bios ? dc->firmware : dc->firmware_override;
    const char *key = fw == dc->firmware ? "firmware" : "firmware_override";
    if (fw == NULL) {
        snprintf(err, errlen, "firmware_override: not set: an HVM guest starts from a firmware "
                 "ELF (Xen's hvmloader) and Tessera has none of its own yet");
        return -1;
    }
    plan_init(plan, BOOT_PVH, dc->memory_mb << 20);
    const char *data;
    size_t len;
    if (view_file(key, fw, plan, &data, &len, err, errlen) != 0)
        goto fail;
    struct elf_image img;
    char why[200];
    struct guest_boot g = {
        .kernel = &img, .cmdline = dc->cmdline, .memory_bytes = dc->memory_mb << 20,
        .vcpus = dc->vcpus,
    };
    if (elf_parse_firmware((const uint8_t *)data, len, &img, why, sizeof(why)) != 0 ||
        hvm_firmware_plan(&g, plan, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "%s %s: %s", key, fw, why);
        goto fail;
    }
    if (needs_device_model(dc)) {
        snprintf(err, errlen, "HVM guests with emulated devices need a device model, which is "
                 "not supported yet; device_model_version=\"none\" runs the firmware (%s) "
                 "without one", fw);
        goto fail;
    }
    if (bios) {
        snprintf(err, errlen, "firmware: \"%s\" is a BIOS that hvmloader loads for a device "
                 "model; device_model_version=\"none\" runs only the firmware ELF (%s)",
                 dc->firmware, fw);
        goto fail;
    }
    if (dc->kernel != NULL || dc->ramdisk != NULL) {
        snprintf(err, errlen, "%s: an HVM guest's direct kernel boot is done by its device "
                 "model, and device_model_version=\"none\" has none; boot the kernel with "
                 "type=\"pvh\"", dc->kernel != NULL ? "kernel" : "ramdisk");
        goto fail;
    }
    return 0;
fail:
    plan_free(plan);
    return -1;
}

int build_domain_plan(const struct domain_config *dc, struct build_plan *plan,
                      char *err, size_t errlen)
{
    if (dc->type == DOM_HVM)
        return build_hvm(dc, plan, err, errlen);
    if (dc->kernel == NULL) {
        snprintf(err, errlen, "%s: booting without kernel= is not supported yet "
                 "by Tessera's domain builder", dc->bootloader ? "bootloader" : "firmware");
        return -1;
    }
    plan_init(plan, dc->type == DOM_PVH ? BOOT_PVH : BOOT_PV, dc->memory_mb << 20);
    const char *kdata, *initrd = NULL;
    size_t klen, ilen = 0;
    if (view_file("kernel", dc->kernel, plan, &kdata, &klen, err, errlen) != 0 ||
        (dc->ramdisk != NULL &&
         view_file("ramdisk", dc->ramdisk, plan, &initrd, &ilen, err, errlen) != 0))
        goto fail;
    struct elf_image img;
    uint8_t *elf;
    char why[200];
    if (kernel_parse((const uint8_t *)kdata, klen, &img, &elf, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "kernel %s: %s", dc->kernel, why);
        goto fail;
    }
    if (elf != NULL && plan_own(plan, elf) != 0) {
        free(elf);
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    struct guest_boot g = {
        .kernel = &img, .initrd = (const uint8_t *)initrd, .initrd_len = ilen,
        .cmdline = dc->cmdline, .memory_bytes = dc->memory_mb << 20, .vcpus = dc->vcpus,
    };
    int rc = dc->type == DOM_PVH ? pvh_plan(&g, plan, why, sizeof(why))
                                 : pv_plan(&g, plan, why, sizeof(why));
    if (rc != 0) {
        snprintf(err, errlen, "kernel %s: %s", dc->kernel, why);
        goto fail;
    }
    return 0;
fail:
    plan_free(plan);
    return -1;
}
