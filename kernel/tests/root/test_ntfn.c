/* Notifications: signal, wait, poll, badges, rights, binding, across CPUs. */
#include "harness.h"

struct waiter {
	uint64_t ntfn;		/* waits here */
	uint64_t done;		/* badged cap of a notification signalled when woken */
	volatile uint64_t word;
	volatile uint64_t info;
	volatile int woken;
};

static void wait_once(void *arg)
{
	struct waiter *w = arg;

	w->word = ts_wait(w->ntfn);
	w->woken = 1;
	if (w->done)
		ts_signal(w->done);
}

/* Receives on an endpoint with a notification bound to the thread. */
static void recv_bound(void *arg)
{
	struct waiter *w = arg;
	struct ts_msg m = { 0 };

	ts_recv(w->ntfn, &m);
	w->word = m.badge;
	w->info = m.info;
	w->woken = 1;
}

struct signaller {
	uint64_t ntfn;
	volatile int go;
};

static void signal_when_told(void *arg)
{
	struct signaller *s = arg;

	while (!s->go)
		;
	ts_signal(s->ntfn);
}

static uint64_t badged(uint64_t ntfn, uint64_t rights, uint64_t badge)
{
	uint64_t slot = new_slot();

	if (slot && ts_cnode_mint(TS_ROOT_CNODE, slot, TS_ROOT_CNODE, ntfn, rights, badge) != TS_OK)
		check(0, "notification: mint a cap with badge %lx", badge);
	return slot;
}

/* A waiter on CPU wcpu, signalled by the root thread (CPU 0) or, with scpu > 0, a thread on scpu. */
static void cross_cpu(unsigned wcpu, unsigned scpu)
{
	uint64_t n = new_object(TS_OBJ_NOTIFICATION, 0), done = new_object(TS_OBJ_NOTIFICATION, 0);
	static struct waiter w;
	static struct signaller s;
	struct ts_thread *tw, *ts = 0;

	if (!n || !done)
		return;
	w = (struct waiter){ .ntfn = n, .done = badged(done, TS_RIGHT_WRITE, 1) };
	s = (struct signaller){ .ntfn = badged(n, TS_RIGHT_WRITE, 0x5a) };
	tw = spawn(wait_once, &w, ROOT_PRIO, wcpu, 0);
	if (scpu)
		ts = spawn(signal_when_told, &s, ROOT_PRIO, scpu, 0);
	for (uint64_t end = deadline_ms(20); ts_rdtsc() < end;)
		ts_yield();
	check(!w.woken, "notification: a waiter on CPU %u blocks", wcpu);
	if (scpu)
		s.go = 1;
	else
		ts_signal(s.ntfn);
	check(wait_ntfn(done, 2000) == 1 && w.word == 0x5a,
	      "notification: a signal from CPU %u wakes the waiter on CPU %u", scpu, wcpu);
	stop(tw);
	stop(ts);
}

void test_notification(void)
{
	uint64_t n = new_object(TS_OBJ_NOTIFICATION, 0), ep = new_object(TS_OBJ_ENDPOINT, 0);
	uint64_t b1, b2, ro, none = new_slot();
	static struct waiter w;
	struct ts_thread *t;

	if (!n || !ep)
		return;
	b1 = badged(n, TS_RIGHT_WRITE, 1);
	b2 = badged(n, TS_RIGHT_WRITE, 2);
	ro = badged(n, TS_RIGHT_READ, 4);
	check(ts_poll(n) == 0, "notification: poll of a fresh notification gives 0");
	ts_signal(b1);
	ts_signal(b2);
	check(ts_poll(n) == 3, "notification: two signals OR their badges into the word");
	check(ts_poll(n) == 0, "notification: receiving cleared the word");
	ts_signal(b2);
	check(ts_wait(n) == 2, "notification: wait returns at once when the word is set");

	check_err(syscall_label(TS_SYS_SEND, ro), TS_ERR_INSUFFICIENT_RIGHTS,
		  "notification: signal through a read-only cap -> insufficient rights");
	check(ts_poll(n) == 0, "notification: ... and the word is unchanged");
	check_err(syscall_label(TS_SYS_RECV, b1), TS_ERR_INSUFFICIENT_RIGHTS,
		  "notification: wait through a write-only cap -> insufficient rights");
	check_err(syscall_label(TS_SYS_SEND, none), TS_ERR_INVALID_CAPABILITY,
		  "notification: signal through an empty slot -> invalid capability");

	cross_cpu(0, 0);
	if (bi->nr_cpus > 1) {
		cross_cpu(1, 0);
		cross_cpu(0, 1);
		cross_cpu(1, 1);
	}
	for (unsigned cpu = 2; cpu < bi->nr_cpus; cpu++)
		cross_cpu(cpu, 1);

	/* a bound notification wakes a thread blocked on an endpoint */
	w = (struct waiter){ .ntfn = ep };
	t = spawn(recv_bound, &w, ROOT_PRIO, 0, 0);
	if (!t)
		return;
	check_err(ts_tcb_bind_notification(t->tcb, n), TS_OK, "notification: bind to a thread");
	check_err(ts_tcb_bind_notification(t->tcb, ep), TS_ERR_INVALID_CAPABILITY,
		  "notification: bind an endpoint -> invalid capability");
	for (int i = 0; i < 10; i++)
		ts_yield();
	ts_signal(b2);
	check(wait_flag(&w.woken, 1000) && w.word == 2 && ts_msginfo_label(w.info) == 0 &&
	      ts_msginfo_length(w.info) == 0,
	      "notification: a bound notification wakes its thread from an endpoint recv");
	check_err(ts_tcb_unbind_notification(t->tcb), TS_OK, "notification: unbind");
	stop(t);
}
