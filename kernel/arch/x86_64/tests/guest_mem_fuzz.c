/*
 * libFuzzer target for guest_mem.c and guest_insn.c: arbitrary control
 * registers, CPL, CS, linear address and guest memory (page tables
 * included). Whatever the guest holds, a translation may only lead into
 * guest memory, and copies and instruction fetches (at that address as
 * RIP) may only touch it (ASan watches everything else).
 */
#include <stdlib.h>
#include <string.h>
#include <kernel/xen.h>
#include "../guest_insn.h"
#include "guest_mem_host.h"

struct input {
	uint64_t cr0, cr3, cr4, efer, gla, cs_base;
	uint16_t length, cs_attr;
	uint8_t cpl, write;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buffer[8192];
	uint8_t insn[GUEST_INSN_MAX];
	struct input in;
	uint64_t gpa;

	if (!host_vcpu)
		host_guest_init();
	if (size < sizeof(in))
		return 0;
	memcpy(&in, data, sizeof(in));
	data += sizeof(in);
	size -= sizeof(in);
	for (unsigned i = 0; i < GUEST_PAGES; i++) {
		size_t n = size > 4096 ? 4096 : size;
		memset(host_guest_page(i), 0, 4096);
		memcpy(host_guest_page(i), data, n);
		data += n;
		size -= n;
	}
	host_regs[TS_VREG_CR0] = in.cr0;
	host_regs[TS_VREG_CR3] = in.cr3;
	host_regs[TS_VREG_CR4] = in.cr4;
	host_regs[TS_VREG_EFER] = in.efer;
	host_cpl = in.cpl & 3;
	if (arch_guest_linear_to_phys(host_vcpu, in.gla, in.write & 1, &gpa)) {
		void *p = arch_guest_phys((void *)host_vcpu->space.cap.obj, gpa, in.write & 1);
		if (p && !host_in_guest(p, 4096 - (gpa & 4095)))
			abort();
	}
	host_regs[TS_VREG_RIP] = in.gla;
	host_regs[TS_VREG_CS + 1] = in.cs_attr;
	host_regs[TS_VREG_CS + 3] = in.cs_base;
	if (guest_insn_fetch(host_vcpu, insn) > GUEST_INSN_MAX)
		abort();
	if (in.write & 1)
		arch_guest_write(host_vcpu, in.gla, buffer, in.length % sizeof(buffer));
	else
		arch_guest_read(host_vcpu, in.gla, buffer, in.length % sizeof(buffer));
	return 0;
}
