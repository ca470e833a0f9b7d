/* I/O-port capabilities: user level reaches ports only through them. */
#include <kernel/arch.h>
#include <kernel/cspace.h>
#include <kernel/invoke.h>

static unsigned first_port(const struct cap *c) { return c->aux & 0xffff; }
static unsigned last_port(const struct cap *c) { return c->aux >> 16; }

static int issue(struct invocation *inv)
{
	struct slot *cnode, *dest;
	word_t first, last;
	struct cap cap = { .type = TS_CAP_IOPORT, .rights = TS_RIGHTS_ALL };

	if (!inv_has_args(inv, 4))
		return TS_ERR_TRUNCATED_MESSAGE;
	first = inv_arg(inv, 0);
	last = inv_arg(inv, 1);
	cnode = cspace_lookup_type(inv->thread, inv_arg(inv, 2), TS_OBJ_CNODE);
	if (!cnode)
		return TS_ERR_INVALID_CAPABILITY;
	dest = cnode_slot(&cnode->cap, inv_arg(inv, 3));
	if (first > last || last > 0xffff || !dest)
		return TS_ERR_RANGE;
	if (!slot_empty(dest))
		return TS_ERR_DELETE_FIRST;
	cap.aux = first | last << 16;
	cdt_insert_child(inv->slot, dest, &cap);
	return TS_OK;
}

static int port_access(struct invocation *inv, bool out)
{
	const struct cap *c = &inv->slot->cap;
	word_t port, width;

	if (!inv_has_args(inv, out ? 3 : 2))
		return TS_ERR_TRUNCATED_MESSAGE;
	port = inv_arg(inv, 0);
	width = inv_arg(inv, 1);
	if (width != 1 && width != 2 && width != 4)
		return TS_ERR_INVALID_ARGUMENT;
	if (port < first_port(c) || port + width - 1 > last_port(c))
		return TS_ERR_RANGE;
	if (!(c->rights & (out ? TS_RIGHT_WRITE : TS_RIGHT_READ)))
		return TS_ERR_INSUFFICIENT_RIGHTS;
	if (out)
		arch_port_out(port, width, inv_arg(inv, 2));
	else
		inv_set_result(inv, 0, arch_port_in(port, width));
	return TS_OK;
}

int ioport_invoke(struct invocation *inv)
{
	if (inv->slot->cap.type == TS_CAP_IOPORT_CONTROL)
		return inv->label == TS_IOPORT_CONTROL_ISSUE ? issue(inv) : TS_ERR_ILLEGAL_OPERATION;
	switch (inv->label) {
	case TS_IOPORT_IN:
		return port_access(inv, false);
	case TS_IOPORT_OUT:
		return port_access(inv, true);
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
