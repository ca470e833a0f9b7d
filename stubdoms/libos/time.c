/*
 * Clock and sleep: time is the TSC scaled by the tsc_khz key (counted
 * from boot: there is no wall clock), sleeping is TS_TCB_SET_TIMEOUT on
 * a per-thread event (10 ms resolution, the scheduler tick).
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include "internal.h"

uint64_t libos_now_ns(void)
{
	uint64_t tsc = ts_rdtsc(), khz = libos_args.tsc_khz ? libos_args.tsc_khz : 1000000;

	/* Split so that tsc * 10^6 cannot overflow. */
	return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static uint64_t ns_to_tsc(uint64_t ns)
{
	uint64_t khz = libos_args.tsc_khz ? libos_args.tsc_khz : 1000000;

	return ns / 1000000 * khz + ns % 1000000 * khz / 1000000;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	uint64_t ns;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
		errno = EINVAL;
		return -1;
	}
	ns = libos_now_ns();
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns = libos_now_ns();

	(void)tz;
	tv->tv_sec = (time_t)(ns / 1000000000);
	tv->tv_usec = (suseconds_t)(ns % 1000000000 / 1000);
	return 0;
}

int libos_event_init(struct libos_event *ev, uint64_t ntfn)
{
	uint64_t timer;
	int err = libos_cap_mint(ntfn, TS_RIGHT_WRITE, LIBOS_EVENT_TIMEOUT, &timer);

	if (err != TS_OK)
		return err;
	ev->ntfn = ntfn;
	ev->timer = timer;
	return TS_OK;
}

int libos_event_create(struct libos_event *ev)
{
	uint64_t ntfn;
	int err = libos_object_alloc(TS_OBJ_NOTIFICATION, 0, &ntfn);

	return err == TS_OK ? libos_event_init(ev, ntfn) : err;
}

/* Waits for a signal or the TSC deadline (0 = none); returns the word as libos_event_wait. */
static uint64_t wait_until(struct libos_event *ev, uint64_t deadline)
{
	uint64_t tcb = libos_self()->t.tcb, word;

	if (deadline && ts_tcb_set_timeout(tcb, ev->timer, deadline) != TS_OK)
		return 0;
	word = ts_wait(ev->ntfn);
	if (deadline && !(word & LIBOS_EVENT_TIMEOUT)) {
		/* Cancel, then take a timeout signal that may have raced in. */
		ts_tcb_set_timeout(tcb, 0, 0);
		word |= ts_poll(ev->ntfn);
	}
	return word & ~LIBOS_EVENT_TIMEOUT;
}

uint64_t libos_event_wait(struct libos_event *ev, int64_t timeout_ns)
{
	if (timeout_ns < 0)
		return wait_until(ev, 0);
	return wait_until(ev, ts_rdtsc() + ns_to_tsc((uint64_t)timeout_ns) + 1);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	struct libos_thread *self = libos_self();
	uint64_t end;

	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	if (!self->sleep.ntfn && libos_event_create(&self->sleep) != TS_OK) {
		errno = ENOMEM;
		return -1;
	}
	end = ts_rdtsc() + ns_to_tsc((uint64_t)req->tv_sec * 1000000000 + (uint64_t)req->tv_nsec);
	/* Only the timer signals this event; wake-ups before the deadline just wait again. */
	while (ts_rdtsc() < end)
		wait_until(&self->sleep, end);
	if (rem)
		*rem = (struct timespec){ 0, 0 };
	return 0;
}

int usleep(useconds_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };

	return nanosleep(&ts, NULL) == 0 ? 0 : seconds;
}
