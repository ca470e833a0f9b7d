/*
 * The capability derivation tree, and deleting and revoking capabilities.
 */
#include <kernel/arch.h>
#include <kernel/cap.h>
#include <kernel/objects.h>
#include <kernel/string.h>
#include <kernel/vspace.h>
#include <kernel/xen.h>

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case TS_CAP_IRQ_HANDLER:
		return a->aux == b->aux;
	case TS_OBJ_UNTYPED:
		return a->obj == b->obj && a->size_bits == b->size_bits;
	default:
		return a->obj == b->obj;
	}
}

/* New children go to the front: an untyped's objects stay in one run each. */
void cdt_insert_child(struct slot *parent, struct slot *child, const struct cap *cap)
{
	child->cap = *cap;
	child->parent = parent;
	child->first_child = NULL;
	child->prev = NULL;
	child->next = parent ? parent->first_child : NULL;
	if (child->next)
		child->next->prev = child;
	if (parent)
		parent->first_child = child;
}

/* Take s out of the tree; its children take its place among its siblings. */
static void cdt_unlink(struct slot *s)
{
	struct slot *first = s->first_child, *last = NULL;

	for (struct slot *c = first; c; c = c->next) {
		c->parent = s->parent;
		last = c;
	}
	if (first) {
		first->prev = s->prev;
		last->next = s->next;
	} else {
		first = s->next;
		last = s->prev;
	}
	if (s->prev)
		s->prev->next = first;
	else if (s->parent)
		s->parent->first_child = first;
	if (s->next)
		s->next->prev = last;
	memset(s, 0, sizeof(*s));
}

void cdt_move(struct slot *dst, struct slot *src)
{
	*dst = *src;
	if (dst->prev)
		dst->prev->next = dst;
	else if (dst->parent)
		dst->parent->first_child = dst;
	if (dst->next)
		dst->next->prev = dst;
	for (struct slot *c = dst->first_child; c; c = c->next)
		c->parent = dst;
	memset(src, 0, sizeof(*src));
}

bool cap_is_final(const struct slot *s)
{
	const struct cap *c = &s->cap;

	if (s->first_child && cap_same_object(&s->first_child->cap, c))
		return false;
	if (s->parent && cap_same_object(&s->parent->cap, c))
		return false;
	if (s->prev && cap_same_object(&s->prev->cap, c))
		return false;
	if (s->next && cap_same_object(&s->next->cap, c))
		return false;
	return true;
}

bool cap_derive(const struct cap *src, struct cap *out)
{
	switch (src->type) {
	case TS_OBJ_NULL:
	case TS_OBJ_UNTYPED:
		return false;
	case TS_OBJ_FRAME_4K:
	case TS_OBJ_FRAME_2M:
	case TS_OBJ_PDPT:
	case TS_OBJ_PAGE_DIRECTORY:
	case TS_OBJ_PAGE_TABLE:
		/* A mapping belongs to the cap that made it, never to copies. */
		*out = *src;
		out->data = 0;
		out->map = 0;
		return true;
	default:
		*out = *src;
		return true;
	}
}

/* Work list of objects (CNodes, TCBs) whose own slots are being emptied. */
static struct dying_link *dying_head;

void dying_push(struct dying_link *link)
{
	if (link->queued)
		return;
	link->queued = 1;
	link->next = dying_head;
	dying_head = link;
}

static void finalise(const struct cap *c)
{
	switch (c->type) {
	case TS_OBJ_CNODE:
		cnode_finalise(cap_cnode_header(c));
		break;
	case TS_OBJ_TCB:
		tcb_finalise(cap_tcb(c));
		break;
	case TS_OBJ_ENDPOINT:
		endpoint_cancel_all(cap_endpoint(c));
		break;
	case TS_OBJ_NOTIFICATION:
		notification_cancel_all(cap_notification(c));
		break;
	case TS_OBJ_DOMAIN:
		domain_finalise(cap_domain(c));
		break;
	case TS_OBJ_VSPACE:
	case TS_OBJ_GUEST_SPACE:
		vspace_finalise(c);
		break;
	case TS_OBJ_VCPU:
		vcpu_finalise(cap_vcpu(c));
		break;
	case TS_OBJ_FRAME_4K:
	case TS_OBJ_FRAME_2M:
		/* Guests may show it through grant mappings: those end with it. */
		xen_grant_frame_gone(virt_to_phys((void *)c->obj), BIT(c->size_bits));
		break;
	case TS_CAP_IRQ_HANDLER:
		irq_release(c->aux);
		break;
	default:
		break;
	}
}

static void delete_one(struct slot *s)
{
	struct cap c = s->cap;
	bool final;

	if (c.type == TS_OBJ_NULL)
		return;
	final = cap_is_final(s);
	cdt_unlink(s);
	switch (c.type) {
	case TS_OBJ_FRAME_4K:
	case TS_OBJ_FRAME_2M:
	case TS_OBJ_PDPT:
	case TS_OBJ_PAGE_DIRECTORY:
	case TS_OBJ_PAGE_TABLE:
		mapping_remove(&c);
		break;
	default:
		break;
	}
	if (final)
		finalise(&c);
}

static struct slot *dying_next_slot(struct dying_link *link)
{
	if (link->kind == DYING_TCB) {
		struct tcb *t = container_of(link, struct tcb, dying);
		for (unsigned i = 0; i < TCB_SLOT_COUNT; i++)
			if (!slot_empty(&t->slots[i]))
				return &t->slots[i];
		return NULL;
	}
	struct cnode_header *h = container_of(link, struct cnode_header, dying);
	struct slot *slots = (struct slot *)h;
	for (; h->cursor < BIT(h->radix); h->cursor++)
		if (!slot_empty(&slots[h->cursor]))
			return &slots[h->cursor];
	return NULL;
}

static void drain_dying(void)
{
	while (dying_head) {
		struct dying_link *link = dying_head;
		struct slot *s = dying_next_slot(link);
		if (!s) {
			dying_head = link->next;
			link->queued = 0;
			continue;
		}
		delete_one(s);
	}
}

void cap_install_copy(struct slot *dst, struct slot *src)
{
	struct slot staged = {0};
	struct cap copy;

	if (src && cap_derive(&src->cap, &copy))
		cdt_insert_child(src, &staged, &copy);
	cap_delete(dst);
	if (!slot_empty(&staged))
		cdt_move(dst, &staged);
}

void cap_delete(struct slot *s)
{
	delete_one(s);
	drain_dying();
}

void cap_revoke(struct slot *s)
{
	struct slot *c;

	while ((c = s->first_child)) {
		while (c->first_child)
			c = c->first_child;
		delete_one(c);
		drain_dying();
	}
}
