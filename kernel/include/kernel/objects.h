/* Kernel objects made from untyped memory. One .c file per object in object/. */
#ifndef KERNEL_OBJECTS_H
#define KERNEL_OBJECTS_H

#include <kernel/cap.h>
#include <kernel/types.h>
#include <kernel/xen_state.h>
#include <arch/context.h>

struct tcb;

/* Objects whose slots must be emptied when they die share this header. */
struct dying_link {
	struct dying_link *next;
	uint8_t kind;		/* DYING_CNODE or DYING_TCB */
	uint8_t queued;
};
enum { DYING_CNODE = 1, DYING_TCB };

/* A CNode's slot 0 is never a capability: its 64 bytes hold this header. */
struct cnode_header {
	struct dying_link dying;
	uint64_t radix;
	uint64_t cursor;	/* while dying: next slot to empty */
	uint64_t reserved[4];
};
_Static_assert(sizeof(struct cnode_header) == sizeof(struct slot), "header fills slot 0");

struct thread_queue {
	struct tcb *head, *tail;
};

struct endpoint {
	struct thread_queue queue;
	uint32_t state;		/* EP_IDLE, EP_SENDERS or EP_RECEIVERS: whom queue holds */
};
enum { EP_IDLE, EP_SENDERS, EP_RECEIVERS };

struct notification {
	struct thread_queue waiters;
	word_t word;
	struct tcb *bound;
	struct domain *evtchn_domain;	/* linked: a signal makes this port pending */
	uint32_t evtchn_port;
};

/*
 * A virtual CPU: this generic part, then the architecture's register state
 * (arch_vcpu_*); on x86_64/SVM the second page is the VMCB.
 */
struct vcpu {
	struct slot space;	/* copy of its guest-space cap */
	struct tcb *bound;	/* the thread that runs it */
	struct xen_vcpu xen;	/* its Xen ABI state, if its domain speaks it */
	bool exit_unseen;	/* its last exit's events are not collected yet (arch) */
};

struct domain {
	uint32_t domid;		/* TS_DOMID_INVALID until set */
	uint32_t nr_threads;
	struct xen_domain xen;
};
_Static_assert(sizeof(struct domain) <= (1u << TS_DOMAIN_BITS), "Domain too big");

enum thread_state {
	THREAD_INACTIVE,
	THREAD_RUNNABLE,
	THREAD_BLOCKED_SEND,	/* on an endpoint, message in its registers (or fault) */
	THREAD_BLOCKED_RECV,	/* on an endpoint */
	THREAD_BLOCKED_REPLY,	/* waiting for the reply to its call */
	THREAD_BLOCKED_NOTIFICATION,
	THREAD_BLOCKED_VCPU,		/* a Xen vCPU halted or polling: woken by events */
};

/* The longest fault message: a vCPU's nested page fault with its instruction bytes. */
#define FAULT_MAX_MRS	TS_VMEXIT_NPF_LENGTH

/* The slots a TCB owns; copies installed by TCB_CONFIGURE. */
enum tcb_slot { TCB_CSPACE, TCB_VSPACE, TCB_FAULT_EP, TCB_IPC_BUFFER, TCB_DOMAIN, TCB_TIMER,
		TCB_VCPU, TCB_SLOT_COUNT };

struct tcb {
	struct user_context ctx;	/* first: entry.S saves into it */
	struct fpu_state fpu;
	struct slot slots[TCB_SLOT_COUNT];
	struct dying_link dying;

	uint8_t state;
	uint8_t priority;
	uint8_t mcp;
	uint8_t cpu;			/* affinity: the only CPU it runs on */
	uint8_t on_ready_queue;
	uint8_t running;		/* is some CPU's current thread */
	uint8_t fault_pending;		/* blocked send carries a fault message */
	uint8_t fault_length;		/* of fault_mr */
	uint8_t send_is_call;
	uint8_t send_can_grant;
	uint32_t timeslice;		/* ticks left */

	struct tcb *sched_next, *sched_prev;	/* ready queue */
	struct tcb *ipc_next, *ipc_prev;	/* endpoint / notification queue */
	void *blocked_on;			/* endpoint or notification */
	word_t send_badge;			/* badge of the cap it sends through */

	struct tcb *caller;		/* thread waiting for our reply */
	struct tcb *callee;		/* thread that owes us a reply */
	struct notification *bound_notification;

	vaddr_t ipc_buffer_vaddr;
	word_t tls_base;		/* FS base of the thread */
	word_t fault_type, fault_mr[FAULT_MAX_MRS];	/* pending fault message */

	uint64_t timer_deadline;	/* TSC value; TCB_TIMER holds the notification */
	struct tcb *timer_next, *timer_prev;
	bool timer_armed;
};

_Static_assert(sizeof(struct tcb) <= (1u << TS_TCB_BITS), "TCB too big");

/* Where message register i (< TS_MSG_REG_COUNT) lives in a saved register file. */
static inline word_t *ctx_mr(struct user_context *ctx, unsigned i)
{
	switch (i) {
	case 0: return &ctx->rdx;
	case 1: return &ctx->r10;
	case 2: return &ctx->r8;
	default: return &ctx->r9;
	}
}

static inline struct tcb *cap_tcb(const struct cap *c) { return (struct tcb *)c->obj; }
static inline struct endpoint *cap_endpoint(const struct cap *c) { return (struct endpoint *)c->obj; }
static inline struct notification *cap_notification(const struct cap *c) { return (struct notification *)c->obj; }
static inline struct vcpu *cap_vcpu(const struct cap *c) { return (struct vcpu *)c->obj; }
static inline struct vcpu *thread_vcpu(const struct tcb *t)
{
	return t->slots[TCB_VCPU].cap.type == TS_OBJ_VCPU ? cap_vcpu(&t->slots[TCB_VCPU].cap) : NULL;
}
static inline struct domain *cap_domain(const struct cap *c) { return (struct domain *)c->obj; }
static inline struct slot *cap_cnode_slots(const struct cap *c) { return (struct slot *)c->obj; }
static inline struct cnode_header *cap_cnode_header(const struct cap *c) { return (struct cnode_header *)c->obj; }

/* Object-specific finalisation when the last capability goes away. */
void endpoint_cancel_all(struct endpoint *ep);
void notification_cancel_all(struct notification *n);
void tcb_finalise(struct tcb *t);
void domain_finalise(struct domain *d);
void vcpu_finalise(struct vcpu *v);
/* A vCPU's registers are stable only while its thread does not run: stop
   it if it runs on another CPU (it stays runnable); the caller's own is. */
void vcpu_quiesce(struct vcpu *v, struct tcb *caller);
/* Give d the Xen domid if it has none and the domid is free. */
bool domain_claim_id(struct domain *d, word_t domid);
/* The live Domain with this domid, or NULL. */
struct domain *domain_lookup(uint32_t domid);
void cnode_finalise(struct cnode_header *h);
void vspace_finalise(const struct cap *c);
void irq_release(unsigned irq);
/* Signal the notification bound to a line that fired (lock held). */
void irq_deliver(unsigned irq);
void dying_push(struct dying_link *link);

/* Size in bytes of an object of the given type, or 0 if type/size_bits are invalid. */
uint64_t object_size(word_t type, word_t size_bits);
/* Initialise freshly zeroed memory as an object and describe it in *cap. */
void object_create(word_t type, word_t size_bits, void *mem, struct cap *cap);

#endif
