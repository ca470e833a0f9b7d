/* Kernel object types, their sizes, and the methods each one understands. */
#ifndef TESSERA_OBJECT_H
#define TESSERA_OBJECT_H

enum ts_object_type {
	TS_OBJ_NULL = 0,
	TS_OBJ_UNTYPED,		/* size_bits: 4..47 */
	TS_OBJ_CNODE,		/* size_bits: radix, 2..20; 2^radix slots of 64 bytes */
	TS_OBJ_TCB,
	TS_OBJ_ENDPOINT,
	TS_OBJ_NOTIFICATION,
	TS_OBJ_FRAME_4K,
	TS_OBJ_FRAME_2M,
	TS_OBJ_VSPACE,		/* x86_64 PML4: the root of an address space */
	TS_OBJ_PDPT,
	TS_OBJ_PAGE_DIRECTORY,
	TS_OBJ_PAGE_TABLE,
	TS_OBJ_DOMAIN,		/* carries a Xen domid (later: event channels, grants) */
	TS_OBJ_VCPU,		/* a virtual CPU (AMD SVM: its VMCB and guest registers) */
	TS_OBJ_GUEST_SPACE,	/* guest-physical address space (nested page tables) */
	TS_OBJ_TYPE_COUNT,
	/* Capabilities to hardware or kernel services, not made from Untyped: */
	TS_CAP_IRQ_CONTROL = 64,
	TS_CAP_IRQ_HANDLER,
	TS_CAP_IOPORT_CONTROL,
	TS_CAP_IOPORT,
	TS_CAP_CONSOLE,
	TS_CAP_DEBUG,
};

/* log2 of the object size in bytes, for fixed-size objects. */
#define TS_TCB_BITS		11
#define TS_ENDPOINT_BITS	6
#define TS_NOTIFICATION_BITS	6
#define TS_PAGING_BITS		12	/* VSpace, PDPT, page directory, page table */
#define TS_DOMAIN_BITS		14	/* holds the Xen state: ports, params, vCPUs, grant maps */
#define TS_VCPU_BITS		13
#define TS_SLOT_BITS		6	/* one CNode slot */
#define TS_UNTYPED_MIN_BITS	4
#define TS_UNTYPED_MAX_BITS	47
#define TS_CNODE_MIN_RADIX	2
#define TS_CNODE_MAX_RADIX	20

/*
 * Method labels. Arguments are message registers MR0.. in the order given;
 * "cptr" arguments are resolved in the caller's CSpace. Results come back in
 * the reply's MRs. Every method checks all of its arguments before it
 * changes anything.
 */
enum ts_method {
	/* Untyped */
	TS_UNTYPED_RETYPE = 1,	/* type, size_bits, dest_cnode cptr, dest_index, count */

	/* CNode: the invoked CNode is the destination */
	TS_CNODE_COPY = 16,	/* dest_index, src_cnode cptr, src_index, rights */
	TS_CNODE_MINT,		/* dest_index, src_cnode cptr, src_index, rights, badge */
	TS_CNODE_MOVE,		/* dest_index, src_cnode cptr, src_index */
	TS_CNODE_DELETE,	/* index */
	TS_CNODE_REVOKE,	/* index */
	TS_CNODE_IS_EMPTY,	/* index -> MR0 = 1 if the slot is empty */

	/* Thread control block */
	TS_TCB_CONFIGURE = 32,	/* fault_ep cptr (0 = none), cspace cptr, vspace cptr,
				   ipc_buffer_vaddr, ipc_buffer frame cptr */
	TS_TCB_SET_PRIORITY,	/* priority 0..255, <= caller's MCP */
	TS_TCB_SET_MCP,		/* max controlled priority, <= caller's MCP */
	TS_TCB_SET_AFFINITY,	/* cpu index */
	TS_TCB_READ_REGISTERS,	/* -> MRs: the registers in enum ts_reg order */
	TS_TCB_WRITE_REGISTERS,	/* resume (0/1), count (<= TS_REG_COUNT), then count values in ts_reg order */
	TS_TCB_RESUME,
	TS_TCB_SUSPEND,
	TS_TCB_BIND_NOTIFICATION,	/* notification cptr */
	TS_TCB_UNBIND_NOTIFICATION,
	TS_TCB_SET_DOMAIN,	/* domain cptr */
	TS_TCB_SET_TLS_BASE,	/* fs base address */
	TS_TCB_SET_TIMEOUT,	/* notification cptr (0 = cancel), deadline (TSC value):
				   the kernel signals it once when the TSC passes the deadline */
	TS_TCB_BIND_VCPU,	/* vcpu cptr (0 = unbind): the thread then runs that vCPU's guest;
				   exits it cannot handle come to its fault endpoint */

	/* Paging structures and frames */
	TS_FRAME_MAP = 48,	/* vspace cptr, vaddr, rights (R/W), attributes (TS_MAP_*) */
	TS_FRAME_UNMAP,
	TS_FRAME_GET_ADDRESS,	/* -> MR0 = physical address */
	TS_PAGING_MAP,		/* PDPT / page directory / page table: vspace cptr, vaddr */
	TS_PAGING_UNMAP,

	/* IRQs and I/O ports */
	TS_IRQ_CONTROL_GET = 64,	/* irq (ISA/GSI number), dest_cnode cptr, dest_index */
	TS_IRQ_SET_NOTIFICATION,	/* notification cptr (0 = clear) */
	TS_IRQ_ACK,			/* unmask the line after handling */
	TS_IOPORT_CONTROL_ISSUE,	/* first, last, dest_cnode cptr, dest_index */
	TS_IOPORT_IN,			/* port, width (1, 2, 4) -> MR0 = value */
	TS_IOPORT_OUT,			/* port, width (1, 2, 4), value */

	/* Domain */
	TS_DOMAIN_SET_ID = 80,	/* Xen domid, unique among live domains, < 0x7ff0 */
	TS_DOMAIN_GET_INFO,	/* -> MR0 = domid (or ~0 if unset), MR1 = threads bound */
	TS_DOMAIN_XEN_SETUP,	/* guest space cptr, max_pages, wallclock seconds since 1970:
				   the domain's vCPUs speak the Xen hypercall ABI (once only) */
	TS_DOMAIN_XEN_ADD_VCPU,	/* vcpu cptr, vcpu id (< TS_XEN_MAX_VCPUS): its Xen vCPU n */
	TS_DOMAIN_XEN_SET_PARAM,	/* HVM param index (< TS_XEN_NR_PARAMS), value */
	TS_DOMAIN_EVTCHN_LINK,	/* out notification cptr, in notification cptr -> MR0 = port:
				   an event channel of this (Xen) domain whose other end is a
				   native domain: the guest's EVTCHNOP_send on it signals "out"
				   (with its badge); any signal of "in" makes the port pending */
	TS_DOMAIN_XEN_ADD_TABLE,	/* page table or page directory cptr (unmapped): kept by the
				   domain for the nested tables its grant mappings need (Xen's
				   paging pool); at most TS_XEN_MAP_TABLES */
	TS_DOMAIN_XEN_ADD_GRANT_FRAME,	/* 4 KiB frame cptr (unmapped, its only cap): grant-table
				   frame n (n = frames added before) when the guest places
				   that frame where it has no memory; < TS_XEN_GRANT_POOL */
	TS_DOMAIN_XEN_CLAIM_PORTS,	/* first, last I/O port: a plain IN or OUT lying wholly in
				   first..last exits to the vCPU thread's fault endpoint (the
				   VMM emulates that device); elsewhere the kernel answers as
				   no device: IN reads all ones, OUT goes nowhere. At most
				   TS_XEN_PORT_CLAIMS ranges; string IN/OUT always exit */

	/* Virtual CPUs */
	TS_VCPU_SET_SPACE = 96,	/* guest space cptr: the guest-physical memory it runs in */
	TS_VCPU_READ_REGS,	/* first, count -> MRs: registers first.. in enum ts_vcpu_reg order */
	TS_VCPU_WRITE_REGS,	/* first, count, values... */

	/* Console (kernel log) */
	TS_CONSOLE_WRITE = 104,	/* (needs WRITE) length (<= 8 * (TS_MSG_MAX_LENGTH - 1)), bytes in MR1.. */
	TS_CONSOLE_READ_LOG,	/* (needs READ) offset -> MR0 = next offset, MR1 = byte count, bytes in MR2.. */

	/* Debug (held by the root task only) */
	TS_DEBUG_CHECK_INVARIANTS = 112,	/* -> MR0 = number of violations found */
	TS_DEBUG_CAP_IDENTIFY,		/* cptr -> MR0 = enum ts_object_type or 0 */
	TS_DEBUG_UNTYPED_FREE,		/* untyped cptr -> MR0 = free bytes */
};

/* Guest register order for TS_VCPU_READ/WRITE_REGS. Segments are
   selector, attributes (VMCB format), limit, base. */
enum ts_vcpu_reg {
	TS_VREG_RAX, TS_VREG_RBX, TS_VREG_RCX, TS_VREG_RDX, TS_VREG_RSI, TS_VREG_RDI,
	TS_VREG_RBP, TS_VREG_RSP, TS_VREG_R8, TS_VREG_R9, TS_VREG_R10, TS_VREG_R11,
	TS_VREG_R12, TS_VREG_R13, TS_VREG_R14, TS_VREG_R15,
	TS_VREG_RIP, TS_VREG_RFLAGS, TS_VREG_CR0, TS_VREG_CR2, TS_VREG_CR3, TS_VREG_CR4,
	TS_VREG_EFER,
	TS_VREG_ES, TS_VREG_CS = TS_VREG_ES + 4, TS_VREG_SS = TS_VREG_CS + 4,
	TS_VREG_DS = TS_VREG_SS + 4, TS_VREG_FS = TS_VREG_DS + 4, TS_VREG_GS = TS_VREG_FS + 4,
	TS_VREG_LDTR = TS_VREG_GS + 4, TS_VREG_TR = TS_VREG_LDTR + 4,
	TS_VREG_GDTR_BASE = TS_VREG_TR + 4, TS_VREG_GDTR_LIMIT, TS_VREG_IDTR_BASE,
	TS_VREG_IDTR_LIMIT,
	TS_VREG_COUNT
};

/* The general registers in x86's encoding order (RAX RCX RDX RBX RSP RBP
   RSI RDI R8..R15, as ModRM and REX number them), as enum ts_vcpu_reg:
   an initializer for the tables of those who emulate guest instructions. */
#define TS_VREG_BY_X86_NUMBER { \
	TS_VREG_RAX, TS_VREG_RCX, TS_VREG_RDX, TS_VREG_RBX, TS_VREG_RSP, TS_VREG_RBP, \
	TS_VREG_RSI, TS_VREG_RDI, TS_VREG_R8, TS_VREG_R9, TS_VREG_R10, TS_VREG_R11, \
	TS_VREG_R12, TS_VREG_R13, TS_VREG_R14, TS_VREG_R15, \
}

/* TS_FRAME_MAP attributes. */
#define TS_MAP_EXECUTE		1u	/* leave the page executable (default: NX) */
#define TS_MAP_UNCACHED		2u

/* Register order for TCB_READ/WRITE_REGISTERS. */
enum ts_reg {
	TS_REG_RIP, TS_REG_RSP, TS_REG_RFLAGS,
	TS_REG_RAX, TS_REG_RBX, TS_REG_RCX, TS_REG_RDX, TS_REG_RSI, TS_REG_RDI,
	TS_REG_RBP, TS_REG_R8, TS_REG_R9, TS_REG_R10, TS_REG_R11, TS_REG_R12,
	TS_REG_R13, TS_REG_R14, TS_REG_R15, TS_REG_FS_BASE,
	TS_REG_COUNT
};

/*
 * Fault messages sent to a thread's fault endpoint (as a Call: the faulting
 * thread waits for the reply). Label = fault type; MRs below. Replying with
 * label 0 resumes the thread at its (possibly rewritten) RIP; any other
 * label leaves it suspended.
 */
enum ts_fault {
	TS_FAULT_VM = 1,	/* MR0 rip, MR1 address, MR2 error code (x86 #PF bits) */
	TS_FAULT_EXCEPTION,	/* MR0 rip, MR1 vector, MR2 error code, MR3 rsp */
	TS_FAULT_VMEXIT,	/* a vCPU exit the kernel does not handle: MR0 exit code,
				   MR1 exit info 1, MR2 exit info 2, MR3 guest rip; a nested
				   page fault (0x400) also MR4-MR5: the instruction bytes at
				   the guest's CS:RIP as AMD's decode assists give them
				   (byte 0 the count fetched, 0..15, then the bytes; MR4's
				   low byte first), if the handler has an IPC buffer */
	TS_FAULT_GUEST_SHUTDOWN,	/* a Xen guest's SCHEDOP_shutdown: MR0 reason (SHUTDOWN_*:
				   0 poweroff, 1 reboot, 2 suspend, 3 crash, 4 watchdog),
				   MR1 vcpu id; replying resumes that vCPU (suspend cancelled) */
};

#define TS_VMEXIT_NPF_LENGTH	6	/* MRs of a nested page fault's TS_FAULT_VMEXIT */

/* Xen-ABI guests (TS_DOMAIN_XEN_*). */
#define TS_XEN_MAX_VCPUS	16
#define TS_XEN_NR_PARAMS	39	/* HVM_NR_PARAMS of the Xen interface */
#define TS_XEN_NR_PORTS		1024	/* event channels per domain (2-level ABI) */
#define TS_XEN_MAX_LINKS	8	/* TS_DOMAIN_EVTCHN_LINK ports per domain */
#define TS_XEN_GRANT_FRAMES	32	/* grant-table frames a guest may set up */
#define TS_XEN_GRANT_MAPS	64	/* grants a domain may have mapped at once */
#define TS_XEN_MAP_TABLES	8	/* TS_DOMAIN_XEN_ADD_TABLE tables per domain */
#define TS_XEN_GRANT_POOL	8	/* TS_DOMAIN_XEN_ADD_GRANT_FRAME frames per domain */
#define TS_XEN_PORT_CLAIMS	8	/* TS_DOMAIN_XEN_CLAIM_PORTS ranges per domain */

#define TS_MAX_PRIORITY	255
#define TS_DOMID_INVALID	0xffffu
#define TS_DOMID_FIRST_RESERVED	0x7ff0u

#endif
