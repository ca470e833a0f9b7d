/* vcpu_op: bringing vCPUs up and down, per-vCPU registration (vcpu_info, runstate) and timers. */
#include <kernel/arch.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include "internal.h"

enum {
	VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
	VCPUOP_register_runstate_memory_area, VCPUOP_set_periodic_timer,
	VCPUOP_stop_periodic_timer, VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer,
	VCPUOP_register_vcpu_info,
};
#define VCPU_SSHOTTMR_future	1u
#define XEN_ETIME		62
#define RUNSTATE_running	0
#define MIN_PERIOD_NS		1000000	/* Xen's bounds for periodic timers: 1 ms ... */
#define MAX_PERIOD_NS		((1ull << 62) - 1)	/* ... STIME_DELTA_MAX */
#define SHUTDOWN_poweroff	0

/* Xen's -EINVAL for a vCPU without a vcpu_info never applies: every one has its shared_info slot. */
_Static_assert(TS_XEN_MAX_VCPUS <= XEN_LEGACY_MAX_VCPUS, "vCPUs beyond shared_info's vcpu_info slots");

/* struct vcpu_hvm_context (public/hvm/hvm_vcpu.h); segments in the order CS DS SS ES TR. */
enum { VCPU_HVM_MODE_32B, VCPU_HVM_MODE_64B };
struct hvm_regs32 {
	uint32_t gpr[8];	/* eax ecx edx ebx esp ebp esi edi */
	uint32_t eip, eflags, cr0, cr3, cr4, pad1;
	uint64_t efer;
	uint32_t base[VSEG_COUNT], limit[VSEG_COUNT];
	uint16_t ar[VSEG_COUNT], pad2[3];
};
struct hvm_regs64 {
	uint64_t gpr[8];	/* rax rcx rdx rbx rsp rbp rsi rdi */
	uint64_t rip, rflags, cr0, cr3, cr4, efer;
};
struct hvm_context {
	uint32_t mode, pad;
	union {
		struct hvm_regs32 x86_32;
		struct hvm_regs64 x86_64;
	};
};
_Static_assert(sizeof(struct hvm_context) == 128, "vcpu_hvm_context is 128 bytes");

static const unsigned gpr_order[8] = { TS_VREG_RAX, TS_VREG_RCX, TS_VREG_RDX, TS_VREG_RBX,
				       TS_VREG_RSP, TS_VREG_RBP, TS_VREG_RSI, TS_VREG_RDI };

#define X86_CR0_PG	(1ull << 31)
#define X86_CR4_PAE	(1ull << 5)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
/* Segment attributes: type in bits 0-3 (code, then readable/writable, accessed). */
#define AR_CODE		0x8u
#define AR_RW		0x2u
#define AR_ACCESSED	0x1u
#define AR_TSS_BUSY	0xbu
#define AR_S		0x10u
#define AR_P		0x80u
#define AR_G		0x800u
#define AR_DPL(ar)	(((ar) >> 5) & 3u)

/*
 * Xen's rules for one segment of a 32-bit context: CS, SS and TR present
 * (DS and ES may be null, attributes 0), of their kind, bits 12-15 clear.
 * A present segment gets its accessed bit (TR: busy), as Xen sets them.
 */
static bool segment_ok(unsigned seg, uint16_t *ar)
{
	unsigned type = *ar & 0xf;
	bool system = !(*ar & AR_S);

	if (*ar & 0xf000)
		return false;
	if (*ar == 0)
		return seg == VSEG_DS || seg == VSEG_ES;
	if (!(*ar & AR_P) || system != (seg == VSEG_TR))
		return false;
	type |= seg == VSEG_TR ? AR_RW : AR_ACCESSED;
	*ar = (*ar & ~0xfu) | type;
	switch (seg) {
	case VSEG_CS: return type & AR_CODE;
	case VSEG_SS: return !(type & AR_CODE) && (type & AR_RW);
	case VSEG_TR: return type == AR_TSS_BUSY;
	default: return !(type & AR_CODE) || (type & AR_RW);	/* DS, ES: data, or readable code */
	}
}

/* A data segment may not be more privileged than the code (a null one does not count). */
static bool dpl_above(uint16_t ar, unsigned cpl)
{
	return (ar & AR_P) && AR_DPL(ar) > cpl;
}

/* A 32-bit context (protected or compatibility mode), as Xen checks it; its segments. */
static bool decode32(const struct hvm_regs32 *r, struct vcpu_state *s)
{
	uint32_t limit;
	unsigned cpl;

	if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2])
		return false;
	for (unsigned i = 0; i < VSEG_COUNT; i++) {
		s->seg[i].base = r->base[i];
		s->seg[i].limit = r->limit[i];
		s->seg[i].attr = r->ar[i];
		if (!segment_ok(i, &s->seg[i].attr))
			return false;
	}
	limit = r->limit[VSEG_CS];
	if (s->seg[VSEG_CS].attr & AR_G)
		limit = limit << 12 | 0xfff;
	cpl = AR_DPL(s->seg[VSEG_CS].attr);
	if (r->eip > limit || AR_DPL(s->seg[VSEG_SS].attr) != cpl ||
	    dpl_above(s->seg[VSEG_DS].attr, cpl) || dpl_above(s->seg[VSEG_ES].attr, cpl))
		return false;
	return !(r->efer & EFER_LMA) || (r->efer & EFER_LME);
}

/* A 64-bit context: long mode with paging, as Xen checks it; flat segments as Xen gives them. */
static bool decode64(const struct hvm_regs64 *r, struct vcpu_state *s)
{
	static const uint16_t attr[VSEG_COUNT] = { 0xa9b, 0xc93, 0xc93, 0xc93, 0x8b };

	if ((uint64_t)((int64_t)(r->rip << 16) >> 16) != r->rip)	/* canonical */
		return false;
	if (!(r->cr0 & X86_CR0_PG) || !(r->cr4 & X86_CR4_PAE) || !(r->efer & EFER_LME))
		return false;
	for (unsigned i = 0; i < VSEG_COUNT; i++) {
		s->seg[i].base = 0;
		s->seg[i].limit = i == VSEG_TR ? 0x67 : 0xffffffff;
		s->seg[i].attr = attr[i];
	}
	return true;
}

/* The registers both sets have, in the same order. */
static void decode_regs(const struct hvm_context *ctx, struct vcpu_state *s)
{
	const struct hvm_regs32 *r32 = &ctx->x86_32;
	const struct hvm_regs64 *r64 = &ctx->x86_64;
	bool wide = ctx->mode == VCPU_HVM_MODE_64B;

	for (unsigned i = 0; i < 8; i++)
		s->gpr[gpr_order[i]] = wide ? r64->gpr[i] : r32->gpr[i];
	s->rip = wide ? r64->rip : r32->eip;
	s->rflags = wide ? r64->rflags : r32->eflags;
	s->cr0 = wide ? r64->cr0 : r32->cr0;
	s->cr3 = wide ? r64->cr3 : r32->cr3;
	s->cr4 = wide ? r64->cr4 : r32->cr4;
	s->efer = wide ? r64->efer : r32->efer;
}

/*
 * VCPUOP_initialise: the whole context is read and checked (Xen's rules
 * here, what the CPU takes in the architecture) before v changes. v stays
 * down until VCPUOP_up.
 */
static int64_t initialise(struct xen_call *c, struct vcpu *v)
{
	struct hvm_context ctx;
	struct vcpu_state s;
	bool ok;

	if (copy_from_guest(c, c->arg[2], &ctx, sizeof(ctx)))
		return xen_err(XEN_EFAULT);
	if (v->xen.initialised)
		return xen_err(XEN_EEXIST);
	memset(&s, 0, sizeof(s));
	if (ctx.mode == VCPU_HVM_MODE_32B)
		ok = decode32(&ctx.x86_32, &s);
	else
		ok = ctx.mode == VCPU_HVM_MODE_64B && decode64(&ctx.x86_64, &s);
	if (!ok || ctx.pad)
		return xen_err(XEN_EINVAL);
	decode_regs(&ctx, &s);
	/* An INIT may have left it still leaving the guest on another CPU. */
	vcpu_quiesce(v, c->v->bound);
	if (!arch_vcpu_set_state(v, &s))
		return xen_err(XEN_EINVAL);
	v->xen.initialised = true;
	return 0;
}

/* VCPUOP_up: v runs, unless it still waits in HLT or a block or poll, which its event ends. */
static int64_t up(struct vcpu *v)
{
	if (!v->xen.initialised)
		return xen_err(XEN_EINVAL);
	if (v->xen.up)
		return 0;
	v->xen.up = true;
	if (!v->xen.halted && !v->xen.nr_poll_ports && !v->xen.poll_timeout_ns)
		xen_vcpu_wake(v);
	return 0;
}

/* VCPUOP_down: the caller's own vCPU stops now; another one is out of the
   guest when the call returns (Xen only asks it to stop; waiting makes the
   result the same on any number of CPUs). */
static int64_t down(struct xen_call *c, struct vcpu *v, bool *running)
{
	bool others_up = false;

	for (unsigned id = 0; id < TS_XEN_MAX_VCPUS; id++) {
		struct vcpu *o = xen_domain_vcpu(c->d, id);
		others_up |= o && o != v && o->xen.up;
	}
	/* As in Xen: the last vCPU going down powers the domain off. */
	if (!others_up) {
		xen_shutdown(c, SHUTDOWN_poweroff, running);
		return 0;
	}
	v->xen.up = false;
	if (v != c->v) {
		vcpu_quiesce(v, c->v->bound);
		return 0;
	}
	v->bound->state = THREAD_BLOCKED_VCPU;
	sched_unready(v->bound);
	*running = false;
	return 0;
}

/* vcpu_runstate_info: state, entry time, time in each state. We account
   only the running state: a vCPU here is either running or waiting for
   an event it asked for, so there is no steal time to report. */
struct runstate {
	int32_t state;
	uint32_t pad;
	uint64_t entry_time;
	uint64_t time[4];
};

static void fill_runstate(struct runstate *r)
{
	memset(r, 0, sizeof(*r));
	r->state = RUNSTATE_running;
	r->time[RUNSTATE_running] = xen_system_time();
}

static int64_t register_vcpu_info(struct xen_call *c, struct vcpu *v)
{
	struct { uint64_t gfn; uint32_t offset, rsvd; } a;
	uint8_t *old, *new;
	uint64_t gpa;

	if (copy_from_guest(c, c->arg[2], &a, sizeof(a)))
		return xen_err(XEN_EFAULT);
	if (a.rsvd || a.offset > 4096 - VCPU_INFO_SIZE || a.offset % 8)
		return xen_err(XEN_EINVAL);
	if (v->xen.vcpu_info_gpa)
		return xen_err(XEN_EINVAL);	/* once only, as in Xen */
	gpa = (a.gfn << 12) + a.offset;
	if (a.gfn >> 52 || !(new = arch_guest_phys(xen_space_root(c->d), gpa, true)))
		return xen_err(XEN_EINVAL);
	old = xen_vcpu_info(v);
	if (old)
		memcpy(new, old, VCPU_INFO_SIZE);
	else
		memset(new, 0, VCPU_INFO_SIZE);
	v->xen.vcpu_info_gpa = gpa;
	xen_update_time(v);
	/* Whatever was pending stays pending at the new place. */
	if (new[VI_UPCALL_PENDING])
		xen_vcpu_kick_upcall(v);
	return 0;
}

int64_t xen_vcpu_op(struct xen_call *c, bool *running)
{
	struct vcpu *v = xen_domain_vcpu(c->d, (unsigned)c->arg[1]);
	struct runstate r;
	struct { uint64_t ns; uint32_t flags, pad; } shot;
	uint64_t period;

	if (c->arg[1] >= TS_XEN_MAX_VCPUS || !v)
		return xen_err(XEN_ENOENT);
	switch (c->arg[0]) {
	case VCPUOP_initialise:
		return initialise(c, v);
	case VCPUOP_up:
		return up(v);
	case VCPUOP_down:
		return down(c, v, running);
	case VCPUOP_is_up:
		return v->xen.up;
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(c, v);
	case VCPUOP_register_runstate_memory_area: {
		uint64_t gla;
		if (copy_from_guest(c, c->arg[2], &gla, sizeof(gla)))
			return xen_err(XEN_EFAULT);
		if (arch_vcpu_bits(c->v) != 64)
			gla &= 0xffffffffu;
		fill_runstate(&r);
		if (gla && arch_guest_write(c->v, gla, &r, sizeof(r)))
			return xen_err(XEN_EFAULT);
		v->xen.runstate_gla = gla;
		return 0;
	}
	case VCPUOP_get_runstate_info:
		fill_runstate(&r);
		if (!v->xen.up)
			r.state = 3;	/* RUNSTATE_offline */
		return copy_to_guest(c, c->arg[2], &r, sizeof(r)) ? xen_err(XEN_EFAULT) : 0;
	case VCPUOP_set_singleshot_timer:
		if (v != c->v)
			return xen_err(XEN_EINVAL);
		if (copy_from_guest(c, c->arg[2], &shot, 12))
			return xen_err(XEN_EFAULT);
		if ((shot.flags & VCPU_SSHOTTMR_future) && shot.ns < xen_system_time())
			return xen_err(XEN_ETIME);
		v->xen.timer_ns = shot.ns ? shot.ns : 1;
		if (v->xen.timer_ns <= xen_system_time()) {
			v->xen.timer_ns = 0;
			xen_send_virq(v, VIRQ_TIMER);
		}
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_stop_singleshot_timer:
		if (v != c->v)
			return xen_err(XEN_EINVAL);
		v->xen.timer_ns = 0;
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_set_periodic_timer:
		if (copy_from_guest(c, c->arg[2], &period, sizeof(period)))
			return xen_err(XEN_EFAULT);
		/* Longer periods could wrap period_next_ns in xen_vcpu_timer_fired's catch-up. */
		if (period < MIN_PERIOD_NS || period > MAX_PERIOD_NS)
			return xen_err(XEN_EINVAL);
		v->xen.period_ns = period;
		v->xen.period_next_ns = xen_system_time() + period;
		xen_vcpu_rearm_timer(v);
		return 0;
	case VCPUOP_stop_periodic_timer:
		v->xen.period_ns = 0;
		xen_vcpu_rearm_timer(v);
		return 0;
	default:
		/* send_nmi, get_physid, the vcpu_time and physical-address areas. */
		return xen_err(XEN_ENOSYS);
	}
}
