/* Decoding an invocation's arguments and building its reply. */
#ifndef KERNEL_INVOKE_H
#define KERNEL_INVOKE_H

#include <kernel/objects.h>

struct invocation {
	struct tcb *thread;	/* the caller */
	struct slot *slot;	/* the invoked capability */
	word_t label;
	unsigned length;	/* message registers supplied */
	word_t *buffer;		/* kernel view of the caller's IPC buffer msg[], or NULL */
	unsigned reply_length;	/* result registers written with inv_set_result */
};

/* MR i of the invocation. Callers check inv->length first (inv_need). */
word_t inv_arg(const struct invocation *inv, unsigned i);
/* True if the invocation carries at least n MRs (MRs >= 4 need an IPC buffer). */
bool inv_has_args(const struct invocation *inv, unsigned n);
/* Sets result register i (i < 4, or an IPC buffer must exist). */
void inv_set_result(struct invocation *inv, unsigned i, word_t value);
/* How many result registers can be returned to this caller. */
unsigned inv_result_capacity(const struct invocation *inv);

/* Frames and paging structures: find MR0's VSpace, check va and its slot. */
int map_prepare(struct invocation *inv, word_t va, word_t align_bits, void **pml4);

/* Per-object decoders: validate everything, then act. Return a ts_error. */
int untyped_invoke(struct invocation *inv);
int cnode_invoke(struct invocation *inv);
int tcb_invoke(struct invocation *inv);
int frame_invoke(struct invocation *inv);
int paging_invoke(struct invocation *inv);
int irq_invoke(struct invocation *inv);
int ioport_invoke(struct invocation *inv);
int domain_invoke(struct invocation *inv);
int vcpu_invoke(struct invocation *inv);
int console_invoke(struct invocation *inv);
int debug_invoke(struct invocation *inv);

#endif
