/* What the parts of libos share with each other. */
#ifndef LIBOS_INTERNAL_H
#define LIBOS_INTERNAL_H

#include <stdint.h>
#include <libos/libos.h>
#include <ts/thread.h>

/* A lock a thread may take again while it holds it (Newlib's malloc does). */
struct libos_lock {
	uint64_t owner;		/* the holder's IPC buffer address, 0 = free */
	unsigned depth;
};
void libos_lock(struct libos_lock *l);
void libos_unlock(struct libos_lock *l);

/* Guards ts_alloc (the heap Untyped and the free slots). */
extern struct libos_lock libos_object_lock;

struct libos_thread {
	struct ts_thread t;	/* first: the thread's fs base points at t.tls */
	struct libos_event sleep;	/* made at its first sleep (sleep.ntfn 0 until then) */
	uint64_t done;		/* notification the joiner waits on */
	uint64_t done_signal;	/* its badged copy, signalled when fn returns (an unbadged
				   signal with nobody waiting yet would be lost) */
	void *(*fn)(void *);
	void *arg;
	void *result;
	void *stack;
	struct libos_thread *next;	/* all threads, for _exit */
};

/* The calling thread (its IPC buffer's user_data). */
static inline struct libos_thread *libos_self(void)
{
	return (struct libos_thread *)(uintptr_t)ts_ipc()->user_data;
}

extern struct libos_thread libos_main_thread;
extern struct libos_thread *libos_threads;	/* list of all but the main thread */
extern struct libos_lock libos_thread_lock;

void libos_heap_init(void);
void libos_files_init(void);

/* The PV console ring, if the domain was given one (pvconsole.c). */
void libos_pvconsole_init(void);
int libos_pvconsole_active(void);
long libos_pvconsole_write(const char *buf, size_t n);
long libos_pvconsole_read(char *buf, size_t n);	/* blocks if it has an event */

#endif
