/* Start-up of the root task and of child domains. */
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/thread.h>

static struct ts_tls root_tls;

/* The first 1 GiB boundary above what the kernel mapped for the root task. */
static uint64_t above_boot_mappings(const struct ts_bootinfo *bi)
{
	uint64_t end = bi->bootinfo_vaddr + TS_BOOTINFO_SIZE;

	if (bi->ipc_buffer_vaddr + TS_PAGE_SIZE > end)
		end = bi->ipc_buffer_vaddr + TS_PAGE_SIZE;
	for (uint64_t i = 0; i < bi->nr_modules && i < TS_BOOT_MAX_MODULES; i++) {
		if (bi->modules[i].vaddr + bi->modules[i].size > end)
			end = bi->modules[i].vaddr + bi->modules[i].size;
	}
	if (end < TS_THREAD_IPC_VADDR)
		end = TS_THREAD_IPC_VADDR;
	return (end + (1ull << 30) - 1) & ~((1ull << 30) - 1);
}

int ts_root_init(const struct ts_bootinfo *bi)
{
	if (bi->magic != TS_BOOTINFO_MAGIC)
		return -1;
	root_tls.ipc = (struct ts_ipc_buffer *)bi->ipc_buffer_vaddr;
	if (ts_tcb_set_tls_base(TS_ROOT_TCB, (uint64_t)&root_tls) != TS_OK)
		return -1;
	ts_console = TS_ROOT_CONSOLE;
	ts_self.cnode = TS_ROOT_CNODE;
	ts_self.vspace = TS_ROOT_VSPACE;
	ts_self.tcb = TS_ROOT_TCB;
	ts_self.next_ipc_vaddr = above_boot_mappings(bi);
	ts_alloc_init_boot(bi);
	return 0;
}

int ts_child_init(const struct ts_child_info *info)
{
	int empty = 1;

	if (info->magic != TS_CHILD_INFO_MAGIC)
		return -1;
	if (ts_cnode_is_empty(TS_CHILD_CNODE, TS_CHILD_CONSOLE, &empty) == TS_OK && !empty)
		ts_console = TS_CHILD_CONSOLE;
	ts_self.cnode = TS_CHILD_CNODE;
	ts_self.vspace = TS_CHILD_VSPACE;
	ts_self.tcb = TS_CHILD_TCB;
	ts_self.next_ipc_vaddr = TS_THREAD_IPC_VADDR;
	ts_alloc_init(TS_CHILD_CNODE, info->first_free, 1ull << info->cnode_radix, 0, 0);
	return 0;
}

void ts_exit(int status)
{
	(void)status;
	ts_tcb_suspend(ts_self.tcb);
	for (;;)
		ts_yield();
}
