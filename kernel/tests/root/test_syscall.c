/*
 * The syscall layer itself: unknown syscall numbers, yield, the object
 * kinds each syscall accepts, abandoned callers, and the exceptions a
 * thread's fault handler receives.
 */
#include "harness.h"

static volatile uint64_t ticks;

static void count_and_yield(void *arg)
{
	(void)arg;
	for (;;) {
		ticks++;
		ts_yield();
	}
}

struct caller {
	uint64_t ep;
	uint64_t label;
	volatile uint64_t reply;
	volatile int done;
};

static void call_and_record(void *arg)
{
	struct caller *c = arg;
	struct ts_msg m = { .info = ts_msginfo_new(c->label, 0, 0) };

	ts_call(c->ep, &m);
	c->reply = ts_msginfo_label(m.info);
	c->done = 1;
}

static void undefined_instruction(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void divide_by_zero(void *arg)
{
	uint64_t zero = 0;

	(void)arg;
	__asm__ volatile("xor %%edx, %%edx\n div %1" : "+a"(*(uint64_t[]){ 1 }) : "r"(zero) : "rdx");
}

static volatile int unhandled_finished;

/* Writes to arg, an address nothing maps. */
static void fault_without_handler(void *arg)
{
	*(volatile uint64_t *)arg = 1;
	unhandled_finished = 1;
}

static void check_exception(void (*fn)(void *), uint64_t vector, const char *what)
{
	struct ts_msg f = { 0 };
	int r = run_guarded(fn, 0, &f, 2000);

	check(r == 0 && ts_msginfo_label(f.info) == TS_FAULT_EXCEPTION && f.mr[1] == vector,
	      "fault: %s reaches the fault handler as exception %lu", what, vector);
}

void test_syscalls(void)
{
	static struct caller a, b;
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), n = new_object(TS_OBJ_NOTIFICATION, 0);
	uint64_t nb = new_slot(), frame = new_object(TS_OBJ_FRAME_4K, 0), paddr = 0, before;
	static const uint64_t bad_numbers[] = { 0, TS_SYS_COUNT, 255, 1ull << 63 };
	struct ts_thread *t;
	struct ts_msg m;

	if (!ep || !n || !frame)
		return;
	for (unsigned i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++)
		check_err(syscall_label((enum ts_syscall)bad_numbers[i], TS_ROOT_CNODE), TS_ERR_ILLEGAL_OPERATION,
			  "syscall: number %lx -> illegal operation", bad_numbers[i]);

	/* yield hands the CPU to a thread of the same priority */
	t = spawn(count_and_yield, 0, ROOT_PRIO, 0, 0);
	before = ticks;
	ts_yield();
	check(ticks > before, "syscall: yield runs another thread of the same priority");
	stop(t);

	/* which syscalls accept which objects */
	ts_cnode_mint(TS_ROOT_CNODE, nb, TS_ROOT_CNODE, n, TS_RIGHT_WRITE, 0x10);
	m = (struct ts_msg){ 0 };
	ts_call(nb, &m);
	check(ts_poll(n) == 0x10, "syscall: call on a notification signals it");
	m = (struct ts_msg){ .info = ts_msginfo_new(TS_FRAME_GET_ADDRESS, 0, 0) };
	ts_send(frame, &m);
	ts_frame_get_address(frame, &paddr);
	check(ts_msginfo_label(m.info) == TS_OK && paddr != 0, "syscall: send on a frame invokes it");
	check_err(syscall_label(TS_SYS_REPLY_RECV, frame), TS_ERR_INVALID_CAPABILITY,
		  "syscall: reply_recv on a frame -> invalid capability");
	check_err(syscall_label(TS_SYS_NBRECV, frame), TS_ERR_INVALID_CAPABILITY,
		  "syscall: nbrecv on a frame -> invalid capability");

	/* a receiver that takes a second call before replying abandons the first caller */
	a = (struct caller){ .ep = ep, .label = 0xa };
	b = (struct caller){ .ep = ep, .label = 0xb };
	spawn(call_and_record, &a, ROOT_PRIO, 0, 0);
	spawn(call_and_record, &b, ROOT_PRIO, 0, 0);
	m = (struct ts_msg){ 0 };
	ts_recv(ep, &m);
	before = ts_msginfo_label(m.info);
	m = (struct ts_msg){ 0 };
	ts_recv(ep, &m);
	check(wait_flag(before == 0xa ? &a.done : &b.done, 1000) &&
	      (before == 0xa ? a.reply : b.reply) == TS_ERR_ILLEGAL_OPERATION,
	      "syscall: an abandoned caller wakes with illegal operation");
	ts_reply(&(struct ts_msg){ .info = ts_msginfo_new(0x77, 0, 0) });
	check(wait_flag(before == 0xa ? &b.done : &a.done, 1000) && (before == 0xa ? b.reply : a.reply) == 0x77,
	      "syscall: the second caller gets the reply");

	/* exceptions */
	check_exception(undefined_instruction, 6, "ud2 (#UD)");
	check_exception(divide_by_zero, 0, "a division by zero (#DE)");
	t = spawn(fault_without_handler, (void *)0x8, ROOT_PRIO, 0, 0);
	for (int i = 0; i < 20; i++)
		ts_yield();
	check(t && !unhandled_finished && !t->finished,
	      "fault: a thread without a fault endpoint stops at its fault, the kernel goes on");
}
