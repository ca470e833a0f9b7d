/* The domain builder: a new domain from an ELF64 boot module. */
#include <tessera/object.h>
#include <ts/alloc.h>
#include <ts/domain.h>
#include <ts/elf.h>
#include <ts/methods.h>
#include <ts/string.h>
#include <ts/thread.h>

#define RW (TS_RIGHT_READ | TS_RIGHT_WRITE)

int ts_frame_fill(uint64_t frame, const void *data, size_t len)
{
	int err = ts_map_frame(frame, ts_self.vspace, TS_SCRATCH_VADDR, RW, 0);

	if (err != TS_OK)
		return err;
	memcpy((void *)TS_SCRATCH_VADDR, data, len);
	memset((char *)TS_SCRATCH_VADDR + len, 0, TS_PAGE_SIZE - len);
	return ts_frame_unmap(frame);
}

/* One frame per page of a PT_LOAD segment, filled from the file. */
static int load_segment(const struct ts_domain *d, const char *image,
			const struct ts_elf64_phdr *ph)
{
	uint64_t rights = TS_RIGHT_READ | (ph->p_flags & TS_PF_W ? TS_RIGHT_WRITE : 0);
	uint64_t attrs = ph->p_flags & TS_PF_X ? TS_MAP_EXECUTE : 0;

	for (uint64_t off = 0; off < ph->p_memsz; off += TS_PAGE_SIZE) {
		uint64_t frame, len = 0;
		int err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &frame);

		if (off < ph->p_filesz)
			len = ph->p_filesz - off < TS_PAGE_SIZE ? ph->p_filesz - off : TS_PAGE_SIZE;
		if (err == TS_OK)
			err = ts_frame_fill(frame, image + ph->p_offset + off, len);
		if (err == TS_OK)
			err = ts_map_frame(frame, d->vspace, ph->p_vaddr + off, rights, attrs);
		if (err != TS_OK)
			return err;
	}
	return TS_OK;
}

/* Copies (or mints) a cap of the builder's CSpace into the child's slot. */
static int put_cap(const struct ts_domain *d, uint64_t slot, uint64_t cap, uint64_t rights,
		   uint64_t badge)
{
	if (badge)
		return ts_cnode_mint(d->cnode, slot, ts_self.cnode, cap, rights, badge);
	return ts_cnode_copy(d->cnode, slot, ts_self.cnode, cap, rights);
}

int ts_domain_create(const struct ts_domain_config *cfg, struct ts_domain *d)
{
	const struct ts_elf64_ehdr *eh = cfg->image;
	const struct ts_elf64_phdr *ph = ts_elf_check(cfg->image, cfg->image_size, TS_USER_TOP);
	unsigned radix = cfg->cnode_radix;
	uint64_t cnode_orig;
	int err;

	if (!ph)
		return TS_ERR_INVALID_ARGUMENT;
	if (radix < TS_CNODE_MIN_RADIX || radix > TS_CNODE_MAX_RADIX ||
	    (1ull << radix) <= TS_CHILD_FIRST_FREE)
		return TS_ERR_RANGE;
	memset(d, 0, sizeof(*d));
	d->entry = eh->e_entry;

	/* The CNode, minted so that a CPtr in the child is a plain slot index. */
	err = ts_object_alloc(TS_OBJ_CNODE, radix, &cnode_orig);
	if (err == TS_OK)
		err = (d->cnode = ts_slot_alloc()) ? TS_OK : TS_ERR_RANGE;
	if (err == TS_OK)
		err = ts_cnode_mint(ts_self.cnode, d->cnode, ts_self.cnode, cnode_orig,
				    TS_RIGHTS_ALL, ts_cnode_guard(64 - radix, 0));
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_VSPACE, 0, &d->vspace);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_TCB, 0, &d->tcb);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_DOMAIN, 0, &d->domain);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &d->ipc_frame);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, &d->info_frame);
	if (err != TS_OK)
		return err;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == TS_PT_LOAD &&
		    (err = load_segment(d, cfg->image, &ph[i])) != TS_OK)
			return err;
	}
	err = ts_map_frame(d->ipc_frame, d->vspace, TS_CHILD_IPC_VADDR, RW, 0);
	if (err != TS_OK)
		return err;

	if (cfg->fault_ep) {
		err = (d->fault_ep = ts_slot_alloc()) ? TS_OK : TS_ERR_RANGE;
		if (err == TS_OK)
			err = ts_cnode_mint(ts_self.cnode, d->fault_ep, ts_self.cnode, cfg->fault_ep,
					    TS_RIGHTS_ALL, cfg->fault_badge);
		if (err != TS_OK)
			return err;
	}
	err = ts_tcb_configure(d->tcb, d->fault_ep, d->cnode, d->vspace, TS_CHILD_IPC_VADDR,
			       d->ipc_frame);
	if (err == TS_OK && cfg->domid != TS_DOMID_INVALID)
		err = ts_domain_set_id(d->domain, cfg->domid);
	if (err == TS_OK)
		err = ts_tcb_set_domain(d->tcb, d->domain);
	if (err == TS_OK)
		err = ts_tcb_set_priority(d->tcb, cfg->priority);
	if (err == TS_OK)
		err = ts_tcb_set_affinity(d->tcb, cfg->cpu);

	/* Its own fixed slots (<ts/runtime.h>). */
	if (err == TS_OK)
		err = put_cap(d, TS_CHILD_TCB, d->tcb, TS_RIGHTS_ALL, 0);
	if (err == TS_OK)
		err = put_cap(d, TS_CHILD_CNODE, d->cnode, TS_RIGHTS_ALL, 0);
	if (err == TS_OK)
		err = put_cap(d, TS_CHILD_VSPACE, d->vspace, TS_RIGHTS_ALL, 0);
	if (err == TS_OK && cfg->console)
		err = put_cap(d, TS_CHILD_CONSOLE, cfg->console, TS_RIGHTS_ALL, 0);
	if (err != TS_OK)
		return err;

	d->info.ipc = (struct ts_ipc_buffer *)TS_CHILD_IPC_VADDR;
	d->info.magic = TS_CHILD_INFO_MAGIC;
	d->info.cnode_radix = radix;
	d->info.first_free = TS_CHILD_FIRST_FREE;
	if (cfg->cmdline) {
		size_t n = strnlen(cfg->cmdline, sizeof(d->info.cmdline) - 1);

		memcpy(d->info.cmdline, cfg->cmdline, n);
	}
	return TS_OK;
}

static int next_child_slot(struct ts_domain *d, uint64_t *slot)
{
	if (d->info.nr_caps >= TS_CHILD_MAX_CAPS || d->info.first_free >= 1ull << d->info.cnode_radix)
		return TS_ERR_RANGE;
	*slot = d->info.first_free;
	return TS_OK;
}

/* Records a cap just placed in the child's next free slot. */
static void took_slot(struct ts_domain *d, uint64_t slot, uint64_t *child_slot)
{
	d->info.caps[d->info.nr_caps++] = slot;
	d->info.first_free++;
	if (child_slot)
		*child_slot = slot;
}

int ts_domain_give(struct ts_domain *d, uint64_t cap, uint64_t rights, uint64_t badge,
		   uint64_t *child_slot)
{
	uint64_t slot;
	int err = next_child_slot(d, &slot);

	if (err == TS_OK)
		err = put_cap(d, slot, cap, rights, badge);
	if (err == TS_OK)
		took_slot(d, slot, child_slot);
	return err;
}

int ts_domain_give_move(struct ts_domain *d, uint64_t cap, uint64_t *child_slot)
{
	uint64_t slot;
	int err = next_child_slot(d, &slot);

	if (err == TS_OK)
		err = ts_cnode_move(d->cnode, slot, ts_self.cnode, cap);
	if (err == TS_OK)
		took_slot(d, slot, child_slot);
	return err;
}

/* Writes the info page and the first thread's registers; resumes it if asked. */
static int load_registers(struct ts_domain *d, int resume)
{
	uint64_t regs[TS_REG_COUNT] = { 0 };
	int err = ts_frame_fill(d->info_frame, &d->info, sizeof(d->info));

	if (err == TS_OK)
		err = ts_map_frame(d->info_frame, d->vspace, TS_CHILD_INFO_VADDR, TS_RIGHT_READ, 0);
	if (err != TS_OK)
		return err;
	regs[TS_REG_RIP] = d->entry;
	regs[TS_REG_RFLAGS] = 0x202;
	regs[TS_REG_RDI] = TS_CHILD_INFO_VADDR;
	regs[TS_REG_FS_BASE] = TS_CHILD_INFO_VADDR;
	return ts_tcb_write_registers(d->tcb, resume, regs);
}

int ts_domain_start(struct ts_domain *d)
{
	return load_registers(d, 1);
}

int ts_domain_prepare(struct ts_domain *d)
{
	return load_registers(d, 0);
}
