/*
 * AMD SVM with nested paging: the x86_64 side of vCPU objects. A vCPU
 * object is two pages: the generic struct vcpu and the guest's general
 * registers in the first, the VMCB in the second. Guests run with every
 * I/O port and most MSRs intercepted, physical interrupts exiting to the
 * host, and the TLB flushed on each VMRUN (QEMU's TCG offers no
 * flush-by-ASID, so one ASID serves all guests). Under TCG there is no
 * NRIPS either: handlers compute the next RIP themselves, from the fixed
 * lengths of the instructions they intercept (CPUID, RDMSR and WRMSR are
 * 2 bytes, VMMCALL 3, HLT 1; a prefix on them is an undefined encoding we
 * do not support).
 *
 * The kernel handles some exits itself: MSR accesses for every vCPU
 * (svm_msr.c), VINTR (the interrupt window), and for vCPUs of a Xen domain
 * CPUID (svm_cpuid.c), HLT and VMMCALL (kernel/xen/), IN and OUT at ports
 * no device model claimed, and #UD for the instructions their CPUID
 * denies them. Everything else goes to the vCPU
 * thread's fault endpoint as TS_FAULT_VMEXIT, a nested page fault with
 * the instruction bytes at the guest's RIP (guest_insn.c).
 */
#include <kernel/arch.h>
#include <kernel/ipc.h>
#include <kernel/lock.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/vspace.h>
#include <kernel/xen.h>
#include "guest_insn.h"
#include "svm.h"
#include "x86.h"

#define MSR_VM_CR	0xc0010114
#define MSR_VM_HSAVE_PA	0xc0010117
#define VM_CR_SVMDIS	(1u << 4)

#define MISC1_INTR		(1u << 0)
#define MISC1_NMI		(1u << 1)
#define MISC1_SMI		(1u << 2)
#define MISC1_INIT		(1u << 3)
#define MISC1_CPUID		(1u << 18)
#define MISC1_HLT		(1u << 24)
#define MISC1_INVLPGA		(1u << 26)
#define MISC1_IOIO		(1u << 27)
#define MISC1_MSR		(1u << 28)
#define MISC1_TASK_SWITCH	(1u << 29)
#define MISC1_SHUTDOWN		(1u << 31)
/* VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT (bits 0-6), ICEBP, MONITOR, MWAIT, XSETBV */
#define MISC2_INTERCEPTS	(0x7fu | (1u << 8) | (1u << 10) | (1u << 11) | (1u << 13))

void svm_run(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_save_pa);
void svm_exit_continue(void) __attribute__((noreturn));

static bool svm_present;
/* Every port access exits, and every MSR but those VMLOAD/VMSAVE switch: shared by all guests. */
static uint8_t io_bitmap[3 * 4096] __attribute__((aligned(4096)));
static uint8_t msr_bitmap[2 * 4096] __attribute__((aligned(4096)));
static uint8_t host_save[MAX_CPUS][2][4096] __attribute__((aligned(4096)));

_Static_assert(sizeof(struct vcpu) <= VCPU_GPRS, "vCPU header overlaps its registers");

bool arch_vcpu_supported(void)
{
	return svm_present;
}

/* Called on every CPU: SVM on, a host save area for VMRUN. */
void svm_init_cpu(unsigned id)
{
	uint32_t a, b, c, d;

	if (id == 0) {
		cpuid(0x80000000, 0, &a, &b, &c, &d);
		if (a >= 0x8000000a) {
			cpuid(0x80000001, 0, &a, &b, &c, &d);
			svm_present = (c & (1u << 2)) && !(rdmsr(MSR_VM_CR) & VM_CR_SVMDIS);
		}
		if (svm_present) {
			cpuid(0x8000000a, 0, &a, &b, &c, &d);
			svm_present = d & 1;	/* nested paging */
		}
		memset(io_bitmap, 0xff, sizeof(io_bitmap));
		svm_msr_init_bitmap(msr_bitmap);
		pr_info("svm: %s\n", svm_present ? "AMD SVM with nested paging" : "not available");
	}
	if (!svm_present)
		return;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(host_save[id][0]));
}

static void set_segment(struct vcpu *v, unsigned index, uint16_t sel, uint16_t attr,
			uint32_t limit, uint64_t base)
{
	uint8_t *seg = svm_vmcb(v) + VMCB_ES + 16 * index;

	*(uint16_t *)seg = sel;
	*(uint16_t *)(seg + 2) = attr;
	*(uint32_t *)(seg + 4) = limit;
	*(uint64_t *)(seg + 8) = base;
}

/* A new vCPU starts like a PVH entry: 32-bit flat protected mode, paging off. */
void arch_vcpu_init(struct vcpu *v)
{
	*svm_field32(v, VMCB_INTERCEPT_MISC1) = MISC1_INTR | MISC1_NMI | MISC1_SMI | MISC1_INIT |
		MISC1_CPUID | MISC1_HLT | MISC1_INVLPGA | MISC1_IOIO | MISC1_MSR |
		MISC1_TASK_SWITCH | MISC1_SHUTDOWN;
	*svm_field32(v, VMCB_INTERCEPT_MISC2) = MISC2_INTERCEPTS;
	*svm_field64(v, VMCB_IOPM_BASE) = virt_to_phys(io_bitmap);
	*svm_field64(v, VMCB_MSRPM_BASE) = virt_to_phys(msr_bitmap);
	*svm_field32(v, VMCB_ASID) = 1;
	*svm_field64(v, VMCB_VINTR) = 1ull << 24;	/* V_INTR_MASKING: host interrupts stay the host's */
	*svm_field64(v, VMCB_NP_ENABLE) = 1;
	for (unsigned s = 0; s < 6; s++)
		set_segment(v, s, s == 1 ? 0x08 : 0x10, s == 1 ? 0xc9b : 0xc93, 0xffffffff, 0);
	set_segment(v, 7, 0, 0x82, 0xffff, 0);	/* LDTR */
	set_segment(v, 9, 0, 0x8b, 0x67, 0);	/* TR: 32-bit busy TSS */
	set_segment(v, 6, 0, 0, 0xffff, 0);	/* GDTR */
	set_segment(v, 8, 0, 0, 0xffff, 0);	/* IDTR */
	*svm_field64(v, VMCB_CR0) = 0x11;		/* PE, ET */
	*svm_field64(v, VMCB_EFER) = EFER_SVME;	/* the guest never sees SVME */
	*svm_field64(v, VMCB_RFLAGS) = 2;
	*svm_field64(v, VMCB_DR6) = 0xffff0ff0;
	*svm_field64(v, VMCB_DR7) = 0x400;
	*svm_field64(v, VMCB_G_PAT) = 0x0007040600070406ull;
}

/* Where register reg lives: the VMCB or the register array. */
static uint64_t *reg_slot(struct vcpu *v, unsigned reg, unsigned *width)
{
	static const unsigned fixed[] = {
		[TS_VREG_RIP] = VMCB_RIP, [TS_VREG_RFLAGS] = VMCB_RFLAGS, [TS_VREG_CR0] = VMCB_CR0,
		[TS_VREG_CR2] = VMCB_CR2, [TS_VREG_CR3] = VMCB_CR3, [TS_VREG_CR4] = VMCB_CR4,
		[TS_VREG_EFER] = VMCB_EFER,
	};
	/* ES CS SS DS FS GS LDTR TR in ts_vcpu_reg order -> VMCB segment index. */
	static const unsigned seg_index[] = { 0, 1, 2, 3, 4, 5, 7, 9 };

	*width = 64;
	if (reg == TS_VREG_RAX)
		return svm_field64(v, VMCB_RAX);
	if (reg == TS_VREG_RSP)
		return svm_field64(v, VMCB_RSP);
	if (reg <= TS_VREG_R15)
		return &svm_gprs(v)[reg];
	if (reg <= TS_VREG_EFER)
		return svm_field64(v, fixed[reg]);
	if (reg < TS_VREG_GDTR_BASE) {
		unsigned s = (reg - TS_VREG_ES) / 4, part = (reg - TS_VREG_ES) % 4;
		uint8_t *seg = svm_vmcb(v) + VMCB_ES + 16 * seg_index[s];
		static const unsigned offset[] = { 0, 2, 4, 8 }, widths[] = { 16, 16, 32, 64 };
		*width = widths[part];
		return (uint64_t *)(seg + offset[part]);
	}
	/* GDTR base, limit, IDTR base, limit. */
	unsigned table = reg < TS_VREG_IDTR_BASE ? 6 : 8;
	bool limit = (reg - TS_VREG_GDTR_BASE) % 2;
	*width = limit ? 32 : 64;
	return (uint64_t *)(svm_vmcb(v) + VMCB_ES + 16 * table + (limit ? 4 : 8));
}

word_t arch_vcpu_get_reg(struct vcpu *v, unsigned reg)
{
	unsigned width;
	uint64_t *p = reg_slot(v, reg, &width);

	switch (width) {
	case 16: return *(uint16_t *)p;
	case 32: return *(uint32_t *)p;
	default: return *p;
	}
}

void arch_vcpu_set_reg(struct vcpu *v, unsigned reg, word_t value)
{
	unsigned width;
	uint64_t *p = reg_slot(v, reg, &width);

	/* VMRUN refuses guest state without EFER.SVME; the guest never sees it cleared. */
	if (reg == TS_VREG_EFER)
		value |= EFER_SVME;
	switch (width) {
	case 16: *(uint16_t *)p = value; break;
	case 32: *(uint32_t *)p = value; break;
	default: *p = value; break;
	}
}

#define SEG_ATTR_L	(1u << 9)	/* in the VMCB's packed segment attributes */
#define SEG_ATTR_DB	(1u << 10)

unsigned arch_vcpu_bits(struct vcpu *v)
{
	uint16_t cs_attr = *(uint16_t *)(svm_vmcb(v) + VMCB_ES + 16 + 2);

	if ((*svm_field64(v, VMCB_EFER) & EFER_LMA) && (cs_attr & SEG_ATTR_L))
		return 64;
	return cs_attr & SEG_ATTR_DB ? 32 : 16;
}

unsigned arch_vcpu_cpl(struct vcpu *v)
{
	return *(svm_vmcb(v) + VMCB_CPL) & 3;
}

/* Guests run without TSC offsetting or scaling. */
uint64_t arch_read_tsc(void)
{
	return rdtsc();
}

/* What an INIT and VCPUOP_initialise reset alike: general registers, the
   LDT and descriptor tables, CR2, debug registers, PAT, pending events. */
static void reset_state(struct vcpu *v)
{
	memset(svm_gprs(v), 0, 16 * sizeof(uint64_t));
	*svm_field64(v, VMCB_RAX) = 0;
	*svm_field64(v, VMCB_RSP) = 0;
	set_segment(v, 7, 0, 0x82, 0xffff, 0);	/* LDTR */
	set_segment(v, 6, 0, 0, 0xffff, 0);	/* GDTR */
	set_segment(v, 8, 0, 0, 0xffff, 0);	/* IDTR */
	*svm_field64(v, VMCB_CR2) = 0;
	*svm_field64(v, VMCB_DR6) = 0xffff0ff0;
	*svm_field64(v, VMCB_DR7) = 0x400;
	*svm_field64(v, VMCB_G_PAT) = 0x0007040600070406ull;
	*svm_field64(v, VMCB_EVENT_INJ) = 0;
	*svm_field64(v, VMCB_INTERRUPT_SHADOW) = 0;
}

/*
 * A start-up IPI with vector V: the state after INIT (as in the APM's
 * table of initial processor state), in real mode at V << 12. SVM runs
 * real mode natively: with paging off, guest-linear is guest-physical
 * under nested paging, and the fixed instruction lengths of the exits the
 * kernel handles hold in 16-bit code too.
 */
static void start_real_mode(struct vcpu *v, uint8_t vector)
{
	reset_state(v);
	for (unsigned s = 0; s < 6; s++)
		set_segment(v, s, s == 1 ? vector << 8 : 0, s == 1 ? 0x9b : 0x93, 0xffff,
			    s == 1 ? (uint64_t)vector << 12 : 0);
	set_segment(v, 9, 0, 0x8b, 0xffff, 0);	/* TR */
	*(svm_vmcb(v) + VMCB_CPL) = 0;
	*svm_field64(v, VMCB_RIP) = 0;
	*svm_field64(v, VMCB_RFLAGS) = 2;
	*svm_field64(v, VMCB_CR0) = 0x10;	/* ET */
	*svm_field64(v, VMCB_CR3) = 0;
	*svm_field64(v, VMCB_CR4) = 0;
	*svm_field64(v, VMCB_EFER) = EFER_SVME;
}

#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define RFLAGS_KNOWN	0x3f7fd5ull	/* every defined flag; bit 1 is always set */

/*
 * Whether v may start in s: CR4 bits only for features its CPUID shows
 * (as Xen checks them) and EFER bits only those a guest may write; and
 * what VMRUN checks itself: CR0's reserved bits and combinations, and
 * in long mode PAE, a CR3 within the physical address width and no CS
 * with both L and D.
 */
static bool state_valid(struct vcpu *v, const struct vcpu_state *s)
{
	const unsigned l_and_d = SEG_ATTR_L | SEG_ATTR_DB;
	uint32_t phys_bits, unused;

	if ((s->cr0 >> 32) || ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD)) ||
	    ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE)))
		return false;
	if ((s->cr4 & ~svm_cr4_valid(v)) || (s->efer & ~(uint64_t)EFER_GUEST_BITS))
		return false;
	if (!(s->efer & EFER_LME) || !(s->cr0 & CR0_PG))
		return true;
	cpuid(0x80000008, 0, &phys_bits, &unused, &unused, &unused);
	return (s->cr4 & CR4_PAE) && !(s->cr3 >> (phys_bits & 0xff)) &&
	       (s->seg[VSEG_CS].attr & l_and_d) != l_and_d;
}

bool arch_vcpu_set_state(struct vcpu *v, const struct vcpu_state *s)
{
	/* VMCB segment index of CS, DS, SS, ES, TR. */
	static const unsigned seg_index[VSEG_COUNT] = { 1, 3, 2, 0, 9 };
	bool long_mode;

	if (!state_valid(v, s))
		return false;
	long_mode = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
	/* Its last exit's virtual interrupt is settled; the interrupted event goes with the old state. */
	if (v->exit_unseen)
		svm_collect_events(v);
	reset_state(v);
	for (unsigned r = 0; r <= TS_VREG_R15; r++)
		arch_vcpu_set_reg(v, r, s->gpr[r]);
	for (unsigned i = 0; i < VSEG_COUNT; i++)
		set_segment(v, seg_index[i], 0, s->seg[i].attr, s->seg[i].limit, s->seg[i].base);
	set_segment(v, 4, 0, 0, 0, 0);	/* FS, GS: unusable until the guest loads them */
	set_segment(v, 5, 0, 0, 0, 0);
	*(svm_vmcb(v) + VMCB_CPL) = (s->seg[VSEG_SS].attr >> 5) & 3;	/* SS.DPL, as the CPU keeps it */
	*svm_field64(v, VMCB_RIP) = s->rip;
	*svm_field64(v, VMCB_RFLAGS) = (s->rflags & RFLAGS_KNOWN) | 2;
	*svm_field64(v, VMCB_CR0) = s->cr0;
	*svm_field64(v, VMCB_CR3) = s->cr3;
	*svm_field64(v, VMCB_CR4) = s->cr4;
	/* LMA is the CPU's: set when paging is on with LME. */
	*svm_field64(v, VMCB_EFER) = (s->efer & ~EFER_LMA) | (long_mode ? EFER_LMA : 0) | EFER_SVME;
	return true;
}

/*
 * A Xen vCPU that is not up (a secondary vCPU until a start-up IPI or
 * VCPUOP_up, any vCPU after an INIT or VCPUOP_down) does not run: true
 * if v may enter now. A start-up IPI's state is loaded here, where the
 * vCPU surely is out of the guest.
 */
static bool xen_vcpu_runs(struct vcpu *v)
{
	struct vlapic *l = &v->xen.lapic;

	if (!v->xen.up)
		return false;
	if (l->sipi_pending) {
		l->sipi_pending = false;
		start_real_mode(v, l->sipi_vector);
	}
	return true;
}

/* From kernel_exit, lock held: run t's guest until it exits. */
void arch_enter_guest(struct cpu *c, struct vcpu *v)
{
	paddr_t root = virt_to_phys((void *)v->space.cap.obj);

	/* Before a start-up IPI can reset the vCPU: an INIT drops the interrupted event. */
	if (v->exit_unseen)
		svm_collect_events(v);
	if (v->xen.domain && !xen_vcpu_runs(v)) {
		/* Wait until it is up (xen_vcpu_wake), then choose again on a fresh stack. */
		c->current->state = THREAD_BLOCKED_VCPU;
		sched_unready(c->current);
		__asm__ volatile("mov %0, %%rsp; xor %%ebp, %%ebp; call kernel_exit; ud2"
				 :: "r"(c->kstack_top) : "memory");
		__builtin_unreachable();
	}

	*svm_field64(v, VMCB_N_CR3) = root;
	*svm_field32(v, VMCB_TLB_CONTROL) = 1;	/* flush this ASID's translations */
	svm_inject_before_run(v);
	c->guest_root = root;
	kernel_unlock();
	/*
	 * With V_INTR_MASKING the host's IF decides whether physical interrupts
	 * end the guest run: turn it on, with GIF clear so none is taken here.
	 */
	__asm__ volatile("clgi; sti" ::: "memory");
	svm_run(svm_gprs(v), virt_to_phys(svm_vmcb(v)), virt_to_phys(host_save[c->id][1]));
	svm_exit_continue();
}

#define IOIO_IN		(1u << 0)
#define IOIO_STRING	(1u << 2)

/*
 * A Xen vCPU's plain IN or OUT at ports its VMM did not claim: no device
 * answers, as in Xen where no device model claims a port. IN reads all
 * ones (a 32-bit IN zero-extends into RAX, as the CPU's own does), OUT
 * goes nowhere. Without this, each access would be an IPC round trip to
 * the VMM, and Linux's PIT calibration alone makes 100,000 of them.
 */
static bool absent_port(struct vcpu *v)
{
	uint64_t info = *svm_field64(v, VMCB_EXIT_INFO1);
	unsigned size = (info >> 4) & 7;	/* SZ8, SZ16, SZ32: 1, 2, 4 */
	uint64_t *rax = svm_field64(v, VMCB_RAX);

	if ((info & IOIO_STRING) || xen_port_claimed(v->xen.domain, (uint16_t)(info >> 16), size))
		return false;
	if (info & IOIO_IN)
		*rax = size == 4 ? 0xffffffffull : *rax | (size == 2 ? 0xffffull : 0xffull);
	/* EXITINFO2 is the next RIP for I/O exits, NRIPS or not. */
	svm_skip(v, *svm_field64(v, VMCB_EXIT_INFO2) - *svm_field64(v, VMCB_RIP));
	return true;
}

/* Exits the kernel handles itself; false sends the exit to the VMM. */
static bool handle_exit(struct vcpu *v, uint64_t code)
{
	bool xen = v->xen.domain != NULL;
	const uint64_t data_access = NPF_FINAL_ADDRESS | NPF_TABLE_ADDRESS | NPF_FETCH;

	switch (code) {
	case EXIT_MSR:
		svm_msr(v, *svm_field64(v, VMCB_EXIT_INFO1) & 1);
		return true;
	case EXIT_CPUID:
		if (!xen)
			return false;
		svm_cpuid(v);
		svm_skip(v, 2);
		return true;
	case EXIT_IOIO:
		return xen && absent_port(v);
	case EXIT_NPF:
		/* A data access at its own address: maybe the xAPIC page. */
		return xen && (*svm_field64(v, VMCB_EXIT_INFO1) & data_access) == NPF_FINAL_ADDRESS &&
		       vlapic_mmio(v, *svm_field64(v, VMCB_EXIT_INFO2));
	case EXIT_HLT:
		if (!xen)
			return false;
		svm_skip(v, 1);
		xen_vcpu_halt(v);
		return true;
	case EXIT_VMMCALL:
		if (!xen)
			return false;
		svm_skip(v, 3);
		xen_hypercall(v);	/* if the thread stopped running the guest, kernel_exit knows */
		return true;
	case EXIT_VMRUN:
	case EXIT_VMLOAD:
	case EXIT_VMSAVE:
	case EXIT_STGI:
	case EXIT_CLGI:
	case EXIT_SKINIT:
	case EXIT_INVLPGA:
	case EXIT_MONITOR:
	case EXIT_MWAIT:
	case EXIT_XSETBV:
		/* SVM, MONITOR/MWAIT and XSAVE are hidden from Xen guests: as on such a CPU. */
		if (!xen)
			return false;
		svm_raise_exception(v, VECTOR_UD, false, 0);
		return true;
	default:
		return false;
	}
}

/*
 * An exit for the VMM (TS_FAULT_VMEXIT). A nested page fault also carries
 * the bytes at the guest's CS:RIP in MR4-MR5, laid out as the VMCB's
 * decode-assist field (byte 0 the count, then the bytes): the VMM decodes
 * an MMIO access from them, and TCG has no decode assists.
 */
static void send_exit(struct tcb *t, struct vcpu *v, uint64_t code)
{
	word_t mr[TS_VMEXIT_NPF_LENGTH] = { code, *svm_field64(v, VMCB_EXIT_INFO1),
					    *svm_field64(v, VMCB_EXIT_INFO2), *svm_field64(v, VMCB_RIP) };
	uint8_t insn[1 + GUEST_INSN_MAX] = { 0 };

	_Static_assert(sizeof(insn) == sizeof(mr) - TS_MSG_REG_COUNT * sizeof(word_t), "MR4-MR5");
	if (code != EXIT_NPF) {
		ipc_send_fault(t, TS_FAULT_VMEXIT, mr, TS_MSG_REG_COUNT);
		return;
	}
	insn[0] = guest_insn_fetch(v, insn + 1);
	memcpy(&mr[TS_MSG_REG_COUNT], insn, sizeof(insn));
	ipc_send_fault(t, TS_FAULT_VMEXIT, mr, TS_VMEXIT_NPF_LENGTH);
}

void kernel_enter_vmexit(void)
{
	struct cpu *c = this_cpu();
	struct tcb *t = c->current;
	struct vcpu *v = thread_vcpu(t);
	uint64_t code = *svm_field64(v, VMCB_EXIT_CODE);

	c->guest_root = 0;
	/*
	 * Until this CPU holds the lock, another CPU may stop the thread (a
	 * stall request, served below): the exit is then dropped (the guest
	 * runs the instruction again), but its events are collected before
	 * the vCPU's next VMRUN, wherever that is.
	 */
	v->exit_unseen = true;
	__asm__ volatile("cli; stgi" ::: "memory");
	if (code == EXIT_INTR || code == EXIT_NMI) {
		/* Let the host interrupt that ended the guest run be taken now. */
		c->interruptible = true;
		__asm__ volatile("sti; nop; cli" ::: "memory");
		c->interruptible = false;
	}
	kernel_lock();
	if (c->current == t)
		svm_collect_events(v);
	trap_handle_pending(c);
	if (c->current == t && code != EXIT_INTR && code != EXIT_NMI && !handle_exit(v, code))
		send_exit(t, v, code);
	kernel_exit();
}
