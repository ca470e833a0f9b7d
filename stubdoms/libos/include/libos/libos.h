/*
 * libos: Newlib's system calls on Tessera (console, heap from Untyped,
 * clock and sleep, exit, read-only files from a cpio archive) and the
 * Tessera-specific services a stub domain uses besides libc: threads,
 * events (notifications with a timeout), shared pages, kernel objects.
 * See docs/stubdoms.md.
 */
#ifndef LIBOS_LIBOS_H
#define LIBOS_LIBOS_H

#include <stddef.h>
#include <stdint.h>
#include <libos/args.h>
#include <libos/xenbus.h>
#include <tessera/object.h>

/* The parsed command line (argv of main and the libos keys). */
extern struct libos_args libos_args;

/* Nanoseconds since boot, from the TSC and the tsc_khz key. */
uint64_t libos_now_ns(void);

/*
 * A kernel object retyped from the domain's heap Untyped into a free slot
 * of its CNode; *slot = its CPtr. Returns a ts_error (thread safe).
 */
int libos_object_alloc(enum ts_object_type type, unsigned size_bits, uint64_t *slot);

/* A free slot of the domain's CNode (0 if none is left), e.g. to mint into. */
uint64_t libos_slot_alloc(void);

/*
 * A copy of the cap in slot src of the domain's CNode, in a free slot,
 * with rights ANDed and badge set (0 = none); *slot = its CPtr.
 */
int libos_cap_mint(uint64_t src, uint64_t rights, uint64_t badge, uint64_t *slot);

/* Bytes of heap mapped so far (pages made from the heap Untyped). */
size_t libos_heap_mapped(void);

/* Threads: run fn(arg) at the domain's priority on its CPU. */
struct libos_thread;
/* Returns 0 or an errno value (EAGAIN: no memory or slots). */
int libos_thread_create(struct libos_thread **t, void *(*fn)(void *), void *arg, size_t stack_size);
/* Waits for fn to return, stores its result, frees the stack; returns 0. */
int libos_thread_join(struct libos_thread *t, void **result);

/*
 * An event: a notification this domain waits on, with a deadline. The
 * timer signals a minted copy whose badge is LIBOS_EVENT_TIMEOUT, so a
 * signal word without that bit came from someone else.
 */
#define LIBOS_EVENT_TIMEOUT	(1ull << 63)
struct libos_event {
	uint64_t ntfn;		/* the notification (READ to wait) */
	uint64_t timer;		/* its copy badged LIBOS_EVENT_TIMEOUT */
};
/* Uses the notification in slot ntfn (unbadged, READ|WRITE), e.g. given by the parent. */
int libos_event_init(struct libos_event *ev, uint64_t ntfn);
/* Makes a new notification for it. */
int libos_event_create(struct libos_event *ev);
/*
 * Waits for a signal or until timeout_ns pass (< 0: no timeout). Returns
 * the signal word without the timeout bit; 0 if the timeout came first.
 * The resolution is the kernel's 10 ms tick.
 */
uint64_t libos_event_wait(struct libos_event *ev, int64_t timeout_ns);

/*
 * A xenbus connection on Tessera: kicking xenstored signals `signal` (a
 * badged notification cap), waiting for it is `event` with a timeout
 * (after which requests fail with -ETIMEDOUT). `link` must outlive xb.
 */
struct libos_xenbus_link {
	uint64_t signal;
	struct libos_event *event;
	int64_t timeout_ns;
};
void libos_xenbus_init(struct xenbus *xb, volatile void *page, struct libos_xenbus_link *link);

/*
 * Isolation probes (tests): the errors of writing to the Console cap's
 * slot (res[0]), of reading the kernel log through it (res[1]) and of a
 * call on slot (res[2]); an empty slot gives TS_ERR_INVALID_CAPABILITY.
 */
void libos_probe_caps(uint64_t slot, uint64_t res[3]);

/*
 * Maps count frames whose caps are in the consecutive slots first..
 * (given by the parent) at the next free address of the shared region.
 * Returns the address, or NULL with errno set (ENOMEM, EINVAL).
 */
void *libos_map_shared(uint64_t first, unsigned count, int writable);

#endif
