/* The xenbus client's kick and wait on Tessera notifications. */
#include <ts/syscall.h>
#include <libos/libos.h>

static void kick(void *arg)
{
	struct libos_xenbus_link *link = arg;

	ts_signal(link->signal);
}

/* 0 when xenstored signalled, nonzero when the timeout came first. */
static int wait(void *arg)
{
	struct libos_xenbus_link *link = arg;

	return libos_event_wait(link->event, link->timeout_ns) == 0;
}

void libos_xenbus_init(struct xenbus *xb, volatile void *page, struct libos_xenbus_link *link)
{
	xenbus_init(xb, page, kick, wait, link);
}
