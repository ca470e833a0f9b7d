/*
 * Kernel benchmarks, run as the root task under QEMU -icount shift=0 where
 * one TSC tick is one guest instruction: each figure is the median number
 * of instructions (user and kernel) an operation takes, over many runs.
 */
#include <stdbool.h>
#include <tessera/bootinfo.h>
#include <ts/alloc.h>
#include <ts/domain.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include <ts/thread.h>

#define SAMPLES		2001
#define DOMAIN_SAMPLES	201
#define PRIO		100
#define MAP_VADDR	0x10000000000ull	/* 1 TiB, unused by anything else */
#define DEBUG_EXIT_PORT	0xf4
#define SEL4_CALL_REPLY	(375 + 382)	/* seL4 fastpath call + reply, cycles on Skylake */

static const struct ts_bootinfo *bi;
static uint64_t samples[SAMPLES];
static uint8_t stacks[2][16384] __attribute__((aligned(16)));

struct result {
	uint64_t median, min, max;
};

/* Sorts samples[0..n) (insertion sort: n is small) and summarises them. */
static struct result summarise(unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t v = samples[i];
		unsigned j = i;

		for (; j > 0 && samples[j - 1] > v; j--)
			samples[j] = samples[j - 1];
		samples[j] = v;
	}
	return (struct result){ samples[n / 2], samples[0], samples[n - 1] };
}

static void row(const char *name, struct result r, unsigned n)
{
	ts_printf("| %-52s | %8lu | %8lu | %8lu | %5u |\n", name, r.median, r.min, r.max, n);
}

static uint64_t must(int err, const char *what)
{
	if (err != TS_OK)
		ts_printf("bench: %s failed: %s\n", what, ts_error_name(err));
	return err == TS_OK;
}

static uint64_t object(enum ts_object_type type, unsigned bits)
{
	uint64_t slot = 0;

	must(ts_object_alloc(type, bits, &slot), "retype");
	return slot;
}

/* IPC: a server replying to every call with as many MRs as it got. */
static void reply_server(void *arg)
{
	uint64_t ep = (uint64_t)arg;
	struct ts_msg m = { 0 };

	ts_recv(ep, &m);
	for (;;) {
		m.info = ts_msginfo_new(0, 0, ts_msginfo_length(m.info));
		ts_reply_recv(ep, &m);
	}
}

static uint64_t ipc_ep;

/* Call + reply round trips carrying length MRs each way. */
static struct result bench_ipc(unsigned length)
{
	static struct ts_thread server;

	if (!ipc_ep) {
		ipc_ep = object(TS_OBJ_ENDPOINT, 0);
		must(ts_thread_start(&server, reply_server, (void *)ipc_ep, stacks[0], sizeof(stacks[0]), PRIO, 0, 0),
		     "start the server");
	}
	for (unsigned i = 0; i < SAMPLES + 100; i++) {
		struct ts_msg m = { .info = ts_msginfo_new(1, 0, length), .mr = { i } };
		uint64_t t0 = ts_rdtsc();

		ts_call(ipc_ep, &m);
		if (i >= 100)	/* warm-up */
			samples[i - 100] = ts_rdtsc() - t0;
	}
	return summarise(SAMPLES);
}

/* Notification: a higher-priority waiter records when it wakes. */
struct waker {
	uint64_t ntfn;
	volatile uint64_t woke_at;
};

static void wait_loop(void *arg)
{
	struct waker *w = arg;

	for (;;) {
		ts_wait(w->ntfn);
		w->woke_at = ts_rdtsc();
	}
}

static struct result bench_signal(void)
{
	static struct ts_thread waiter;
	static struct waker w;
	uint64_t n = object(TS_OBJ_NOTIFICATION, 0), badged = ts_slot_alloc();

	must(ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, n, TS_RIGHT_WRITE, 1), "mint");
	w.ntfn = n;
	must(ts_thread_start(&waiter, wait_loop, &w, stacks[1], sizeof(stacks[1]), PRIO + 1, 0, 0),
	     "start the waiter");
	for (unsigned i = 0; i < SAMPLES + 100; i++) {
		uint64_t t0 = ts_rdtsc();

		ts_signal(badged);	/* the waiter runs at once, records, waits again */
		if (i >= 100)
			samples[i - 100] = w.woke_at - t0;
	}
	ts_tcb_suspend(waiter.tcb);
	return summarise(SAMPLES);
}

/* What the measurement itself costs: two rdtsc back to back. */
static struct result bench_nothing(void)
{
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = ts_rdtsc();

		samples[i] = ts_rdtsc() - t0;
	}
	return summarise(SAMPLES);
}

static struct result bench_map(void)
{
	uint64_t frame = object(TS_OBJ_FRAME_4K, 0);

	/* the first map creates the page tables; they stay */
	must(ts_map_frame(frame, TS_ROOT_VSPACE, MAP_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0), "map");
	must(ts_frame_unmap(frame), "unmap");
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = ts_rdtsc();

		ts_frame_map(frame, TS_ROOT_VSPACE, MAP_VADDR, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
		ts_frame_unmap(frame);
		samples[i] = ts_rdtsc() - t0;
	}
	return summarise(SAMPLES);
}

/*
 * A domain with one thread, from an untyped arena: CNode, VSpace, PDPT,
 * page directory, page table, IPC-buffer and code frames, Domain, TCB;
 * mapped, configured and started (at a lower priority, so it does not run
 * before the arena is revoked for the next round).
 */
static int make_domain(uint64_t arena, uint64_t first)
{
	enum { CNODE, VSPACE, PDPT, PD, PT, IPC, CODE, DOMAIN, TCB, COUNT };
	static const struct { enum ts_object_type type; unsigned bits; } objs[COUNT] = {
		[CNODE] = { TS_OBJ_CNODE, 6 }, [VSPACE] = { TS_OBJ_VSPACE, 0 }, [PDPT] = { TS_OBJ_PDPT, 0 },
		[PD] = { TS_OBJ_PAGE_DIRECTORY, 0 }, [PT] = { TS_OBJ_PAGE_TABLE, 0 },
		[IPC] = { TS_OBJ_FRAME_4K, 0 }, [CODE] = { TS_OBJ_FRAME_4K, 0 },
		[DOMAIN] = { TS_OBJ_DOMAIN, 0 }, [TCB] = { TS_OBJ_TCB, 0 },
	};
	uint64_t regs[TS_REG_COUNT] = { 0 }, code = TS_IMAGE_VADDR;
	uint64_t ipc = code + TS_PAGE_SIZE;	/* under the same page table */
	int err = TS_OK;

	for (unsigned i = 0; i < COUNT && err == TS_OK; i++)
		err = ts_untyped_retype(arena, objs[i].type, objs[i].bits, TS_ROOT_CNODE, first + i, 1);
	if (err == TS_OK)
		err = ts_paging_map(first + PDPT, first + VSPACE, code);
	if (err == TS_OK)
		err = ts_paging_map(first + PD, first + VSPACE, code);
	if (err == TS_OK)
		err = ts_paging_map(first + PT, first + VSPACE, code);
	if (err == TS_OK)
		err = ts_frame_map(first + CODE, first + VSPACE, code, TS_RIGHT_READ, TS_MAP_EXECUTE);
	if (err == TS_OK)
		err = ts_frame_map(first + IPC, first + VSPACE, ipc, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	if (err == TS_OK)
		err = ts_tcb_configure(first + TCB, 0, first + CNODE, first + VSPACE, ipc, first + IPC);
	if (err == TS_OK)
		err = ts_tcb_set_domain(first + TCB, first + DOMAIN);
	if (err == TS_OK)
		err = ts_tcb_set_priority(first + TCB, 1);
	regs[TS_REG_RIP] = code;
	regs[TS_REG_RFLAGS] = 0x202;
	if (err == TS_OK)
		err = ts_tcb_write_registers(first + TCB, 1, regs);
	return err;
}

static struct result bench_domain(void)
{
	uint64_t arena = object(TS_OBJ_UNTYPED, 18), first = ts_alloc.next_slot;

	for (int i = 0; i < 9; i++)
		ts_slot_alloc();
	for (unsigned i = 0; i < DOMAIN_SAMPLES; i++) {
		uint64_t t0 = ts_rdtsc();

		if (!must(make_domain(arena, first), "make a domain"))
			return (struct result){ 0 };
		samples[i] = ts_rdtsc() - t0;
		ts_cnode_revoke(TS_ROOT_CNODE, arena);
	}
	return summarise(DOMAIN_SAMPLES);
}

/*
 * A Xen guest (32-bit flat mode, one page of code) that times GUEST_LOOPS
 * runs of one operation (a hypercall, or an IN) with RDTSC and reports the
 * two readings with an OUT to port 0x80, which ends its run as an exit
 * message here.
 */
#define GUEST_LOOPS	1000
#define REPORT_PORT	0x80
#define NO_DEVICE_PORT	0x61	/* the PC speaker/PIT gate port Linux's calibration reads */
#define SVM_EXIT_IOIO	0x7b
static const uint8_t loop_head[] = {
	0x31, 0xdb,				/* xor %ebx,%ebx: XENVER_version */
	0xb9, GUEST_LOOPS & 0xff, GUEST_LOOPS >> 8, 0, 0,	/* mov $GUEST_LOOPS,%ecx */
	0x0f, 0x31,				/* rdtsc */
	0x89, 0xc6,				/* mov %eax,%esi */
	0x89, 0xd7,				/* mov %edx,%edi */
};
static const uint8_t loop_tail[] = {
	0x0f, 0x31,				/* rdtsc */
	0xe6, REPORT_PORT,			/* out %al,$0x80 */
	0xeb, 0xfe,				/* jmp . */
};
static const uint8_t op_hypercall[] = {
	0xb8, 17, 0, 0, 0,			/* mov $__HYPERVISOR_xen_version,%eax */
	0x0f, 0x01, 0xd9,			/* vmmcall */
};
static const uint8_t op_port_in[] = { 0xe4, NO_DEVICE_PORT };	/* in $0x61,%al */

static uint64_t vcpu_reg(uint64_t vcpu, unsigned reg)
{
	uint64_t v = 0;

	ts_invoke(vcpu, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ reg, 1 }, 1, &v);
	return v;
}

struct bench_guest {
	uint64_t tcb, vcpu, domain;
};

/* A Xen guest with three pages (code, arguments, shared_info) running code
   at guest-physical 0, not started; its exits come to ep, its OUTs to
   REPORT_PORT too. */
static void make_xen_guest(struct bench_guest *g, uint64_t ep, uint64_t domid,
			   const uint8_t *code, size_t len)
{
	uint64_t space = object(TS_OBJ_GUEST_SPACE, 0), domain = object(TS_OBJ_DOMAIN, 0);
	enum ts_object_type tables[3] = { TS_OBJ_PDPT, TS_OBJ_PAGE_DIRECTORY, TS_OBJ_PAGE_TABLE };

	g->domain = domain;
	g->tcb = object(TS_OBJ_TCB, 0);
	must(ts_object_alloc(TS_OBJ_VCPU, 0, &g->vcpu), "vcpu (needs SVM)");
	for (unsigned i = 0; i < 3; i++)
		must(ts_paging_map(object(tables[i], 0), space, 0), "guest tables");
	for (uint64_t page = 0; page < 3; page++) {
		uint64_t frame = object(TS_OBJ_FRAME_4K, 0);
		if (page == 0)
			must(ts_frame_fill(frame, code, len), "guest code");
		must(ts_frame_map(frame, space, page << 12, TS_RIGHT_READ | TS_RIGHT_WRITE, TS_MAP_EXECUTE),
		     "guest memory");
	}
	must(ts_invoke(g->vcpu, TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ space }, 0, 0), "vcpu space");
	must(ts_domain_set_id(domain, domid), "domid");
	must(ts_invoke(domain, TS_DOMAIN_XEN_SETUP, 3, (const uint64_t[]){ space, 3, 0 }, 0, 0), "xen setup");
	must(ts_invoke(domain, TS_DOMAIN_XEN_ADD_VCPU, 2, (const uint64_t[]){ g->vcpu, 0 }, 0, 0), "xen vcpu");
	must(ts_invoke(domain, TS_DOMAIN_XEN_CLAIM_PORTS, 2, (const uint64_t[]){ REPORT_PORT, REPORT_PORT },
		       0, 0), "claim the report port");
	must(ts_tcb_configure(g->tcb, ep, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0, 0), "configure");
	must(ts_tcb_set_domain(g->tcb, domain), "domain");
	must(ts_tcb_set_priority(g->tcb, PRIO), "priority");
	must(ts_invoke(g->tcb, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ g->vcpu }, 0, 0), "bind");
}

/*
 * Answers the guest's INs at the claimed port as Domain-0's VMM does (read
 * RAX, write it back with all ones, move RIP on, reply) until its report;
 * that exit stays in m.
 */
static void serve_port_in(uint64_t ep, uint64_t vcpu, struct ts_msg *m)
{
	while (ts_msginfo_label(m->info) == TS_FAULT_VMEXIT && m->mr[0] == SVM_EXIT_IOIO &&
	       (m->mr[1] >> 16) == NO_DEVICE_PORT) {
		uint64_t rax = vcpu_reg(vcpu, TS_VREG_RAX) | 0xff;
		ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ TS_VREG_RAX, 1, rax }, 0, 0);
		ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ TS_VREG_RIP, 1, m->mr[2] }, 0, 0);
		m->info = ts_msginfo_new(0, 0, 0);
		ts_reply_recv(ep, m);
	}
}

/* Instructions per operation OP in Xen domain DOMID; with claim, its port is the VMM's (ours). */
static struct result bench_guest_loop(uint32_t domid, const uint8_t *op, size_t op_len, bool claim)
{
	uint64_t ep = object(TS_OBJ_ENDPOINT, 0);
	struct bench_guest g;
	uint8_t guest[64];
	size_t len = 0;
	struct ts_msg m = { 0 };

	memcpy(guest, loop_head, sizeof(loop_head));
	len += sizeof(loop_head);
	memcpy(guest + len, op, op_len);
	len += op_len;
	guest[len++] = 0xe2;				/* loop back to op */
	guest[len++] = (uint8_t)-(int)(op_len + 2);
	memcpy(guest + len, loop_tail, sizeof(loop_tail));
	len += sizeof(loop_tail);
	make_xen_guest(&g, ep, domid, guest, len);
	if (claim)
		must(ts_invoke(g.domain, TS_DOMAIN_XEN_CLAIM_PORTS, 2,
			       (const uint64_t[]){ NO_DEVICE_PORT, NO_DEVICE_PORT }, 0, 0), "claim a port");
	must(ts_tcb_resume(g.tcb), "resume");
	ts_recv(ep, &m);
	serve_port_in(ep, g.vcpu, &m);
	if (ts_msginfo_label(m.info) != TS_FAULT_VMEXIT || (m.mr[1] >> 16) != REPORT_PORT)
		return (struct result){ 0 };
	uint64_t t0 = vcpu_reg(g.vcpu, TS_VREG_RSI) | vcpu_reg(g.vcpu, TS_VREG_RDI) << 32;
	uint64_t t1 = (vcpu_reg(g.vcpu, TS_VREG_RAX) & 0xffffffffu) | vcpu_reg(g.vcpu, TS_VREG_RDX) << 32;
	ts_tcb_suspend(g.tcb);
	samples[0] = (t1 - t0) / GUEST_LOOPS;
	return summarise(1);
}

/*
 * Event-channel ping-pong between two Xen guests on one CPU (32-bit flat
 * code at guest-physical 0, argument structs at 0x1000, shared_info placed
 * at 0x2000). The "ping" guest offers a port to the "pong" guest's domid
 * (EBP) and reports it with an OUT; "pong" binds to it (EBP: ping's domid,
 * EDI: the port) and then forever polls, clears and sends back. "ping"
 * times PINGPONGS rounds of send + poll + clear and reports both RDTSC
 * readings with a second OUT. Each round is two sends, two polls and two
 * switches between the guests' vCPU threads.
 */
#define PINGPONGS	1000
extern const uint8_t ping_guest[], ping_guest_end[], pong_guest[], pong_guest_end[];
#define GUEST_SETUP_SHARED_INFO \
"	movl $0x7ff0, 0x1000\n"		/* xen_add_to_physmap: DOMID_SELF, size 0 */ \
"	movl $0, 0x1004\n"		/* space: shared_info */ \
"	movl $0, 0x1008\n" \
"	movl $0, 0x100c\n"		/* idx 0 */ \
"	movl $2, 0x1010\n" \
"	movl $0, 0x1014\n"		/* gpfn 2 */ \
"	mov $12, %eax\n" \
"	mov $7, %ebx\n" \
"	mov $0x1000, %ecx\n" \
"	vmmcall\n"
#define GUEST_SEND_POLL_ARGS \
"	mov %esi, 0x1100\n"		/* evtchn_send: port */ \
"	mov %esi, 0x1300\n"		/* the one port polled */ \
"	movl $0x1300, 0x1200\n"		/* sched_poll (32-bit): ports, nr_ports, timeout */ \
"	movl $1, 0x1204\n" \
"	movl $0, 0x1208\n" \
"	movl $0, 0x120c\n"
#define GUEST_SEND "	mov $32, %eax\n	mov $4, %ebx\n	mov $0x1100, %ecx\n	vmmcall\n"
#define GUEST_POLL "	mov $29, %eax\n	mov $3, %ebx\n	mov $0x1200, %ecx\n	vmmcall\n"
#define GUEST_CLEAR "	lock btr %esi, 0x2800\n"	/* shared_info's pending bit */
__asm__(
"	.pushsection .rodata.bench_guests, \"a\"\n"
"	.code32\n"
"ping_guest:\n"
GUEST_SETUP_SHARED_INFO
"	mov %ebp, %eax\n"		/* evtchn_alloc_unbound: DOMID_SELF, remote = pong */
"	shl $16, %eax\n"
"	or $0x7ff0, %eax\n"
"	mov %eax, 0x1000\n"
"	mov $32, %eax\n"
"	mov $6, %ebx\n"
"	mov $0x1000, %ecx\n"
"	vmmcall\n"
"	mov 0x1004, %esi\n"
"	out %al, $0x80\n"		/* the port, in ESI */
GUEST_CLEAR
GUEST_SEND_POLL_ARGS
"	rdtsc\n"
"	mov %eax, 0x1400\n"
"	mov %edx, 0x1404\n"
"	mov $" "1000" ", %edi\n"
"1:\n"
GUEST_SEND
GUEST_POLL
GUEST_CLEAR
"	dec %edi\n"
"	jnz 1b\n"
"	rdtsc\n"
"	mov 0x1400, %esi\n"
"	mov 0x1404, %edi\n"
"	out %al, $0x80\n"
"	jmp .\n"
"ping_guest_end:\n"
"pong_guest:\n"
GUEST_SETUP_SHARED_INFO
"	mov %ebp, 0x1000\n"		/* evtchn_bind_interdomain: ping's domid and port */
"	mov %edi, 0x1004\n"
"	mov $32, %eax\n"
"	mov $0, %ebx\n"
"	mov $0x1000, %ecx\n"
"	vmmcall\n"
"	mov 0x1008, %esi\n"
GUEST_SEND_POLL_ARGS
"1:\n"
GUEST_POLL
GUEST_CLEAR
GUEST_SEND
"	jmp 1b\n"
"pong_guest_end:\n"
"	.code64\n"
"	.popsection\n");
_Static_assert(PINGPONGS == 1000, "the ping guest's loop count");

static struct result bench_pingpong(void)
{
	uint64_t ep = object(TS_OBJ_ENDPOINT, 0);
	struct bench_guest ping, pong;
	struct ts_msg m = { 0 };
	uint64_t port, t0, t1;

	make_xen_guest(&ping, ep, 0x7e1, ping_guest, ping_guest_end - ping_guest);
	make_xen_guest(&pong, ep, 0x7e2, pong_guest, pong_guest_end - pong_guest);
	ts_invoke(ping.vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ TS_VREG_RBP, 1, 0x7e2 }, 0, 0);
	must(ts_tcb_resume(ping.tcb), "resume ping");
	ts_recv(ep, &m);
	port = vcpu_reg(ping.vcpu, TS_VREG_RSI);
	ts_invoke(pong.vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ TS_VREG_RBP, 1, 0x7e1 }, 0, 0);
	ts_invoke(pong.vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ TS_VREG_RDI, 1, port }, 0, 0);
	must(ts_tcb_resume(pong.tcb), "resume pong");
	ts_invoke(ping.vcpu, TS_VCPU_WRITE_REGS, 3,
		  (const uint64_t[]){ TS_VREG_RIP, 1, vcpu_reg(ping.vcpu, TS_VREG_RIP) + 2 }, 0, 0);
	m.info = ts_msginfo_new(0, 0, 0);
	ts_reply_recv(ep, &m);
	t0 = vcpu_reg(ping.vcpu, TS_VREG_RSI) | vcpu_reg(ping.vcpu, TS_VREG_RDI) << 32;
	t1 = (vcpu_reg(ping.vcpu, TS_VREG_RAX) & 0xffffffffu) | vcpu_reg(ping.vcpu, TS_VREG_RDX) << 32;
	ts_tcb_suspend(ping.tcb);
	ts_tcb_suspend(pong.tcb);
	if (port == 0 || t1 <= t0)
		return (struct result){ 0 };
	samples[0] = (t1 - t0) / PINGPONGS;
	return summarise(1);
}

int main(void *start_arg)
{
	struct result none, ipc, ipc_long, sig, map, dom, hcall, in_kernel, in_vmm, pingpong;
	uint64_t port;

	bi = start_arg;
	if (ts_root_init(bi) != 0)
		return 1;
	ts_printf("tessera-bench: %lu CPU(s); figures are guest instructions (QEMU -icount shift=0)\n",
		  bi->nr_cpus);
	none = bench_nothing();
	ipc = bench_ipc(1);
	ipc_long = bench_ipc(TS_MSG_MAX_LENGTH);
	sig = bench_signal();
	map = bench_map();
	dom = bench_domain();
	hcall = bench_guest_loop(0x7e0, op_hypercall, sizeof(op_hypercall), false);
	in_kernel = bench_guest_loop(0x7e3, op_port_in, sizeof(op_port_in), false);
	in_vmm = bench_guest_loop(0x7e4, op_port_in, sizeof(op_port_in), true);
	pingpong = bench_pingpong();
	ts_printf("\n| %-52s | %8s | %8s | %8s | %5s |\n", "operation", "median", "min", "max", "runs");
	ts_printf("|------------------------------------------------------|----------|----------|----------|-------|\n");
	row("(the measurement itself: rdtsc; rdtsc)", none, SAMPLES);
	row("IPC call + reply round trip (same CPU, 1 MR)", ipc, SAMPLES);
	row("IPC call + reply round trip (same CPU, 120 MRs)", ipc_long, SAMPLES);
	row("notification signal -> wake (same CPU)", sig, SAMPLES);
	row("map + unmap of a 4 KiB frame", map, SAMPLES);
	row("domain with one thread (9 retypes, 5 maps, start)", dom, DOMAIN_SAMPLES);
	row("Xen hypercall round trip (xen_version, mean of 1000)", hcall, 1);
	row("IN at a port with no device (kernel, mean of 1000)", in_kernel, 1);
	row("IN at a port the VMM claimed (VMM, mean of 1000)", in_vmm, 1);
	row("event-channel ping-pong, two guests (mean of 1000)", pingpong, 1);
	ts_printf("\nseL4 fastpath call + reply: %u cycles on Skylake; Tessera's round trip: %lu instructions"
		  " (%lu.%02lu x)\n", SEL4_CALL_REPLY, ipc.median, ipc.median / SEL4_CALL_REPLY,
		  ipc.median * 100 / SEL4_CALL_REPLY % 100);
	ts_printf("tessera-bench: done\n");
	port = ts_slot_alloc();
	if (ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, DEBUG_EXIT_PORT, DEBUG_EXIT_PORT,
				    TS_ROOT_CNODE, port) == TS_OK)
		ts_ioport_out(port, DEBUG_EXIT_PORT, 1, 0);
	return 0;
}
