#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cfg/load.h"
#include "kernel.h"
#include "pvh.h"

int build_domain_plan(const struct domain_config *dc, struct build_plan *plan,
                      char *err, size_t errlen)
{
    if (dc->type == DOM_HVM) {
        snprintf(err, errlen, "HVM guests need a device model, which is not supported yet");
        return -1;
    }
    if (dc->kernel == NULL) {
        snprintf(err, errlen, "%s: booting without kernel= is not supported yet "
                 "by Tessera's domain builder", dc->bootloader ? "bootloader" : "firmware");
        return -1;
    }
    plan_init(plan, dc->type == DOM_PVH ? BOOT_PVH : BOOT_PV, dc->memory_mb << 20);
    const char *kdata, *initrd = NULL;
    char *owned;
    size_t klen, ilen = 0;
    if (file_view(dc->kernel, &kdata, &klen, &owned) != 0) {
        snprintf(err, errlen, "kernel %s: %s", dc->kernel, strerror(errno));
        return -1;
    }
    if (owned != NULL && plan_own(plan, (uint8_t *)owned) != 0) {
        free(owned);
        goto oom;
    }
    if (dc->ramdisk != NULL) {
        if (file_view(dc->ramdisk, &initrd, &ilen, &owned) != 0) {
            snprintf(err, errlen, "ramdisk %s: %s", dc->ramdisk, strerror(errno));
            goto fail;
        }
        if (owned != NULL && plan_own(plan, (uint8_t *)owned) != 0) {
            free(owned);
            goto oom;
        }
    }
    struct elf_image img;
    uint8_t *elf;
    char why[200];
    if (kernel_parse((const uint8_t *)kdata, klen, &img, &elf, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "kernel %s: %s", dc->kernel, why);
        goto fail;
    }
    if (elf != NULL && plan_own(plan, elf) != 0) {
        free(elf);
        goto oom;
    }
    struct guest_boot g = {
        .kernel = &img, .initrd = (const uint8_t *)initrd, .initrd_len = ilen,
        .cmdline = dc->cmdline, .memory_bytes = dc->memory_mb << 20,
    };
    int rc = dc->type == DOM_PVH ? pvh_plan(&g, plan, why, sizeof(why))
                                 : pv_plan(&g, plan, why, sizeof(why));
    if (rc != 0) {
        snprintf(err, errlen, "kernel %s: %s", dc->kernel, why);
        goto fail;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    plan_free(plan);
    return -1;
}
