/*
 * The emulated local APIC of a Xen vCPU (arch/x86_64/vlapic.c): its state,
 * kept in struct xen_vcpu, and what kernel/xen/ asks of it when a vCPU
 * blocks or its thread's timeout fires.
 */
#ifndef ARCH_VLAPIC_H
#define ARCH_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_NR_LVT	6	/* timer, thermal, performance counters, LINT0, LINT1, error */

/* IA32_APIC_BASE's EN and EXTD: how the guest reaches the registers. */
enum vlapic_mode { VLAPIC_XAPIC, VLAPIC_X2APIC, VLAPIC_DISABLED };

struct vlapic {
	bool reset_done;	/* false until first used (vlapic.c resets it then) */
	bool sipi_pending;	/* a start-up IPI's real-mode start, loaded at the next entry */
	uint8_t sipi_vector;
	uint8_t tpr;
	uint8_t mode;		/* enum vlapic_mode: xAPIC at power-on, kept across INIT */
	uint32_t ldr;		/* xAPIC mode: logical APIC ID in 31:24 (x2APIC derives its own) */
	uint32_t dfr;		/* xAPIC mode: destination format, flat (all ones) or cluster */
	uint32_t icr_low, icr_high;	/* xAPIC mode: the ICR as written (destination in 63:56) */
	uint32_t svr;
	uint32_t esr;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t timer_initial;	/* initial count, 0 = stopped */
	uint32_t timer_dcr;	/* divide configuration */
	uint64_t timer_start;	/* TSC when the current count began */
	uint64_t timer_deadline;	/* TSC when it reaches 0; 0 = none pending */
	uint32_t irr[8];	/* 256-bit request and in-service registers */
	uint32_t isr[8];
};

struct vcpu;
/* An interrupt waits that the vCPU would take now (IF set, above its priority). */
bool arch_vcpu_interrupt_pending(struct vcpu *v);
/* The TSC value at which v's APIC timer fires, 0 if it is stopped. */
uint64_t arch_vcpu_timer_deadline(struct vcpu *v);
/* The thread's timeout fired at TSC tsc: fire the APIC timer if it is due. */
void arch_vcpu_timer_expired(struct vcpu *v, uint64_t tsc);

#endif
