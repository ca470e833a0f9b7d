/*
 * The syscall fuzzer's status page, shared by the fuzzer domain (mapped at
 * FUZZ_STATUS_VADDR) and the root task that supervises it. The PRNG state
 * lives here so that a fuzzer the root restarts continues its sequence.
 */
#ifndef TEST_FUZZ_H
#define TEST_FUZZ_H

#include <stdint.h>
#include <tessera/abi.h>

#define FUZZ_STATUS_VADDR	0x300000ull

/* The fuzzer's caps (info->caps[]), in the order the root gives them. */
enum fuzz_cap {
	FUZZ_UNTYPED_BIG,	/* 64 KiB */
	FUZZ_UNTYPED_SMALL,	/* 4 KiB */
	FUZZ_ENDPOINT,
	FUZZ_NOTIFICATION,
	FUZZ_CNODE,		/* a spare CNode of radix 4 */
	FUZZ_FRAME0,
	FUZZ_FRAME1,
	FUZZ_FRAME2,
	FUZZ_NR_CAPS
};

struct fuzz_status {
	uint64_t target;		/* syscalls to issue */
	uint64_t seed;
	uint64_t rng;			/* PRNG state, 0 = not seeded yet */
	volatile uint64_t done;		/* syscalls issued so far */
	volatile uint64_t finished;
	uint64_t by_error[TS_ERR_COUNT + 1];	/* reply labels seen; the last counts the others */
	uint64_t by_syscall[TS_SYS_COUNT + 1];	/* syscall numbers used; the last counts invalid ones */
	volatile uint64_t last_syscall;		/* the syscall being made and its label */
	volatile uint64_t last_label;		/* (why a stalled fuzzer stalled) */
};

#endif
