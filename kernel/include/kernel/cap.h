/*
 * Capabilities, the slots that hold them and the capability derivation
 * tree (CDT). Every slot in the system (CNode slots, a TCB's own slots,
 * the IRQ table's notification slots) is a node of the CDT: a copy or mint
 * of a capability becomes a child of its source, and an object made by
 * retyping becomes a child of the untyped capability it came from.
 *
 * All capabilities to one object form a run of adjacent siblings below
 * the untyped (plus their subtrees), which is what lets cap_is_final()
 * answer "is this the last capability to the object?" in O(1).
 */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <kernel/types.h>
#include <tessera/abi.h>
#include <tessera/object.h>

struct cap {
	uint8_t type;		/* enum ts_object_type or a TS_CAP_* */
	uint8_t rights;		/* TS_RIGHT_* */
	uint8_t size_bits;	/* untyped: size; CNode: radix; frame: 12 or 21 */
	uint8_t guard_size;	/* CNode: guard bits consumed before the radix */
	uint32_t aux;		/* IRQ number; I/O ports first | last << 16; untyped: device flag */
	word_t obj;		/* kernel address of the object (0 for control caps) */
	word_t data;		/* badge; CNode guard; untyped watermark; frame/paging: mapped vaddr */
	word_t map;		/* frame/paging: mapping (see vspace.h), 0 if unmapped */
};

struct slot {
	struct cap cap;
	struct slot *parent;
	struct slot *first_child;
	struct slot *next;	/* sibling order */
	struct slot *prev;
};

_Static_assert(sizeof(struct slot) == 64, "slot size is part of the ABI (TS_SLOT_BITS)");

#define UNTYPED_DEVICE	1u

static inline bool slot_empty(const struct slot *s) { return s->cap.type == TS_OBJ_NULL; }

/* CDT operations. */
void cdt_insert_child(struct slot *parent, struct slot *child, const struct cap *cap);
void cdt_move(struct slot *dst, struct slot *src);
bool cap_is_final(const struct slot *s);
bool cap_same_object(const struct cap *a, const struct cap *b);

/*
 * Deleting capabilities. cap_delete() empties one slot; if it held the last
 * capability to an object, the object is finalised (threads stopped, queues
 * cancelled, mappings removed, contained slots deleted). cap_revoke() deletes
 * every descendant of a slot. Neither can fail and neither recurses: objects
 * whose own slots must be emptied go on a work list drained before return.
 */
void cap_delete(struct slot *s);
void cap_revoke(struct slot *s);

/*
 * Make the kernel-held slot dst (a TCB's or IRQ line's) a copy of src, or
 * empty it if src is NULL. The copy is made before the old cap is deleted,
 * which might otherwise take src with it.
 */
void cap_install_copy(struct slot *dst, struct slot *src);

/* Whether a capability of this type may be copied, and what the copy looks like. */
bool cap_derive(const struct cap *src, struct cap *out);

#endif
