/* The PV console ring, either side (see <libos/xencons.h>). */
#include <libos/xencons.h>

void xencons_guest_dirs(volatile struct xencons_interface *intf, struct xencons_dir *out,
			struct xencons_dir *in)
{
	out->buf = intf->out;
	out->size = sizeof(intf->out);
	out->cons = &intf->out_cons;
	out->prod = &intf->out_prod;
	in->buf = intf->in;
	in->size = sizeof(intf->in);
	in->cons = &intf->in_cons;
	in->prod = &intf->in_prod;
}

static uint32_t load_idx(volatile uint32_t *p)
{
	uint32_t v = *p;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the index before the data */
	return v;
}

static void store_idx(volatile uint32_t *p, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the data before the index */
	*p = v;
}

long xencons_read(const struct xencons_dir *d, uint32_t *mine, char *dst, size_t n)
{
	uint32_t prod = load_idx(d->prod), avail = prod - *mine, mask = d->size - 1;

	if (avail > d->size)
		return -1;
	if (n > avail)
		n = avail;
	for (size_t i = 0; i < n; i++)
		dst[i] = d->buf[(*mine + i) & mask];
	*mine += (uint32_t)n;
	store_idx(d->cons, *mine);
	return (long)n;
}

long xencons_write(const struct xencons_dir *d, uint32_t *mine, const char *src, size_t n)
{
	uint32_t cons = load_idx(d->cons), used = *mine - cons, mask = d->size - 1;

	if (used > d->size)
		return -1;
	if (n > d->size - used)
		n = d->size - used;
	for (size_t i = 0; i < n; i++)
		d->buf[(*mine + i) & mask] = src[i];
	*mine += (uint32_t)n;
	store_idx(d->prod, *mine);
	return (long)n;
}
