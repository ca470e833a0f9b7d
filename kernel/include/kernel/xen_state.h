/*
 * The Xen state kept in vCPU and Domain objects (kernel/xen/ works on it;
 * see kernel/xen.h). Plain data: no pointers into guest memory, which is
 * looked up afresh, under the lock, on every access.
 */
#ifndef KERNEL_XEN_STATE_H
#define KERNEL_XEN_STATE_H

#include <kernel/cap.h>
#include <kernel/types.h>
#include <tessera/object.h>
#include <arch/vlapic.h>

struct domain;

/*
 * Event delivery to the guest. Set by the Xen code when v's
 * evtchn_upcall_pending went 0 -> 1 and the domain asked for vector
 * callbacks; the architecture injects vector `upcall_vector` before the
 * next guest entry once the guest can take an interrupt, then clears it.
 */
struct xen_vcpu {
	struct domain *domain;		/* NULL until TS_DOMAIN_XEN_ADD_VCPU */
	uint32_t id;			/* vcpu id in its domain */
	bool initialised;		/* VCPUOP_initialise, a start-up IPI, or vcpu 0; an INIT undoes it */
	bool up;			/* runs: VCPUOP_up, a start-up IPI, or vcpu 0 (implies initialised) */
	bool halted;			/* HLT or SCHEDOP_block: waiting for an event */
	bool upcall_inject;		/* inject upcall_vector when interruptible */
	uint8_t upcall_vector;		/* 0: no vector callback */
	uint64_t vcpu_info_gpa;		/* VCPUOP_register_vcpu_info, 0 = shared_info slot */
	uint64_t runstate_gla;		/* VCPUOP_register_runstate_memory_area, 0 = none */
	uint64_t timer_ns;		/* singleshot timer (system time), 0 = none */
	uint64_t period_ns;		/* periodic timer period, 0 = none */
	uint64_t period_next_ns;	/* its next expiry */
	uint64_t poll_timeout_ns;	/* SCHEDOP_poll deadline, 0 = none */
	uint16_t virq_port[24];		/* VIRQ -> port bound on this vCPU, 0 = none */
	uint16_t poll_ports[8];		/* SCHEDOP_poll: ports waited on */
	uint8_t nr_poll_ports;
	struct vlapic lapic;		/* its local APIC (x2APIC mode) */
};

/* One event channel of a domain (2-level ABI). */
struct xen_port {
	uint8_t state;		/* ECS_* (kernel/xen/evtchn.c) */
	uint8_t vcpu;		/* vCPU notified */
	uint16_t remote_domid;	/* unbound: who may bind; interdomain: peer */
	uint16_t remote_port;	/* interdomain: peer's port; virq: VIRQ; link: link index */
	uint16_t reserved;
};

struct xen_link {
	struct slot out;	/* notification signalled by the guest's send */
	struct slot in;		/* notification whose signal makes the port pending */
	uint16_t port;
};

/*
 * A grant of another domain mapped into this domain's guest space
 * (GNTTABOP_map_grant_ref); its index is the guest's grant handle. The
 * entries of all domains are also chained by the granted page, so a frame
 * that dies takes its mappings with it (kernel/xen/grant_map.c).
 */
struct xen_grant_map {
	word_t space;			/* the mapper's guest space (its ASID record) */
	uint64_t gpa;			/* where, in that space */
	uint64_t page;			/* physical address of the granted page */
	uint32_t ref;			/* the granter's grant reference */
	uint16_t granter;		/* domid; TS_DOMID_INVALID once it died */
	bool used;
	bool writable;
	struct xen_grant_map *next;	/* same page hash chain */
};

struct xen_domain {
	bool enabled;			/* TS_DOMAIN_XEN_SETUP done */
	struct slot space;		/* its guest space */
	uint64_t max_pages;
	uint64_t wallclock_sec;		/* at system time 0 */
	uint64_t shared_info_gpfn;	/* ~0 until XENMEM_add_to_physmap */
	uint64_t params[TS_XEN_NR_PARAMS];
	uint8_t callback_vector;	/* HVM_PARAM_CALLBACK_IRQ, type vector */
	uint8_t grant_version;
	uint16_t nr_grant_frames;
	uint64_t grant_gpfn[TS_XEN_GRANT_FRAMES];	/* ~0: not placed */
	struct slot vcpus[TS_XEN_MAX_VCPUS];
	struct xen_link links[TS_XEN_MAX_LINKS];
	struct xen_port ports[TS_XEN_NR_PORTS];
	struct slot map_tables[TS_XEN_MAP_TABLES];	/* TS_DOMAIN_XEN_ADD_TABLE */
	struct slot grant_frames[TS_XEN_GRANT_POOL];	/* TS_DOMAIN_XEN_ADD_GRANT_FRAME */
	struct xen_grant_map grant_maps[TS_XEN_GRANT_MAPS];
	struct { uint16_t first, last; } port_claims[TS_XEN_PORT_CLAIMS];	/* the VMM's ports */
	uint8_t nr_port_claims;
};

#endif
