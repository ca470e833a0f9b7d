/*
 * The services part of the stub-domain system test. The root task plays
 * the control domain: it builds the console stub domain (the only one
 * with a Console cap, WRITE only), the xenstore stub domain (which prints
 * through its own PV console) and a client domain (svcclient), introduces
 * the client to both services over their endpoints, speaks XenStore on
 * its own ring (libos's xenbus client), attaches to the client's console
 * as `xl console` will, and checks isolation: what the services answer
 * to a slot, a right and an address they were not given.
 */
#include <libos/protocol.h>
#include <libos/server.h>
#include <libos/service.h>
#include <libos/xenbus.h>
#include <libos/xencons.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/runtime.h>
#include <ts/string.h>
#include <ts/syscall.h>
#include <errno.h>
#include "../builder/service.h"
#include "harness.h"
#include "services.h"
#include "xs_wire.h"

#define RW		(TS_RIGHT_READ | TS_RIGHT_WRITE)
#define FAULT_BADGE	0x400
#define EXIT_BADGE	0x800
#define WAKE_TIMEOUT	(1ull << 62)
#define CLIENT_BADGE	2		/* the root's own `xl console` cap */
#define OUTPUT_BADGE	2		/* on `wake`: the console service saw output (1: xenstored) */
#define DEADLINE_MS	10000
#define NOT_GIVEN_ADDR	0x3ff00000ul	/* mapped in no stub domain */
#define NOT_GIVEN_SLOT	4000

enum { CONSOLED, XENSTORED, CLIENT, NR_DOMS };
static const struct {
	const char *role, *name;
	uint32_t domid;
} doms[NR_DOMS] = {
	{ "consoled", "console", 2 }, { "xenstored", "xenstore", 1 }, { "svcclient", "client", 5 },
};

static uint64_t ep;			/* the root's fault and exit endpoint */
static uint64_t wake, wake_timeout;	/* what the root waits on, and its timer's copy */
static struct stubdom_service cons, xs;
static struct ts_domain client;
static struct ts_domain *dom[NR_DOMS] = { &cons.dom, &xs.dom, &client };
static uint64_t cons_client;		/* the root's `xl console` cap */
static struct xenbus xb;
static unsigned output_signals;		/* OUTPUT_BADGE signals seen */

static uint64_t object(enum ts_object_type type)
{
	uint64_t slot = 0;

	return ts_object_alloc(type, 0, &slot) == TS_OK ? slot : 0;
}

static uint64_t mint(uint64_t cap, uint64_t rights, uint64_t badge)
{
	uint64_t slot = ts_slot_alloc();

	return slot && ts_cnode_mint(TS_ROOT_CNODE, slot, TS_ROOT_CNODE, cap, rights, badge) == TS_OK
		? slot : 0;
}

/* Waits for a signal on `wake` or ms; returns the word without the timeout bit. */
static uint64_t wait_wake(uint64_t ms)
{
	uint64_t word;

	ts_tcb_set_timeout(TS_ROOT_TCB, wake_timeout, ts_rdtsc() + ms * bi->tsc_khz);
	word = ts_wait(wake);
	ts_tcb_set_timeout(TS_ROOT_TCB, 0, 0);
	output_signals += (word & OUTPUT_BADGE) != 0;
	return word & ~WAKE_TIMEOUT;
}

static void sleep_ms(uint64_t ms)
{
	uint64_t end = ts_rdtsc() + ms * bi->tsc_khz;

	while (ts_rdtsc() < end)
		wait_wake(ms);
}

/* The root's xenbus link: xenstored signals `wake` (badge 1). */
static void xb_kick(void *arg)
{
	ts_signal(*(uint64_t *)arg);
}

static int xb_wait(void *arg)
{
	(void)arg;
	return wait_wake(2000) == 0;
}

/*
 * The console service on CPU 0, xenstore and the client together on the
 * last CPU: under QEMU's multi-threaded TCG a wake-up on the other CPU
 * costs about 2 ms (a client request across CPUs took 3.8-6 ms, on one
 * CPU 50-70 us, across CPUs with single-threaded TCG 57 us).
 */
static unsigned cpu_of(unsigned i)
{
	return i == CONSOLED ? 0 : (unsigned)bi->nr_cpus - 1;
}

/* Builds domain i: a plain stub domain, or a service with its endpoint and notification. */
static int build(unsigned i, const char *args)
{
	const struct ts_boot_module *m = find_module(doms[i].role);
	struct stubdom_config cfg = {
		.args = args, .cnode_radix = 12, .heap_bits = 22, .fault_ep = ep,
		.fault_badge = FAULT_BADGE | i, .exit_ep = ep, .exit_badge = EXIT_BADGE | i,
		.priority = 50, .cpu = cpu_of(i), .domid = doms[i].domid,
		.tsc_khz = bi->tsc_khz,
	};

	if (!m)
		return TS_ERR_INVALID_ARGUMENT;
	cfg.image = (const void *)m->vaddr;
	cfg.image_size = m->size;
	/* Only the console service writes to the serial line, and cannot read the kernel log. */
	if (i == CONSOLED)
		cfg.console = mint(TS_ROOT_CONSOLE, TS_RIGHT_WRITE, 0);
	if (i == CLIENT)
		return stubdom_create(&cfg, &client);
	return stubdom_service_create(&cfg, i == CONSOLED ? &cons : &xs);
}

/* A domain's PV console: frame and notifications given, introduced to the console service. */
static int give_console(unsigned i, uint64_t *ntfn_out)
{
	uint64_t frame = object(TS_OBJ_FRAME_4K), ntfn = object(TS_OBJ_NOTIFICATION);
	int err = frame && ntfn ? TS_OK : TS_ERR_NOT_ENOUGH_MEMORY;

	if (err == TS_OK)
		err = stubdom_give(dom[i], "pvcons", frame, RW, 0);
	if (err == TS_OK)
		err = stubdom_give_kick(dom[i], "pvkick", &cons, doms[i].domid);
	if (err == TS_OK && ntfn_out)
		err = stubdom_give(dom[i], "pvevent", ntfn, RW, 0);
	if (err == TS_OK &&
	    stubdom_service_introduce(&cons, doms[i].domid, doms[i].name, frame, ntfn) != SVC_OK)
		err = TS_ERR_INVALID_ARGUMENT;
	if (ntfn_out)
		*ntfn_out = ntfn;
	return err;
}

static int start_services(void)
{
	uint64_t dom0_ring = object(TS_OBJ_FRAME_4K);
	int err;

	wake = object(TS_OBJ_NOTIFICATION);
	wake_timeout = mint(wake, TS_RIGHT_WRITE, WAKE_TIMEOUT);
	if (!wake_timeout || !dom0_ring)
		return TS_ERR_NOT_ENOUGH_MEMORY;

	err = build(CONSOLED, "consoled selftest");
	if (err == TS_OK)
		err = ts_domain_start(&cons.dom);
	/* GRANT: a client passes the notification it wants signalled on output. */
	cons_client = mint(cons.endpoint, TS_RIGHT_WRITE | TS_RIGHT_GRANT, CLIENT_BADGE);
	if (err == TS_OK && !cons_client)
		err = TS_ERR_RANGE;
	if (err != TS_OK)
		return err;

	err = build(XENSTORED, "xenstored selftest");
	if (err == TS_OK)
		err = stubdom_give(&xs.dom, "dom0ring", dom0_ring, RW, 0);
	if (err == TS_OK)
		err = stubdom_give(&xs.dom, "dom0kick", wake, TS_RIGHT_WRITE, 1);
	/* It never waits for its console (no pvevent): the service signals a notification nobody waits on. */
	if (err == TS_OK)
		err = give_console(XENSTORED, NULL);
	if (err == TS_OK)
		err = ts_domain_start(&xs.dom);
	if (err == TS_OK)
		err = ts_map_frame(dom0_ring, TS_ROOT_VSPACE, SERVICES_DOM0_RING_VADDR, RW, 0);
	if (err == TS_OK) {
		static uint64_t kick;

		kick = mint(xs.events, TS_RIGHT_WRITE, svc_kick_badge(0));
		xenbus_init(&xb, (volatile void *)SERVICES_DOM0_RING_VADDR, xb_kick, xb_wait, &kick);
	}
	return err;
}

/* The client: its XenStore home, rings and notifications, introduced to both services. */
static int start_client(void)
{
	uint64_t ring = object(TS_OBJ_FRAME_4K), ntfn = object(TS_OBJ_NOTIFICATION), cons_ntfn;
	char path[32], token[32];
	unsigned status;
	int err = ring && ntfn ? build(CLIENT, "svcclient") : TS_ERR_NOT_ENOUGH_MEMORY;

	if (err == TS_OK)
		err = stubdom_give(&client, "xsring", ring, RW, 0);
	if (err == TS_OK)
		err = stubdom_give_kick(&client, "xskick", &xs, doms[CLIENT].domid);
	if (err == TS_OK)
		err = stubdom_give(&client, "xsevent", ntfn, RW, 0);
	if (err == TS_OK)
		err = give_console(CLIENT, &cons_ntfn);
	if (!check(err == TS_OK, "services: the client domain is built, its console introduced (%s)",
		   ts_error_name(err)))
		return 0;

	/* As the toolstack will: the home, owned by the domain, and its name. */
	check(xenbus_write(&xb, "/local/domain/0/name", "Domain-0") == 0 &&
	      xenbus_mkdir(&xb, "/local/domain/5") == 0 &&
	      xenbus_request(&xb, XS_SET_PERMS, 0, "/local/domain/5", 16, "n5", 3, path,
			     sizeof(path)) >= 0 &&
	      xenbus_write(&xb, "/local/domain/5/name", "client") == 0,
	      "xenstore: the control domain writes over its ring (Domain-0, the client's home)");
	check(xenbus_watch(&xb, "@introduceDomain", "intro") == 0 &&
	      xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token)) == 0,
	      "xenstore: the control domain watches @introduceDomain");
	status = stubdom_service_introduce(&xs, doms[CLIENT].domid, "client", ring, ntfn);
	check(status == SVC_OK, "xenstore: SVC_INTRODUCE of domain 5 with its ring (status %u)", status);
	err = xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token));
	check(err == 0 && strcmp(path, "@introduceDomain") == 0 && strcmp(token, "intro") == 0,
	      "xenstore: @introduceDomain fires ('%s', token '%s', %d)", path, token, err);
	status = stubdom_service_introduce(&xs, doms[CLIENT].domid, "client", ring, ntfn);
	check(status == SVC_OK, "xenstore: the same INTRODUCE again is OK, as in Xen (status %u)",
	      status);
	err = ts_domain_start(&client);
	return check(err == TS_OK, "services: the client domain starts (%s)", ts_error_name(err));
}

/* CONS_READ until the output holds want (or the deadline); out gets what was read. */
static int read_until(const char *want, char *out, size_t size)
{
	static char buf[SVC_BYTES_MAX];
	uint64_t end = ts_rdtsc() + DEADLINE_MS * bi->tsc_khz;
	size_t len = 0;
	long n;

	out[0] = 0;
	while (ts_rdtsc() < end) {
		if ((n = stubdom_console_read(cons_client, buf, sizeof(buf))) < 0)
			return 0;
		if ((size_t)n > size - 1 - len)
			n = (long)(size - 1 - len);
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
		out[len] = 0;
		for (size_t i = 0; i + strlen(want) <= len; i++)
			if (memcmp(out + i, want, strlen(want)) == 0)
				return 1;
		wait_wake(100);	/* woken when the domain writes, else after 100 ms */
	}
	return 0;
}

/* `xl console client`: the replay, input, Ctrl-]. */
static void console_session(void)
{
	static char out[2048];
	int detached = -1;
	long n;

	check(stubdom_console_read(cons_client, out, SVC_BYTES_MAX) == -SVC_ENOTCONN,
	      "console: CONS_READ before attaching is ENOTCONN");
	check(stubdom_console_attach(cons_client, doms[CLIENT].domid, wake, OUTPUT_BADGE, 0) == SVC_OK,
	      "console: a client attaches to domain 5, with a notification for its output");
	check(read_until("hello from the PV console\n", out, sizeof(out)),
	      "console: the attached client reads the domain's output from the replay on");
	n = stubdom_console_write(cons_client, "ping\n", 5, &detached);
	check(n == 5 && detached == 0, "console: 'ping' goes to the domain's input ring");
	check(read_until("client got: ping", out, sizeof(out)),
	      "console: the domain answers the input");
	output_signals += (ts_poll(wake) & OUTPUT_BADGE) != 0;
	check(output_signals > 0, "console: the attached client was signalled on output (%u times)",
	      output_signals);
	check(stubdom_console_attach(cons_client, doms[CLIENT].domid, wake, OUTPUT_BADGE,
				     CONS_ATTACH_ON_SERIAL) == SVC_OK,
	      "console: attaching again, as a client that shows the output on the serial line");
	n = stubdom_console_write(cons_client, "quiet\n", 6, &detached);
	check(n == 6 && detached == 0 && read_until("client got: quiet", out, sizeof(out)),
	      "console: the client reads the domain's answer to 'quiet'");
	check(stubdom_console_attach(cons_client, doms[CLIENT].domid, 0, 0, 2) == SVC_EINVAL,
	      "console: CONS_ATTACH with an unknown flag is EINVAL");
	n = stubdom_console_write(cons_client, "\x1d", 1, &detached);
	check(n == 0 && detached == 1, "console: Ctrl-] detaches");
	check(stubdom_console_read(cons_client, out, SVC_BYTES_MAX) == -SVC_ENOTCONN,
	      "console: after detaching, CONS_READ is ENOTCONN");
}

/* Waits for domain i's fault (a VM fault at addr) on the root's endpoint, by the deadline. */
static int wait_fault(unsigned i, uint64_t addr, struct ts_msg *msg)
{
	uint64_t end = ts_rdtsc() + DEADLINE_MS * bi->tsc_khz;

	while (ts_rdtsc() < end) {
		memset(msg, 0, sizeof(*msg));
		ts_nbrecv(ep, msg);
		if (msg->badge == (FAULT_BADGE | i) || msg->badge == (EXIT_BADGE | i))
			break;
		sleep_ms(10);
	}
	return msg->badge == (FAULT_BADGE | i) && ts_msginfo_label(msg->info) == TS_FAULT_VM &&
	       msg->mr[1] == addr;
}

/* Whether the kernel log (the serial line's copy) holds want after offset from. */
static int log_contains(uint64_t from, const char *want)
{
	static char window[1024 + 64];
	size_t keep = 0, wlen = strlen(want);
	uint64_t next, count;

	for (uint64_t off = from;; off = next) {
		if (ts_console_read_log(TS_ROOT_CONSOLE, off, window + keep, sizeof(window) - keep - 1,
					&next, &count) != TS_OK || count == 0)
			return 0;
		keep += count;
		for (size_t i = 0; i + wlen <= keep; i++)
			if (memcmp(window + i, want, wlen) == 0)
				return 1;
		if (keep > wlen) {	/* keep the tail: a match may span two reads */
			memmove(window, window + keep - wlen, wlen);
			keep = wlen;
		}
	}
}

static uint64_t log_end(void)
{
	static char buf[1024];
	uint64_t off = 0, next, count;

	while (ts_console_read_log(TS_ROOT_CONSOLE, off, buf, sizeof(buf), &next, &count) == TS_OK &&
	       count && next != off)
		off = next;
	return off;
}

/* What the services answer to caps, rights and memory they were not given. */
static void isolation(void)
{
	uint64_t slot = NOT_GIVEN_SLOT, res[3] = { 0, 0, 0 }, bad[2] = { 9, 1 }, domid0[3] = { 0, 0, 0 };
	uint64_t caps[2] = { wake, wake };
	struct ts_msg msg;
	unsigned status;
	int faulted;

	check(stubdom_service_call(cons_client, SVC_INTRODUCE, bad, 2, NULL, 0, NULL) == SVC_EPERM,
	      "isolation: a client's SVC_INTRODUCE is EPERM");
	check(stubdom_service_call(cons.ctl, SVC_INTRODUCE, domid0, 2, caps, 2, NULL) == SVC_EINVAL,
	      "console: SVC_INTRODUCE of domain 0 is EINVAL");
	status = stubdom_service_call(xs.ctl, SVC_SELFTEST, &slot, 1, NULL, 0, res);
	check(status == SVC_OK &&
	      res[0] == TS_ERR_INVALID_CAPABILITY && res[1] == TS_ERR_INVALID_CAPABILITY &&
	      res[2] == TS_ERR_INVALID_CAPABILITY,
	      "isolation: xenstore's Console slot and slot %d are empty (%s, %s, %s)", NOT_GIVEN_SLOT,
	      ts_error_name((int)res[0]), ts_error_name((int)res[1]), ts_error_name((int)res[2]));
	status = stubdom_service_call(cons.ctl, SVC_SELFTEST, &slot, 1, NULL, 0, res);
	check(status == SVC_OK && res[0] == TS_OK &&
	      res[1] == TS_ERR_INSUFFICIENT_RIGHTS && res[2] == TS_ERR_INVALID_CAPABILITY,
	      "isolation: the console service writes the serial line but may not read the kernel "
	      "log (%s), slot %d is empty (%s)", ts_error_name((int)res[1]), NOT_GIVEN_SLOT,
	      ts_error_name((int)res[2]));
	/* Last: each service reads memory it was not given, and faults (a send: no reply comes). */
	for (unsigned i = CONSOLED; i <= XENSTORED; i++) {
		uint64_t service = i == CONSOLED ? cons.ctl : xs.ctl;

		memset(&msg, 0, sizeof(msg));
		msg.info = ts_msginfo_new(SVC_PROBE_READ, 0, 1);
		msg.mr[0] = NOT_GIVEN_ADDR;
		ts_send(service, &msg);
		faulted = wait_fault(i, NOT_GIVEN_ADDR, &msg);
		check(faulted,
		      "isolation: the %s service faults reading 0x%lx, which it was not given (fault "
		      "address 0x%lx)", doms[i].name, NOT_GIVEN_ADDR, msg.mr[1]);
	}
}

void test_services(uint64_t root_ep)
{
	struct ts_msg msg;
	uint64_t log_start = log_end(), domid = doms[CLIENT].domid;
	char value[64];
	int err;

	ep = root_ep;
	err = start_services();
	if (!check(err == TS_OK, "services: the console and xenstore stub domains start (%s)",
		   ts_error_name(err)))
		return;
	if (!start_client())
		return;
	console_session();
	err = wait_fault(CLIENT, NOT_GIVEN_ADDR, &msg);
	check(err,
	      "isolation: the client faults reading 0x%lx, which it was not given (fault address 0x%lx)",
	      NOT_GIVEN_ADDR, msg.mr[1]);
	ts_tcb_suspend(client.tcb);
	check(log_contains(log_start, "[client] hello from the PV console\n") &&
	      log_contains(log_start, "[client] client got: ping\n"),
	      "console: the client's output is on the serial line behind '[client] '");
	check(!log_contains(log_start, "[client] client got: quiet"),
	      "console: but not what it wrote while a CONS_ATTACH_ON_SERIAL client was attached");
	check(log_contains(log_start, "[xenstore] xenstored: serving"),
	      "console: the xenstore stub domain's own output too, behind '[xenstore] '");
	check(xenbus_read(&xb, "/local/domain/5/data/greeting", value, sizeof(value)) == 5 &&
	      strcmp(value, "hello") == 0, "xenstore: the control domain reads what the client wrote");
	check(stubdom_service_release(&xs, domid) == SVC_OK &&
	      xenbus_read(&xb, "/local/domain/5/name", value, sizeof(value)) == -ENOENT,
	      "xenstore: SVC_RELEASE of domain 5 removes the home it owned");
	check(stubdom_service_release(&xs, domid) == SVC_ENOENT,
	      "xenstore: a second SVC_RELEASE is ENOENT");
	check(stubdom_service_release(&cons, domid) == SVC_OK &&
	      stubdom_console_attach(cons_client, domid, 0, 0, 0) == SVC_ENOENT,
	      "console: after SVC_RELEASE, attaching to domain 5 is ENOENT");
	isolation();
	for (unsigned i = 0; i < NR_DOMS; i++)
		ts_tcb_suspend(dom[i]->tcb);
}
