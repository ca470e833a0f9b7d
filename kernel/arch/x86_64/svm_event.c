/*
 * Events for SVM guests. Exceptions the kernel raises and events whose
 * delivery an exit interrupted go through the VMCB's EVENTINJ field, which
 * the CPU delivers at the next VMRUN (and clears at the next exit). The
 * interrupts of the emulated local APIC (vlapic.c: the Xen upcall among
 * them) are virtual interrupts instead: the highest one is posted in V_IRQ
 * with its vector before VMRUN, the CPU delivers it itself as soon as the
 * guest can take it (RFLAGS.IF set, no interrupt shadow) and clears V_IRQ
 * when it does, and at the exit the kernel acknowledges it in the local
 * APIC or takes it back, to post again whichever is highest then.
 *
 * Why not EVENTINJ for them too: QEMU's TCG (7.2) delivers an injected
 * external interrupt inside VMRUN but leaves its vector behind as the CPU's
 * pending exception, and delivers it a second time if anything stops its
 * execution loop before the guest's next exception or exit: at whatever
 * instruction the guest is then, with interrupts disabled. Linux guests
 * died of it (an upcall taken again at the first instruction of its own
 * handler, before SWAPGS).
 */
#include <kernel/objects.h>
#include "svm.h"

#define VINTR_POSTED	(VINTR_V_IRQ | VINTR_PRIO_MASK | VINTR_V_IGN_TPR | VINTR_VECTOR_MASK)

void svm_raise_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	uint64_t event = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;

	if (has_error)
		event |= EVENT_ERROR_VALID | (uint64_t)error << 32;
	*svm_field64(v, VMCB_EVENT_INJ) = event;
}

/*
 * After every exit, once (exit_unseen), before anything looks at the
 * vCPU's local APIC or runs it again. The virtual interrupt posted for
 * this run: taken (the CPU cleared V_IRQ) is acknowledged in the local
 * APIC; not taken is withdrawn, and posted again at the next entry unless
 * a higher one came meanwhile. Then an event whose delivery the exit
 * interrupted (a nested page fault on the IDT or the stack) is delivered
 * again at the next VMRUN, error code and all. Software interrupts and the
 * INT3/INTO exceptions are not: without NRIPS the guest's RIP still points
 * at the instruction, which simply runs again. Nor is a posted virtual
 * interrupt whose delivery was cut short while V_IRQ stayed set (QEMU
 * reports it as an exception with its vector, which VMRUN would refuse):
 * it is still pending in the local APIC.
 */
void svm_collect_events(struct vcpu *v)
{
	uint64_t *vintr = svm_field64(v, VMCB_VINTR);
	uint64_t info = *svm_field64(v, VMCB_EXIT_INT_INFO);
	unsigned posted = (*vintr & VINTR_VECTOR_MASK) >> VINTR_VECTOR_SHIFT;
	unsigned type = info & EVENT_TYPE_MASK, vector = info & 0xff;
	bool still_posted = *vintr & VINTR_V_IRQ;

	v->exit_unseen = false;
	*vintr &= ~VINTR_POSTED;
	if (posted && !still_posted)
		vlapic_ack(v, posted);
	if (!(info & EVENT_VALID) || type == EVENT_TYPE_SOFT_INT ||
	    (type == EVENT_TYPE_EXCEPTION && (vector == 3 || vector == 4)) ||
	    (posted && still_posted && vector == posted))
		return;
	*svm_field64(v, VMCB_EVENT_INJ) = info;
}

/*
 * The last step before VMRUN (lock held): a Xen upcall becomes a request
 * in the local APIC, like every other interrupt, and the highest one above
 * the processor priority is posted as the guest's virtual interrupt.
 */
void svm_inject_before_run(struct vcpu *v)
{
	int vector;

	if (v->xen.upcall_inject && v->xen.upcall_vector)
		vlapic_set_irr(v, v->xen.upcall_vector);
	v->xen.upcall_inject = false;
	vector = v->xen.domain ? vlapic_pending_vector(v) : -1;
	if (vector >= 0)
		*svm_field64(v, VMCB_VINTR) |= VINTR_V_IRQ | VINTR_V_IGN_TPR |
			(uint64_t)(vector >> 4) << VINTR_PRIO_SHIFT |
			(uint64_t)vector << VINTR_VECTOR_SHIFT;
}
