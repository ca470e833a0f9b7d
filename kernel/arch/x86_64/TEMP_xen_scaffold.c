/*
 * TEMPORARY, for the svm-arch branch only: link-time stand-ins for the
 * kernel/xen/ functions svm.c calls. Nothing reaches them on this branch
 * (no vCPU gets a Xen domain before TS_DOMAIN_XEN_ADD_VCPU exists). The
 * lead deletes this file when merging kernel/xen/.
 */
#include <kernel/arch.h>
#include <kernel/xen.h>

bool xen_hypercall(struct vcpu *v)
{
	arch_vcpu_set_reg(v, TS_VREG_RAX, (word_t)-XEN_ENOSYS);
	return true;
}

void xen_vcpu_halt(struct vcpu *v)
{
	(void)v;
}

uint32_t xen_vcpu_domid(struct vcpu *v)
{
	(void)v;
	return TS_DOMID_INVALID;
}
