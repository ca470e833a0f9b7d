/*
 * The local APIC of Xen vCPUs. It powers on as on hardware and in Xen:
 * enabled in xAPIC mode, its registers in the page at 0xfee00000, which
 * has no memory behind it, so each access is a nested page fault that
 * vlapic_mmio() decodes (lib/x86insn) and emulates. IA32_APIC_BASE moves
 * it between the modes the SDM allows (xAPIC -> x2APIC, either ->
 * disabled, disabled -> xAPIC; anything else is #GP). In x2APIC mode
 * (Linux switches at once: CPUID says x2APIC is virtualised) the
 * registers are MSRs 0x800-0x8ff and cost no decoding. An INIT keeps the
 * mode; the base cannot move from 0xfee00000.
 *
 * Interrupts: a 256-bit request register (IRR) and in-service register
 * (ISR) with the usual priorities (vector class against the processor
 * priority, max(TPR, highest in-service class)). Fixed IPIs, the self IPI,
 * the APIC timer and the Xen event-channel upcall all set IRR bits;
 * svm_event.c injects the highest deliverable one. The upcall vector
 * never enters the ISR: Xen's callback vector needs no EOI (Linux sends
 * one only for the per-vCPU upcall vector, and an EOI with nothing in
 * service does nothing).
 *
 * IPIs: fixed (and lowest priority, delivered as fixed), INIT and
 * start-up, to a physical or x2APIC logical (cluster) destination or a
 * shorthand. NMI and SMI IPIs are accepted and dropped; INIT level
 * de-assert is ignored, as on every CPU since the Pentium 4. As in Xen,
 * an INIT takes a vCPU down and makes it uninitialised; a start-up IPI
 * brings only an uninitialised vCPU up, and svm.c starts it in real mode
 * at vector << 12 when it next enters (VCPUOP_initialise and VCPUOP_up,
 * kernel/xen/vcpu_op.c, are the other way up).
 *
 * The timer counts at the TSC rate divided by the divide configuration,
 * one-shot or periodic (no TSC-deadline mode: CPUID hides it); its
 * deadline is one of the vCPU thread's timeouts (kernel/xen/shared.c).
 */
#include <kernel/arch.h>
#include <kernel/objects.h>
#include <kernel/string.h>
#include <kernel/xen.h>
#include "../../../lib/x86insn/x86insn.h"
#include "../../xen/internal.h"	/* xen_domain_vcpu, xen_vcpu_wake, xen_vcpu_rearm_timer */
#include "guest_insn.h"
#include "svm.h"

#define APIC_BASE_ADDRESS	0xfee00000ull
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)
#define APIC_BASE_EN		BIT(11)

#define MSR_X2APIC_FIRST	0x800
#define MSR_X2APIC_LAST		0x8ff
#define APIC_ID			0x802
#define APIC_VERSION		0x803
#define APIC_TPR		0x808
#define APIC_PPR		0x80a
#define APIC_EOI		0x80b
#define APIC_LDR		0x80d
#define APIC_SVR		0x80f
#define APIC_ISR		0x810
#define APIC_TMR		0x818
#define APIC_IRR		0x820
#define APIC_ESR		0x828
#define APIC_ICR		0x830
#define APIC_LVT_TIMER		0x832	/* then thermal, perf, LINT0, LINT1, error */
#define APIC_TIMER_INITIAL	0x838
#define APIC_TIMER_CURRENT	0x839
#define APIC_TIMER_DIVIDE	0x83e
#define APIC_SELF_IPI		0x83f

#define VERSION_VALUE		(0x14u | (VLAPIC_NR_LVT - 1) << 16)
#define SVR_ENABLED		BIT(8)
#define SVR_WRITABLE		0x3ffu	/* vector, enable, focus disable (kept, no effect); no EOI suppression */
#define LVT_MASKED		BIT(16)
#define LVT_TIMER_PERIODIC	BIT(17)
#define ESR_SEND_ILLEGAL	BIT(5)
#define DIVIDE_WRITABLE		0xbu

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
	[LVT_TIMER] = 0x300ff,		/* vector, mask, one-shot/periodic */
	[LVT_THERMAL] = 0x107ff,	/* vector, delivery mode, mask */
	[LVT_PERF] = 0x107ff,
	[LVT_LINT0] = 0x1a7ff,		/* and polarity, trigger mode */
	[LVT_LINT1] = 0x1a7ff,
	[LVT_ERROR] = 0x100ff,
};

/* ICR fields. */
#define ICR_VECTOR(icr)		((unsigned)(icr) & 0xff)
#define ICR_MODE(icr)		((unsigned)((icr) >> 8) & 7)
#define ICR_LOGICAL		BIT(11)
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_LEVEL_TRIGGER	BIT(15)
#define ICR_SHORTHAND(icr)	((unsigned)((icr) >> 18) & 3)
#define ICR_RESERVED		(0xfff00000ull | BIT(12) | BIT(13) | BIT(16) | BIT(17))
enum { MODE_FIXED, MODE_LOWEST, MODE_SMI, MODE_NMI = 4, MODE_INIT, MODE_STARTUP };
enum { TO_DESTINATION, TO_SELF, TO_ALL, TO_ALL_BUT_SELF };
#define BROADCAST		0xffffffffu

/* v's local APIC, put in its power-on state when first used. */
static struct vlapic *lapic(struct vcpu *v)
{
	if (!v->xen.lapic.reset_done)
		vlapic_reset(v);
	return &v->xen.lapic;
}

/* x2APIC logical id: cluster (id / 16) in 31:16, one bit (id % 16) in 15:0. */
static uint32_t logical_id(struct vcpu *v)
{
	return (v->xen.id >> 4) << 16 | 1u << (v->xen.id & 0xf);
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t bits[8])
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

static unsigned processor_priority(struct vlapic *l)
{
	int isrv = highest(l->isr);
	unsigned in_service = isrv < 0 ? 0 : (unsigned)isrv & 0xf0;

	return (l->tpr & 0xf0) >= in_service ? l->tpr : in_service;
}

/*
 * Power-on / INIT state: everything clear, the LVTs masked, the APIC
 * software-disabled. Power-on is xAPIC mode; an INIT keeps the mode.
 */
void vlapic_reset(struct vcpu *v)
{
	struct vlapic *l = &v->xen.lapic;
	uint8_t mode = l->reset_done ? l->mode : VLAPIC_XAPIC;

	memset(l, 0, sizeof(*l));
	l->reset_done = true;
	l->mode = mode;
	l->svr = 0xff;
	l->dfr = 0xffffffff;
	for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
}

/* Make vector pending on v and get v to notice. Vectors 0-15 are not interrupts. */
void vlapic_set_irr(struct vcpu *v, unsigned vector)
{
	if (vector < 16 || vector > 255)
		return;
	lapic(v)->irr[vector / 32] |= 1u << (vector % 32);
	xen_vcpu_wake(v);
}

int vlapic_pending_vector(struct vcpu *v)
{
	struct vlapic *l = lapic(v);
	int vector = highest(l->irr);

	if (vector < 0 || l->mode == VLAPIC_DISABLED ||
	    ((unsigned)vector & 0xf0) <= (processor_priority(l) & 0xf0))
		return -1;
	return vector;
}

void vlapic_ack(struct vcpu *v, unsigned vector)
{
	struct vlapic *l = lapic(v);

	/* Not requested (any more: an INIT cleared it after the CPU took it): nothing to acknowledge. */
	if (!(l->irr[vector / 32] & (1u << (vector % 32))))
		return;
	l->irr[vector / 32] &= ~(1u << (vector % 32));
	if (vector != v->xen.upcall_vector)
		l->isr[vector / 32] |= 1u << (vector % 32);
}

static void eoi(struct vlapic *l)
{
	int vector = highest(l->isr);

	if (vector >= 0)
		l->isr[vector / 32] &= ~(1u << (vector % 32));
}

bool arch_vcpu_interrupt_pending(struct vcpu *v)
{
	return (*svm_field64(v, VMCB_RFLAGS) & RFLAGS_IF) && vlapic_pending_vector(v) >= 0;
}

/* ---- the timer ---- */

static uint64_t timer_divisor(struct vlapic *l)
{
	unsigned code = (l->timer_dcr & 3) | (l->timer_dcr & 8) >> 1;

	return 1ull << ((code + 1) & 7);	/* 0..6: 2..128; 7: 1 */
}

static uint32_t timer_current(struct vlapic *l, uint64_t now)
{
	uint64_t ticks;

	if (!l->timer_initial)
		return 0;
	ticks = (now - l->timer_start) / timer_divisor(l);
	if (l->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC)
		return l->timer_initial - (uint32_t)(ticks % l->timer_initial);
	return ticks >= l->timer_initial ? 0 : l->timer_initial - (uint32_t)ticks;
}

static void timer_start(struct vcpu *v, uint32_t count)
{
	struct vlapic *l = lapic(v);

	l->timer_initial = count;
	l->timer_start = arch_read_tsc();
	l->timer_deadline = count ? l->timer_start + count * timer_divisor(l) : 0;
	xen_vcpu_rearm_timer(v);
}

uint64_t arch_vcpu_timer_deadline(struct vcpu *v)
{
	return lapic(v)->timer_deadline;
}

void arch_vcpu_timer_expired(struct vcpu *v, uint64_t tsc)
{
	struct vlapic *l = lapic(v);
	uint32_t lvt = l->lvt[LVT_TIMER];

	if (!l->timer_deadline || l->timer_deadline > tsc)
		return;
	if (lvt & LVT_TIMER_PERIODIC) {
		uint64_t period = l->timer_initial * timer_divisor(l);
		l->timer_start += (tsc - l->timer_start) / period * period;
		l->timer_deadline = l->timer_start + period;
	} else {
		l->timer_deadline = 0;
	}
	if (!(lvt & LVT_MASKED) && (l->svr & SVR_ENABLED))
		vlapic_set_irr(v, lvt & 0xff);
}

/* ---- IPIs ---- */

/* A start-up IPI is taken by svm.c when the vCPU next enters; only an uninitialised vCPU takes it. */
static void deliver(struct vcpu *to, unsigned mode, unsigned vector)
{
	switch (mode) {
	case MODE_FIXED:
	case MODE_LOWEST:
		if (to->xen.up)
			vlapic_set_irr(to, vector);
		break;
	case MODE_INIT:
		to->xen.up = to->xen.initialised = false;
		vlapic_reset(to);
		xen_vcpu_rearm_timer(to);
		xen_vcpu_wake(to);	/* leaves the guest, then waits to be up */
		break;
	case MODE_STARTUP:
		if (to->xen.initialised)
			break;
		/* Up at once, as in Xen: VCPUOP_initialise now finds it initialised. */
		to->xen.up = to->xen.initialised = true;
		lapic(to)->sipi_pending = true;
		lapic(to)->sipi_vector = (uint8_t)vector;
		xen_vcpu_wake(to);
		break;
	default:		/* NMI, SMI: dropped */
		break;
	}
}

/* An xAPIC destination (8 bits): physical, or logical in the target's flat or cluster model. */
static bool xapic_addressed(struct vcpu *to, uint64_t icr)
{
	unsigned dest = icr >> 56, ldr = lapic(to)->ldr >> 24;

	if (dest == 0xff)
		return true;
	if (!(icr & ICR_LOGICAL))
		return dest == to->xen.id;
	if ((lapic(to)->dfr >> 28) == 0xf)	/* flat: one bit per APIC */
		return dest & ldr;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static bool addressed(struct vcpu *from, struct vcpu *to, uint64_t icr)
{
	uint32_t dest = icr >> 32, ldr = logical_id(to);

	switch (ICR_SHORTHAND(icr)) {
	case TO_SELF:
		return to == from;
	case TO_ALL:
		return true;
	case TO_ALL_BUT_SELF:
		return to != from;
	}
	if (lapic(from)->mode == VLAPIC_XAPIC)
		return xapic_addressed(to, icr);
	if (dest == BROADCAST)
		return true;
	if (icr & ICR_LOGICAL)
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	return dest == to->xen.id;
}

/* An IPI as the ICR says; false (#GP in x2APIC mode) for reserved bits or modes. */
static bool write_icr(struct vcpu *v, uint64_t icr)
{
	unsigned mode = ICR_MODE(icr), vector = ICR_VECTOR(icr);
	struct domain *d = v->xen.domain;

	if ((icr & ICR_RESERVED) || mode == 3 || mode == 7)
		return false;
	if (mode == MODE_INIT && (icr & ICR_LEVEL_TRIGGER) && !(icr & ICR_LEVEL_ASSERT))
		return true;	/* INIT level de-assert */
	if ((mode == MODE_FIXED || mode == MODE_LOWEST) && vector < 16) {
		lapic(v)->esr |= ESR_SEND_ILLEGAL;
		return true;
	}
	for (unsigned id = 0; id < TS_XEN_MAX_VCPUS; id++) {
		struct vcpu *to = xen_domain_vcpu(d, id);
		if (to && addressed(v, to, icr)) {
			deliver(to, mode, vector);
			if (mode == MODE_LOWEST)
				break;	/* lowest priority: the first one addressed */
		}
	}
	return true;
}

/* ---- the registers ---- */

/* Register reg, named by its x2APIC MSR (reads; false: there is none). */
static bool read_reg(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct vlapic *l = lapic(v);

	if (msr >= APIC_ISR && msr < APIC_ISR + 8) {
		*value = l->isr[msr - APIC_ISR];
		return true;
	}
	if (msr >= APIC_TMR && msr < APIC_TMR + 8) {
		*value = 0;	/* every interrupt here is edge-triggered */
		return true;
	}
	if (msr >= APIC_IRR && msr < APIC_IRR + 8) {
		*value = l->irr[msr - APIC_IRR];
		return true;
	}
	if (msr >= APIC_LVT_TIMER && msr < APIC_LVT_TIMER + VLAPIC_NR_LVT) {
		*value = l->lvt[msr - APIC_LVT_TIMER];
		return true;
	}
	switch (msr) {
	case APIC_ID:		*value = v->xen.id; return true;
	case APIC_VERSION:	*value = VERSION_VALUE; return true;
	case APIC_TPR:		*value = l->tpr; return true;
	case APIC_PPR:		*value = processor_priority(l); return true;
	case APIC_LDR:		*value = logical_id(v); return true;
	case APIC_SVR:		*value = l->svr; return true;
	case APIC_ESR:		*value = l->esr; return true;
	case APIC_ICR:		*value = 0; return true;	/* delivery is immediate: never busy */
	case APIC_TIMER_INITIAL:	*value = l->timer_initial; return true;
	case APIC_TIMER_CURRENT:	*value = timer_current(l, arch_read_tsc()); return true;
	case APIC_TIMER_DIVIDE:	*value = l->timer_dcr; return true;
	default:		return false;
	}
}

/* Writes register reg, named by its x2APIC MSR; false: none, read-only, or a reserved bit set. */
static bool write_reg(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct vlapic *l = lapic(v);

	if (msr >= APIC_LVT_TIMER && msr < APIC_LVT_TIMER + VLAPIC_NR_LVT) {
		unsigned i = msr - APIC_LVT_TIMER;
		if (value >> 32)
			return false;
		l->lvt[i] = ((uint32_t)value & lvt_writable[i]) | (l->svr & SVR_ENABLED ? 0 : LVT_MASKED);
		return true;
	}
	switch (msr) {
	case APIC_TPR:
		if (value > 0xff)
			return false;
		l->tpr = (uint8_t)value;
		return true;
	case APIC_EOI:
		if (value)
			return false;
		eoi(l);
		return true;
	case APIC_SVR:
		if (value & ~(uint64_t)SVR_WRITABLE)
			return false;
		l->svr = (uint32_t)value;
		if (!(value & SVR_ENABLED))
			for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
				l->lvt[i] |= LVT_MASKED;
		return true;
	case APIC_ESR:
		if (value)
			return false;
		l->esr = 0;
		return true;
	case APIC_ICR:
		return write_icr(v, value);
	case APIC_TIMER_INITIAL:
		if (value >> 32)
			return false;
		timer_start(v, (uint32_t)value);
		return true;
	case APIC_TIMER_DIVIDE:
		if (value & ~(uint64_t)DIVIDE_WRITABLE)
			return false;
		l->timer_dcr = (uint32_t)value;
		return true;
	case APIC_SELF_IPI:
		if (value > 0xff)
			return false;
		vlapic_set_irr(v, (unsigned)value);
		return true;
	default:
		return false;
	}
}

/* The x2APIC MSRs exist in x2APIC mode only (else #GP). */
bool vlapic_read_msr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	return lapic(v)->mode == VLAPIC_X2APIC && read_reg(v, msr, value);
}

bool vlapic_write_msr(struct vcpu *v, uint32_t msr, uint64_t value)
{
	return lapic(v)->mode == VLAPIC_X2APIC && write_reg(v, msr, value);
}

bool vlapic_is_msr(uint32_t msr)
{
	return msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST;
}

/* ---- IA32_APIC_BASE ---- */

uint64_t vlapic_base_msr(struct vcpu *v)
{
	static const uint64_t mode_bits[] = {
		[VLAPIC_XAPIC] = APIC_BASE_EN, [VLAPIC_X2APIC] = APIC_BASE_EN | APIC_BASE_EXTD,
		[VLAPIC_DISABLED] = 0,
	};

	return APIC_BASE_ADDRESS | mode_bits[lapic(v)->mode] | (v->xen.id == 0 ? APIC_BASE_BSP : 0);
}

/*
 * A write of IA32_APIC_BASE: the SDM's mode transitions (x2APIC straight
 * to xAPIC, disabled straight to x2APIC and EXTD without EN are #GP); BSP
 * is read-only; another base address is refused. Disabling resets the
 * APIC's state, as the SDM describes.
 */
bool vlapic_write_base_msr(struct vcpu *v, uint64_t value)
{
	struct vlapic *l = lapic(v);
	uint8_t to;

	if ((value & ~(APIC_BASE_BSP | APIC_BASE_EN | APIC_BASE_EXTD)) != APIC_BASE_ADDRESS)
		return false;
	switch (value & (APIC_BASE_EN | APIC_BASE_EXTD)) {
	case APIC_BASE_EN:			to = VLAPIC_XAPIC; break;
	case APIC_BASE_EN | APIC_BASE_EXTD:	to = VLAPIC_X2APIC; break;
	case 0:					to = VLAPIC_DISABLED; break;
	default:				return false;
	}
	if ((l->mode == VLAPIC_X2APIC && to == VLAPIC_XAPIC) ||
	    (l->mode == VLAPIC_DISABLED && to == VLAPIC_X2APIC))
		return false;
	if (to == VLAPIC_DISABLED && l->mode != VLAPIC_DISABLED) {
		vlapic_reset(v);
		xen_vcpu_rearm_timer(v);
	}
	l->mode = to;
	return true;
}

/* ---- the xAPIC page ---- */

#define XAPIC_ID		0x020
#define XAPIC_EOI		0x0b0
#define XAPIC_LDR		0x0d0
#define XAPIC_DFR		0x0e0
#define XAPIC_ESR		0x280
#define XAPIC_ICR_LOW		0x300
#define XAPIC_ICR_HIGH		0x310
#define XAPIC_SELF_IPI		0x3f0	/* x2APIC only */
#define ICR_DELIVERY_STATUS	BIT(12)

/* The 32-bit register at offset off of the page (16-byte aligned); 0 where there is none. */
static uint32_t xapic_read(struct vcpu *v, unsigned off)
{
	struct vlapic *l = lapic(v);
	uint64_t value = 0;

	switch (off) {
	case XAPIC_ID:		return v->xen.id << 24;
	case XAPIC_LDR:		return l->ldr;
	case XAPIC_DFR:		return l->dfr;
	case XAPIC_ICR_LOW:	return l->icr_low;	/* delivery is immediate: never busy */
	case XAPIC_ICR_HIGH:	return l->icr_high;
	case XAPIC_SELF_IPI:	return 0;
	default:
		read_reg(v, MSR_X2APIC_FIRST + off / 16, &value);
		return (uint32_t)value;
	}
}

/*
 * An MMIO write cannot fault: reserved bits are dropped and writes to
 * read-only or missing registers ignored, as the xAPIC does. Unlike their
 * x2APIC MSRs, EOI and ESR take any value.
 */
static void xapic_write(struct vcpu *v, unsigned off, uint32_t value)
{
	struct vlapic *l = lapic(v);

	switch (off) {
	case XAPIC_LDR:
		l->ldr = value & 0xff000000u;
		return;
	case XAPIC_DFR:
		l->dfr = value | 0x0fffffffu;
		return;
	case XAPIC_ICR_HIGH:
		l->icr_high = value & 0xff000000u;
		return;
	case XAPIC_ICR_LOW:
		l->icr_low = value & ~(uint32_t)(ICR_RESERVED | ICR_DELIVERY_STATUS);
		write_icr(v, (uint64_t)l->icr_high << 32 | l->icr_low);
		return;
	case XAPIC_EOI:
	case XAPIC_ESR:
		write_reg(v, MSR_X2APIC_FIRST + off / 16, 0);
		return;
	case XAPIC_ID:
	case XAPIC_SELF_IPI:
		return;
	case (APIC_TPR - MSR_X2APIC_FIRST) << 4:
		value &= 0xff;
		break;
	case (APIC_SVR - MSR_X2APIC_FIRST) << 4:
		value &= SVR_WRITABLE;
		break;
	case (APIC_TIMER_DIVIDE - MSR_X2APIC_FIRST) << 4:
		value &= DIVIDE_WRITABLE;
		break;
	}
	write_reg(v, MSR_X2APIC_FIRST + off / 16, value);
}

static const uint8_t x86_gpr[16] = TS_VREG_BY_X86_NUMBER;

/*
 * A nested page fault at guest-physical gpa (a data access, not the page
 * walk): if it is v's xAPIC page, the access is emulated and v moves past
 * the instruction (true). The registers are 32 bits at 16-byte offsets;
 * other sizes and offsets read 0 and write nothing. An instruction the
 * decoder does not know goes to the VMM like any other fault (false).
 */
bool vlapic_mmio(struct vcpu *v, uint64_t gpa)
{
	uint8_t bytes[GUEST_INSN_MAX];
	struct x86_mem_access a;
	unsigned count, bits = arch_vcpu_bits(v), off = gpa & 0xfff;
	uint64_t value = 0;

	if ((gpa & ~0xfffull) != APIC_BASE_ADDRESS || lapic(v)->mode != VLAPIC_XAPIC)
		return false;
	count = guest_insn_fetch(v, bytes);
	if (!x86_decode_mem_access(bytes, count, bits, &a))
		return false;
	if (a.store)
		value = a.from_imm ? a.imm : arch_vcpu_get_reg(v, x86_gpr[a.reg]) >> (a.high_byte ? 8 : 0);
	if (a.size == 4 && !(off & 0xf)) {
		if (a.store)
			xapic_write(v, off, (uint32_t)value);
		else
			value = xapic_read(v, off);
	}
	if (!a.store)
		arch_vcpu_set_reg(v, x86_gpr[a.reg],
				  x86_load_result(&a, arch_vcpu_get_reg(v, x86_gpr[a.reg]), value));
	svm_skip(v, a.length);
	if (bits < 64)	/* IP wraps at 64 KiB, EIP at 4 GiB */
		*svm_field64(v, VMCB_RIP) &= (1ull << bits) - 1;
	return true;
}
