/*
 * The Xen guest ABI: what the generic Xen code (kernel/xen/) and the
 * architecture's vCPU code (arch/x86_64/svm.c and friends) ask of each
 * other. Guest memory is never trusted: every access goes through
 * arch_guest_* under the kernel lock, page by page, and fails cleanly.
 */
#ifndef KERNEL_XEN_H
#define KERNEL_XEN_H

#include <kernel/objects.h>

/* Xen errno values (public/errno.h), returned negated in RAX. */
enum {
	XEN_EPERM = 1, XEN_ENOENT = 2, XEN_ESRCH = 3, XEN_EINTR = 4, XEN_EIO = 5,
	XEN_ENXIO = 6, XEN_E2BIG = 7, XEN_EAGAIN = 11, XEN_ENOMEM = 12, XEN_EACCES = 13,
	XEN_EFAULT = 14, XEN_EBUSY = 16, XEN_EEXIST = 17, XEN_ENODEV = 19, XEN_EINVAL = 22,
	XEN_ENOSPC = 28, XEN_ERANGE = 34, XEN_ENOSYS = 38, XEN_EALREADY = 114,
};

/* ---- provided by the architecture ---- */

/* Kernel address of guest-physical address gpa in the guest space whose
   root is space_root (the byte itself; valid up to the end of its 4 KiB
   page), or NULL if unbacked (or, with write, read-only). */
void *arch_guest_phys(void *space_root, uint64_t gpa, bool write);
/* Guest-linear -> guest-physical through the vCPU's current page tables
   (paging off: identity). False if not present (or not writable). */
bool arch_guest_linear_to_phys(struct vcpu *v, uint64_t gla, bool write, uint64_t *gpa);
/* Copy to/from guest-linear memory of v; page-crossing allowed. 0, or -XEN_EFAULT. */
int arch_guest_read(struct vcpu *v, uint64_t gla, void *dst, size_t n);
int arch_guest_write(struct vcpu *v, uint64_t gla, const void *src, size_t n);
/* Read as much of n bytes as there is, up to the first page not there: how many. */
size_t arch_guest_read_prefix(struct vcpu *v, uint64_t gla, void *dst, size_t n);
/* The size of the code the vCPU runs: 64 (EFER.LMA and CS.L), else 32 or 16 by CS.D. */
unsigned arch_vcpu_bits(struct vcpu *v);
/* The vCPU's current privilege level (0..3). */
unsigned arch_vcpu_cpl(struct vcpu *v);
/* The TSC the guest sees (no offsetting: the host's). */
uint64_t arch_read_tsc(void);
extern uint64_t tsc_khz;

/* ---- provided by kernel/xen/ for the architecture ---- */

/*
 * VMMCALL: the hypercall in the guest's registers (RIP already past the
 * instruction). Sets the guest's RAX. False if the vCPU's thread no longer
 * runs the guest (it blocked, or its shutdown went to the toolstack): the
 * caller then just leaves through kernel_exit().
 */
bool xen_hypercall(struct vcpu *v);
/* HLT (RIP already past it): block until an event is pending for v. */
void xen_vcpu_halt(struct vcpu *v);
/* Its singleshot timer expired (lock held). */
void xen_vcpu_timer_fired(struct vcpu *v);
/* A linked notification was signalled: make the port pending (lock held). */
void xen_evtchn_set_pending(struct domain *d, unsigned port);
/* The Domain object's Xen methods and its end (kernel/xen/domain_xen.c). */
struct invocation;
int xen_domain_invoke(struct invocation *inv, struct domain *d);
void xen_domain_finalise(struct domain *d);
/* A frame of this physical range died: grant mappings of it end. */
void xen_grant_frame_gone(uint64_t base, uint64_t size);
/* Whether the VMM claimed all of ports port..port+size-1 (TS_DOMAIN_XEN_CLAIM_PORTS). */
bool xen_port_claimed(const struct domain *d, uint16_t port, unsigned size);
/* Domid of a Xen vCPU's domain, or TS_DOMID_INVALID. */
uint32_t xen_vcpu_domid(struct vcpu *v);

#endif
