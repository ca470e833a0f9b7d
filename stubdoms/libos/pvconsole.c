/*
 * stdout, stderr and stdin on a PV console ring, when the builder gave
 * the domain one (keys pvcons=FRAME, pvkick=NOTIFICATION to signal the
 * console service, optional pvevent=NOTIFICATION the service signals):
 * the way a domain without a Console cap prints.
 */
#include <errno.h>
#include <ts/syscall.h>
#include <ts/thread.h>
#include <libos/xencons.h>
#include "internal.h"

#define FULL_WAIT_NS	1000000000	/* then output is dropped: the service is gone */
#define FULL_YIELDS	10000		/* the same without an event to wait on */

static volatile struct xencons_interface *page;
static struct xencons_dir out, in;
static uint32_t out_prod, in_cons;
static uint64_t kick;
static struct libos_event event;
static int have_event;

void libos_pvconsole_init(void)
{
	uint64_t frame, ntfn;

	if (libos_args_number(&libos_args, "pvcons", &frame) != 0 ||
	    libos_args_number(&libos_args, "pvkick", &kick) != 0)
		return;
	if (libos_args_number(&libos_args, "pvevent", &ntfn) == 0)
		have_event = libos_event_init(&event, ntfn) == 0;
	page = libos_map_shared(frame, 1, 1);
	if (!page)
		return;
	xencons_guest_dirs(page, &out, &in);
	out_prod = page->out_prod;
	in_cons = page->in_cons;
}

int libos_pvconsole_active(void)
{
	return page != NULL;
}

/* Waits for the service to move the ring; 0 if it seems gone. */
static int wait_service(unsigned *yields)
{
	if (have_event)
		return libos_event_wait(&event, FULL_WAIT_NS) != 0;
	ts_yield();
	return ++*yields < FULL_YIELDS;
}

long libos_pvconsole_write(const char *buf, size_t n)
{
	size_t done = 0;
	unsigned yields = 0;

	while (done < n) {
		long w = xencons_write(&out, &out_prod, buf + done, n - done);

		if (w < 0) {
			errno = EIO;
			return done ? (long)done : -1;
		}
		if (w > 0) {
			ts_signal(kick);
			done += (size_t)w;
		} else if (!wait_service(&yields)) {
			break;	/* dropped, as on a serial line nobody reads */
		}
	}
	return (long)n;
}

long libos_pvconsole_read(char *buf, size_t n)
{
	for (;;) {
		long r = xencons_read(&in, &in_cons, buf, n);

		if (r < 0) {
			errno = EIO;
			return -1;
		}
		if (r > 0) {
			ts_signal(kick);
			return r;
		}
		if (!have_event)
			return 0;
		libos_event_wait(&event, -1);
	}
}
