/*
 * Program start-up. crt0 calls main(start_arg) (a libtessera program
 * defines int main(void *start_arg); a Newlib program on libos keeps the
 * usual main(argc, argv), so no prototype is declared here): for the root task
 * start_arg is the boot-info page; for a domain built by ts_domain_create
 * it is the struct ts_child_info below. The init functions set up the
 * thread's TLS (IPC buffer), ts_console, ts_self and ts_alloc.
 */
#ifndef TS_RUNTIME_H
#define TS_RUNTIME_H

#include <stdint.h>
#include <tessera/abi.h>
#include <tessera/bootinfo.h>

/* The address space layout libtessera gives a domain below its image. */
#define TS_CHILD_INFO_VADDR	0x200000ull	/* struct ts_child_info, read-only */
#define TS_CHILD_IPC_VADDR	0x201000ull	/* the first thread's IPC buffer */
#define TS_IMAGE_VADDR		0x400000ull	/* user.ld links images here */
#define TS_THREAD_IPC_VADDR	0x40000000ull	/* IPC buffers of further threads (the root
						   task's start above its boot mappings) */

/* Fixed slots of a child domain's CNode (CPtr = slot index). */
enum ts_child_slot {
	TS_CHILD_NULL = 0,
	TS_CHILD_TCB,		/* its first thread */
	TS_CHILD_CNODE,		/* its CNode */
	TS_CHILD_VSPACE,
	TS_CHILD_CONSOLE,	/* empty if it was given no console */
	TS_CHILD_FIRST_FREE,
};

#define TS_CHILD_INFO_MAGIC	0x544348494c44ull	/* "TCHILD" */
#define TS_CHILD_MAX_CAPS	16

struct ts_child_info {
	struct ts_ipc_buffer *ipc;	/* first: the first thread's fs base points here */
	uint64_t magic;
	uint64_t cnode_radix;
	uint64_t first_free;		/* first empty slot of its CNode */
	uint64_t nr_caps;		/* caps given with ts_domain_give, in order: */
	uint64_t caps[TS_CHILD_MAX_CAPS];	/* their slots */
	char cmdline[TS_BOOT_MODULE_CMDLINE_LEN];
};

/* Root task: checks the magic; returns 0 on success, -1 if bi is not boot info. */
int ts_root_init(const struct ts_bootinfo *bi);
/* Child domain: returns 0 on success, -1 if info is not a child-info page. */
int ts_child_init(const struct ts_child_info *info);

/* Ends the calling program's first thread (suspends it). */
void ts_exit(int status) __attribute__((noreturn));


#endif
