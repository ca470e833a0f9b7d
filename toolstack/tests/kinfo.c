/* Test helper: prints what the builder sees in a kernel file, one
 * "key=value" per line: the bzImage header, the ELF, its Xen notes and
 * (with a type) the build plan. With -o FILE it also writes the ELF
 * (decompressed from a bzImage) to FILE; with -P FILE the plan's page
 * tables (PV).
 *   kinfo [-o FILE] [-P FILE] [-t pvh|pv] [-m MiB] [-r INITRD] [-c CMDLINE] KERNEL */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builder/bzimage.h"
#include "../builder/kernel.h"
#include "../builder/pvh.h"
#include "../cfg/load.h"

static void print_plan(const struct build_plan *p)
{
    printf("plan.mode=%s\n", p->mode == BOOT_PVH ? "pvh" : "pv");
    printf("plan.placements=%zu\n", p->nplacements);
    for (size_t i = 0; i < p->nplacements; i++) {
        const struct placement *q = &p->placements[i];
        printf("plan.%zu=gpa:0x%" PRIx64 " len:0x%" PRIx64 " zero:0x%" PRIx64 " %s\n",
               i, q->gpa, q->len, q->zero_len, q->what);
    }
    printf("plan.rip=0x%" PRIx64 "\nplan.rbx=0x%" PRIx64 "\nplan.rsi=0x%" PRIx64
           "\nplan.rsp=0x%" PRIx64 "\nplan.cr0=0x%" PRIx32 "\n",
           p->regs.rip, p->regs.rbx, p->regs.rsi, p->regs.rsp, p->regs.cr0);
}

/* The start-info placement's bytes as hex, for layout checks. */
static void print_start_info(const struct build_plan *p)
{
    for (size_t i = 0; i < p->nplacements; i++) {
        const struct placement *q = &p->placements[i];
        if (strcmp(q->what, "hvm_start_info") != 0 && strcmp(q->what, "start_info") != 0)
            continue;
        printf("start_info.hex=");
        size_t n = q->len < 2048 ? (size_t)q->len : 2048;
        for (size_t k = 0; k < n; k++)
            printf("%02x", q->data[k]);
        printf("\n");
    }
}

static int report(const char *data, size_t len, const char *out, const char *type,
                  uint64_t mib, const char *initrd, size_t ilen, const char *cmdline);
static const char *pt_out;

/* Writes the placement named WHAT to PATH. */
static int dump_placement(const struct build_plan *p, const char *what, const char *path)
{
    for (size_t i = 0; i < p->nplacements; i++) {
        const struct placement *q = &p->placements[i];
        if (strcmp(q->what, what) != 0)
            continue;
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(q->data, 1, q->len, f) != q->len || fclose(f) != 0) {
            perror(path);
            return 1;
        }
        return 0;
    }
    fprintf(stderr, "kinfo: the plan has no %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *type = NULL, *initrd_path = NULL, *cmdline = NULL;
    uint64_t mib = 512;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        switch (argv[i][1]) {
        case 'o': out = argv[i + 1]; break;
        case 'P': pt_out = argv[i + 1]; break;
        case 't': type = argv[i + 1]; break;
        case 'm': mib = strtoull(argv[i + 1], NULL, 0); break;
        case 'r': initrd_path = argv[i + 1]; break;
        case 'c': cmdline = argv[i + 1]; break;
        default: fprintf(stderr, "kinfo: bad option %s\n", argv[i]); return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: kinfo [-o FILE] [-P FILE] [-t pvh|pv] [-m MiB] [-r INITRD] [-c CMDLINE] KERNEL\n");
        return 2;
    }
    char *data, *initrd = NULL;
    size_t len, ilen = 0;
    if (read_file(argv[i], &data, &len) != 0 ||
        (initrd_path && read_file(initrd_path, &initrd, &ilen) != 0)) {
        perror("kinfo");
        return 1;
    }
    int rc = report(data, len, out, type, mib, initrd, ilen, cmdline);
    free(initrd);
    free(data);
    return rc;
}

static int report(const char *data, size_t len, const char *out, const char *type,
                  uint64_t mib, const char *initrd, size_t ilen, const char *cmdline)
{
    const uint8_t *d = (const uint8_t *)data;
    char err[256];
    if (bzimage_detect(d, len)) {
        struct bzimage bz;
        if (bzimage_parse(d, len, &bz, err, sizeof(err)) != 0) {
            printf("error=%s\n", err);
            return 1;
        }
        printf("bzimage.version=0x%04x\nbzimage.setup_sects=%u\n"
               "bzimage.payload_offset=0x%x\nbzimage.payload_length=%u\n"
               "bzimage.uncompressed_size=%u\nbzimage.format=%s\n",
               bz.version, bz.setup_sects, bz.payload_offset, bz.payload_length,
               bz.uncompressed_size, bz.format);
    }
    struct elf_image img;
    uint8_t *elf;
    if (kernel_parse(d, len, &img, &elf, err, sizeof(err)) != 0) {
        printf("error=%s\n", err);
        return 1;
    }
    if (out != NULL) {
        FILE *f = fopen(out, "wb");
        if (f == NULL || fwrite(img.data, 1, img.size, f) != img.size || fclose(f) != 0) {
            perror(out);
            free(elf);
            return 1;
        }
    }
    printf("elf.class=%d\nelf.size=%zu\nelf.entry=0x%" PRIx64 "\nelf.segments=%u\n"
           "elf.pstart=0x%" PRIx64 "\nelf.pend=0x%" PRIx64 "\n",
           img.is64 ? 64 : 32, img.size, img.entry, img.nsegments, img.pstart, img.pend);
    for (unsigned t = 0; t <= XEN_ELFNOTE_MAX; t++) {
        if (!img.notes.has[t])
            continue;
        if (xen_elfnote_is_string(t))
            printf("note.%s=%s\n", xen_elfnote_name(t), img.notes.text[t]);
        else
            printf("note.%s=0x%" PRIx64 "\n", xen_elfnote_name(t), img.notes.value[t]);
    }
    int rc = 0;
    if (type != NULL) {
        struct build_plan plan;
        bool pvh = strcmp(type, "pvh") == 0;
        plan_init(&plan, pvh ? BOOT_PVH : BOOT_PV, mib << 20);
        struct guest_boot g = {
            .kernel = &img, .initrd = (const uint8_t *)initrd, .initrd_len = ilen,
            .cmdline = cmdline, .memory_bytes = mib << 20,
        };
        if ((pvh ? pvh_plan(&g, &plan, err, sizeof(err))
                 : pv_plan(&g, &plan, err, sizeof(err))) != 0) {
            printf("error=%s\n", err);
            rc = 1;
        } else {
            print_plan(&plan);
            print_start_info(&plan);
            if (pt_out != NULL)
                rc = dump_placement(&plan, "page tables", pt_out);
        }
        plan_free(&plan);
    }
    free(elf);
    return rc;
}
