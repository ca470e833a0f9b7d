/*
 * The domain builder: makes a new protection domain from an ELF64 image
 * with capability invocations only. It retypes (through ts_alloc) a CNode,
 * a VSpace with the PDPT / page directory / page tables it needs, a frame
 * per page of the image (contents copied through a scratch mapping in the
 * caller's own VSpace), an IPC buffer, a child-info page, a Domain object
 * and a TCB configured with a badged fault endpoint. The child sees the
 * layout of <ts/runtime.h>.
 *
 * On failure the objects already made stay in the caller's CSpace; a
 * caller that must reclaim them builds from an untyped it can revoke.
 */
#ifndef TS_DOMAIN_H
#define TS_DOMAIN_H

#include <stddef.h>
#include <stdint.h>
#include <ts/runtime.h>

struct ts_domain_config {
	const void *image;		/* the ELF64 executable */
	size_t image_size;
	const char *cmdline;		/* copied to its child-info page */
	unsigned cnode_radix;		/* its CNode has 2^radix slots */
	uint64_t fault_ep;		/* endpoint for its faults (0 = none) */
	uint64_t fault_badge;		/* badge its fault messages carry (nonzero) */
	uint64_t console;		/* Console cap to give it (0 = none) */
	unsigned priority;
	unsigned cpu;
	uint64_t domid;			/* Xen domid, or TS_DOMID_INVALID to leave unset */
};

struct ts_domain {
	/* CPtrs in the builder's CSpace: */
	uint64_t cnode;			/* its CNode, minted with the guard it resolves with */
	uint64_t vspace;
	uint64_t tcb;
	uint64_t domain;
	uint64_t ipc_frame;
	uint64_t info_frame;
	uint64_t fault_ep;		/* the badged copy its TCB was configured with */
	uint64_t entry;
	struct ts_child_info info;	/* written to its info page by ts_domain_start */
};

/* Scratch address in the builder's VSpace where pages are filled. */
#define TS_SCRATCH_VADDR	0x8000000000ull

int ts_domain_create(const struct ts_domain_config *cfg, struct ts_domain *d);

/*
 * Gives the child a copy of cap (rights ANDed, badge minted if nonzero)
 * in its next free slot; *child_slot = that slot, also listed in
 * info.caps. ts_domain_give_move moves the cap instead (e.g. Untyped,
 * which cannot be copied).
 */
int ts_domain_give(struct ts_domain *d, uint64_t cap, uint64_t rights, uint64_t badge,
		   uint64_t *child_slot);
int ts_domain_give_move(struct ts_domain *d, uint64_t cap, uint64_t *child_slot);

/* Writes its info page and starts its thread. */
int ts_domain_start(struct ts_domain *d);
/* The same without starting it: ts_tcb_resume(d->tcb) starts it later. */
int ts_domain_prepare(struct ts_domain *d);

/* Copies len bytes to the start of frame (4 KiB), zeroing the rest. */
int ts_frame_fill(uint64_t frame, const void *data, size_t len);

#endif
