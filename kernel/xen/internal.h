/* Shared by the files of kernel/xen/: the Xen hypercall ABI for HVM/PVH guests. */
#ifndef KERNEL_XEN_INTERNAL_H
#define KERNEL_XEN_INTERNAL_H

#include <kernel/xen.h>

#define DOMID_SELF		0x7ff0u
#define XEN_LEGACY_MAX_VCPUS	32
#define XEN_NR_VIRQS		24
#define VIRQ_TIMER		0
#define VIRQ_DEBUG		1
#define VIRQ_XENOPROF		7
#define VIRQ_XENPMU		13

/* shared_info and vcpu_info layout of 64-bit guests (public/xen.h). */
#define SHINFO_VCPU_INFO	0	/* 32 x 64 bytes */
#define SHINFO_PENDING		2048	/* 64 x uint64_t */
#define SHINFO_MASK		2560
#define SHINFO_WC_VERSION	3072
#define SHINFO_WC_SEC		3076
#define SHINFO_WC_NSEC		3080
#define SHINFO_WC_SEC_HI	3084
#define VCPU_INFO_SIZE		64
#define VI_UPCALL_PENDING	0
#define VI_PENDING_SEL		8
#define VI_TIME			32	/* struct vcpu_time_info, 32 bytes */

/* Event channel states (ours; EVTCHNSTAT_* is what guests see). */
enum { ECS_FREE, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI, ECS_LINK };

/* Arguments of one hypercall, decoded in the guest's calling convention. */
struct xen_call {
	struct vcpu *v;
	struct domain *d;
	uint64_t arg[5];
};

static inline int64_t xen_err(int e) { return -(int64_t)e; }

/* Guest memory of the calling vCPU (linear addresses): 0 or -XEN_EFAULT. */
static inline int copy_from_guest(struct xen_call *c, uint64_t gla, void *dst, size_t n)
{
	return arch_guest_read(c->v, gla, dst, n);
}
static inline int copy_to_guest(struct xen_call *c, uint64_t gla, const void *src, size_t n)
{
	return arch_guest_write(c->v, gla, src, n);
}

/* shared.c: the domain's shared_info, vCPU info, time, wake-ups. */
void *xen_space_root(struct domain *d);
uint8_t *xen_shared_info(struct domain *d);
uint8_t *xen_vcpu_info(struct vcpu *v);
struct vcpu *xen_domain_vcpu(struct domain *d, unsigned id);
uint64_t xen_system_time(void);
uint64_t xen_ns_to_tsc(uint64_t ns);
void xen_update_time(struct vcpu *v);
void xen_update_wallclock(struct domain *d);
/* evtchn_upcall_pending went up on v: get its upcall to the guest. */
void xen_vcpu_kick_upcall(struct vcpu *v);
/* An upcall is pending for v (evtchn_upcall_pending, or one to inject). */
bool xen_upcall_pending(struct vcpu *v);
/* Block the calling vCPU until an event is pending for it (or a poll port / timeout). */
void xen_vcpu_block(struct vcpu *v);
void xen_vcpu_wake(struct vcpu *v);
/* Re-arm the vCPU thread's timeout for its nearest Xen deadline. */
void xen_vcpu_rearm_timer(struct vcpu *v);

/* evtchn.c */
int64_t xen_event_channel_op(struct xen_call *c);
void xen_send_virq(struct vcpu *v, unsigned virq);
bool xen_evtchn_is_pending(struct domain *d, unsigned port);
/* Close every port and link of a dying domain. */
void xen_evtchn_destroy(struct domain *d);
int xen_evtchn_link(struct domain *d, struct slot *out, struct slot *in, word_t *port);

/* The other hypercalls, one file each. */
int64_t xen_sched_op(struct xen_call *c, bool *running);
/* The domain shuts down for reason: the toolstack decides what follows;
   the calling vCPU waits for its answer. */
void xen_shutdown(struct xen_call *c, uint32_t reason, bool *running);
int64_t xen_vcpu_op(struct xen_call *c, bool *running);
int64_t xen_set_timer_op(struct xen_call *c);
int64_t xen_memory_op(struct xen_call *c);
int64_t xen_hvm_op(struct xen_call *c);
/* HVM_PARAM_CALLBACK_IRQ (guest or toolstack): 0 or -XEN_EINVAL. */
int xen_set_callback(struct domain *d, uint64_t value);
int64_t xen_grant_table_op(struct xen_call *c);

/* Grant tables, version 1 (grant.c, grant_map.c). */
enum { GNTST_okay = 0, GNTST_general_error = -1, GNTST_bad_domain = -2, GNTST_bad_gntref = -3,
       GNTST_bad_handle = -4, GNTST_bad_virt_addr = -5, GNTST_permission_denied = -8,
       GNTST_bad_page = -9, GNTST_bad_copy_arg = -10, GNTST_no_space = -13 };
#define GTF_permit_access	1u
#define GTF_type_mask		3u
#define GTF_readonly		(1u << 2)
#define XEN_GRANT_MAX_OPS	512	/* per hypercall; the guest repeats for more */
struct grant_entry {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};
/* Whether entry flags and domid let domain `who` read (or write) the frame. */
static inline bool xen_grant_permits(uint16_t flags, uint16_t domid, uint32_t who, bool write)
{
	return (flags & GTF_type_mask) == GTF_permit_access && domid == who &&
	       !(write && (flags & GTF_readonly));
}
/* Entry ref of d's table, in d's own page, or NULL if not placed. */
struct grant_entry *xen_grant_entry(struct domain *d, uint64_t ref);
/* GNTTABOP_map_grant_ref (map) or GNTTABOP_unmap_grant_ref. */
int64_t xen_grant_map_op(struct xen_call *c, bool map);
/* A dying domain's mappings end; the mappings of its grants forget it. */
void xen_grant_maps_destroy(struct domain *d);

/* pool.c: placing pages where the guest has no memory. */
/* 0 if a page fits at gpa (tables[] gets the pool tables to install),
   -XEN_EEXIST if the address holds memory, -XEN_ENOMEM if tables lack. */
int xen_pool_room(struct domain *d, uint64_t gpa, struct slot *tables[4]);
void xen_pool_install(struct domain *d, uint64_t gpa, struct slot *tables[4]);
/* Maps the pool frame at gpa (room checked and installed), recorded on its cap. */
void xen_pool_map_frame(struct domain *d, struct slot *frame, uint64_t gpa);
int64_t xen_version_op(struct xen_call *c);
int64_t xen_console_io(struct xen_call *c);


#endif
