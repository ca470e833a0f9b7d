/*
 * Boot-time memory: a list of free physical ranges. The kernel allocates
 * only here, before the root task starts; whatever is left becomes the
 * root task's untyped memory.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define MAX_FREE	(BOOT_MAX_RAM_REGIONS + BOOT_MAX_MODULES + 4)
#define LOW_RESERVED	0x100000ull	/* real-mode area, BIOS data, AP trampoline */

static struct boot_region ram[BOOT_MAX_RAM_REGIONS];
static unsigned nr_ram;
static struct boot_region free_list[MAX_FREE];
static unsigned nr_free;

void boot_add_ram(struct boot_desc *d, uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start < end && d->nr_ram < BOOT_MAX_RAM_REGIONS)
		d->ram[d->nr_ram++] = (struct boot_region){ start, end };
}

void boot_add_module(struct boot_desc *d, uint64_t start, uint64_t end, const char *cmdline)
{
	struct boot_module *m;

	if (d->nr_modules >= BOOT_MAX_MODULES) {
		pr_warn("boot: more than %u modules, ignoring the rest\n", BOOT_MAX_MODULES);
		return;
	}
	m = &d->modules[d->nr_modules++];
	m->start = start;
	m->end = end;
	strlcpy(m->cmdline, cmdline ? cmdline : "", sizeof(m->cmdline));
}

/* Remove [start, end) from the free list. */
static void reserve(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (unsigned i = 0; i < nr_free; i++) {
		struct boot_region *r = &free_list[i];
		if (end <= r->start || start >= r->end)
			continue;
		if (start > r->start && end < r->end) {
			if (nr_free == MAX_FREE)
				panic("bootmem: free list full");
			free_list[nr_free++] = (struct boot_region){ end, r->end };
			r->end = start;
		} else if (start <= r->start && end >= r->end) {
			r->start = r->end;	/* now empty */
		} else if (start <= r->start) {
			r->start = end;
		} else {
			r->end = start;
		}
	}
}

void bootmem_init(const struct boot_desc *d, uint64_t kernel_start, uint64_t kernel_end)
{
	for (unsigned i = 0; i < d->nr_ram; i++) {
		uint64_t end = MIN(d->ram[i].end, BOOT_PHYSMAP_MAX);
		ram[nr_ram++] = d->ram[i];
		if (d->ram[i].start < end)
			free_list[nr_free++] = (struct boot_region){ d->ram[i].start, end };
	}
	reserve(0, LOW_RESERVED);
	reserve(kernel_start, kernel_end);
	for (unsigned i = 0; i < d->nr_modules; i++)
		reserve(d->modules[i].start, d->modules[i].end);
}

bool bootmem_is_ram(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < nr_ram; i++)
		if (start < ram[i].end && end > ram[i].start)
			return true;
	return false;
}

uint64_t bootmem_ram_top(void)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < nr_ram; i++)
		top = MAX(top, ram[i].end);
	return top;
}

void *bootmem_alloc(uint64_t size, uint64_t align)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (unsigned i = 0; i < nr_free; i++) {
		struct boot_region *r = &free_list[i];
		uint64_t start = ALIGN_UP(r->start, align);
		if (start < r->end && r->end - start >= size) {
			void *mem = phys_to_virt(start);
			reserve(start, start + size);
			memset(mem, 0, size);
			return mem;
		}
	}
	panic("bootmem: out of memory allocating %lu bytes", size);
}

void bootmem_release_all(void (*fn)(uint64_t paddr, unsigned size_bits))
{
	for (unsigned i = 0; i < nr_free; i++) {
		uint64_t p = free_list[i].start, end = free_list[i].end;
		while (p < end) {
			unsigned bits = p ? __builtin_ctzll(p) : 63;
			while (bits > TS_UNTYPED_MAX_BITS || p + BIT(bits) > end || p + BIT(bits) < p)
				bits--;
			fn(p, bits);
			p += BIT(bits);
		}
	}
	nr_free = 0;
}
