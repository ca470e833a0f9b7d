#include "elf.h"

#include <stdio.h>
#include <string.h>

#include "../decompress/bytes.h"

#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define ET_EXEC 2

static const char *const note_names[XEN_ELFNOTE_MAX + 1] = {
    "INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET",
    "XEN_VERSION", "GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE",
    "FEATURES", "BSD_SYMTAB", "HV_START_LOW", "L1_MFN_VALID",
    "SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN", "SUPPORTED_FEATURES",
    "PHYS32_ENTRY",
};

const char *xen_elfnote_name(unsigned type)
{
    return type <= XEN_ELFNOTE_MAX ? note_names[type] : "unknown";
}

bool xen_elfnote_is_string(unsigned type)
{
    switch (type) {
    case XEN_ELFNOTE_INFO: case XEN_ELFNOTE_XEN_VERSION:
    case XEN_ELFNOTE_GUEST_OS: case XEN_ELFNOTE_GUEST_VERSION:
    case XEN_ELFNOTE_LOADER: case XEN_ELFNOTE_PAE_MODE:
    case XEN_ELFNOTE_FEATURES: case XEN_ELFNOTE_BSD_SYMTAB:
        return true;
    }
    return false;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

/* Walks one PT_NOTE segment; records the "Xen" notes. */
static int read_notes(struct elf_image *img, const uint8_t *p, uint64_t len,
                      char *err, size_t errlen)
{
    uint64_t off = 0;
    while (off < len) {
        if (len - off < 12)
            return fail(err, errlen, "ELF note header out of bounds");
        uint64_t namesz = get_le(p + off, 4), descsz = get_le(p + off + 4, 4);
        unsigned type = (unsigned)get_le(p + off + 8, 4);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + ((namesz + 3) & ~3ull);
        uint64_t next = desc_off + ((descsz + 3) & ~3ull);
        if (desc_off > len || descsz > len - desc_off || next < desc_off)
            return fail(err, errlen, "ELF note out of bounds");
        const uint8_t *name = p + name_off, *desc = p + desc_off;
        off = next > len ? len : next;
        if (namesz != 4 || memcmp(name, "Xen", 4) != 0 || type > XEN_ELFNOTE_MAX)
            continue;
        struct xen_notes *n = &img->notes;
        if (xen_elfnote_is_string(type)) {
            size_t len = strnlen((const char *)desc, descsz);
            if (len >= XEN_NOTE_TEXT_MAX)
                return fail(err, errlen, "Xen ELF string note is too long");
            memcpy(n->text[type], desc, len);
            n->text[type][len] = '\0';
        } else if (type == XEN_ELFNOTE_L1_MFN_VALID) {
            if (descsz < 8)
                return fail(err, errlen, "Xen ELF note L1_MFN_VALID too short");
            n->value[type] = get_le(desc, 8);       /* the mask; the value follows */
        } else {
            if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8) {
                char msg[96];
                snprintf(msg, sizeof(msg), "Xen ELF note %s has a bad size %llu",
                         xen_elfnote_name(type), (unsigned long long)descsz);
                return fail(err, errlen, msg);
            }
            n->value[type] = get_le(desc, (unsigned)descsz);
        }
        n->has[type] = true;
    }
    return 0;
}

/* The checks and segments both kinds of image share; FIRMWARE allows a
 * 32-bit x86 image (EM_386, as hvmloader is). */
static int parse(const uint8_t *d, size_t size, struct elf_image *img, bool firmware,
                 char *err, size_t errlen)
{
    memset(img, 0, sizeof(*img));
    img->data = d;
    img->size = size;
    if (size < 52 || memcmp(d, "\177ELF", 4) != 0)
        return fail(err, errlen, "not an ELF image");
    if (d[4] != 1 && d[4] != 2)
        return fail(err, errlen, "ELF image has a bad class");
    img->is64 = d[4] == 2;
    if (d[5] != 1)
        return fail(err, errlen, "ELF image is not little-endian");
    if (img->is64 && size < 64)
        return fail(err, errlen, "ELF header truncated");
    if (get_le(d + 16, 2) != ET_EXEC)
        return fail(err, errlen, "ELF image is not an executable");
    uint64_t machine = get_le(d + 18, 2);
    if (machine != EM_X86_64 && !(firmware && !img->is64 && machine == EM_386))
        return fail(err, errlen, firmware ? "ELF image is not for x86"
                                          : "ELF image is not for x86-64");
    uint64_t phoff, phentsize, phnum;
    if (img->is64) {
        img->entry = get_le(d + 24, 8);
        phoff = get_le(d + 32, 8);
        phentsize = get_le(d + 54, 2);
        phnum = get_le(d + 56, 2);
    } else {
        img->entry = get_le(d + 24, 4);
        phoff = get_le(d + 28, 4);
        phentsize = get_le(d + 42, 2);
        phnum = get_le(d + 44, 2);
    }
    if (phentsize != (img->is64 ? 56u : 32u))
        return fail(err, errlen, "ELF program header size is wrong");
    if (phnum == 0 || phoff > size || phnum * phentsize > size - phoff)
        return fail(err, errlen, "ELF program headers out of bounds (truncated image?)");

    img->pstart = UINT64_MAX;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + i * phentsize;
        uint32_t type = (uint32_t)get_le(ph, 4);
        struct elf_segment s;
        if (img->is64) {
            s.offset = get_le(ph + 8, 8);
            s.vaddr = get_le(ph + 16, 8);
            s.paddr = get_le(ph + 24, 8);
            s.filesz = get_le(ph + 32, 8);
            s.memsz = get_le(ph + 40, 8);
        } else {
            s.offset = get_le(ph + 4, 4);
            s.vaddr = get_le(ph + 8, 4);
            s.paddr = get_le(ph + 12, 4);
            s.filesz = get_le(ph + 16, 4);
            s.memsz = get_le(ph + 20, 4);
        }
        if (type != PT_LOAD && type != PT_NOTE)
            continue;
        if (s.offset > size || s.filesz > size - s.offset)
            return fail(err, errlen, type == PT_NOTE
                        ? "ELF notes out of bounds (truncated image?)"
                        : "ELF segment out of bounds (truncated image?)");
        if (type == PT_NOTE) {
            if (read_notes(img, d + s.offset, s.filesz, err, errlen) != 0)
                return -1;
            continue;
        }
        if (s.memsz == 0)
            continue;
        if (s.filesz > s.memsz || s.paddr + s.memsz < s.paddr)
            return fail(err, errlen, "ELF segment sizes are inconsistent");
        for (unsigned k = 0; k < img->nsegments; k++) {
            const struct elf_segment *o = &img->seg[k];
            if (s.paddr < o->paddr + o->memsz && o->paddr < s.paddr + s.memsz)
                return fail(err, errlen, "ELF segments overlap");
        }
        if (img->nsegments == ELF_MAX_SEGMENTS)
            return fail(err, errlen, "too many ELF segments");
        img->seg[img->nsegments++] = s;
        if (s.paddr < img->pstart)
            img->pstart = s.paddr;
        if (s.paddr + s.memsz > img->pend)
            img->pend = s.paddr + s.memsz;
    }
    if (img->nsegments == 0)
        return fail(err, errlen, "ELF image has nothing to load");
    return 0;
}

int elf_parse(const uint8_t *d, size_t size, struct elf_image *img,
              char *err, size_t errlen)
{
    if (parse(d, size, img, false, err, errlen) != 0)
        return -1;
    const struct xen_notes *n = &img->notes;
    if (!n->has[XEN_ELFNOTE_GUEST_OS] && !n->has[XEN_ELFNOTE_ENTRY] &&
        !n->has[XEN_ELFNOTE_PHYS32_ENTRY])
        return fail(err, errlen, "Not a Xen-ELF image: No ELF notes or "
                    "'__xen_guest' section found");
    return 0;
}

int elf_parse_firmware(const uint8_t *data, size_t size, struct elf_image *img,
                       char *err, size_t errlen)
{
    return parse(data, size, img, true, err, errlen);
}
