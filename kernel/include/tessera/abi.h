/*
 * Tessera system-call ABI, shared by the kernel and user programs.
 *
 * A thread enters the kernel with the `syscall` instruction:
 *   in:  rax = syscall number (enum ts_syscall)
 *        rdi = capability pointer (CPtr) of the object addressed
 *        rsi = message info (ts_msginfo)
 *        rdx, r10, r8, r9 = message registers MR0..MR3
 *   out: rsi = message info of the message received or of the reply
 *        rdi = badge of the sender (receive) or 0
 *        rdx, r10, r8, r9 = MR0..MR3
 * rcx and r11 are clobbered by the instruction itself; every other register
 * is preserved. MR4 and above live in the thread's IPC buffer.
 *
 * Invoking a kernel object (any capability other than an endpoint or a
 * notification) with TS_SYS_CALL performs the method named by the message
 * label; the reply's label is a ts_error (0 = success) and its message
 * registers carry the results. See docs/abi.md.
 */
#ifndef TESSERA_ABI_H
#define TESSERA_ABI_H

#include <stdint.h>

enum ts_syscall {
	TS_SYS_CALL = 1,	/* send + wait for the reply (or invoke an object) */
	TS_SYS_SEND,		/* blocking send; signal on a notification */
	TS_SYS_NBSEND,		/* send only if a receiver waits */
	TS_SYS_RECV,		/* blocking receive; wait on a notification */
	TS_SYS_NBRECV,		/* receive only if a sender waits; poll */
	TS_SYS_REPLY,		/* reply to the thread whose call we received */
	TS_SYS_REPLY_RECV,	/* reply, then receive on rdi */
	TS_SYS_YIELD,		/* give up the rest of the time slice */
	TS_SYS_COUNT
};

enum ts_error {
	TS_OK = 0,
	TS_ERR_INVALID_ARGUMENT,	/* MR n holds a value out of its domain */
	TS_ERR_INVALID_CAPABILITY,	/* a CPtr names an empty slot or a cap of the wrong type */
	TS_ERR_ILLEGAL_OPERATION,	/* operation not allowed on this object/state */
	TS_ERR_RANGE,			/* value outside the allowed range */
	TS_ERR_ALIGNMENT,		/* address not aligned as required */
	TS_ERR_FAILED_LOOKUP,		/* CPtr resolution or page-table lookup failed */
	TS_ERR_TRUNCATED_MESSAGE,	/* too few message registers for the method */
	TS_ERR_DELETE_FIRST,		/* destination slot is not empty */
	TS_ERR_REVOKE_FIRST,		/* object still has derived capabilities */
	TS_ERR_NOT_ENOUGH_MEMORY,	/* untyped has no room for the request */
	TS_ERR_INSUFFICIENT_RIGHTS,	/* capability lacks a needed right */
	TS_ERR_COUNT
};

/* Message info word: label (bits 63..12) | extra_caps (8..7) | length (6..0). */
typedef uint64_t ts_msginfo;
#define TS_MSG_MAX_LENGTH	120	/* message registers */
#define TS_MSG_MAX_EXTRA_CAPS	3
#define TS_MSG_REG_COUNT	4	/* MRs passed in registers */

static inline ts_msginfo ts_msginfo_new(uint64_t label, unsigned extra_caps, unsigned length)
{
	return (label << 12) | ((uint64_t)(extra_caps & 3) << 7) | (length & 0x7f);
}
static inline uint64_t ts_msginfo_label(ts_msginfo m) { return m >> 12; }
static inline unsigned ts_msginfo_length(ts_msginfo m) { return m & 0x7f; }
static inline unsigned ts_msginfo_extra_caps(ts_msginfo m) { return (m >> 7) & 3; }

/*
 * The IPC buffer: one 4 KiB frame per thread, named with TCB_CONFIGURE.
 * The kernel reads and writes it through its own mapping of the frame,
 * never through the thread's address space.
 */
struct ts_ipc_buffer {
	uint64_t msg[TS_MSG_MAX_LENGTH];	/* MR0..MR119 (MR0..3 also in registers) */
	uint64_t caps[TS_MSG_MAX_EXTRA_CAPS];	/* send: CPtrs of the caps to transfer (needs GRANT) */
	uint64_t receive_cnode;		/* CPtr of the CNode receiving transferred caps (0 = none) */
	uint64_t receive_index;		/* first slot; caps land in consecutive empty slots */
	uint64_t user_data;		/* free for the thread's own use (e.g. TLS pointer) */
};

/* Capability rights. */
#define TS_RIGHT_READ	1u
#define TS_RIGHT_WRITE	2u
#define TS_RIGHT_GRANT	4u	/* endpoint: may transfer capabilities */
#define TS_RIGHTS_ALL	7u

/* Every CNode's slot 0 is the null slot: CPtr 0 never names a capability. */
#define TS_CPTR_NULL	0

#define TS_PAGE_BITS		12
#define TS_PAGE_SIZE		4096ul
#define TS_LARGE_PAGE_BITS	21
#define TS_LARGE_PAGE_SIZE	(1ul << 21)
#define TS_USER_TOP		0x00007fffffffffffull	/* highest user virtual address */

#endif
