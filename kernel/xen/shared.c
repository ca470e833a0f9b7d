/*
 * What a Xen domain shares with the hypervisor: its shared_info page and
 * each vCPU's vcpu_info (both in the guest's own memory, found again on
 * every use), Xen system time (nanoseconds scaled from the TSC, published
 * as pvclock parameters), and vCPUs blocking for and waking on events.
 */
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include "internal.h"

#define PVCLOCK_TSC_STABLE	1u

/* tsc -> ns: ((tsc shifted by time_shift) * time_mul) >> 32 (Xen's vcpu_time_info scale). */
static uint32_t time_mul;
static int8_t time_shift;

static void time_scale_init(void)
{
	uint64_t tps = tsc_khz * 1000;
	int shift = 0;

	while (tps > 2000000000ull) {
		tps >>= 1;
		shift--;
	}
	while (tps <= 1000000000ull) {
		tps <<= 1;
		shift++;
	}
	time_mul = (uint32_t)((1000000000ull << 32) / tps);
	time_shift = (int8_t)shift;
}

static uint64_t scale(uint64_t tsc)
{
	if (!time_mul)
		time_scale_init();
	tsc = time_shift < 0 ? tsc >> -time_shift : tsc << time_shift;
	return (uint64_t)(((unsigned __int128)tsc * time_mul) >> 32);
}

uint64_t xen_system_time(void)
{
	return scale(arch_read_tsc());
}

/* The TSC value at which system time reaches ns (rounded up to the next
   tick); deadlines beyond the TSC's range never come. */
uint64_t xen_ns_to_tsc(uint64_t ns)
{
	uint64_t khz = tsc_khz, ms = ns / 1000000;
	uint64_t rest = ((ns % 1000000) * khz + 999999) / 1000000;

	if (khz && ms > (UINT64_MAX - rest) / khz)
		return UINT64_MAX;
	return ms * khz + rest;
}

void *xen_space_root(struct domain *d)
{
	return d->xen.space.cap.type == TS_OBJ_GUEST_SPACE ? (void *)d->xen.space.cap.obj : NULL;
}

uint8_t *xen_shared_info(struct domain *d)
{
	void *root = xen_space_root(d);

	if (!root || d->xen.shared_info_gpfn == ~0ull)
		return NULL;
	return arch_guest_phys(root, d->xen.shared_info_gpfn << 12, true);
}

uint8_t *xen_vcpu_info(struct vcpu *v)
{
	struct domain *d = v->xen.domain;
	uint8_t *sh;

	if (!d)
		return NULL;
	if (v->xen.vcpu_info_gpa) {
		void *root = xen_space_root(d);
		return root ? arch_guest_phys(root, v->xen.vcpu_info_gpa, true) : NULL;
	}
	if (v->xen.id >= XEN_LEGACY_MAX_VCPUS || !(sh = xen_shared_info(d)))
		return NULL;
	return sh + SHINFO_VCPU_INFO + v->xen.id * VCPU_INFO_SIZE;
}

struct vcpu *xen_domain_vcpu(struct domain *d, unsigned id)
{
	if (id >= TS_XEN_MAX_VCPUS || d->xen.vcpus[id].cap.type != TS_OBJ_VCPU)
		return NULL;
	return cap_vcpu(&d->xen.vcpus[id].cap);
}

uint32_t xen_vcpu_domid(struct vcpu *v)
{
	return v->xen.domain ? v->xen.domain->domid : TS_DOMID_INVALID;
}

/* Publish the pvclock parameters: system time = system_time + scaled(tsc - tsc_timestamp). */
void xen_update_time(struct vcpu *v)
{
	uint8_t *vi = xen_vcpu_info(v);
	volatile uint32_t *version;
	uint64_t tsc = arch_read_tsc();

	if (!vi)
		return;
	version = (volatile uint32_t *)(vi + VI_TIME);
	*version = (*version | 1) + 0;	/* odd: update in progress */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(uint64_t *)(vi + VI_TIME + 8) = tsc;
	*(uint64_t *)(vi + VI_TIME + 16) = scale(tsc);
	*(uint32_t *)(vi + VI_TIME + 24) = time_mul;
	*(int8_t *)(vi + VI_TIME + 28) = time_shift;
	*(uint8_t *)(vi + VI_TIME + 29) = PVCLOCK_TSC_STABLE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*version = *version + 1;	/* even again */
}

/* Wall-clock time at system time 0, as the toolstack told us the date. */
void xen_update_wallclock(struct domain *d)
{
	uint8_t *sh = xen_shared_info(d);
	uint64_t now = xen_system_time();
	uint64_t boot_ns = d->xen.wallclock_sec * 1000000000ull - now;
	volatile uint32_t *version;

	if (!sh || !d->xen.wallclock_sec)
		return;
	version = (volatile uint32_t *)(sh + SHINFO_WC_VERSION);
	*version = (*version | 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(uint32_t *)(sh + SHINFO_WC_SEC) = (uint32_t)(boot_ns / 1000000000ull);
	*(uint32_t *)(sh + SHINFO_WC_NSEC) = (uint32_t)(boot_ns % 1000000000ull);
	*(uint32_t *)(sh + SHINFO_WC_SEC_HI) = (uint32_t)((boot_ns / 1000000000ull) >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*version = *version + 1;
}

void xen_vcpu_wake(struct vcpu *v)
{
	struct tcb *t = v->bound;

	if (!t)
		return;
	if (t->state == THREAD_BLOCKED_VCPU) {
		v->xen.halted = false;
		v->xen.nr_poll_ports = 0;
		v->xen.poll_timeout_ns = 0;
		xen_vcpu_rearm_timer(v);
		sched_make_runnable(t);
	} else if (t->running && t->cpu != this_cpu()->id) {
		/* Make it leave the guest so the upcall is injected on re-entry. */
		arch_send_reschedule(t->cpu);
	}
}

void xen_vcpu_kick_upcall(struct vcpu *v)
{
	if (v->xen.upcall_vector)
		v->xen.upcall_inject = true;
	xen_vcpu_wake(v);
}

bool xen_upcall_pending(struct vcpu *v)
{
	uint8_t *vi = xen_vcpu_info(v);

	return v->xen.upcall_inject || (vi && __atomic_load_n(vi + VI_UPCALL_PENDING, __ATOMIC_SEQ_CST));
}

void xen_vcpu_block(struct vcpu *v)
{
	struct tcb *t = v->bound;
	bool upcall = xen_upcall_pending(v);

	/* An interrupt its local APIC would deliver now ends the wait too. */
	if (upcall || arch_vcpu_interrupt_pending(v)) {
		/* Level semantics as Xen's: a still-pending upcall is delivered again. */
		if (upcall && v->xen.upcall_vector)
			v->xen.upcall_inject = true;
		v->xen.nr_poll_ports = 0;
		v->xen.poll_timeout_ns = 0;
		return;
	}
	v->xen.halted = true;
	xen_vcpu_rearm_timer(v);
	t->state = THREAD_BLOCKED_VCPU;
	sched_unready(t);
}

void xen_vcpu_halt(struct vcpu *v)
{
	xen_vcpu_block(v);
}

void xen_vcpu_rearm_timer(struct vcpu *v)
{
	uint64_t next = 0, tsc, apic_tsc = arch_vcpu_timer_deadline(v);
	uint64_t candidates[3] = { v->xen.timer_ns, v->xen.period_ns ? v->xen.period_next_ns : 0,
				   v->xen.poll_timeout_ns };

	for (unsigned i = 0; i < 3; i++)
		if (candidates[i] && (!next || candidates[i] < next))
			next = candidates[i];
	if (!v->bound)
		return;
	/* The local APIC timer's deadline is a TSC value already. */
	tsc = next ? xen_ns_to_tsc(next) : 0;
	if (apic_tsc && (!tsc || apic_tsc < tsc))
		tsc = apic_tsc;
	if (tsc)
		timer_arm(v->bound, tsc);
	else
		timer_cancel(v->bound);
}

/*
 * A deadline (system time) has come once the TSC passed the value
 * xen_ns_to_tsc gives for it: the same conversion that armed the timer,
 * so a deadline is never seen as both due and still in the future (which
 * would re-arm it in the past for ever).
 */
static bool due(uint64_t ns, uint64_t tsc)
{
	return ns && xen_ns_to_tsc(ns) <= tsc;
}

void xen_vcpu_timer_fired(struct vcpu *v)
{
	uint64_t tsc = arch_read_tsc();
	bool fire = false;

	if (due(v->xen.timer_ns, tsc)) {
		v->xen.timer_ns = 0;
		fire = true;
	}
	if (v->xen.period_ns && due(v->xen.period_next_ns, tsc)) {
		while (due(v->xen.period_next_ns, tsc))
			v->xen.period_next_ns += v->xen.period_ns;
		fire = true;
	}
	/* Only a vCPU blocked in SCHEDOP_poll has a poll deadline (a wake clears it). */
	if (due(v->xen.poll_timeout_ns, tsc)) {
		v->xen.poll_timeout_ns = 0;
		xen_vcpu_wake(v);
	}
	if (fire)
		xen_send_virq(v, VIRQ_TIMER);
	arch_vcpu_timer_expired(v, tsc);
	xen_vcpu_rearm_timer(v);
}
