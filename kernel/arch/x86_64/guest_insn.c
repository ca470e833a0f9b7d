/*
 * The bytes of the instruction a vCPU is at: what AMD's decode assists
 * put in the VMCB on a nested page fault, which QEMU's TCG does not offer,
 * so that the VMM can decode the MMIO access that faulted. They are read
 * as the guest's own fetch finds them: CS:RIP through the guest's page
 * tables at its privilege level, then through the nested tables; the
 * first page that is not there ends them early. Segment limits are not
 * checked: the CPU checked them for the instruction itself, and bytes
 * past its end are only a decoder's look-ahead.
 */
#include <kernel/arch.h>
#include <kernel/string.h>
#include <kernel/xen.h>
#include "guest_insn.h"

#define PAGE	4096u

unsigned guest_insn_fetch(struct vcpu *v, uint8_t bytes[GUEST_INSN_MAX])
{
	bool wide = arch_vcpu_bits(v) == 64;
	uint64_t rip = arch_vcpu_get_reg(v, TS_VREG_RIP);
	/* 64-bit code ignores the CS base; other code wraps at 4 GiB. */
	uint64_t gla = wide ? rip : (uint32_t)(arch_vcpu_get_reg(v, TS_VREG_CS + 3) + rip);
	unsigned n = 0;

	while (n < GUEST_INSN_MAX) {
		unsigned chunk = MIN(PAGE - (gla & (PAGE - 1)), GUEST_INSN_MAX - n);
		const uint8_t *p;
		uint64_t gpa;

		if (!arch_guest_linear_to_phys(v, gla, false, &gpa) ||
		    !(p = arch_guest_phys((void *)v->space.cap.obj, gpa, false)))
			break;
		memcpy(bytes + n, p, chunk);
		n += chunk;
		gla = wide ? gla + chunk : (uint32_t)(gla + chunk);
	}
	return n;
}
