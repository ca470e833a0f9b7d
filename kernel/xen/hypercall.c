/*
 * The hypercall entry of Xen HVM/PVH guests (VMMCALL): the number in RAX,
 * arguments in RDI RSI RDX R10 R8 (64-bit code) or EBX ECX EDX ESI EDI
 * (32-bit code), the result back in RAX. Unknown hypercalls return
 * -ENOSYS; calls from guest user mode return -EPERM, as on Xen.
 */
#include <kernel/arch.h>
#include "internal.h"

enum {
	HC_memory_op = 12, HC_set_timer_op = 15, HC_xen_version = 17, HC_console_io = 18,
	HC_grant_table_op = 20, HC_vcpu_op = 24, HC_sched_op = 29, HC_event_channel_op = 32,
	HC_physdev_op = 33, HC_hvm_op = 34, HC_sysctl = 35, HC_domctl = 36, HC_platform_op = 7,
};

static const unsigned args64[5] = { TS_VREG_RDI, TS_VREG_RSI, TS_VREG_RDX, TS_VREG_R10, TS_VREG_R8 };
static const unsigned args32[5] = { TS_VREG_RBX, TS_VREG_RCX, TS_VREG_RDX, TS_VREG_RSI, TS_VREG_RDI };

bool xen_hypercall(struct vcpu *v)
{
	bool wide = arch_vcpu_bits(v) == 64;
	uint64_t nr = arch_vcpu_get_reg(v, TS_VREG_RAX);
	struct xen_call c = { .v = v, .d = v->xen.domain };
	bool running = true;
	int64_t rc;

	if (!wide)
		nr &= 0xffffffffu;
	for (unsigned i = 0; i < 5; i++) {
		c.arg[i] = arch_vcpu_get_reg(v, wide ? args64[i] : args32[i]);
		if (!wide)
			c.arg[i] &= 0xffffffffu;
	}
	if (arch_vcpu_cpl(v) != 0) {
		rc = xen_err(XEN_EPERM);
	} else {
		switch (nr) {
		case HC_memory_op:		rc = xen_memory_op(&c); break;
		case HC_set_timer_op:
			if (!wide)	/* a 64-bit timeout in two registers */
				c.arg[0] |= c.arg[1] << 32;
			rc = xen_set_timer_op(&c);
			break;
		case HC_xen_version:		rc = xen_version_op(&c); break;
		case HC_console_io:		rc = xen_console_io(&c); break;
		case HC_grant_table_op:		rc = xen_grant_table_op(&c); break;
		case HC_vcpu_op:		rc = xen_vcpu_op(&c, &running); break;
		case HC_sched_op:		rc = xen_sched_op(&c, &running); break;
		case HC_event_channel_op:	rc = xen_event_channel_op(&c); break;
		case HC_hvm_op:			rc = xen_hvm_op(&c); break;
		case HC_sysctl:
		case HC_domctl:
		case HC_platform_op:
			rc = xen_err(XEN_EPERM);	/* for the control domain, which is native */
			break;
		default:
			/* physdev_op included: no physical devices or IRQs for guests */
			rc = xen_err(XEN_ENOSYS);
			break;
		}
	}
	arch_vcpu_set_reg(v, TS_VREG_RAX, wide ? (uint64_t)rc : (uint32_t)rc);
	return running;
}
