/*
 * The end of a stub domain: _exit stops every other thread, reports the
 * status on the exit endpoint (label LIBOS_EXIT, MR0 = status) and
 * suspends the caller. The parent then tears the domain down.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <libos/protocol.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include "internal.h"

void _exit(int status)
{
	struct libos_thread *self = libos_self();
	struct ts_msg m = { .info = ts_msginfo_new(LIBOS_EXIT, 0, 1), .mr = { (uint64_t)status } };

	libos_lock(&libos_thread_lock);
	for (struct libos_thread *t = libos_threads; t; t = t->next) {
		if (t != self)
			ts_tcb_suspend(t->t.tcb);
	}
	if (self != &libos_main_thread)
		ts_tcb_suspend(TS_CHILD_TCB);
	if (libos_args.exit)
		ts_send(libos_args.exit, &m);
	for (;;)
		ts_tcb_suspend(self->t.tcb);
}

/* One process per domain. */
int getpid(void)
{
	return 1;
}

/* Signals to itself end the domain with 128 + sig, as a shell reports it. */
int kill(int pid, int sig)
{
	if (pid != getpid()) {
		errno = ESRCH;
		return -1;
	}
	if (sig < 0 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (sig != 0)
		_exit(128 + sig);
	return 0;
}
