/*
 * Events for SVM guests, all through the VMCB's EVENTINJ field, which the
 * CPU delivers at the next VMRUN (and clears at the next exit): exceptions
 * the kernel raises, events whose delivery an exit interrupted, and the
 * interrupts of the emulated local APIC (vlapic.c: the Xen upcall among
 * them), which wait for an interrupt window like real ones.
 */
#include <kernel/objects.h>
#include "svm.h"

#define VINTR_WINDOW	(VINTR_V_IRQ | (0xfull << VINTR_PRIO_SHIFT) | VINTR_V_IGN_TPR)

void svm_raise_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	uint64_t event = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;

	if (has_error)
		event |= EVENT_ERROR_VALID | (uint64_t)error << 32;
	*svm_field64(v, VMCB_EVENT_INJ) = event;
}

/*
 * After every exit, once (exit_unseen), before the vCPU runs again: an
 * event whose delivery the exit interrupted (a nested page fault on the
 * IDT or the stack, a host interrupt) is delivered again at the next
 * VMRUN, error code and all. Software interrupts and the INT3/INTO
 * exceptions are not: without NRIPS the guest's RIP still points at the
 * instruction, which simply runs again.
 */
void svm_keep_interrupted_event(struct vcpu *v)
{
	uint64_t info = *svm_field64(v, VMCB_EXIT_INT_INFO);
	unsigned type = info & EVENT_TYPE_MASK, vector = info & 0xff;

	v->exit_unseen = false;
	if (!(info & EVENT_VALID) || type == EVENT_TYPE_SOFT_INT ||
	    (type == EVENT_TYPE_EXCEPTION && (vector == 3 || vector == 4)))
		return;
	*svm_field64(v, VMCB_EVENT_INJ) = info;
}

/* A virtual interrupt pending at top priority makes the CPU exit (VINTR) once the guest can take it. */
static void interrupt_window(struct vcpu *v, bool wanted)
{
	uint64_t *vintr = svm_field64(v, VMCB_VINTR);
	uint32_t *misc1 = svm_field32(v, VMCB_INTERCEPT_MISC1);

	if (wanted) {
		*vintr |= VINTR_WINDOW;
		*misc1 |= MISC1_VINTR;
	} else {
		*vintr &= ~VINTR_WINDOW;
		*misc1 &= ~MISC1_VINTR;
	}
}

/* The VINTR exit: the guest can take an interrupt now; svm_inject_before_run injects it. */
void svm_interrupt_window_open(struct vcpu *v)
{
	interrupt_window(v, false);
}

/*
 * The last step before VMRUN (lock held): a Xen upcall becomes a request
 * in the local APIC, like every other interrupt; the highest one above
 * the processor priority is injected as an external interrupt if the guest
 * can take it now (RFLAGS.IF set, no interrupt shadow, no other event
 * being injected), otherwise the CPU is asked to exit when the guest opens
 * an interrupt window.
 */
void svm_inject_before_run(struct vcpu *v)
{
	uint64_t *inject = svm_field64(v, VMCB_EVENT_INJ);
	int vector;

	if (v->xen.upcall_inject && v->xen.upcall_vector)
		vlapic_set_irr(v, v->xen.upcall_vector);
	v->xen.upcall_inject = false;
	vector = v->xen.domain ? vlapic_pending_vector(v) : -1;
	if (vector < 0) {
		interrupt_window(v, false);
		return;
	}
	if (!(*inject & EVENT_VALID) && (*svm_field64(v, VMCB_RFLAGS) & RFLAGS_IF) &&
	    !(*svm_field64(v, VMCB_INTERRUPT_SHADOW) & INTERRUPT_SHADOW_ACTIVE)) {
		*inject = (unsigned)vector | EVENT_TYPE_INTR | EVENT_VALID;
		vlapic_ack(v, (unsigned)vector);
		interrupt_window(v, false);
	} else {
		interrupt_window(v, true);
	}
}
