/*
 * Raw system calls (see kernel/include/tessera/abi.h for the convention).
 *
 * struct ts_msg holds what travels in registers: the message info, the
 * badge and MR0..MR3. MR4 and above live in the calling thread's IPC
 * buffer, reached through ts_ipc().
 */
#ifndef TS_SYSCALL_H
#define TS_SYSCALL_H

#include <stdint.h>
#include <tessera/abi.h>

struct ts_msg {
	ts_msginfo info;
	uint64_t badge;
	uint64_t mr[TS_MSG_REG_COUNT];
};

/*
 * Per-thread data, found at %fs:0. Its first word is the thread's IPC
 * buffer; libtessera sets the fs base of every thread it starts.
 */
struct ts_tls {
	struct ts_ipc_buffer *ipc;
};

static inline struct ts_ipc_buffer *ts_ipc(void)
{
	struct ts_ipc_buffer *ipc;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(ipc));
	return ipc;
}

/* One `syscall`: m is both the message sent and the message received. */
static inline void ts_syscall(enum ts_syscall nr, uint64_t cptr, struct ts_msg *m)
{
	register uint64_t r10 __asm__("r10") = m->mr[1];
	register uint64_t r8 __asm__("r8") = m->mr[2];
	register uint64_t r9 __asm__("r9") = m->mr[3];
	uint64_t rax = nr, rdi = cptr, rsi = m->info, rdx = m->mr[0];

	__asm__ volatile("syscall"
			 : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	m->info = rsi;
	m->badge = rdi;
	m->mr[0] = rdx;
	m->mr[1] = r10;
	m->mr[2] = r8;
	m->mr[3] = r9;
}

static inline void ts_call(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_CALL, cptr, m); }
static inline void ts_send(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_SEND, cptr, m); }
static inline void ts_nbsend(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_NBSEND, cptr, m); }
static inline void ts_recv(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_RECV, cptr, m); }
static inline void ts_nbrecv(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_NBRECV, cptr, m); }
static inline void ts_reply(struct ts_msg *m) { ts_syscall(TS_SYS_REPLY, 0, m); }
static inline void ts_reply_recv(uint64_t cptr, struct ts_msg *m) { ts_syscall(TS_SYS_REPLY_RECV, cptr, m); }

static inline void ts_yield(void)
{
	struct ts_msg m = { 0 };

	ts_syscall(TS_SYS_YIELD, 0, &m);
}

/* Signal a notification (Send on a notification cap). */
static inline void ts_signal(uint64_t ntfn)
{
	struct ts_msg m = { 0 };

	ts_syscall(TS_SYS_SEND, ntfn, &m);
}

/* Wait on a notification; returns the signalled word. */
static inline uint64_t ts_wait(uint64_t ntfn)
{
	struct ts_msg m = { 0 };

	ts_syscall(TS_SYS_RECV, ntfn, &m);
	return m.badge;
}

/* Poll a notification; returns the word, 0 if nothing was signalled. */
static inline uint64_t ts_poll(uint64_t ntfn)
{
	struct ts_msg m = { 0 };

	ts_syscall(TS_SYS_NBRECV, ntfn, &m);
	return m.badge;
}

static inline uint64_t ts_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
