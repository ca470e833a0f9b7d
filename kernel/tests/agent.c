/* The agent child domain (see agent.h): runs the commands the root task sends. */
#include <ts/methods.h>
#include <ts/runtime.h>
#include <ts/syscall.h>
#include "agent.h"

static uint64_t do_command(const struct ts_msg *m)
{
	uint64_t v = 0;

	switch (ts_msginfo_label(m->info)) {
	case AGENT_READ:
		__asm__ volatile("mov (%%rdi), %%rax" : "=a"(v) : "D"(m->mr[0]) : "memory");
		return v;
	case AGENT_WRITE:
		*(volatile uint64_t *)m->mr[0] = m->mr[1];
		return 0;
	case AGENT_MAP:
		return (uint64_t)ts_frame_map(m->mr[0], TS_CHILD_VSPACE, m->mr[1],
					      TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	case AGENT_GET_ADDRESS:
		return (uint64_t)ts_frame_get_address(m->mr[0], &v);
	case AGENT_OUT:
		__asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"(0x80));
		return 0;
	case AGENT_IN:
		__asm__ volatile("inb %%dx, %%al" : "=a"(v) : "d"(0x71));
		return v;
	case AGENT_RECEIVE_INTO:
		ts_ipc()->receive_cnode = TS_CHILD_CNODE;
		ts_ipc()->receive_index = m->mr[0];
		return 0;
	default:
		return ~0ull;
	}
}

int main(void *start_arg)
{
	const struct ts_child_info *info = start_arg;
	struct ts_msg m = { .info = ts_msginfo_new(AGENT_HELLO, 0, 0) };

	if (ts_child_init(info) != 0 || info->nr_caps < 1)
		return 1;
	for (;;) {
		uint64_t result;

		ts_call(info->caps[0], &m);
		if (ts_msginfo_label(m.info) == AGENT_EXIT)
			return 0;
		result = do_command(&m);
		m = (struct ts_msg){ .info = ts_msginfo_new(AGENT_RESULT, 0, 2),
				     .mr = { result, ts_msginfo_extra_caps(m.info) } };
	}
}
