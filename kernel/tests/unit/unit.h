/* Shared by the unit test files: the test root's CSpace and checks. */
#ifndef UNIT_H
#define UNIT_H

#include <kernel/objects.h>

#define SLOT_UNTYPED	3

extern struct slot *root;	/* the root CNode's slots */
extern struct tcb *me;		/* the thread the tests invoke as */

void check(bool ok, const char *what);
/* Issue a system call as thread t; returns the reply label. */
word_t syscall_as(struct tcb *t, word_t nr, word_t cptr, word_t label, unsigned n, const word_t *mr);
word_t retype(word_t type, word_t bits, word_t slot, word_t count);

#define INVOKE(cptr, label, ...) \
	syscall_as(me, TS_SYS_CALL, cptr, label, sizeof((word_t[]){ __VA_ARGS__ }) / sizeof(word_t), (word_t[]){ __VA_ARGS__ })
#define INVOKE0(cptr, label) syscall_as(me, TS_SYS_CALL, cptr, label, 0, NULL)

void test_xen(void);

#endif
