/* What the boot loader told us, in a protocol-neutral form, and boot-time allocation. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/types.h>
#include <tessera/bootinfo.h>

#define BOOT_MAX_RAM_REGIONS	64
/* RAM beyond this is not mapped by the kernel and not used. */
#define BOOT_PHYSMAP_MAX	(64ull << 30)
#define BOOT_MAX_MODULES	(TS_BOOT_MAX_MODULES + 1)	/* + the root image */

struct boot_region {
	uint64_t start, end;	/* [start, end) */
};

struct boot_module {
	uint64_t start, end;
	char cmdline[TS_BOOT_MODULE_CMDLINE_LEN];
};

struct boot_desc {
	struct boot_region ram[BOOT_MAX_RAM_REGIONS];
	unsigned nr_ram;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned nr_modules;
	char cmdline[TS_BOOT_CMDLINE_LEN];
	uint64_t rsdp;		/* physical address of the ACPI RSDP, 0 if unknown */
};

void boot_add_ram(struct boot_desc *d, uint64_t start, uint64_t end);
void boot_add_module(struct boot_desc *d, uint64_t start, uint64_t end, const char *cmdline);

/* Boot allocator over RAM minus the kernel, the modules and the first MiB. */
void bootmem_init(const struct boot_desc *d, uint64_t kernel_start, uint64_t kernel_end);
/* Zeroed, page-aligned memory (kernel address); panics when RAM runs out. */
void *bootmem_alloc(uint64_t size, uint64_t align);
bool bootmem_is_ram(uint64_t start, uint64_t end);
uint64_t bootmem_ram_top(void);
/* Hands each remaining free, naturally aligned block to fn; the allocator is then empty. */
void bootmem_release_all(void (*fn)(uint64_t paddr, unsigned size_bits));

/* Build the root task from modules[0] and give it everything else. */
void root_task_create(const struct boot_desc *d, unsigned nr_cpus, uint64_t tsc_khz);

void cmdline_parse(const char *cmdline);

#endif
