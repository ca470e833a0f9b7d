/*
 * MSRs of SVM guests. The ones VMLOAD/VMSAVE switch with the guest (FS/GS
 * bases, KernelGSBase, the SYSCALL and SYSENTER MSRs) are not intercepted
 * at all. Every other access exits and is answered here, for every vCPU:
 * the few a guest kernel needs (below), and #GP(0) for the rest, which is
 * what a guest probing with rdmsr_safe expects of an absent feature (the
 * guest's CPUID view hides MTRRs, MCA, performance counters and RDTSCP,
 * whose MSRs it would otherwise use). vCPUs of Xen domains also have a
 * local APIC (vlapic.c): IA32_APIC_BASE and, in x2APIC mode, 0x800-0x8ff.
 */
#include <kernel/string.h>
#include <kernel/xen.h>
#include "svm.h"

#define MSR_TSC			0x10
#define MSR_APIC_BASE		0x1b
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MISC_ENABLE		0x1a0
#define MSR_PAT			0x277
#define MSR_XEN_HYPERCALL_PAGE	0x40000000	/* CPUID 0x40000002 EBX */
#define MSR_CSTAR		0xc0000083

/* Fast strings on; no branch trace store, no PEBS. */
#define MISC_ENABLE_VALUE	((1u << 0) | (1u << 11) | (1u << 12))

#define HYPERCALL_STUBS		55
#define HYPERCALL_STUB_SIZE	32
#define HYPERVISOR_IRET		23

static const uint32_t passthrough[] = {
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SFMASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};

/*
 * The permission bitmap has two bits (read, write) per MSR for three
 * ranges of 8192 MSRs, 2 KiB each; MSRs outside them always exit.
 */
void svm_msr_init_bitmap(uint8_t *bitmap)
{
	static const uint32_t range_base[] = { 0, 0xc0000000, 0xc0010000 };

	memset(bitmap, 0xff, 2 * 4096);
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough); i++) {
		for (unsigned r = 0; r < 3; r++) {
			uint32_t n = passthrough[i] - range_base[r];
			if (n < 0x2000)
				bitmap[r * 0x800 + n / 4] &= ~(3u << (2 * (n % 4)));
		}
	}
}

/* Each memory type byte must be UC, WC, WT, WP, WB or UC-. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned type = (pat >> (8 * i)) & 0xff;
		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/*
 * Writes may change SCE, LME and NXE; LMA is the CPU's (it sets it when the
 * guest turns paging on with LME, CR0 writes not being intercepted), and
 * LME cannot change while paging is on.
 */
static bool write_efer(struct vcpu *v, uint64_t value)
{
	uint64_t *efer = svm_field64(v, VMCB_EFER);

	if (value & ~(uint64_t)EFER_GUEST_BITS)
		return false;
	if ((*svm_field64(v, VMCB_CR0) & CR0_PG) && ((value ^ *efer) & EFER_LME))
		return false;
	*efer = (value & (EFER_SCE | EFER_LME | EFER_NXE)) | (*efer & EFER_LMA) | EFER_SVME;
	return true;
}

/*
 * Xen's hypercall page: stub N is "mov $N, %eax; vmmcall; ret" at 32 * N;
 * HYPERVISOR_iret is not for HVM guests and gets ud2. The value's low 12
 * bits pick a page of a multi-page area; there is only page 0.
 */
static bool write_hypercall_page(struct vcpu *v, uint64_t value)
{
	uint8_t *page;

	if (!v->xen.domain || (value & 0xfff))
		return false;
	page = arch_guest_phys((void *)v->space.cap.obj, value, true);
	if (!page)
		return false;
	memset(page, 0xcc, 4096);	/* int3 between the stubs */
	for (unsigned n = 0; n < HYPERCALL_STUBS; n++) {
		uint8_t *stub = page + n * HYPERCALL_STUB_SIZE;
		if (n == HYPERVISOR_IRET) {
			stub[0] = 0x0f;
			stub[1] = 0x0b;
			continue;
		}
		const uint8_t code[] = { 0xb8, n, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3 };
		memcpy(stub, code, sizeof(code));
	}
	return true;
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	if (v->xen.domain && vlapic_is_msr(msr))
		return vlapic_read_msr(v, msr, value);
	switch (msr) {
	case MSR_APIC_BASE:
		if (!v->xen.domain)
			return false;
		*value = vlapic_base_msr(v);
		return true;
	case MSR_EFER:
		*value = *svm_field64(v, VMCB_EFER) & ~(uint64_t)EFER_SVME;
		return true;
	case MSR_PAT:
		*value = *svm_field64(v, VMCB_G_PAT);
		return true;
	case MSR_TSC:
		*value = arch_read_tsc();
		return true;
	case MSR_MISC_ENABLE:
		*value = MISC_ENABLE_VALUE;
		return true;
	default:
		return false;
	}
}

static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t value)
{
	if (v->xen.domain && vlapic_is_msr(msr))
		return vlapic_write_msr(v, msr, value);
	switch (msr) {
	case MSR_APIC_BASE:
		return v->xen.domain && vlapic_write_base_msr(v, value);
	case MSR_EFER:
		return write_efer(v, value);
	case MSR_PAT:
		if (!pat_valid(value))
			return false;
		*svm_field64(v, VMCB_G_PAT) = value;
		return true;
	case MSR_TSC:		/* the guest's TSC is the host's */
	case MSR_MISC_ENABLE:
		return true;
	case MSR_XEN_HYPERCALL_PAGE:
		return write_hypercall_page(v, value);
	default:
		return false;
	}
}

/* RDMSR/WRMSR: ECX names the MSR, EDX:EAX the value; done (RIP += 2) or #GP(0). */
void svm_msr(struct vcpu *v, bool write)
{
	uint64_t *rax = svm_field64(v, VMCB_RAX), *gprs = svm_gprs(v);
	uint32_t msr = gprs[TS_VREG_RCX];
	uint64_t value = 0;
	bool ok;

	if (write) {
		ok = write_msr(v, msr, (gprs[TS_VREG_RDX] << 32) | (uint32_t)*rax);
	} else if ((ok = read_msr(v, msr, &value))) {
		*rax = (uint32_t)value;
		gprs[TS_VREG_RDX] = value >> 32;
	}
	if (ok)
		svm_skip(v, 2);
	else
		svm_raise_exception(v, VECTOR_GP, true, 0);
}
