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

#define LINEAR_32_END	(1ull << 32)

unsigned guest_insn_fetch(struct vcpu *v, uint8_t bytes[GUEST_INSN_MAX])
{
	uint64_t rip = arch_vcpu_get_reg(v, TS_VREG_RIP);
	size_t n;

	/* 64-bit code ignores the CS base. */
	if (arch_vcpu_bits(v) == 64)
		return arch_guest_read_prefix(v, rip, bytes, GUEST_INSN_MAX);
	/* Other code wraps at 4 GiB: read up to there, then on from 0. */
	uint64_t gla = (uint32_t)(arch_vcpu_get_reg(v, TS_VREG_CS + 3) + rip);
	size_t first = MIN(GUEST_INSN_MAX, LINEAR_32_END - gla);

	n = arch_guest_read_prefix(v, gla, bytes, first);
	if (n == first && n < GUEST_INSN_MAX)
		n += arch_guest_read_prefix(v, 0, bytes + n, GUEST_INSN_MAX - n);
	return n;
}
