/*
 * The two x86 boot protocols: multiboot2 (GRUB) and PVH (qemu -kernel).
 * Both are turned into a struct boot_desc; strings are copied out so the
 * loader's memory can be reused.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define MB2_BOOTLOADER_MAGIC	0x36d76289
#define PVH_START_MAGIC		0x336ec578

enum { MB2_TAG_END = 0, MB2_TAG_CMDLINE = 1, MB2_TAG_MODULE = 3, MB2_TAG_MMAP = 6,
       MB2_TAG_ACPI_OLD = 14, MB2_TAG_ACPI_NEW = 15 };

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t base, length;
	uint32_t type, reserved;
};

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

#define E820_RAM	1

static void parse_multiboot2(struct boot_desc *d, uint64_t info)
{
	uint32_t total = *(uint32_t *)phys_to_virt(info);
	uint64_t p = info + 8, end = info + total;

	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = phys_to_virt(p);
		const char *body = (const char *)(tag + 1);

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(d->cmdline, body, sizeof(d->cmdline));
			break;
		case MB2_TAG_MODULE: {
			const uint32_t *m = (const uint32_t *)body;
			boot_add_module(d, m[0], m[1], (const char *)(m + 2));
			break;
		}
		case MB2_TAG_MMAP: {
			uint32_t entry_size = ((const uint32_t *)body)[0];
			for (uint32_t off = 8; entry_size && off + entry_size <= tag->size - 8; off += entry_size) {
				const struct mb2_mmap_entry *e = (const void *)(body + off);
				if (e->type == E820_RAM)
					boot_add_ram(d, e->base, e->base + e->length);
			}
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			if (!d->rsdp || tag->type == MB2_TAG_ACPI_NEW)
				d->rsdp = virt_to_phys(body);
			break;
		}
		p += ALIGN_UP(tag->size, 8);
	}
}

static void parse_pvh(struct boot_desc *d, const struct hvm_start_info *si)
{
	if (si->cmdline_paddr)
		strlcpy(d->cmdline, phys_to_virt(si->cmdline_paddr), sizeof(d->cmdline));
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		const struct hvm_modlist_entry *m =
			(const struct hvm_modlist_entry *)phys_to_virt(si->modlist_paddr) + i;
		boot_add_module(d, m->paddr, m->paddr + m->size,
				m->cmdline_paddr ? phys_to_virt(m->cmdline_paddr) : "");
	}
	if (si->version >= 1) {
		for (uint32_t i = 0; i < si->memmap_entries; i++) {
			const struct hvm_memmap_entry *e =
				(const struct hvm_memmap_entry *)phys_to_virt(si->memmap_paddr) + i;
			if (e->type == E820_RAM)
				boot_add_ram(d, e->addr, e->addr + e->size);
		}
	}
	d->rsdp = si->rsdp_paddr;
}

void boot_parse(struct boot_desc *d, uint32_t magic, uint32_t info)
{
	const struct hvm_start_info *si = phys_to_virt(info);

	if (magic == MB2_BOOTLOADER_MAGIC)
		parse_multiboot2(d, info);
	else if (si->magic == PVH_START_MAGIC)
		parse_pvh(d, si);
	else
		panic("unknown boot protocol (magic %#x)", magic);
	if (!d->nr_ram)
		panic("boot loader gave no memory map");
}
