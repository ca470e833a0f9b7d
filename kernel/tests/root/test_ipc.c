/* Endpoints: send, receive, call, reply, badges, rights, cap transfer. */
#include "harness.h"

/* An echo server: records each message, replies with label + 1 and every MR inverted. */
struct server {
	uint64_t ep;
	uint64_t recv_base;	/* message n may bring caps into slots recv_base + 4n.. */
	volatile unsigned count;
	volatile uint64_t badge, info;
	uint64_t mr[TS_MSG_MAX_LENGTH];
};

static void echo_server(void *arg)
{
	struct server *s = arg;
	struct ts_ipc_buffer *ipc = ts_ipc();
	struct ts_msg m = { 0 };

	ipc->receive_cnode = s->recv_base ? TS_ROOT_CNODE : 0;
	ipc->receive_index = s->recv_base;
	ts_recv(s->ep, &m);
	for (;;) {
		unsigned len = ts_msginfo_length(m.info);

		for (unsigned i = 0; i < len; i++)
			s->mr[i] = i < TS_MSG_REG_COUNT ? m.mr[i] : ipc->msg[i];
		s->badge = m.badge;
		s->info = m.info;
		s->count++;
		for (unsigned i = 0; i < len; i++) {
			if (i < TS_MSG_REG_COUNT)
				m.mr[i] = ~s->mr[i];
			else
				ipc->msg[i] = ~s->mr[i];
		}
		m.info = ts_msginfo_new(ts_msginfo_label(m.info) + 1, 0, len);
		ipc->receive_index = s->recv_base + 4 * s->count;
		ts_reply_recv(s->ep, &m);
	}
}

static uint64_t pattern(unsigned i)
{
	return 0x0123456789abcdefull * (i + 1) ^ i;
}

/* Calls through cap with len MRs of pattern(); returns the reply. */
static struct ts_msg call_pattern(uint64_t cap, uint64_t label, unsigned len)
{
	struct ts_ipc_buffer *ipc = ts_ipc();
	struct ts_msg m = { .info = ts_msginfo_new(label, 0, len) };

	for (unsigned i = 0; i < len; i++) {
		if (i < TS_MSG_REG_COUNT)
			m.mr[i] = pattern(i);
		else
			ipc->msg[i] = pattern(i);
	}
	ts_call(cap, &m);
	return m;
}

static int reply_is_inverted(const struct ts_msg *m, unsigned len)
{
	struct ts_ipc_buffer *ipc = ts_ipc();

	if (ts_msginfo_length(m->info) != len) {
		ts_printf("# reply has %u MRs, not %u\n", ts_msginfo_length(m->info), len);
		return 0;
	}
	for (unsigned i = 0; i < len; i++) {
		uint64_t v = i < TS_MSG_REG_COUNT ? m->mr[i] : ipc->msg[i];

		if (v != ~pattern(i)) {
			ts_printf("# reply MR%u is %lx, not %lx\n", i, v, ~pattern(i));
			return 0;
		}
	}
	return 1;
}

static int server_saw_pattern(const struct server *s, unsigned len)
{
	if (ts_msginfo_length(s->info) != len)
		return 0;
	for (unsigned i = 0; i < len; i++) {
		if (s->mr[i] != pattern(i))
			return 0;
	}
	return 1;
}

struct waiter {
	uint64_t cap;
	volatile int woken;
	volatile uint64_t info;
};

static void recv_once(void *arg)
{
	struct waiter *w = arg;
	struct ts_msg m = { 0 };

	ts_recv(w->cap, &m);
	w->info = m.info;
	w->woken = 1;
}

static void call_once(void *arg)
{
	struct waiter *w = arg;
	struct ts_msg m = { .info = ts_msginfo_new(5, 0, 0) };

	ts_call(w->cap, &m);
	w->info = m.info;
	w->woken = 1;
}

static void test_transfer(uint64_t ep, struct server *s)
{
	struct ts_ipc_buffer *ipc = ts_ipc();
	uint64_t f1 = new_object(TS_OBJ_FRAME_4K, 0), n1 = new_object(TS_OBJ_NOTIFICATION, 0);
	uint64_t nogrant = new_slot(), slot;
	struct ts_msg m;
	unsigned before;

	if (!f1 || !n1)
		return;
	ipc->caps[0] = f1;
	ipc->caps[1] = n1;
	ipc->caps[2] = ep;
	slot = s->recv_base + 4 * s->count;
	m = (struct ts_msg){ .info = ts_msginfo_new(9, 3, 1), .mr = { 1 } };
	ts_call(ep, &m);
	check(ts_msginfo_extra_caps(s->info) == 3, "ipc: three caps transferred with one call");
	check(cap_type(slot) == TS_OBJ_FRAME_4K && cap_type(slot + 1) == TS_OBJ_NOTIFICATION &&
	      cap_type(slot + 2) == TS_OBJ_ENDPOINT,
	      "ipc: the receiver holds them in consecutive slots, in order");
	check(cap_type(f1) == TS_OBJ_FRAME_4K, "ipc: the sender keeps its caps (transfer copies)");
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, f1), TS_OK, "ipc: revoke the sender's frame cap");
	check(slot_is_empty(slot), "ipc: the transferred copy was derived from it and is gone");

	/* without GRANT no capability moves */
	ts_cnode_mint(TS_ROOT_CNODE, nogrant, TS_ROOT_CNODE, ep, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	ipc->caps[0] = n1;
	before = s->count;
	slot = s->recv_base + 4 * s->count;
	m = (struct ts_msg){ .info = ts_msginfo_new(9, 1, 1) };
	ts_call(nogrant, &m);
	check(ts_msginfo_label(m.info) == TS_ERR_INSUFFICIENT_RIGHTS ||
	      (s->count == before + 1 && ts_msginfo_extra_caps(s->info) == 0 && slot_is_empty(slot)),
	      "ipc: a cap sent without GRANT does not arrive");
}

/* Stress: clients on every CPU calling servers on every CPU through one endpoint. */
#define STRESS_CLIENTS	4
#define STRESS_CALLS	5000

struct stress_client {
	uint64_t ep;		/* badged with badge */
	uint64_t badge;
	volatile unsigned good;
	volatile int done;
};

static void stress_server(void *arg)
{
	uint64_t ep = (uint64_t)arg;
	struct ts_msg m = { 0 };

	ts_recv(ep, &m);
	for (;;) {
		/* reply with badge and argument mixed, so a crossed reply shows */
		m = (struct ts_msg){ .info = ts_msginfo_new(0, 0, 2), .mr = { m.badge, m.mr[0] * 3 + m.badge } };
		ts_reply_recv(ep, &m);
	}
}

static void stress_client(void *arg)
{
	struct stress_client *c = arg;

	for (unsigned i = 0; i < STRESS_CALLS; i++) {
		struct ts_msg m = { .info = ts_msginfo_new(1, 0, 1), .mr = { i } };

		ts_call(c->ep, &m);
		c->good += ts_msginfo_label(m.info) == 0 && m.mr[0] == c->badge && m.mr[1] == i * 3 + c->badge;
	}
	c->done = 1;
}

static void test_stress(void)
{
	static struct stress_client clients[STRESS_CLIENTS];
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), good = 0;
	int all_done = 1;

	if (!ep)
		return;
	for (unsigned i = 0; i < 2; i++)
		spawn(stress_server, (void *)ep, ROOT_PRIO, i % bi->nr_cpus, 0);
	for (unsigned i = 0; i < STRESS_CLIENTS; i++) {
		clients[i] = (struct stress_client){ .ep = new_slot(), .badge = 0x100 + i };
		ts_cnode_mint(TS_ROOT_CNODE, clients[i].ep, TS_ROOT_CNODE, ep, TS_RIGHT_WRITE, clients[i].badge);
		spawn(stress_client, &clients[i], ROOT_PRIO, i % bi->nr_cpus, 0);
	}
	for (unsigned i = 0; i < STRESS_CLIENTS; i++) {
		all_done &= wait_flag(&clients[i].done, 20000);
		good += clients[i].good;
	}
	check(all_done && good == STRESS_CLIENTS * STRESS_CALLS,
	      "ipc: %u clients and 2 servers on %lu CPUs: %lu of %u calls got their own reply", STRESS_CLIENTS,
	      bi->nr_cpus, good, STRESS_CLIENTS * STRESS_CALLS);
}

void test_ipc(void)
{
	static struct server srv, remote;
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), ep2 = new_object(TS_OBJ_ENDPOINT, 0);
	uint64_t badged = new_slot(), ro = new_slot(), wo = new_slot(), none = new_slot();
	uint64_t frame = new_object(TS_OBJ_FRAME_4K, 0);
	struct ts_thread *t, *t2;
	struct waiter w = { 0 };
	struct ts_msg m;
	unsigned before;
	int replied;

	if (!ep || !ep2 || !frame)
		return;
	srv.ep = ep;
	srv.recv_base = ts_alloc.next_slot;
	for (int i = 0; i < 64; i++)
		new_slot();
	t = spawn(echo_server, &srv, ROOT_PRIO, 0, 0);
	if (!t)
		return;

	/* (check the reply before printing: console output goes through the IPC buffer) */
	m = call_pattern(ep, 0x33, TS_MSG_MAX_LENGTH);
	replied = ts_msginfo_label(m.info) == 0x34 && reply_is_inverted(&m, TS_MSG_MAX_LENGTH);
	check(server_saw_pattern(&srv, TS_MSG_MAX_LENGTH) && srv.badge == 0,
	      "ipc: call carries 120 MRs to the receiver");
	check(replied, "ipc: reply carries 120 MRs back (reply_recv)");
	m = call_pattern(ep, 0x40, 3);
	check(server_saw_pattern(&srv, 3) && reply_is_inverted(&m, 3) && ts_msginfo_label(m.info) == 0x41,
	      "ipc: a second call/reply, registers only");

	ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL, 0x77);
	call_pattern(badged, 1, 0);
	check(srv.badge == 0x77, "ipc: the receiver gets the badge of the sender's cap");

	before = srv.count;
	m = (struct ts_msg){ .info = ts_msginfo_new(0x51, 0, 4), .mr = { 1, 2, 3, 4 } };
	ts_send(ep, &m);
	for (uint64_t end = deadline_ms(1000); srv.count == before && ts_rdtsc() < end;)
		ts_yield();
	check(srv.count == before + 1 && srv.mr[3] == 4 && ts_msginfo_label(srv.info) == 0x51,
	      "ipc: send delivers to a waiting receiver");

	test_transfer(ep, &srv);

	/* rights and bad caps */
	ts_cnode_mint(TS_ROOT_CNODE, ro, TS_ROOT_CNODE, ep, TS_RIGHT_READ, 0);
	ts_cnode_mint(TS_ROOT_CNODE, wo, TS_ROOT_CNODE, ep, TS_RIGHT_WRITE, 0);
	check_err(syscall_label(TS_SYS_CALL, ro), TS_ERR_INSUFFICIENT_RIGHTS,
		  "ipc: call on a read-only endpoint cap -> insufficient rights");
	check_err(syscall_label(TS_SYS_RECV, wo), TS_ERR_INSUFFICIENT_RIGHTS,
		  "ipc: recv on a write-only endpoint cap -> insufficient rights");
	check_err(syscall_label(TS_SYS_SEND, ro), TS_ERR_INSUFFICIENT_RIGHTS,
		  "ipc: send on a read-only endpoint cap -> insufficient rights");
	check_err(syscall_label(TS_SYS_CALL, none), TS_ERR_INVALID_CAPABILITY,
		  "ipc: call on an empty slot -> invalid capability");
	check_err(syscall_label(TS_SYS_RECV, none), TS_ERR_INVALID_CAPABILITY,
		  "ipc: recv on an empty slot -> invalid capability");
	check_err(syscall_label(TS_SYS_RECV, frame), TS_ERR_INVALID_CAPABILITY,
		  "ipc: recv on a frame cap -> invalid capability");
	check_err(syscall_label(TS_SYS_NBSEND, none), TS_ERR_INVALID_CAPABILITY,
		  "ipc: nbsend on an empty slot -> invalid capability");

	/* non-blocking forms with nobody on the other side */
	m = (struct ts_msg){ 0 };
	ts_nbrecv(ep2, &m);
	check(m.badge == 0 && ts_msginfo_length(m.info) == 0, "ipc: nbrecv with no sender returns at once");
	m = (struct ts_msg){ .info = ts_msginfo_new(0x99, 0, 1), .mr = { 42 } };
	ts_nbsend(ep2, &m);
	m = (struct ts_msg){ 0 };
	ts_nbrecv(ep2, &m);
	check(ts_msginfo_label(m.info) != 0x99, "ipc: nbsend with no receiver drops the message");
	m = (struct ts_msg){ 0 };
	ts_reply(&m);
	check(1, "ipc: reply with no caller pending returns");

	/* nbrecv picks up a blocked sender; a blocked caller gets the reply */
	w.cap = ep2;
	t2 = spawn(call_once, &w, ROOT_PRIO, 0, 0);
	for (int i = 0; i < 10; i++)
		ts_yield();
	m = (struct ts_msg){ 0 };
	ts_nbrecv(ep2, &m);
	check(ts_msginfo_label(m.info) == 5, "ipc: nbrecv takes the message of a blocked caller");
	m = (struct ts_msg){ .info = ts_msginfo_new(6, 0, 0) };
	ts_reply(&m);
	check(wait_flag(&w.woken, 1000) && ts_msginfo_label(w.info) == 6, "ipc: reply wakes that caller");
	stop(t2);

	/* deleting the last cap of an endpoint wakes its waiters with an error */
	w = (struct waiter){ .cap = ep2 };
	t2 = spawn(recv_once, &w, ROOT_PRIO, 0, 0);
	for (int i = 0; i < 10; i++)
		ts_yield();
	check(!w.woken, "ipc: a receiver blocks on an empty endpoint");
	ts_cnode_delete(TS_ROOT_CNODE, ep2);
	check(wait_flag(&w.woken, 1000) && ts_msginfo_label(w.info) != 0,
	      "ipc: deleting the endpoint wakes the receiver with an error");
	stop(t2);

	/* across CPUs */
	if (bi->nr_cpus > 1) {
		uint64_t xep = new_object(TS_OBJ_ENDPOINT, 0);

		remote.ep = xep;
		if (xep && spawn(echo_server, &remote, ROOT_PRIO, 1, 0)) {
			m = call_pattern(xep, 0x60, TS_MSG_MAX_LENGTH);
			check(server_saw_pattern(&remote, TS_MSG_MAX_LENGTH) &&
			      reply_is_inverted(&m, TS_MSG_MAX_LENGTH),
			      "ipc: call/reply with 120 MRs between CPU 0 and CPU 1");
		}
	}
	stop(t);
	test_stress();
}
