/*
 * Domain: the kernel's notion of a Xen domain. It names the domid every
 * Xen-facing mechanism (event channels, grant tables) keys on; a domid
 * belongs to at most one live Domain object. The Xen guest state and its
 * methods are in kernel/xen/domain_xen.c.
 */
#include <kernel/invoke.h>
#include <kernel/xen.h>

static struct domain *domid_owner[TS_DOMID_FIRST_RESERVED];

struct domain *domain_lookup(uint32_t domid)
{
	return domid < TS_DOMID_FIRST_RESERVED ? domid_owner[domid] : NULL;
}

void domain_finalise(struct domain *d)
{
	xen_domain_finalise(d);
	if (d->domid < TS_DOMID_FIRST_RESERVED && domid_owner[d->domid] == d)
		domid_owner[d->domid] = NULL;
	d->domid = TS_DOMID_INVALID;
}

bool domain_claim_id(struct domain *d, word_t domid)
{
	if (domid >= TS_DOMID_FIRST_RESERVED || d->domid != TS_DOMID_INVALID || domid_owner[domid])
		return false;
	domid_owner[domid] = d;
	d->domid = domid;
	return true;
}

int domain_invoke(struct invocation *inv)
{
	struct domain *d = cap_domain(&inv->slot->cap);
	word_t domid;

	switch (inv->label) {
	case TS_DOMAIN_SET_ID:
		if (!inv_has_args(inv, 1))
			return TS_ERR_TRUNCATED_MESSAGE;
		domid = inv_arg(inv, 0);
		if (domid >= TS_DOMID_FIRST_RESERVED)
			return TS_ERR_RANGE;
		return domain_claim_id(d, domid) ? TS_OK : TS_ERR_DELETE_FIRST;
	case TS_DOMAIN_GET_INFO:
		inv_set_result(inv, 0, d->domid == TS_DOMID_INVALID ? ~(word_t)0 : d->domid);
		inv_set_result(inv, 1, d->nr_threads);
		return TS_OK;
	default:
		return xen_domain_invoke(inv, d);
	}
}
