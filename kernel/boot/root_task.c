/*
 * Building the root task: the one thing the kernel creates by itself.
 * Its image is the first boot module (an ELF64 executable); it receives
 * caps to its own CNode, VSpace, TCB, IPC buffer and Domain, the
 * IRQ/IO-port control caps, the console and debug caps, a frame cap for
 * every page of every other module, and all remaining RAM as Untyped.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/invariants.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/vspace.h>

#define ROOT_BOOTINFO_VADDR	0x40000000ull
#define ROOT_IPC_BUFFER_VADDR	(ROOT_BOOTINFO_VADDR + TS_BOOTINFO_SIZE)
#define ROOT_MODULES_VADDR	0x40100000ull
#define ROOT_PRIORITY		100
#define ROOT_SPARE_SLOTS	16384

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD	1
#define PF_X	1
#define PF_W	2

static struct slot *root_slots;
static unsigned root_radix;
static word_t next_slot, paging_slot;	/* paging caps fill the CNode from the top down */
static void *root_pml4;
static word_t root_map;
static struct ts_bootinfo *bi;

static struct slot *put_cap_at(word_t index, const struct cap *c)
{
	cdt_insert_child(&cdt_root, &root_slots[index], c);
	return &root_slots[index];
}

static word_t put_cap(const struct cap *c)
{
	if (next_slot >= paging_slot)
		panic("root task: CNode too small");
	put_cap_at(next_slot, c);
	return next_slot++;
}

/* A fixed-size object of the root task, sized and aligned as retype would. */
static void *boot_object(word_t type, struct cap *c)
{
	uint64_t size = object_size(type, 0);
	void *mem = bootmem_alloc(size, size);

	object_create(type, 0, mem, c);
	return mem;
}

static unsigned table_coverage_bits(unsigned type)
{
	return type == TS_OBJ_PAGE_TABLE ? 21 : type == TS_OBJ_PAGE_DIRECTORY ? 30 : 39;
}

/* Map one page of the root VSpace, making paging structures on the way. */
static void map_page(vaddr_t va, void *frame, unsigned rights, unsigned attrs, struct cap *frame_cap)
{
	static const unsigned table_type[] = { 0, TS_OBJ_PAGE_TABLE, TS_OBJ_PAGE_DIRECTORY, TS_OBJ_PDPT };
	word_t missing;
	int err;

	while ((err = arch_map_check(root_pml4, va, 1, &missing)) == TS_ERR_FAILED_LOOKUP) {
		unsigned type = table_type[missing];
		void *table = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
		vaddr_t tva = ALIGN_DOWN(va, BIT(table_coverage_bits(type)));
		struct cap c = { .type = type, .rights = TS_RIGHTS_ALL, .obj = (word_t)table,
				 .data = tva, .map = root_map };

		arch_map_entry(root_pml4, tva, map_level(type), virt_to_phys(table), true, 0, 0);
		put_cap_at(paging_slot--, &c);
	}
	if (err)
		panic("root task: virtual address %#lx mapped twice", va);
	arch_map_entry(root_pml4, va, 1, virt_to_phys(frame), false, rights, attrs);
	frame_cap->data = va;
	frame_cap->map = root_map;
}

static word_t map_new_frame(vaddr_t va, unsigned rights, unsigned attrs, void **mem)
{
	struct cap c = { .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL, .size_bits = TS_PAGE_BITS };

	*mem = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
	c.obj = (word_t)*mem;
	map_page(va, *mem, rights, attrs, &c);
	return put_cap(&c);
}

static const struct elf64_ehdr *check_image(const struct boot_module *m)
{
	const struct elf64_ehdr *eh = phys_to_virt(m->start);
	uint64_t size = m->end - m->start;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
	    eh->machine != 62 || eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
		panic("root task: first boot module is not an x86_64 ELF64 executable");
	const struct elf64_phdr *ph = (const void *)((const char *)eh + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
		    ph[i].filesz > ph[i].memsz || ph[i].vaddr + ph[i].memsz < ph[i].vaddr ||
		    ph[i].vaddr + ph[i].memsz > ROOT_BOOTINFO_VADDR)
			panic("root task: bad ELF segment %u", i);
	}
	return eh;
}

static uint64_t image_pages(const struct elf64_ehdr *eh)
{
	const struct elf64_phdr *ph = (const void *)((const char *)eh + eh->phoff);
	uint64_t n = 0;

	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD && ph[i].memsz)
			n += (ALIGN_UP(ph[i].vaddr + ph[i].memsz, PAGE_SIZE) - ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE)) / PAGE_SIZE;
	return n;
}

/* The frame already mapped at va by an earlier segment, if any. */
static void *mapped_frame(vaddr_t va)
{
	for (word_t s = bi->image_frames.first; s < next_slot; s++)
		if (root_slots[s].cap.data == va)
			return (void *)root_slots[s].cap.obj;
	return NULL;
}

static void load_image(const struct elf64_ehdr *eh)
{
	const struct elf64_phdr *ph = (const void *)((const char *)eh + eh->phoff);

	bi->image_frames.first = next_slot;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		unsigned rights = TS_RIGHT_READ | (p->flags & PF_W ? TS_RIGHT_WRITE : 0);
		unsigned attrs = p->flags & PF_X ? TS_MAP_EXECUTE : 0;

		if (p->type != PT_LOAD || !p->memsz)
			continue;
		for (vaddr_t va = ALIGN_DOWN(p->vaddr, PAGE_SIZE); va < p->vaddr + p->memsz; va += PAGE_SIZE) {
			void *mem = mapped_frame(va);
			if (!mem)
				map_new_frame(va, rights, attrs, &mem);
			/* Copy the part of this page that the file provides. */
			uint64_t lo = MAX(va, p->vaddr), hi = MIN(va + PAGE_SIZE, p->vaddr + p->filesz);
			if (lo < hi)
				memcpy((char *)mem + (lo - va),
				       (const char *)eh + p->offset + (lo - p->vaddr), hi - lo);
		}
	}
	bi->image_frames.count = next_slot - bi->image_frames.first;
}

static void map_modules(const struct boot_desc *d)
{
	vaddr_t va = ROOT_MODULES_VADDR;

	for (unsigned i = 1; i < d->nr_modules && i <= TS_BOOT_MAX_MODULES; i++) {
		const struct boot_module *m = &d->modules[i];
		struct ts_boot_module *bm = &bi->modules[bi->nr_modules++];

		bm->paddr = m->start;
		bm->size = m->end - m->start;
		bm->vaddr = va;
		bm->frames.first = next_slot;
		strlcpy(bm->cmdline, m->cmdline, sizeof(bm->cmdline));
		for (uint64_t p = ALIGN_DOWN(m->start, PAGE_SIZE); p < m->end; p += PAGE_SIZE) {
			struct cap c = { .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL,
					 .size_bits = TS_PAGE_BITS, .obj = (word_t)phys_to_virt(p) };
			map_page(va, phys_to_virt(p), TS_RIGHT_READ, 0, &c);
			put_cap(&c);
			va += PAGE_SIZE;
		}
		bm->frames.count = next_slot - bm->frames.first;
		va += PAGE_SIZE;	/* unmapped guard page between modules */
	}
}

static void add_untyped(uint64_t paddr, unsigned size_bits)
{
	struct cap c = { .type = TS_OBJ_UNTYPED, .rights = TS_RIGHTS_ALL, .size_bits = size_bits,
			 .obj = (word_t)phys_to_virt(paddr) };

	if (bi->untyped.count >= TS_BOOT_MAX_UNTYPED) {
		pr_warn("root task: untyped list full, %lu KiB at %#lx unused\n", (unsigned long)(BIT(size_bits) >> 10), paddr);
		return;
	}
	bi->untyped_list[bi->untyped.count++] = (struct ts_boot_untyped){ .paddr = paddr, .size_bits = size_bits };
	put_cap(&c);
}

static unsigned radix_for(uint64_t slots)
{
	unsigned r = 12;

	while (BIT(r) < slots && r < TS_CNODE_MAX_RADIX)
		r++;
	return r;
}

void root_task_create(const struct boot_desc *d, unsigned nr_cpus, uint64_t tsc_khz)
{
	const struct elf64_ehdr *eh;
	uint64_t module_pages = 0;
	struct tcb *tcb;
	struct cap c;
	void *mem;

	if (!d->nr_modules)
		panic("no boot modules: the first module must be the root task");
	eh = check_image(&d->modules[0]);
	for (unsigned i = 1; i < d->nr_modules; i++)
		module_pages += (ALIGN_UP(d->modules[i].end, PAGE_SIZE) - ALIGN_DOWN(d->modules[i].start, PAGE_SIZE)) / PAGE_SIZE;
	root_radix = radix_for(TS_ROOT_FIRST_FREE_FIXED + image_pages(eh) + module_pages +
			       TS_BOOTINFO_SIZE / PAGE_SIZE + TS_BOOT_MAX_UNTYPED + module_pages / 256 +
			       64 + ROOT_SPARE_SLOTS);

	/* The root CNode: guard makes a CPtr equal to its slot index. */
	root_slots = bootmem_alloc(BIT(root_radix + TS_SLOT_BITS), PAGE_SIZE);
	object_create(TS_OBJ_CNODE, root_radix, root_slots, &c);
	c.guard_size = 64 - root_radix;
	put_cap_at(TS_ROOT_CNODE, &c);
	next_slot = TS_ROOT_FIRST_FREE_FIXED;
	paging_slot = BIT(root_radix) - 1;

	root_pml4 = boot_object(TS_OBJ_VSPACE, &c);
	root_map = c.map;
	put_cap_at(TS_ROOT_VSPACE, &c);

	tcb = boot_object(TS_OBJ_TCB, &c);
	put_cap_at(TS_ROOT_TCB, &c);

	mem = boot_object(TS_OBJ_DOMAIN, &c);
	domain_claim_id(mem, 0);	/* the root task is the control domain, Domain-0 */
	put_cap_at(TS_ROOT_DOMAIN, &c);

	put_cap_at(TS_ROOT_IRQ_CONTROL, &(struct cap){ .type = TS_CAP_IRQ_CONTROL, .rights = TS_RIGHTS_ALL });
	put_cap_at(TS_ROOT_IOPORT_CONTROL, &(struct cap){ .type = TS_CAP_IOPORT_CONTROL, .rights = TS_RIGHTS_ALL });
	put_cap_at(TS_ROOT_CONSOLE, &(struct cap){ .type = TS_CAP_CONSOLE, .rights = TS_RIGHTS_ALL });
	put_cap_at(TS_ROOT_DEBUG, &(struct cap){ .type = TS_CAP_DEBUG, .rights = TS_RIGHTS_ALL });

	/* Boot info and IPC buffer. */
	struct cap bi_caps[TS_BOOTINFO_SIZE / PAGE_SIZE];
	void *bi_mem = bootmem_alloc(TS_BOOTINFO_SIZE, PAGE_SIZE);
	bi = bi_mem;
	for (unsigned i = 0; i < ARRAY_SIZE(bi_caps); i++) {
		bi_caps[i] = (struct cap){ .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL,
					   .size_bits = TS_PAGE_BITS, .obj = (word_t)bi_mem + i * PAGE_SIZE };
		map_page(ROOT_BOOTINFO_VADDR + i * PAGE_SIZE, (char *)bi_mem + i * PAGE_SIZE,
			 TS_RIGHT_READ, 0, &bi_caps[i]);
	}
	mem = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
	c = (struct cap){ .type = TS_OBJ_FRAME_4K, .rights = TS_RIGHTS_ALL,
			  .size_bits = TS_PAGE_BITS, .obj = (word_t)mem };
	map_page(ROOT_IPC_BUFFER_VADDR, mem, TS_RIGHT_READ | TS_RIGHT_WRITE, 0, &c);
	put_cap_at(TS_ROOT_IPC_BUFFER, &c);

	bi->magic = TS_BOOTINFO_MAGIC;
	bi->root_cnode_radix = root_radix;
	bi->nr_cpus = nr_cpus;
	bi->tsc_khz = tsc_khz;
	bi->ipc_buffer_vaddr = ROOT_IPC_BUFFER_VADDR;
	bi->bootinfo_vaddr = ROOT_BOOTINFO_VADDR;
	strlcpy(bi->cmdline, d->cmdline, sizeof(bi->cmdline));

	load_image(eh);
	bi->bootinfo_frames.first = next_slot;
	for (unsigned i = 0; i < ARRAY_SIZE(bi_caps); i++)
		put_cap(&bi_caps[i]);
	bi->bootinfo_frames.count = ARRAY_SIZE(bi_caps);
	map_modules(d);

	/* The thread itself: CSpace, VSpace, IPC buffer and Domain are copies of its caps. */
	struct { enum tcb_slot slot; enum ts_root_slot from; } own[] = {
		{ TCB_CSPACE, TS_ROOT_CNODE }, { TCB_VSPACE, TS_ROOT_VSPACE },
		{ TCB_IPC_BUFFER, TS_ROOT_IPC_BUFFER }, { TCB_DOMAIN, TS_ROOT_DOMAIN },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(own); i++) {
		cap_derive(&root_slots[own[i].from].cap, &c);
		cdt_insert_child(&root_slots[own[i].from], &tcb->slots[own[i].slot], &c);
	}
	cap_domain(&root_slots[TS_ROOT_DOMAIN].cap)->nr_threads = 1;
	tcb->ipc_buffer_vaddr = ROOT_IPC_BUFFER_VADDR;
	tcb->priority = ROOT_PRIORITY;
	tcb->mcp = TS_MAX_PRIORITY;
	tcb->ctx.rip = eh->entry;
	tcb->ctx.rdi = ROOT_BOOTINFO_VADDR;

	/* Everything left is the root task's to hand out. */
	bi->untyped.first = next_slot;
	bootmem_release_all(add_untyped);
	bi->paging.first = paging_slot + 1;
	bi->paging.count = BIT(root_radix) - 1 - paging_slot;
	bi->empty.first = next_slot;
	bi->empty.count = paging_slot + 1 - next_slot;

	uint64_t free_bytes = 0;
	for (uint64_t i = 0; i < bi->untyped.count; i++)
		free_bytes += BIT(bi->untyped_list[i].size_bits);
	pr_info("root task: entry %#lx, CNode 2^%u slots, %lu untyped caps (%lu MiB), %lu modules\n",
		eh->entry, root_radix, bi->untyped.count, free_bytes >> 20, bi->nr_modules);
	sched_make_runnable(tcb);
}
