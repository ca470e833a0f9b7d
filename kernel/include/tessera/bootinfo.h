/*
 * The boot-info page the kernel hands the root task (its address in rdi at
 * entry). It lists every capability the root task starts with.
 */
#ifndef TESSERA_BOOTINFO_H
#define TESSERA_BOOTINFO_H

#include <stdint.h>

#define TS_BOOTINFO_MAGIC	0x5453424f4f54ull	/* "TSBOOT" */
#define TS_BOOTINFO_SIZE	16384ul			/* four pages */
#define TS_BOOT_MAX_UNTYPED	160
#define TS_BOOT_MAX_MODULES	16
#define TS_BOOT_CMDLINE_LEN	256
#define TS_BOOT_MODULE_CMDLINE_LEN	128

/* Fixed slots of the root CNode. */
enum ts_root_slot {
	TS_ROOT_NULL = 0,
	TS_ROOT_TCB,		/* the root thread */
	TS_ROOT_CNODE,		/* the root CNode itself (guard 0: CPtr = slot index) */
	TS_ROOT_VSPACE,
	TS_ROOT_IRQ_CONTROL,
	TS_ROOT_IOPORT_CONTROL,
	TS_ROOT_CONSOLE,
	TS_ROOT_DEBUG,
	TS_ROOT_DOMAIN,		/* the root task's Domain object, domid 0 */
	TS_ROOT_IPC_BUFFER,	/* frame of the root thread's IPC buffer */
	TS_ROOT_FIRST_FREE_FIXED,
};

struct ts_slot_range {
	uint64_t first;		/* first slot index in the root CNode */
	uint64_t count;
};

struct ts_boot_untyped {
	uint64_t paddr;
	uint8_t size_bits;
	uint8_t is_device;	/* 1: device memory (may only become frames) */
	uint8_t pad[6];
};

struct ts_boot_module {
	uint64_t paddr;		/* physical start, page aligned */
	uint64_t size;		/* bytes */
	uint64_t vaddr;		/* where it is mapped (read-only) in the root VSpace */
	struct ts_slot_range frames;	/* one 4 KiB frame cap per page, in order */
	char cmdline[TS_BOOT_MODULE_CMDLINE_LEN];
};

struct ts_bootinfo {
	uint64_t magic;
	uint64_t root_cnode_radix;	/* root CNode has 2^radix slots */
	uint64_t nr_cpus;
	uint64_t tsc_khz;		/* calibrated TSC frequency */
	uint64_t ipc_buffer_vaddr;	/* the root thread's IPC buffer */
	uint64_t bootinfo_vaddr;
	struct ts_slot_range empty;	/* free slots of the root CNode */
	struct ts_slot_range image_frames;	/* frames backing the root image */
	struct ts_slot_range paging;	/* paging structures of the root VSpace */
	struct ts_slot_range bootinfo_frames;
	struct ts_slot_range untyped;	/* untyped caps, described by untyped_list */
	uint64_t nr_modules;
	char cmdline[TS_BOOT_CMDLINE_LEN];	/* the kernel's command line */
	struct ts_boot_untyped untyped_list[TS_BOOT_MAX_UNTYPED];
	struct ts_boot_module modules[TS_BOOT_MAX_MODULES];	/* modules after the root image */
};

_Static_assert(sizeof(struct ts_bootinfo) <= TS_BOOTINFO_SIZE, "boot info too big");

#endif
