/* TCB methods, Domain objects and the scheduler: priorities, preemption, FPU state, SMP. */
#include <ts/string.h>
#include "harness.h"

static volatile uint64_t counter;

static void count_forever(void *arg)
{
	(void)arg;
	for (;;)
		counter++;
}

static void set_flag(void *arg)
{
	*(volatile int *)arg = 1;
}

struct prio_try {
	uint64_t target;
	uint64_t prio;
	volatile int go;
	volatile int err;
	volatile int done;
};

static void try_set_priority(void *arg)
{
	struct prio_try *p = arg;

	while (!p->go)
		ts_yield();
	p->err = ts_tcb_set_priority(p->target, p->prio);
	p->done = 1;
}

/* A TCB configured in the root's spaces, not started. */
static uint64_t idle_tcb(void)
{
	uint64_t tcb = new_object(TS_OBJ_TCB, 0), frame = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t vaddr = ts_self.next_ipc_vaddr;

	if (!tcb || !frame || ts_map_frame(frame, TS_ROOT_VSPACE, vaddr, TS_RIGHT_READ | TS_RIGHT_WRITE, 0) != TS_OK)
		return 0;
	ts_self.next_ipc_vaddr += TS_PAGE_SIZE;
	if (ts_tcb_configure(tcb, 0, TS_ROOT_CNODE, TS_ROOT_VSPACE, vaddr, frame) != TS_OK)
		return 0;
	return tcb;
}

static uint64_t spin_ms(uint64_t ms)
{
	uint64_t end = deadline_ms(ms), n = 0;

	while (ts_rdtsc() < end)
		n++;
	return n;
}

void test_tcb(void)
{
	static uint8_t stack[4096] __attribute__((aligned(16)));
	uint64_t tcb = idle_tcb(), ep = new_object(TS_OBJ_ENDPOINT, 0), frame = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t regs[TS_REG_COUNT] = { 0 }, back[TS_REG_COUNT] = { 0 }, none = new_slot(), c1, c2;
	static struct prio_try p;
	struct ts_thread *t;

	if (!tcb || !ep || !frame)
		return;
	for (unsigned i = 0; i < TS_REG_COUNT; i++)
		regs[i] = 0x1000 + i;
	regs[TS_REG_RIP] = (uint64_t)count_forever;
	regs[TS_REG_RSP] = (uint64_t)(stack + sizeof(stack) - 8);
	regs[TS_REG_RFLAGS] = 0x202;
	regs[TS_REG_FS_BASE] = 0x7000;
	check_err(ts_tcb_write_registers(tcb, 0, regs), TS_OK, "tcb: write registers of a stopped thread");
	check_err(ts_tcb_read_registers(tcb, back), TS_OK, "tcb: read registers");
	check(back[TS_REG_RIP] == regs[TS_REG_RIP] && back[TS_REG_RSP] == regs[TS_REG_RSP] &&
	      back[TS_REG_RBX] == regs[TS_REG_RBX] && back[TS_REG_R15] == regs[TS_REG_R15] &&
	      back[TS_REG_FS_BASE] == 0x7000,
	      "tcb: read registers returns what was written");
	check_err(ts_tcb_set_tls_base(tcb, 0x9000), TS_OK, "tcb: set TLS base");
	ts_tcb_read_registers(tcb, back);
	check(back[TS_REG_FS_BASE] == 0x9000, "tcb: the TLS base is the fs base register");
	check_err(ts_tcb_set_priority(tcb, ROOT_PRIO), TS_OK, "tcb: set priority");
	counter = 0;
	spin_ms(5);
	check(counter == 0, "tcb: a thread does not run before it is resumed");
	check_err(ts_tcb_resume(tcb), TS_OK, "tcb: resume");
	for (uint64_t end = deadline_ms(1000); !counter && ts_rdtsc() < end;)
		ts_yield();
	check(counter != 0, "tcb: the resumed thread runs");
	check_err(ts_tcb_suspend(tcb), TS_OK, "tcb: suspend");
	c1 = counter;
	for (int i = 0; i < 20; i++)
		ts_yield();
	c2 = counter;
	check(c1 == c2, "tcb: a suspended thread does not run");
	ts_tcb_resume(tcb);
	for (uint64_t end = deadline_ms(1000); counter == c2 && ts_rdtsc() < end;)
		ts_yield();
	check(counter != c2, "tcb: it runs again after resume");
	ts_tcb_suspend(tcb);

	/* argument errors */
	check_err(ts_tcb_set_priority(tcb, TS_MAX_PRIORITY + 1), TS_ERR_RANGE, "tcb: priority 256 -> range");
	check_err(ts_tcb_set_mcp(tcb, TS_MAX_PRIORITY + 1), TS_ERR_RANGE, "tcb: MCP 256 -> range");
	check_err(ts_tcb_set_affinity(tcb, bi->nr_cpus), TS_ERR_RANGE, "tcb: affinity to CPU %lu (absent) -> range",
		  bi->nr_cpus);
	check_err(ts_tcb_configure(tcb, 0, ep, TS_ROOT_VSPACE, ts_self.next_ipc_vaddr, frame),
		  TS_ERR_INVALID_CAPABILITY, "tcb: configure with an endpoint as CSpace -> invalid capability");
	check_err(ts_tcb_configure(tcb, 0, TS_ROOT_CNODE, ep, ts_self.next_ipc_vaddr, frame),
		  TS_ERR_INVALID_CAPABILITY, "tcb: configure with an endpoint as VSpace -> invalid capability");
	check_err(ts_tcb_configure(tcb, 0, TS_ROOT_CNODE, TS_ROOT_VSPACE, ts_self.next_ipc_vaddr, ep),
		  TS_ERR_INVALID_CAPABILITY, "tcb: configure with an endpoint as IPC buffer -> invalid capability");
	check_err(ts_tcb_configure(tcb, frame, TS_ROOT_CNODE, TS_ROOT_VSPACE, ts_self.next_ipc_vaddr, frame),
		  TS_ERR_INVALID_CAPABILITY, "tcb: configure with a frame as fault endpoint -> invalid capability");
	check_err(ts_tcb_configure(tcb, 0, TS_ROOT_CNODE, TS_ROOT_VSPACE, ts_self.next_ipc_vaddr + 8, frame),
		  TS_ERR_ALIGNMENT, "tcb: configure with an unaligned IPC buffer -> alignment");
	check_err(ts_invoke(tcb, TS_TCB_CONFIGURE, 4, (const uint64_t[]){ 0, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0 }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "tcb: configure with 4 of 5 MRs -> truncated message");
	check_err(ts_invoke(tcb, TS_TCB_WRITE_REGISTERS, 5, (const uint64_t[]){ 0, TS_REG_COUNT, 1, 2, 3 }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "tcb: write registers announcing 19 registers, giving 3 -> truncated message");
	check_err(ts_invoke(tcb, TS_TCB_WRITE_REGISTERS, 3, (const uint64_t[]){ 0, 1, 1ull << 63 }, 0, 0),
		  TS_ERR_INVALID_ARGUMENT, "tcb: write a kernel-half RIP -> invalid argument");
	check_err(ts_tcb_suspend(none), TS_ERR_INVALID_CAPABILITY, "tcb: suspend an empty slot -> invalid capability");
	check_err(ts_tcb_resume(frame), TS_ERR_ILLEGAL_OPERATION, "tcb: resume invoked on a frame -> illegal operation");
	check_err(ts_tcb_set_domain(tcb, ep), TS_ERR_INVALID_CAPABILITY,
		  "tcb: set domain to an endpoint -> invalid capability");
	check_err(ts_invoke(tcb, 47, 0, 0, 0, 0), TS_ERR_ILLEGAL_OPERATION, "tcb: unknown method label -> illegal operation");

	/* the caller's MCP bounds the priorities it may give */
	p = (struct prio_try){ .target = tcb, .prio = 60, .go = 1 };
	t = spawn(try_set_priority, &p, ROOT_PRIO, 0, 0);
	if (t) {
		wait_flag(&p.done, 1000);
		check_err(p.err, TS_ERR_RANGE, "tcb: a thread with MCP 0 cannot give priority 60 -> range");
	}
	p = (struct prio_try){ .target = tcb, .prio = 60 };
	t = spawn(try_set_priority, &p, ROOT_PRIO, 0, 0);
	if (t) {
		check_err(ts_tcb_set_mcp(t->tcb, 60), TS_OK, "tcb: set MCP");
		p.go = 1;
		wait_flag(&p.done, 1000);
		check_err(p.err, TS_OK, "tcb: with MCP 60 it can give priority 60");
	}
}

struct sleeper {
	uint64_t tcb;		/* its own TCB, set before go */
	volatile int go;
	uint64_t ntfn;
	uint64_t ms;
	volatile uint64_t armed_at, woke_at;
	volatile int err;
	volatile int done;
};

/* Arms its own timeout ms ahead and waits for it. */
static void sleep_on_timeout(void *arg)
{
	struct sleeper *s = arg;

	while (!s->go)
		ts_yield();
	s->armed_at = ts_rdtsc();
	s->err = ts_tcb_set_timeout(s->tcb, s->ntfn, s->armed_at + ms_ticks(s->ms));
	if (s->err == TS_OK)
		ts_wait(s->ntfn);
	s->woke_at = ts_rdtsc();
	s->done = 1;
}

void test_timeout(void)
{
	uint64_t n = new_object(TS_OBJ_NOTIFICATION, 0), nb = new_slot(), ro = new_slot();
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), tcb = idle_tcb(), armed, got;
	static struct sleeper s;
	struct ts_thread *t;

	if (!n || !ep || !tcb)
		return;
	ts_cnode_mint(TS_ROOT_CNODE, nb, TS_ROOT_CNODE, n, TS_RIGHT_WRITE, 0x7);
	ts_cnode_mint(TS_ROOT_CNODE, ro, TS_ROOT_CNODE, n, TS_RIGHT_READ, 0x8);
	armed = ts_rdtsc();
	check_err(ts_tcb_set_timeout(tcb, nb, armed + ms_ticks(30)), TS_OK, "timeout: arm a 30 ms timeout");
	got = wait_ntfn(n, 2000);
	check(got == 0x7 && ts_rdtsc() >= armed + ms_ticks(30),
	      "timeout: it signals the notification with its badge, not before the deadline");
	for (uint64_t end = deadline_ms(60); ts_rdtsc() < end;)
		ts_yield();
	check(ts_poll(n) == 0, "timeout: it signals once");
	check_err(ts_tcb_set_timeout(tcb, nb, ts_rdtsc() + ms_ticks(20)), TS_OK, "timeout: arm again");
	check_err(ts_tcb_set_timeout(tcb, 0, 0), TS_OK, "timeout: cancel");
	for (uint64_t end = deadline_ms(60); ts_rdtsc() < end;)
		ts_yield();
	check(ts_poll(n) == 0, "timeout: a cancelled timeout does not signal");
	ts_tcb_set_timeout(tcb, nb, ts_rdtsc() + ms_ticks(5000));
	armed = ts_rdtsc();
	check_err(ts_tcb_set_timeout(tcb, nb, armed + ms_ticks(20)), TS_OK, "timeout: re-arm an armed timeout sooner");
	check(wait_ntfn(n, 2000) == 0x7, "timeout: the new deadline replaces the old one");
	check_err(ts_tcb_set_timeout(tcb, ep, 1), TS_ERR_INVALID_CAPABILITY,
		  "timeout: an endpoint instead of a notification -> invalid capability");
	check_err(ts_tcb_set_timeout(tcb, ro, 1), TS_ERR_INSUFFICIENT_RIGHTS,
		  "timeout: a notification cap without WRITE -> insufficient rights");
	check_err(ts_invoke(tcb, TS_TCB_SET_TIMEOUT, 1, (const uint64_t[]){ nb }, 0, 0), TS_ERR_TRUNCATED_MESSAGE,
		  "timeout: 1 of 2 MRs -> truncated message");

	/* a thread sleeps on its own timeout (the pattern Newlib's sleep will use) */
	s = (struct sleeper){ .ntfn = n, .ms = 50 };
	t = spawn(sleep_on_timeout, &s, ROOT_PRIO, bi->nr_cpus > 1 ? 1 : 0, 0);
	if (!t)
		return;
	s.tcb = t->tcb;
	s.go = 1;
	check(wait_flag(&s.done, 3000) && s.err == TS_OK && s.woke_at >= s.armed_at + ms_ticks(50),
	      "timeout: a thread waiting on its own 50 ms timeout wakes after it");
}

void test_domain(void)
{
	uint64_t d1 = new_object(TS_OBJ_DOMAIN, 0), d2 = new_object(TS_OBJ_DOMAIN, 0);
	uint64_t d3 = new_object(TS_OBJ_DOMAIN, 0), tcb = idle_tcb(), domid = 0, threads = 9;

	if (!d1 || !d2 || !d3 || !tcb)
		return;
	check_err(ts_domain_get_info(d1, &domid, &threads), TS_OK, "domain: get info");
	check(domid == ~0ull && threads == 0, "domain: a new domain has no domid and no thread");
	check_err(ts_domain_get_info(TS_ROOT_DOMAIN, &domid, &threads), TS_OK, "domain: get info of the root domain");
	check(domid == 0 && threads >= 1, "domain: the root domain is domid 0 with the root thread (domid %lx, %lu threads)",
	      domid, threads);
	check_err(ts_domain_set_id(d1, 7), TS_OK, "domain: set domid 7");
	ts_domain_get_info(d1, &domid, &threads);
	check(domid == 7, "domain: get info returns domid 7");
	check_err(ts_domain_set_id(d2, 7), TS_ERR_DELETE_FIRST, "domain: a second domain cannot take domid 7 -> delete first");
	check(ts_domain_set_id(d2, 0) != TS_OK, "domain: nor domid 0 of the root domain");
	check_range_err(ts_domain_set_id(d2, TS_DOMID_FIRST_RESERVED), "domain: domid 0x7ff0 -> range/invalid argument");
	check_err(ts_tcb_set_domain(tcb, d1), TS_OK, "domain: bind a thread");
	ts_domain_get_info(d1, &domid, &threads);
	check(threads == 1, "domain: it counts one thread");
	ts_tcb_set_domain(tcb, d2);
	ts_domain_get_info(d1, &domid, &threads);
	check(threads == 0, "domain: moving the thread to another domain uncounts it");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, d1), TS_OK, "domain: delete domain 7");
	check_err(ts_domain_set_id(d3, 7), TS_OK, "domain: domid 7 is free again");
	check_err(ts_domain_set_id(d3, 8), TS_ERR_DELETE_FIRST, "domain: a domid is set once -> delete first");
	check_err(ts_invoke(d3, TS_DOMAIN_SET_ID, 0, 0, 0, 0), TS_ERR_TRUNCATED_MESSAGE,
		  "domain: set id with no MR -> truncated message");
}

/* Preemption: two spinners at one priority on one CPU must interleave. */
struct spinner {
	volatile int *peer_running;
	volatile int running;
	uint64_t ms;
	volatile uint64_t seen_peer;	/* iterations during which the peer was running */
	volatile int done;
};

static void spin_and_watch(void *arg)
{
	struct spinner *s = arg;
	uint64_t end;

	s->running = 1;
	end = deadline_ms(s->ms);
	while (ts_rdtsc() < end) {
		if (*s->peer_running)
			s->seen_peer++;
	}
	s->running = 0;
	s->done = 1;
}

/* FPU/SSE state: fill xmm0..15, spin, check they still hold the values. */
struct sse_worker {
	uint64_t seed;
	uint64_t ms;
	volatile uint64_t start, end;
	volatile int intact;
	volatile int done;
};

static void sse_spin(void *arg)
{
	struct sse_worker *w = arg;
	uint64_t in[32] __attribute__((aligned(16))), out[32] __attribute__((aligned(16)));
	uint64_t ticks = ms_ticks(w->ms);

	for (int i = 0; i < 32; i++)
		in[i] = w->seed * (i + 1);
	w->start = ts_rdtsc();
	__asm__ volatile(
		"movdqa 0(%0), %%xmm0\n movdqa 16(%0), %%xmm1\n movdqa 32(%0), %%xmm2\n movdqa 48(%0), %%xmm3\n"
		"movdqa 64(%0), %%xmm4\n movdqa 80(%0), %%xmm5\n movdqa 96(%0), %%xmm6\n movdqa 112(%0), %%xmm7\n"
		"movdqa 128(%0), %%xmm8\n movdqa 144(%0), %%xmm9\n movdqa 160(%0), %%xmm10\n movdqa 176(%0), %%xmm11\n"
		"movdqa 192(%0), %%xmm12\n movdqa 208(%0), %%xmm13\n movdqa 224(%0), %%xmm14\n movdqa 240(%0), %%xmm15\n"
		"rdtsc\n shl $32, %%rdx\n or %%rdx, %%rax\n lea (%%rax, %2), %%rcx\n"
		"1: rdtsc\n shl $32, %%rdx\n or %%rdx, %%rax\n cmp %%rcx, %%rax\n jb 1b\n"
		"movdqa %%xmm0, 0(%1)\n movdqa %%xmm1, 16(%1)\n movdqa %%xmm2, 32(%1)\n movdqa %%xmm3, 48(%1)\n"
		"movdqa %%xmm4, 64(%1)\n movdqa %%xmm5, 80(%1)\n movdqa %%xmm6, 96(%1)\n movdqa %%xmm7, 112(%1)\n"
		"movdqa %%xmm8, 128(%1)\n movdqa %%xmm9, 144(%1)\n movdqa %%xmm10, 160(%1)\n movdqa %%xmm11, 176(%1)\n"
		"movdqa %%xmm12, 192(%1)\n movdqa %%xmm13, 208(%1)\n movdqa %%xmm14, 224(%1)\n movdqa %%xmm15, 240(%1)\n"
		:
		: "r"(in), "r"(out), "r"(ticks)
		: "rax", "rcx", "rdx", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	w->end = ts_rdtsc();
	w->intact = memcmp(in, out, sizeof(in)) == 0;
	w->done = 1;
}

#define MAX_CPUS 64

struct cpu_probe {
	volatile int apic_id;
	volatile int done;
};

static void report_apic_id(void *arg)
{
	struct cpu_probe *p = arg;
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	p->apic_id = (int)(b >> 24);
	p->done = 1;
}

void test_scheduling(void)
{
	static struct spinner a, b;
	static struct sse_worker x, y;
	static struct cpu_probe probes[MAX_CPUS];
	static volatile int high_ran, low_ran;
	struct ts_thread *low;
	unsigned seen = 0;

	/* a higher priority runs at once; a lower one waits */
	spawn(set_flag, (void *)&high_ran, ROOT_PRIO + 50, 0, 0);
	check(high_ran, "sched: a higher-priority thread preempts its creator at once");
	low = spawn(set_flag, (void *)&low_ran, ROOT_PRIO - 50, 0, 0);
	spin_ms(20);
	for (int i = 0; i < 10; i++)
		ts_yield();
	check(!low_ran, "sched: a lower-priority thread does not run while a higher one is runnable");
	if (low)
		ts_tcb_set_priority(low->tcb, ROOT_PRIO);
	check(wait_flag(&low_ran, 1000), "sched: it runs once raised to the same priority");

	/* two spinners, same priority, same CPU; the root thread blocks meanwhile */
	a = (struct spinner){ .peer_running = &b.running, .ms = 300 };
	b = (struct spinner){ .peer_running = &a.running, .ms = 300 };
	spawn(spin_and_watch, &a, ROOT_PRIO, 0, 0);
	spawn(spin_and_watch, &b, ROOT_PRIO, 0, 0);
	wait_flag(&a.done, 3000);
	wait_flag(&b.done, 3000);
	check(a.seen_peer > 0 && b.seen_peer > 0,
	      "sched: the timer preempts a spinning thread (both spinners saw the other run)");

	x = (struct sse_worker){ .seed = 0x1111111111111111ull, .ms = 300 };
	y = (struct sse_worker){ .seed = 0x7777777777777777ull, .ms = 300 };
	spawn(sse_spin, &x, ROOT_PRIO, 0, 0);
	spawn(sse_spin, &y, ROOT_PRIO, 0, 0);
	wait_flag(&x.done, 3000);
	wait_flag(&y.done, 3000);
	check(x.done && y.done && x.start < y.end && y.start < x.end,
	      "sched: two SSE threads on CPU 0 ran interleaved");
	check(x.intact && y.intact, "fpu: xmm0..15 survive preemption by another SSE thread");

	/* a thread on every CPU */
	for (unsigned cpu = 0; cpu < bi->nr_cpus && cpu < MAX_CPUS; cpu++) {
		spawn(report_apic_id, &probes[cpu], ROOT_PRIO, cpu, 0);
		if (wait_flag(&probes[cpu].done, 2000))
			seen++;
	}
	check(seen == bi->nr_cpus, "smp: a thread ran on each of the %lu CPUs", bi->nr_cpus);
	for (unsigned i = 0; i < seen; i++) {
		for (unsigned j = i + 1; j < seen; j++) {
			if (probes[i].apic_id == probes[j].apic_id)
				seen = 0;
		}
	}
	check(seen == bi->nr_cpus, "smp: each ran on a different CPU (distinct APIC IDs)");
}
