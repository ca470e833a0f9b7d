/*
 * AMD SVM inside arch/x86_64: the VMCB layout and the pieces of vCPU exit
 * handling (svm.c dispatches; svm_cpuid.c, svm_msr.c and svm_event.c each
 * handle one kind of exit or injection). A vCPU object is two pages: the
 * generic struct vcpu and the guest's general registers in the first, the
 * VMCB in the second.
 */
#ifndef ARCH_SVM_H
#define ARCH_SVM_H

#include <kernel/objects.h>
#include <tessera/object.h>
#include "x86.h"

/* VMCB control area. */
#define VMCB_INTERCEPT_CR	0x000
#define VMCB_INTERCEPT_MISC1	0x00c
#define VMCB_INTERCEPT_MISC2	0x010
#define VMCB_IOPM_BASE		0x040
#define VMCB_MSRPM_BASE		0x048
#define VMCB_ASID		0x058
#define VMCB_TLB_CONTROL	0x05c
#define VMCB_VINTR		0x060	/* V_TPR, V_IRQ (bit 8), priority (16-19), V_IGN_TPR (20), masking (24), vector (32-39) */
#define VMCB_INTERRUPT_SHADOW	0x068
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_EXIT_INT_INFO	0x088
#define VMCB_NP_ENABLE		0x090
#define VMCB_EVENT_INJ		0x0a8
#define VMCB_N_CR3		0x0b0
/* VMCB state-save area. */
#define VMCB_ES			0x400	/* then CS, SS, DS, FS, GS, GDTR, LDTR, IDTR, TR: 16 bytes each */
#define VMCB_CPL		0x4cb
#define VMCB_EFER		0x4d0
#define VMCB_CR4		0x548
#define VMCB_CR3		0x550
#define VMCB_CR0		0x558
#define VMCB_DR7		0x560
#define VMCB_DR6		0x568
#define VMCB_RFLAGS		0x570
#define VMCB_RIP		0x578
#define VMCB_RSP		0x5d8
#define VMCB_RAX		0x5f8
#define VMCB_CR2		0x640
#define VMCB_G_PAT		0x668

/* The EFER bits a guest may have (SVME is always set, and hidden). */
#define EFER_GUEST_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

#define INTERRUPT_SHADOW_ACTIVE	1ull	/* the guest is right after STI or MOV SS */

#define VINTR_V_IRQ		(1ull << 8)
#define VINTR_PRIO_SHIFT	16
#define VINTR_PRIO_MASK		(0xfull << VINTR_PRIO_SHIFT)
#define VINTR_V_IGN_TPR		(1ull << 20)
#define VINTR_VECTOR_SHIFT	32
#define VINTR_VECTOR_MASK	(0xffull << VINTR_VECTOR_SHIFT)

/* EVENTINJ and EXITINTINFO: vector, type, error code valid, valid; error code in 63:32. */
#define EVENT_TYPE_INTR		(0u << 8)
#define EVENT_TYPE_NMI		(2u << 8)
#define EVENT_TYPE_EXCEPTION	(3u << 8)
#define EVENT_TYPE_SOFT_INT	(4u << 8)
#define EVENT_TYPE_MASK		(7u << 8)
#define EVENT_ERROR_VALID	(1u << 11)
#define EVENT_VALID		(1u << 31)

#define EXIT_INTR	0x60
#define EXIT_NMI	0x61
#define EXIT_CPUID	0x72
#define EXIT_HLT	0x78
#define EXIT_INVLPGA	0x7a
#define EXIT_IOIO	0x7b
#define EXIT_MSR	0x7c
#define EXIT_VMRUN	0x80
#define EXIT_VMMCALL	0x81
#define EXIT_VMLOAD	0x82
#define EXIT_VMSAVE	0x83
#define EXIT_STGI	0x84
#define EXIT_CLGI	0x85
#define EXIT_SKINIT	0x86
#define EXIT_MONITOR	0x8a
#define EXIT_MWAIT	0x8b
#define EXIT_XSETBV	0x8d
#define EXIT_NPF	0x400

/* A nested page fault's EXITINFO1: an instruction fetch, and whether the
   fault was at the access's own address or in the guest's page walk. */
#define NPF_FETCH		(1ull << 4)
#define NPF_FINAL_ADDRESS	(1ull << 32)
#define NPF_TABLE_ADDRESS	(1ull << 33)

#define VECTOR_UD	6
#define VECTOR_GP	13

#define VCPU_GPRS	1024	/* offset of the guest register array in the object */
#define VCPU_VMCB	4096

static inline uint8_t *svm_vmcb(struct vcpu *v) { return (uint8_t *)v + VCPU_VMCB; }
static inline uint64_t *svm_gprs(struct vcpu *v) { return (uint64_t *)((uint8_t *)v + VCPU_GPRS); }
static inline uint64_t *svm_field64(struct vcpu *v, unsigned off) { return (uint64_t *)(svm_vmcb(v) + off); }
static inline uint32_t *svm_field32(struct vcpu *v, unsigned off) { return (uint32_t *)(svm_vmcb(v) + off); }

/*
 * Move the guest past the intercepted instruction (no NRIPS: the length is
 * the handler's). An STI shadow covered only that instruction: without
 * clearing it, an interrupt for a guest woken from "sti; hlt" would wait
 * one more exit.
 */
static inline void svm_skip(struct vcpu *v, unsigned length)
{
	*svm_field64(v, VMCB_RIP) += length;
	*svm_field64(v, VMCB_INTERRUPT_SHADOW) &= ~INTERRUPT_SHADOW_ACTIVE;
}

/* svm_cpuid.c: answer CPUID for a Xen vCPU (RAX/RCX in, RAX..RDX out). */
void svm_cpuid(struct vcpu *v);
/* The CR4 bits whose feature v's CPUID shows. */
uint64_t svm_cr4_valid(struct vcpu *v);
/* svm_msr.c: the shared MSR permission bitmap, and RDMSR/WRMSR exits. */
void svm_msr_init_bitmap(uint8_t *bitmap);
void svm_msr(struct vcpu *v, bool write);
/* svm_event.c: event injection. */
void svm_raise_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);
void svm_collect_events(struct vcpu *v);
void svm_inject_before_run(struct vcpu *v);
/* vlapic.c: the local APIC of Xen vCPUs (xAPIC page and x2APIC MSRs). */
void vlapic_reset(struct vcpu *v);
uint64_t vlapic_base_msr(struct vcpu *v);
bool vlapic_write_base_msr(struct vcpu *v, uint64_t value);
/* A nested page fault's data access at gpa: true if it was the xAPIC page, emulated. */
bool vlapic_mmio(struct vcpu *v, uint64_t gpa);
bool vlapic_is_msr(uint32_t msr);
bool vlapic_read_msr(struct vcpu *v, uint32_t msr, uint64_t *value);
bool vlapic_write_msr(struct vcpu *v, uint32_t msr, uint64_t value);
void vlapic_set_irr(struct vcpu *v, unsigned vector);
/* The highest requested vector above the processor priority, or -1 (IF not considered). */
int vlapic_pending_vector(struct vcpu *v);
/* It was injected: out of the IRR, into the ISR (not the Xen upcall vector: it needs no EOI). */
void vlapic_ack(struct vcpu *v, unsigned vector);

#endif
