/* The control domain's side of the stub-domain services. */
#include <libos/server.h>
#include <libos/service.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include <ts/thread.h>
#include "service.h"

int stubdom_service_create(const struct stubdom_config *cfg, struct stubdom_service *s)
{
	int err = ts_object_alloc(TS_OBJ_ENDPOINT, 0, &s->endpoint);

	if (err == TS_OK)
		err = ts_object_alloc(TS_OBJ_NOTIFICATION, 0, &s->events);
	if (err == TS_OK)
		err = (s->ctl = ts_slot_alloc()) ? TS_OK : TS_ERR_RANGE;
	if (err == TS_OK)
		err = ts_cnode_mint(ts_self.cnode, s->ctl, ts_self.cnode, s->endpoint,
				    TS_RIGHT_WRITE | TS_RIGHT_GRANT, SVC_BADGE_CONTROL);
	if (err == TS_OK)
		err = stubdom_create(cfg, &s->dom);
	if (err == TS_OK)
		err = stubdom_give(&s->dom, "svc", s->endpoint, TS_RIGHT_READ, 0);
	if (err == TS_OK)
		err = stubdom_give(&s->dom, "events", s->events, TS_RIGHT_READ, 0);
	return err;
}

int stubdom_give_kick(struct ts_domain *d, const char *key, const struct stubdom_service *s,
		      uint32_t domid)
{
	return stubdom_give(d, key, s->events, TS_RIGHT_WRITE, svc_kick_badge(domid));
}

unsigned stubdom_service_call(uint64_t ep, uint64_t label, const uint64_t *mr, unsigned n,
			      const uint64_t *caps, unsigned nr_caps, uint64_t *reply)
{
	struct ts_ipc_buffer *ipc = ts_ipc();
	struct ts_msg m = { 0 };

	ipc->receive_cnode = 0;		/* replies bring no caps */
	for (unsigned i = 0; i < nr_caps; i++)
		ipc->caps[i] = caps[i];
	for (unsigned i = 0; i < n; i++) {
		if (i < TS_MSG_REG_COUNT)
			m.mr[i] = mr[i];
		else
			ipc->msg[i] = mr[i];
	}
	m.info = ts_msginfo_new(label, nr_caps, n);
	ts_call(ep, &m);
	for (unsigned i = 0; reply && i < ts_msginfo_length(m.info); i++)
		reply[i] = i < TS_MSG_REG_COUNT ? m.mr[i] : ipc->msg[i];
	return (unsigned)ts_msginfo_label(m.info);
}

/*
 * A WRITE copy of ntfn with badge (a signal through an unbadged cap
 * carries word 0, which libos's events ignore), in a slot reused for
 * every request: the service keeps its own copy. 0 if it cannot be made.
 */
static uint64_t signal_copy(uint64_t ntfn, uint64_t badge)
{
	static uint64_t scratch;

	if (!scratch && !(scratch = ts_slot_alloc()))
		return 0;
	ts_cnode_delete(ts_self.cnode, scratch);
	if (ts_cnode_mint(ts_self.cnode, scratch, ts_self.cnode, ntfn, TS_RIGHT_WRITE, badge) != TS_OK)
		return 0;
	return scratch;
}

unsigned stubdom_service_introduce(const struct stubdom_service *s, uint32_t domid,
				   const char *name, uint64_t frame, uint64_t ntfn)
{
	uint64_t mr[2 + SVC_NAME_MAX / 8] = { domid, strlen(name) }, caps[2] = { frame, 0 };

	if (mr[1] > SVC_NAME_MAX)
		return SVC_EINVAL;
	if (!(caps[1] = signal_copy(ntfn, 1)))
		return SVC_EINVAL;
	svc_pack(mr + 2, name, mr[1]);
	return stubdom_service_call(s->ctl, SVC_INTRODUCE, mr, 2 + svc_bytes_mrs(mr[1]), caps, 2,
				    NULL);
}

unsigned stubdom_service_release(const struct stubdom_service *s, uint32_t domid)
{
	uint64_t mr = domid;

	return stubdom_service_call(s->ctl, SVC_RELEASE, &mr, 1, NULL, 0, NULL);
}

unsigned stubdom_console_attach(uint64_t ep, uint32_t domid, uint64_t ntfn, uint64_t badge,
				unsigned flags)
{
	uint64_t mr[2] = { domid, flags }, cap = 0;

	if (ntfn && !(cap = signal_copy(ntfn, badge)))
		return SVC_EINVAL;
	return stubdom_service_call(ep, CONS_ATTACH, mr, 2, &cap, ntfn ? 1 : 0, NULL);
}

long stubdom_console_read(uint64_t ep, char *buf, size_t size)
{
	uint64_t reply[TS_MSG_MAX_LENGTH] = { 0 };
	unsigned status = stubdom_service_call(ep, CONS_READ, NULL, 0, NULL, 0, reply);
	size_t n = reply[0] < size ? reply[0] : size;

	if (status != SVC_OK)
		return -(long)status;
	if (n > SVC_BYTES_MAX)
		n = SVC_BYTES_MAX;
	svc_unpack(buf, reply + 1, n);
	return (long)n;
}

long stubdom_console_write(uint64_t ep, const char *buf, size_t n, int *detached)
{
	uint64_t mr[1 + SVC_BYTES_MAX / 8] = { n }, reply[TS_MSG_MAX_LENGTH] = { 0 };
	unsigned status;

	if (n > SVC_BYTES_MAX)
		return -(long)SVC_EINVAL;
	svc_pack(mr + 1, buf, n);
	status = stubdom_service_call(ep, CONS_WRITE, mr, 1 + svc_bytes_mrs(n), NULL, 0, reply);
	if (status != SVC_OK)
		return -(long)status;
	*detached = reply[0] == 1;
	return (long)reply[1];
}
