/*
 * Domain-0's xl shell: reads command lines from COM1 and runs them with
 * the toolstack's xl over the Tessera backend of the control library.
 * Configurations and images come from the boot cpio archive (/etc/xen,
 * /boot); every .cfg file under /etc/xen/auto/ is created at start, as xendomains
 * does. Between commands it waits on one endpoint: guests' exit and fault
 * messages arrive there, and the serial IRQ and a 100 ms tick through the
 * notification bound to its thread.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libos/cpio.h>
#include <libos/libos.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include <ts/syscall.h>

#include "../../../toolstack/libctl/tessera.h"
#include "../control.h"
#include "serial.h"

/* The toolstack's xl (xl/xl.c, built with main renamed). */
int xl_main(int argc, char **argv);

#define SERIAL_BADGE	1
#define TICK_BADGE	2
#define TICK_MS		100
#define LINE_MAX	256
#define MAX_WORDS	32
#define AUTO_DIR	"etc/xen/auto/"

static uint64_t tick;

/*
 * Sleeps until a guest message, serial input or the tick; handles guests.
 * The tick covers a byte that arrives between draining the UART and
 * re-enabling its (edge-triggered ISA) IRQ line: no new edge comes for it.
 */
static void wait_event(void)
{
	struct ts_msg m = { 0 };

	ts_tcb_set_timeout(TS_CHILD_TCB, tick, ts_rdtsc() + libos_args.tsc_khz * TICK_MS);
	ts_recv(tessera_ctl_endpoint(), &m);
	if (ts_msginfo_label(m.info) != 0 && m.badge != 0)
		tessera_ctl_handle(&m);
}

/* `xl console`'s wait: serial input, console output, a guest, or the tick. */
static void term_wait(void)
{
	serial_ack();
	wait_event();
}

/* A line from the serial console, echoed; Backspace/DEL erase. */
static void read_line(char *buf, size_t size)
{
	static int last;
	size_t n = 0;

	for (;;) {
		int c;

		while ((c = serial_getc()) >= 0) {
			int prev = last;

			last = c;
			if (c == '\n' && prev == '\r')
				continue;
			if (c == '\r' || c == '\n') {
				fputc('\n', stdout);
				fflush(stdout);
				buf[n] = '\0';
				return;
			}
			if ((c == 0x7f || c == '\b') && n > 0) {
				n--;
				fputs("\b \b", stdout);
			} else if (c >= ' ' && c < 0x7f && n + 1 < size) {
				buf[n++] = (char)c;
				fputc(c, stdout);
			}
			fflush(stdout);
		}
		serial_ack();
		wait_event();
	}
}

/* Splits at blanks; "double quotes" keep blanks in a word. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		char *out = p;
		words[n++] = p;
		bool quoted = false;
		for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
		}
		if (*p != '\0')
			p++;
		*out = '\0';
	}
	return n;
}

static void run_line(char *line)
{
	char *words[MAX_WORDS + 1], **argv = words;
	int n = split(line, words, MAX_WORDS);
	uint64_t start = libos_now_ns();
	bool timed = n > 1 && strcmp(words[0], "time") == 0;

	/* "time CMD": CMD, then its elapsed time by the TSC (with QEMU's
	 * -icount shift=0: millions of guest instructions per ms). */
	if (timed) {
		argv++;
		n--;
	}
	if (n == 0)
		return;
	argv[n] = NULL;
	if (strcmp(argv[0], "xl") == 0) {
		xl_main(n, argv);
	} else if (strcmp(argv[0], "help") == 0) {
		printf("Domain-0 runs xl commands (xl help, xl list, xl create /etc/xen/NAME.cfg, ...);\n"
		       "time CMD prints how long CMD took.\n");
	} else {
		fprintf(stderr, "%s: command not found (this shell runs xl commands; try xl help)\n",
			argv[0]);
	}
	fflush(stdout);
	fflush(stderr);
	if (timed) {
		uint64_t us = (libos_now_ns() - start) / 1000;

		printf("real %llu.%06llus (started at %llu us)\n", (unsigned long long)(us / 1000000),
		       (unsigned long long)(us % 1000000), (unsigned long long)(start / 1000));
	}
}

/* xendomains: xl create for each .cfg file under /etc/xen/auto/. */
static void autostart(void)
{
	const void *archive = (const void *)(uintptr_t)libos_args.cpio_addr;
	size_t offset = 0;
	struct cpio_entry e;

	while (archive && cpio_next(archive, libos_args.cpio_size, &offset, &e) == CPIO_OK) {
		const char *name = e.name;
		size_t len;
		char path[LINE_MAX];
		char *argv[] = { "xl", "create", path, NULL };

		while (name[0] == '.' || name[0] == '/')
			name++;
		len = strlen(name);
		if ((e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG || strncmp(name, AUTO_DIR, strlen(AUTO_DIR)) != 0 ||
		    len < 4 || strcmp(name + len - 4, ".cfg") != 0 || len + 2 > sizeof(path))
			continue;
		snprintf(path, sizeof(path), "/%s", name);
		printf("Starting auto Xen domain %s\n", path);
		fflush(stdout);
		xl_main(3, argv);
	}
}

static int setup(void)
{
	struct tessera_setup s = { 0 };
	uint64_t ntfn, serial_ntfn, ram = 0, cpus = 1, pool = 0;
	int err;

	libos_args_number(&libos_args, "ram", &ram);
	libos_args_number(&libos_args, "cpus", &cpus);
	libos_args_number(&libos_args, "pool", &pool);
	/* Our own objects below half of the CNode, guests' above. */
	ts_alloc.end_slot = 1ull << (CONTROL_CNODE_RADIX - 1);
	s = (struct tessera_setup){
		.nr_cpus = (unsigned)cpus, .tsc_khz = libos_args.tsc_khz, .ram_bytes = ram,
		.console = TS_CHILD_CONSOLE, .debug = CONTROL_SLOT_DEBUG,
		.pool_first = CONTROL_SLOT_POOL, .pool_count = (unsigned)pool,
		.slot_first = 1ull << (CONTROL_CNODE_RADIX - 1), .slot_end = 1ull << CONTROL_CNODE_RADIX,
		.guest_priority = GUEST_PRIORITY,
		.services = {
			{ "xenstore", CONTROL_XS_DOMID, CONTROL_SLOT_XS_DOMAIN,
			  1ull << CONTROL_SERVICE_HEAP_BITS },
			{ "console", CONTROL_CONS_DOMID, CONTROL_SLOT_CONS_DOMAIN,
			  1ull << CONTROL_SERVICE_HEAP_BITS },
		},
		.nr_services = 2, .first_guest_domid = CONTROL_FIRST_GUEST_DOMID,
		.xs_ring = CONTROL_SLOT_XS_RING, .xs_ctl = CONTROL_SLOT_XS_CTL,
		.xs_events = CONTROL_SLOT_XS_EVENTS, .wake = CONTROL_SLOT_WAKE,
		.cons_ctl = CONTROL_SLOT_CONS_CTL, .cons_events = CONTROL_SLOT_CONS_EVENTS,
		.cons_client = CONTROL_SLOT_CONS_CLIENT, .wake_cons_badge = CONTROL_WAKE_CONS_BADGE,
		.term_getc = serial_getc, .term_wait = term_wait,
		.wake_xs_badge = CONTROL_WAKE_XS_BADGE,
	};
	/* init made our notification: xenstored signals it too (CONTROL_WAKE_XS_BADGE). */
	ntfn = CONTROL_SLOT_WAKE;
	err = libos_cap_mint(ntfn, TS_RIGHT_WRITE, SERIAL_BADGE, &serial_ntfn);
	if (err == TS_OK)
		err = libos_cap_mint(ntfn, TS_RIGHT_WRITE, TICK_BADGE, &tick);
	if (err == TS_OK)
		err = ts_tcb_bind_notification(TS_CHILD_TCB, ntfn);
	if (err == TS_OK)
		err = serial_init(CONTROL_SLOT_COM1, CONTROL_SLOT_COM1_IRQ, serial_ntfn);
	s.wake_timer = tick;
	if (err == TS_OK)
		err = tessera_ctl_setup(&s);
	return err;
}

int main(void)
{
	char line[LINE_MAX];
	int err = setup();

	if (err != TS_OK) {
		fprintf(stderr, "xlsh: cannot set up Domain-0's control interface: %s\n",
			ts_error_name(err));
		return 1;
	}
	printf("Domain-0: xl shell on the serial console (xl help lists the commands)\n");
	autostart();
	for (;;) {
		printf("[root@Domain-0 ~]# ");
		fflush(stdout);
		read_line(line, sizeof(line));
		run_line(line);
	}
}
