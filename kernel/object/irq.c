/*
 * IRQs delivered to user-level drivers. IRQ control issues one handler
 * capability per line; the handler binds a notification. When the line
 * fires, the kernel masks it and signals the notification; the driver
 * acknowledges to unmask.
 */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>
#include <kernel/ipc.h>

#define NR_IRQS	24

struct irq_line {
	bool issued;		/* a handler capability exists */
	struct slot notification;	/* copy of the bound notification cap */
};

static struct irq_line irq_lines[NR_IRQS];

void irq_release(unsigned irq)
{
	if (irq >= NR_IRQS)
		return;
	arch_irq_mask(irq);
	cap_delete(&irq_lines[irq].notification);
	irq_lines[irq].issued = false;
}

/* Called under the kernel lock for a line that fired (already masked). */
void irq_deliver(unsigned irq)
{
	struct cap *n;

	if (irq >= NR_IRQS)
		return;
	n = &irq_lines[irq].notification.cap;
	if (n->type == TS_OBJ_NOTIFICATION)
		notification_signal(cap_notification(n), n->data);
}

static int control_get(struct invocation *inv)
{
	struct slot *cnode, *dest;
	word_t irq;
	struct cap cap = { .type = TS_CAP_IRQ_HANDLER, .rights = TS_RIGHTS_ALL };

	if (!inv_has_args(inv, 3))
		return TS_ERR_TRUNCATED_MESSAGE;
	irq = inv_arg(inv, 0);
	cnode = cspace_lookup_type(inv->thread, inv_arg(inv, 1), TS_OBJ_CNODE);
	if (!cnode)
		return TS_ERR_INVALID_CAPABILITY;
	dest = cnode_slot(&cnode->cap, inv_arg(inv, 2));
	if (irq >= NR_IRQS || !arch_irq_valid(irq) || !dest)
		return TS_ERR_RANGE;
	if (!slot_empty(dest))
		return TS_ERR_DELETE_FIRST;
	if (irq_lines[irq].issued)
		return TS_ERR_REVOKE_FIRST;
	cap.aux = irq;
	irq_lines[irq].issued = true;
	cdt_insert_child(inv->slot, dest, &cap);
	return TS_OK;
}

int irq_invoke(struct invocation *inv)
{
	unsigned irq = inv->slot->cap.aux;
	struct slot *n;
	int err;

	if (inv->slot->cap.type == TS_CAP_IRQ_CONTROL)
		return inv->label == TS_IRQ_CONTROL_GET ? control_get(inv) : TS_ERR_ILLEGAL_OPERATION;

	switch (inv->label) {
	case TS_IRQ_SET_NOTIFICATION:
		if (!inv_has_args(inv, 1))
			return TS_ERR_TRUNCATED_MESSAGE;
		if ((err = lookup_signal_target(inv->thread, inv_arg(inv, 0), &n)))
			return err;
		cap_install_copy(&irq_lines[irq].notification, n);
		if (n)
			arch_irq_unmask(irq);
		else
			arch_irq_mask(irq);
		return TS_OK;
	case TS_IRQ_ACK:
		if (irq_lines[irq].notification.cap.type == TS_OBJ_NOTIFICATION)
			arch_irq_unmask(irq);
		return TS_OK;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
