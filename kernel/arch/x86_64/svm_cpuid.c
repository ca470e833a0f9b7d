/*
 * CPUID as a Xen guest sees it: the Xen leaves at 0x40000000, and the
 * host's leaves cut down to what the guest can actually use here. The
 * kernel keeps only FXSAVE state across threads, emulates a local APIC
 * (vlapic.c: no TSC-deadline timer), no MTRRs, machine
 * checks, performance counters or nested virtualisation, and answers few
 * MSRs, so every feature needing those is hidden.
 *
 * Basic leaves presented: 0 (max clamped to 7), 1, 2, 4 and 7 subleaf 0;
 * extended: 0x80000000..0x80000008 (0x8000000A, SVM, is beyond the max).
 * Every other leaf, including those above the maxima, reads as zeros (the
 * AMD rule, also what the guest gets for absent Xen leaves).
 */
#include <kernel/xen.h>
#include "svm.h"

enum { EAX, EBX, ECX, EDX };

/* Leaf 1 */
#define L1_ECX_HIDDEN	(BIT(2) /* DTES64 */ | BIT(3) /* MONITOR */ | BIT(4) /* DS-CPL */ | \
			 BIT(5) /* VMX */ | BIT(6) /* SMX */ | BIT(7) /* EIST */ | BIT(8) /* TM2 */ | \
			 BIT(11) /* SDBG */ | BIT(12) /* FMA */ | BIT(15) /* PDCM */ | BIT(18) /* DCA */ | \
			 BIT(24) /* TSC-deadline */ | BIT(26) /* XSAVE */ | \
			 BIT(27) /* OSXSAVE */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
#define L1_ECX_HYPERVISOR	BIT(31)
#define L1_ECX_X2APIC		BIT(21)
#define L1_EDX_APIC		BIT(9)
#define L1_EDX_HIDDEN	(BIT(7) /* MCE */ | BIT(12) /* MTRR */ | BIT(14) /* MCA */ | \
			 BIT(21) /* DS */ | BIT(22) /* ACPI thermal */ | BIT(28) /* HTT */ | \
			 BIT(29) /* TM */ | BIT(31) /* PBE */)
/* Leaf 7 subleaf 0: only what needs no extra state, MSRs or emulation. */
#define L7_EBX_SHOWN	(BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ | BIT(4) /* HLE */ | BIT(7) /* SMEP */ | \
			 BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ | BIT(10) /* INVPCID */ | BIT(11) /* RTM */ | \
			 BIT(18) /* RDSEED */ | BIT(19) /* ADX */ | BIT(20) /* SMAP */ | \
			 BIT(23) /* CLFLUSHOPT */ | BIT(24) /* CLWB */ | BIT(29) /* SHA */)
#define L7_ECX_SHOWN	(BIT(2) /* UMIP */ | BIT(8) /* GFNI */)	/* not LA57: 4-level guests only */
#define L7_EDX_SHOWN	(BIT(4) /* FSRM */ | BIT(10) /* MD_CLEAR */ | BIT(14) /* SERIALIZE */)
/* Leaf 0x80000001 */
#define E1_ECX_HIDDEN	(BIT(1) /* CmpLegacy */ | BIT(2) /* SVM */ | BIT(3) /* ExtApicSpace */ | \
			 BIT(10) /* IBS */ | BIT(11) /* XOP */ | BIT(12) /* SKINIT */ | BIT(13) /* WDT */ | \
			 BIT(15) /* LWP */ | BIT(16) /* FMA4 */ | BIT(17) /* TCE */ | BIT(19) /* NodeId */ | \
			 BIT(22) /* TopologyExt */ | BIT(23) /* PerfCtrExtCore */ | BIT(24) /* PerfCtrExtNB */ | \
			 BIT(26) /* DataBkptExt */ | BIT(27) /* PerfTsc */ | BIT(28) /* PerfCtrExtLLC */ | \
			 BIT(29) /* MONITORX */)
#define E1_EDX_HIDDEN	(BIT(7) /* MCE */ | BIT(12) /* MTRR */ | BIT(14) /* MCA */ | \
			 BIT(25) /* FFXSR: EFER.FFXSR is not writable */ | \
			 BIT(27) /* RDTSCP: TSC_AUX is not switched */)

#define MAX_BASIC	7u
#define MAX_EXTENDED	0x80000008u

/* What stays of the host's value: register reg of leaf (subleaf 0 for leaf 7). */
static const struct cpuid_mask {
	uint32_t leaf;
	uint8_t reg;
	uint32_t keep;
} masks[] = {
	{ 1, ECX, (uint32_t)~L1_ECX_HIDDEN },
	{ 1, EDX, (uint32_t)~L1_EDX_HIDDEN },
	{ 4, EAX, 0x03ffffff },			/* cores per package: one */
	{ 7, EAX, 0 },				/* no further subleaves */
	{ 7, EBX, L7_EBX_SHOWN },
	{ 7, ECX, L7_ECX_SHOWN },
	{ 7, EDX, L7_EDX_SHOWN },
	{ 0x80000001, ECX, (uint32_t)~E1_ECX_HIDDEN },
	{ 0x80000001, EDX, (uint32_t)~E1_EDX_HIDDEN },
	{ 0x80000007, EAX, 0 },
	{ 0x80000007, EBX, 0 },
	{ 0x80000007, ECX, 0 },
	{ 0x80000007, EDX, BIT(8) },		/* invariant TSC; no power management */
	{ 0x80000008, EBX, BIT(0) | BIT(2) },	/* CLZERO, XSaveErPtr; no IBPB/IBRS/... MSRs */
	{ 0x80000008, ECX, 0 },			/* one core */
	{ 0x80000008, EDX, 0 },
};

static bool host_leaf_shown(uint32_t leaf, uint32_t sub)
{
	if (leaf == 7)
		return sub == 0;
	return leaf == 0 || leaf == 1 || leaf == 2 || leaf == 4 ||
	       (leaf >= 0x80000000 && leaf <= MAX_EXTENDED);
}

static void host_view(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	uint32_t max, unused;

	cpuid(leaf & 0x80000000, 0, &max, &unused, &unused, &unused);
	if (!host_leaf_shown(leaf, sub) || leaf > max)
		return;
	cpuid(leaf, sub, &r[EAX], &r[EBX], &r[ECX], &r[EDX]);
	for (unsigned i = 0; i < ARRAY_SIZE(masks); i++)
		if (masks[i].leaf == leaf)
			r[masks[i].reg] &= masks[i].keep;
	switch (leaf) {
	case 0:
		r[EAX] = r[EAX] < MAX_BASIC ? r[EAX] : MAX_BASIC;
		break;
	case 1:
		r[EBX] = (r[EBX] & 0xffff) | 1u << 16 | v->xen.id << 24;	/* one logical CPU, APIC id */
		r[ECX] |= L1_ECX_HYPERVISOR | L1_ECX_X2APIC;	/* emulated whatever the host has */
		r[EDX] |= L1_EDX_APIC;
		break;
	case 0x80000001:
		r[EDX] |= L1_EDX_APIC;	/* AMD's copy of the bit */
		break;
	case 0x80000000:
		r[EAX] = r[EAX] < MAX_EXTENDED ? r[EAX] : MAX_EXTENDED;
		break;
	}
}

/* Xen's TSC leaf: native TSC (never emulated), its rate, and the tsc->ns scale. */
static void xen_tsc_leaf(uint32_t sub, uint32_t r[4])
{
	uint32_t a, b, c, d;
	int shift = 0;
	uint64_t ticks = tsc_khz;	/* per millisecond */

	switch (sub) {
	case 0:
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		r[EAX] = (d & BIT(8)) ? BIT(1) : 0;	/* host TSC reliable */
		r[EBX] = 2;				/* tsc_mode: no emulation */
		r[ECX] = tsc_khz;
		break;
	case 1:
		/* ns = ((tsc << shift) * mul) >> 32, mul < 2^32, as in pvclock. */
		if (!ticks)
			break;
		while (ticks > 2000000) {
			ticks >>= 1;
			shift--;
		}
		while (ticks <= 1000000) {
			ticks <<= 1;
			shift++;
		}
		r[ECX] = (1000000ull << 32) / ticks;
		r[EDX] = (uint32_t)shift;
		break;
	case 2:
		r[EAX] = tsc_khz;
		break;
	}
}

static void xen_view(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	switch (leaf - 0x40000000) {
	case 0:
		r[EAX] = 0x40000004;
		r[EBX] = 0x566e6558;	/* "XenVMMXenVMM" */
		r[ECX] = 0x65584d4d;
		r[EDX] = 0x4d4d566e;
		break;
	case 1:
		r[EAX] = 4u << 16 | 17;	/* 4.17 */
		break;
	case 2:
		r[EAX] = 1;		/* hypercall pages */
		r[EBX] = 0x40000000;	/* their MSR */
		break;
	case 3:
		xen_tsc_leaf(sub, r);
		break;
	case 4:
		if (sub)
			break;
		/* x2APIC virtualised (the xAPIC page is emulated, not hardware-accelerated);
		   vcpu id in EBX, domid in ECX */
		r[EAX] = BIT(1) | BIT(3) | BIT(4);
		r[EBX] = v->xen.id;
		r[ECX] = xen_vcpu_domid(v);
		break;
	}
}

/*
 * As Xen's hvm_cr4_guest_valid_bits: a CR4 bit is the guest's to set when
 * its CPUID shows the feature. Features this view hides (MCE, VMX,
 * XSAVE, PKU, CET, LA57) have no entry, so their bits are never valid.
 */
uint64_t svm_cr4_valid(struct vcpu *v)
{
	static const struct { uint32_t leaf; uint8_t reg, bit; uint32_t cr4; } needs[] = {
		{ 1, EDX, 1, BIT(0) | BIT(1) },	/* VME: VME, PVI */
		{ 1, EDX, 4, BIT(2) },		/* TSC: TSD */
		{ 1, EDX, 2, BIT(3) },		/* DE */
		{ 1, EDX, 3, BIT(4) },		/* PSE */
		{ 1, EDX, 6, BIT(5) },		/* PAE */
		{ 1, EDX, 13, BIT(7) },		/* PGE */
		{ 1, EDX, 24, BIT(9) },		/* FXSR: OSFXSR */
		{ 1, EDX, 25, BIT(10) },	/* SSE: OSXMMEXCPT */
		{ 7, ECX, 2, BIT(11) },		/* UMIP */
		{ 7, EBX, 0, BIT(16) },		/* FSGSBASE */
		{ 1, ECX, 17, BIT(17) },	/* PCID: PCIDE */
		{ 7, EBX, 7, BIT(20) },		/* SMEP */
		{ 7, EBX, 20, BIT(21) },	/* SMAP */
	};
	uint32_t leaf1[4] = { 0, 0, 0, 0 }, leaf7[4] = { 0, 0, 0, 0 };
	uint64_t valid = BIT(8);	/* PCE: always */

	host_view(v, 1, 0, leaf1);
	host_view(v, 7, 0, leaf7);
	for (unsigned i = 0; i < ARRAY_SIZE(needs); i++)
		if ((needs[i].leaf == 1 ? leaf1 : leaf7)[needs[i].reg] & BIT(needs[i].bit))
			valid |= needs[i].cr4;
	return valid;
}

void svm_cpuid(struct vcpu *v)
{
	uint64_t *rax = svm_field64(v, VMCB_RAX), *gprs = svm_gprs(v);
	uint32_t leaf = *rax, sub = gprs[TS_VREG_RCX], r[4] = { 0, 0, 0, 0 };

	if (leaf >= 0x40000000 && leaf < 0x50000000)
		xen_view(v, leaf, sub, r);
	else
		host_view(v, leaf, sub, r);
	*rax = r[EAX];
	gprs[TS_VREG_RBX] = r[EBX];
	gprs[TS_VREG_RCX] = r[ECX];
	gprs[TS_VREG_RDX] = r[EDX];
}
