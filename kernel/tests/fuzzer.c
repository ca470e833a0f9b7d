/*
 * The syscall fuzzer: an unprivileged child domain issuing random system
 * calls (numbers, CPtrs, message info, MRs and IPC-buffer contents from a
 * seeded PRNG) at the kernel. Its only caps are its own TCB, CNode and
 * VSpace plus those of enum fuzz_cap. Whatever it does to itself (suspend,
 * rewrite its registers, reconfigure its TCB, block forever), the root
 * task restarts it and it carries on from the status page.
 */
#include <tessera/object.h>
#include <ts/runtime.h>
#include <ts/syscall.h>
#include "fuzz.h"

#define SLOTS	64	/* its CNode has radix 6 */

static struct fuzz_status *st = (struct fuzz_status *)FUZZ_STATUS_VADDR;
static const struct ts_child_info *info;

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (st->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const uint64_t labels[] = {
	TS_UNTYPED_RETYPE,
	TS_CNODE_COPY, TS_CNODE_MINT, TS_CNODE_MOVE, TS_CNODE_DELETE, TS_CNODE_REVOKE, TS_CNODE_IS_EMPTY,
	TS_TCB_CONFIGURE, TS_TCB_SET_PRIORITY, TS_TCB_SET_MCP, TS_TCB_SET_AFFINITY, TS_TCB_READ_REGISTERS,
	TS_TCB_WRITE_REGISTERS, TS_TCB_RESUME, TS_TCB_SUSPEND, TS_TCB_BIND_NOTIFICATION,
	TS_TCB_UNBIND_NOTIFICATION, TS_TCB_SET_DOMAIN, TS_TCB_SET_TLS_BASE, TS_TCB_SET_TIMEOUT,
	TS_TCB_BIND_VCPU, TS_VCPU_SET_SPACE, TS_VCPU_READ_REGS, TS_VCPU_WRITE_REGS,
	TS_FRAME_MAP, TS_FRAME_UNMAP, TS_FRAME_GET_ADDRESS, TS_PAGING_MAP, TS_PAGING_UNMAP,
	TS_IRQ_CONTROL_GET, TS_IRQ_SET_NOTIFICATION, TS_IRQ_ACK,
	TS_IOPORT_CONTROL_ISSUE, TS_IOPORT_IN, TS_IOPORT_OUT,
	TS_DOMAIN_SET_ID, TS_DOMAIN_GET_INFO,
	TS_CONSOLE_WRITE, TS_CONSOLE_READ_LOG,
	TS_DEBUG_CHECK_INVARIANTS, TS_DEBUG_CAP_IDENTIFY, TS_DEBUG_UNTYPED_FREE,
};

static uint64_t pick_cptr(void)
{
	uint64_t r = rnd() % 100;

	/* mostly the low slots, where its caps and the objects it retypes are */
	if (r < 45)
		return rnd() % 16;
	if (r < 70)
		return rnd() % SLOTS;
	if (r < 85)
		return info->caps[rnd() % info->nr_caps];
	if (r < 90)
		return rnd() % TS_CHILD_FIRST_FREE;
	if (r < 95)
		return rnd() & 0xffff;
	return rnd();
}

/* A message register: mostly values near the domains the methods accept. */
static uint64_t pick_word(void)
{
	switch (rnd() % 10) {
	case 0:
		return 0;
	case 1:
		return rnd() % 16;
	case 2:
		return pick_cptr();
	case 3:
		return 0x10000000ull + (rnd() % 512) * TS_PAGE_SIZE;	/* free user addresses */
	case 4:
		return (rnd() & 0x7fffffe00000ull);	/* 2 MiB aligned */
	case 5:
		return rnd() % 48;			/* types, size bits, priorities */
	case 6:
		return rnd() & 0xfff;
	case 7:
		return 1ull << (rnd() % 64);
	case 8:
		return ~0ull - rnd() % 4;
	default:
		return rnd();
	}
}

static ts_msginfo pick_msginfo(void)
{
	uint64_t r = rnd() % 100, label, length;

	if (r < 70)
		label = labels[rnd() % (sizeof(labels) / sizeof(labels[0]))];
	else if (r < 85)
		label = rnd() % 256;
	else
		label = rnd() >> 12;
	r = rnd() % 10;
	length = r < 6 ? rnd() % 8 : r < 9 ? rnd() % (TS_MSG_MAX_LENGTH + 1) : rnd() % 128;
	if (rnd() % 16 == 0)
		return rnd();
	return ts_msginfo_new(label, (unsigned)(rnd() % 4), (unsigned)length);
}

static uint64_t pick_syscall(void)
{
	uint64_t r = rnd() % 100, nr;

	if (r < 90)
		nr = 1 + rnd() % (TS_SYS_COUNT - 1);
	else if (r < 97)
		nr = rnd() % 64;
	else
		nr = rnd();
	/* Blocking sends and receives mostly become their polling forms:
	 * the root's helper thread unblocks only the endpoint and notification it was given. */
	if ((nr == TS_SYS_SEND || nr == TS_SYS_RECV) && rnd() % 32 != 0)
		nr = nr == TS_SYS_SEND ? TS_SYS_NBSEND : TS_SYS_NBRECV;
	return nr;
}

static void scramble_ipc_buffer(struct ts_ipc_buffer *ipc)
{
	for (int i = 0; i < 6; i++)
		ipc->msg[TS_MSG_REG_COUNT + rnd() % (TS_MSG_MAX_LENGTH - TS_MSG_REG_COUNT)] = pick_word();
	ipc->caps[rnd() % TS_MSG_MAX_EXTRA_CAPS] = pick_cptr();
	if (rnd() % 8 == 0) {
		ipc->receive_cnode = rnd() % 2 ? pick_cptr() : 0;
		ipc->receive_index = rnd() % (SLOTS + 8);
	}
}

int main(void *start_arg)
{
	struct ts_ipc_buffer *ipc;

	info = start_arg;
	if (ts_child_init(info) != 0 || info->nr_caps != FUZZ_NR_CAPS)
		return 1;
	ipc = info->ipc;
	if (!st->rng)
		st->rng = st->seed;
	while (st->done < st->target) {
		uint64_t nr = pick_syscall(), cptr = pick_cptr();
		struct ts_msg m = { .info = pick_msginfo() };
		uint64_t err;

		for (int i = 0; i < TS_MSG_REG_COUNT; i++)
			m.mr[i] = pick_word();
		scramble_ipc_buffer(ipc);
		st->by_syscall[nr < TS_SYS_COUNT ? nr : TS_SYS_COUNT]++;
		st->last_syscall = nr;
		st->last_label = ts_msginfo_label(m.info);
		st->done++;
		ts_syscall((enum ts_syscall)nr, cptr, &m);
		err = ts_msginfo_label(m.info);
		st->by_error[err < TS_ERR_COUNT ? err : TS_ERR_COUNT]++;
	}
	st->finished = 1;
	return 0;
}
