/* Building a Newlib stub domain from an ELF boot module. */
#include <libos/protocol.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/string.h>
#include <ts/thread.h>
#include "stubdom.h"

/* Maps copies of the archive's frames (read-only) at LIBOS_CPIO_VADDR. */
static int map_cpio(const struct ts_domain *d, const struct ts_boot_module *m)
{
	uint64_t pages = (m->size + TS_PAGE_SIZE - 1) / TS_PAGE_SIZE;

	if (pages > m->frames.count || pages > (LIBOS_CPIO_LIMIT - LIBOS_CPIO_VADDR) / TS_PAGE_SIZE)
		return TS_ERR_RANGE;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t copy = ts_slot_alloc();
		int err = copy ? TS_OK : TS_ERR_RANGE;

		if (err == TS_OK)
			err = ts_cnode_copy(ts_self.cnode, copy, ts_self.cnode, m->frames.first + i,
					    TS_RIGHT_READ);
		if (err == TS_OK)
			err = ts_map_frame(copy, d->vspace, LIBOS_CPIO_VADDR + i * TS_PAGE_SIZE,
					   TS_RIGHT_READ, 0);
		if (err != TS_OK)
			return err;
	}
	return TS_OK;
}

int stubdom_create(const struct stubdom_config *cfg, struct ts_domain *d)
{
	struct ts_domain_config dc = {
		.image = cfg->image, .image_size = cfg->image_size, .cmdline = cfg->args,
		.cnode_radix = cfg->cnode_radix, .fault_ep = cfg->fault_ep,
		.fault_badge = cfg->fault_badge, .console = cfg->console,
		.priority = cfg->priority, .cpu = cfg->cpu, .domid = cfg->domid,
	};
	uint64_t heap, heap_slot = 0, exit_slot = 0, cpio_addr = 0, cpio_size = 0;
	int err = ts_domain_create(&dc, d), n;

	/* Its MCP lets it run its own threads at its priority. */
	if (err == TS_OK)
		err = ts_tcb_set_mcp(d->tcb, cfg->priority);
	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_UNTYPED, cfg->heap_bits, &heap);
	if (err == TS_OK)
		err = ts_domain_give_move(d, heap, &heap_slot);
	if (err == TS_OK && cfg->exit_ep)
		err = ts_domain_give(d, cfg->exit_ep, TS_RIGHT_WRITE, cfg->exit_badge, &exit_slot);
	if (err == TS_OK && cfg->cpio) {
		err = map_cpio(d, cfg->cpio);
		cpio_addr = LIBOS_CPIO_VADDR;
		cpio_size = cfg->cpio->size;
	}
	if (err != TS_OK)
		return err;
	/* The command line has 128 bytes: keys without a value are left out. */
	n = ts_snprintf(d->info.cmdline, sizeof(d->info.cmdline), "%s tsc_khz=%lu heap=%lu,%u",
			cfg->args, cfg->tsc_khz, heap_slot, cfg->heap_bits);
	if (n >= 0 && exit_slot)
		n += ts_snprintf(d->info.cmdline + n, sizeof(d->info.cmdline) - (size_t)n,
				 " exit=%lu", exit_slot);
	if (n >= 0 && (size_t)n < sizeof(d->info.cmdline) && cpio_size)
		n += ts_snprintf(d->info.cmdline + n, sizeof(d->info.cmdline) - (size_t)n,
				 " cpio=0x%lx,%lu", cpio_addr, cpio_size);
	if (n >= 0 && (size_t)n < sizeof(d->info.cmdline))
		n += ts_snprintf(d->info.cmdline + n, sizeof(d->info.cmdline) - (size_t)n,
				 " prio=%u cpu=%u", cfg->priority, cfg->cpu);
	return n < 0 || (size_t)n >= sizeof(d->info.cmdline) ? TS_ERR_RANGE : TS_OK;
}

int stubdom_give(struct ts_domain *d, const char *key, uint64_t cap, uint64_t rights,
		 uint64_t badge)
{
	size_t len = strlen(d->info.cmdline), room = sizeof(d->info.cmdline) - len;
	char word[48];
	uint64_t slot;
	int n, err;

	/* Check the room first: a failed give changes nothing. */
	n = ts_snprintf(word, sizeof(word), " %s=%lu", key, d->info.first_free);
	if (n < 0 || (size_t)n >= sizeof(word) || (size_t)n >= room)
		return TS_ERR_RANGE;
	err = ts_domain_give(d, cap, rights, badge, &slot);
	if (err == TS_OK)
		memcpy(d->info.cmdline + len, word, (size_t)n + 1);
	return err;
}
