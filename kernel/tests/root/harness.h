/*
 * The test root task's harness: TAP lines on the console, object and
 * thread helpers, and waiting with a deadline so that a kernel that fails
 * to wake a thread costs one failed check, not the whole run.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdint.h>
#include <tessera/bootinfo.h>
#include <tessera/object.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/syscall.h>
#include <ts/thread.h>

extern const struct ts_bootinfo *bi;

/* Prints "ok N - name" or "not ok N - name". Returns cond. */
int check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Checks that an operation returned want; names the error it got otherwise. */
int check_err(int got, int want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like check_err, for the ranges the contract leaves to the kernel (RANGE or INVALID_ARGUMENT). */
int check_range_err(int got, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A new object in a fresh root slot; 0 (and a failed check) if that fails. */
uint64_t new_object(enum ts_object_type type, unsigned size_bits);
uint64_t new_slot(void);
int slot_is_empty(uint64_t slot);
uint64_t cap_type(uint64_t cptr);	/* DEBUG_CAP_IDENTIFY */
/* Makes syscall nr on cptr with an empty message (label 1); returns the label that comes back. */
int syscall_label(enum ts_syscall nr, uint64_t cptr);

/* Milliseconds as TSC ticks, and the TSC deadline that far ahead. */
uint64_t ms_ticks(uint64_t ms);
uint64_t deadline_ms(uint64_t ms);

/* Polls a notification until it has a word or ms pass; returns the word (0 = timed out). */
uint64_t wait_ntfn(uint64_t ntfn, uint64_t ms);
/* Waits until *flag != 0 or ms pass; returns *flag. */
int wait_flag(volatile int *flag, uint64_t ms);

/* Starts fn(arg) in a thread of the root task (priority prio, on cpu); NULL on failure. */
struct ts_thread *spawn(void (*fn)(void *), void *arg, unsigned prio, unsigned cpu, uint64_t fault_ep);
/* Suspends a thread spawned earlier (its stack is not reused). */
void stop(struct ts_thread *t);

#define ROOT_PRIO 100

/*
 * Runs fn(arg) in a thread whose faults come to the harness: returns 1
 * if it finished, 0 if it faulted (fault message in *fault), -1 if it did
 * neither within ms.
 */
int run_guarded(void (*fn)(void *), void *arg, struct ts_msg *fault, uint64_t ms);

/* The test groups, in the order main runs them. */
void test_untyped(void);
void test_cnode(void);
void test_ipc(void);
void test_syscalls(void);
void test_notification(void);
void test_tcb(void);
void test_timeout(void);
void test_domain(void);
void test_vm(void);
void test_hardware(void);
void test_scheduling(void);
void test_isolation(void);
void test_fuzz(void);
void test_debug(void);
void test_vcpu(void);

/*
 * Ends the QEMU run through its isa-debug-exit device (port 0xf4): exit
 * status 1 when nothing failed, 3 otherwise. Returns only if that fails
 * (then it says so, naming who).
 */
void exit_qemu(const char *who, int failed);

/* A boot module whose cmdline contains role=ROLE, or NULL. */
const struct ts_boot_module *find_module(const char *role);

#endif
