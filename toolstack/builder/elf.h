/* A Xen guest kernel in ELF form: load segments and the Xen ELF notes
 * (xen/include/public/elfnote.h). ELF64 and ELF32 with machine x86-64;
 * HVM firmware may also be ELF32 for i386. */
#ifndef TS_ELF_H
#define TS_ELF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xen_elfnote {
    XEN_ELFNOTE_INFO = 0, XEN_ELFNOTE_ENTRY = 1, XEN_ELFNOTE_HYPERCALL_PAGE = 2,
    XEN_ELFNOTE_VIRT_BASE = 3, XEN_ELFNOTE_PADDR_OFFSET = 4,
    XEN_ELFNOTE_XEN_VERSION = 5, XEN_ELFNOTE_GUEST_OS = 6,
    XEN_ELFNOTE_GUEST_VERSION = 7, XEN_ELFNOTE_LOADER = 8,
    XEN_ELFNOTE_PAE_MODE = 9, XEN_ELFNOTE_FEATURES = 10,
    XEN_ELFNOTE_BSD_SYMTAB = 11, XEN_ELFNOTE_HV_START_LOW = 12,
    XEN_ELFNOTE_L1_MFN_VALID = 13, XEN_ELFNOTE_SUSPEND_CANCEL = 14,
    XEN_ELFNOTE_INIT_P2M = 15, XEN_ELFNOTE_MOD_START_PFN = 16,
    XEN_ELFNOTE_SUPPORTED_FEATURES = 17, XEN_ELFNOTE_PHYS32_ENTRY = 18,
    XEN_ELFNOTE_MAX = 18,
};

#define ELF_MAX_SEGMENTS 32
#define XEN_NOTE_TEXT_MAX 256

struct elf_segment {
    uint64_t offset, paddr, vaddr, filesz, memsz;
};

struct xen_notes {
    bool has[XEN_ELFNOTE_MAX + 1];
    uint64_t value[XEN_ELFNOTE_MAX + 1];        /* numeric notes */
    /* string notes; the descriptor need not be NUL-terminated (Linux's
     * FEATURES is not) */
    char text[XEN_ELFNOTE_MAX + 1][XEN_NOTE_TEXT_MAX];
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    bool is64;
    uint64_t entry;
    unsigned nsegments;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    uint64_t pstart, pend;                      /* loaded physical range */
    struct xen_notes notes;
};

/* Parses and checks DATA. Returns 0, or -1 with a reason in ERR (a kernel
 * without Xen notes gets "Not a Xen-ELF image: ..."). */
int elf_parse(const uint8_t *data, size_t size, struct elf_image *img,
              char *err, size_t errlen);

/* The same for HVM firmware (Xen's hvmloader): no Xen notes needed, and a
 * 32-bit image may be for i386 (EM_386) too. */
int elf_parse_firmware(const uint8_t *data, size_t size, struct elf_image *img,
                       char *err, size_t errlen);

const char *xen_elfnote_name(unsigned type);
bool xen_elfnote_is_string(unsigned type);

#endif
