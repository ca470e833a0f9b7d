/* Threads of a stub domain, on libtessera's ts_thread_start. */
#include <errno.h>
#include <stdlib.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include "internal.h"

struct libos_thread libos_main_thread;
struct libos_thread *libos_threads;
struct libos_lock libos_thread_lock;

static void thread_main(void *arg)
{
	struct libos_thread *t = arg;

	ts_ipc()->user_data = (uint64_t)(uintptr_t)t;
	t->result = t->fn(t->arg);
	ts_signal(t->done_signal);
}

int libos_thread_create(struct libos_thread **out, void *(*fn)(void *), void *arg, size_t stack_size)
{
	struct libos_thread *t = calloc(1, sizeof(*t));
	void *stack = malloc(stack_size);
	int err = t && stack ? libos_object_alloc(TS_OBJ_NOTIFICATION, 0, &t->done) : TS_ERR_NOT_ENOUGH_MEMORY;

	if (err == TS_OK)
		err = libos_cap_mint(t->done, TS_RIGHT_WRITE, 1, &t->done_signal);
	if (err == TS_OK) {
		t->fn = fn;
		t->arg = arg;
		t->stack = stack;
		libos_lock(&libos_object_lock);
		err = ts_thread_start(&t->t, thread_main, t, stack, stack_size,
				      (unsigned)libos_args.prio, (unsigned)libos_args.cpu, 0);
		libos_unlock(&libos_object_lock);
	}
	if (err != TS_OK) {
		free(stack);
		free(t);
		return EAGAIN;
	}
	libos_lock(&libos_thread_lock);
	t->next = libos_threads;
	libos_threads = t;
	libos_unlock(&libos_thread_lock);
	*out = t;
	return 0;
}

int libos_thread_join(struct libos_thread *t, void **result)
{
	struct libos_thread **p;

	ts_wait(t->done);
	/* It may still be on its stack on the way to suspending itself. */
	ts_tcb_suspend(t->t.tcb);
	libos_lock(&libos_thread_lock);
	for (p = &libos_threads; *p != t; p = &(*p)->next)
		;
	*p = t->next;
	libos_unlock(&libos_thread_lock);
	if (result)
		*result = t->result;
	free(t->stack);
	free(t);
	return 0;
}
