/* Recursive spin locks that yield while they wait, and Newlib's malloc lock. */
#include <reent.h>
#include <ts/syscall.h>
#include "internal.h"

void libos_lock(struct libos_lock *l)
{
	uint64_t me = (uint64_t)(uintptr_t)ts_ipc();
	uint64_t free_owner = 0;

	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me) {
		l->depth++;
		return;
	}
	while (!__atomic_compare_exchange_n(&l->owner, &free_owner, me, 0, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		free_owner = 0;
		ts_yield();
	}
	l->depth = 1;
}

void libos_unlock(struct libos_lock *l)
{
	if (--l->depth == 0)
		__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

static struct libos_lock malloc_lock;

/* Newlib calls these around every malloc/free; they replace its no-op mlock.o. */
void __malloc_lock(struct _reent *r)
{
	(void)r;
	libos_lock(&malloc_lock);
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	libos_unlock(&malloc_lock);
}
