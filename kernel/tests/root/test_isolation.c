/*
 * Isolation, with the agent child domain (agent.h) built by libtessera's
 * domain builder from its boot module: memory it was not given faults to
 * the root task, which repairs it (maps a page, or rewrites RIP) and
 * resumes it; a revoked capability and its mappings are gone everywhere;
 * in/out instructions fault.
 */
#include <ts/domain.h>
#include "../agent.h"
#include "harness.h"

#define AGENT_BADGE	0xa1
#define FAULT_BADGE	0xf1
#define NOT_GIVEN	0x10000000ull	/* nothing is mapped here in the agent */
#define SHARED_VADDR	0x30000000ull	/* where the root maps a frame into it */
#define OWN_VADDR	0x202000ull	/* where it maps a frame itself (page table present) */
#define KERNEL_VADDR	0xffffffff80100000ull
#define RECEIVED_SLOT	30	/* an empty slot of the agent's CNode */

static uint64_t ep;
static struct ts_domain agent;

/* Replies to the agent's pending call or fault with m; returns what it sends next. */
static struct ts_msg step(struct ts_msg m)
{
	ts_reply_recv(ep, &m);
	return m;
}

static struct ts_msg command(uint64_t cmd, uint64_t a0, uint64_t a1)
{
	return step((struct ts_msg){ .info = ts_msginfo_new(cmd, 0, 2), .mr = { a0, a1 } });
}

/* A command carrying one capability to the agent. */
static struct ts_msg command_with_cap(uint64_t cmd, uint64_t a0, uint64_t cap)
{
	ts_ipc()->caps[0] = cap;
	return step((struct ts_msg){ .info = ts_msginfo_new(cmd, 1, 1), .mr = { a0 } });
}

static int is_result(const struct ts_msg *m, uint64_t value)
{
	return m->badge == AGENT_BADGE && ts_msginfo_label(m->info) == AGENT_RESULT && m->mr[0] == value;
}

static int is_fault(const struct ts_msg *m, uint64_t kind, uint64_t mr1)
{
	return m->badge == FAULT_BADGE && ts_msginfo_label(m->info) == kind && m->mr[1] == mr1;
}

/* Moves the faulting agent past the instruction (len bytes), rax = value, and resumes it. */
static struct ts_msg skip_instruction(unsigned len, uint64_t value)
{
	uint64_t regs[TS_REG_COUNT];

	if (ts_tcb_read_registers(agent.tcb, regs) != TS_OK)
		return (struct ts_msg){ 0 };
	regs[TS_REG_RIP] += len;
	regs[TS_REG_RAX] = value;
	if (ts_tcb_write_registers(agent.tcb, 0, regs) != TS_OK)
		return (struct ts_msg){ 0 };
	return step((struct ts_msg){ .info = ts_msginfo_new(0, 0, 0) });
}

static int start_agent(const struct ts_boot_module *mod, uint64_t frame, uint64_t *frame_slot)
{
	struct ts_domain_config cfg = {
		.image = (const void *)mod->vaddr, .image_size = mod->size, .cmdline = mod->cmdline,
		.cnode_radix = 6, .fault_ep = ep, .fault_badge = FAULT_BADGE, .console = TS_ROOT_CONSOLE,
		.priority = ROOT_PRIO, .cpu = bi->nr_cpus > 1 ? 1 : 0, .domid = 11,
	};
	uint64_t domid = 0, threads = 0;
	struct ts_msg m = { 0 };

	struct ts_domain_config bad = cfg;
	uint64_t before = ts_alloc.next_slot;

	bad.image_size = 32;	/* cut inside the ELF header */
	check_err(ts_domain_create(&bad, &agent), TS_ERR_INVALID_ARGUMENT, "loader: a truncated ELF image is refused");
	bad = cfg;
	bad.cnode_radix = 2;	/* no room for its fixed slots */
	check_err(ts_domain_create(&bad, &agent), TS_ERR_RANGE, "loader: a CNode too small for its slots is refused");
	check(ts_alloc.next_slot == before, "loader: ... before it made anything");
	if (!check_err(ts_domain_create(&cfg, &agent), TS_OK, "loader: build a domain from the agent ELF module"))
		return 0;
	check_err(ts_domain_give(&agent, ep, TS_RIGHT_WRITE, AGENT_BADGE, 0), TS_OK, "loader: give it a badged endpoint");
	check_err(ts_domain_give(&agent, frame, TS_RIGHTS_ALL, 0, frame_slot), TS_OK, "loader: give it a frame cap");
	ts_domain_get_info(agent.domain, &domid, &threads);
	check(domid == 11 && threads == 1, "loader: its Domain object has domid 11 and its thread");
	if (!check_err(ts_domain_start(&agent), TS_OK, "loader: start it"))
		return 0;
	ts_recv(ep, &m);
	return check(m.badge == AGENT_BADGE && ts_msginfo_label(m.info) == AGENT_HELLO,
		     "loader: the domain runs (on CPU %u) and calls its endpoint", cfg.cpu);
}

void test_isolation(void)
{
	const struct ts_boot_module *mod = find_module("agent");
	uint64_t page = new_object(TS_OBJ_FRAME_4K, 0), shared = new_object(TS_OBJ_FRAME_4K, 0);
	uint64_t shared_copy = new_slot(), child_slot = 0;
	struct ts_msg m;

	ep = new_object(TS_OBJ_ENDPOINT, 0);
	if (!check(mod != 0, "isolation: the agent module is present") || !ep || !page || !shared)
		return;
	ts_frame_fill(page, &(uint64_t){ 0xabcdef01 }, 8);
	ts_frame_fill(shared, &(uint64_t){ 0x5ca1ab1e }, 8);
	if (!start_agent(mod, shared, &child_slot))
		return;

	/* memory it was not given */
	m = command(AGENT_READ, NOT_GIVEN, 0);
	check(is_fault(&m, TS_FAULT_VM, NOT_GIVEN), "isolation: reading memory it was not given faults to its handler");
	check_err(ts_map_frame(page, agent.vspace, NOT_GIVEN, TS_RIGHT_READ, 0), TS_OK,
		  "isolation: the handler maps a page there");
	m = step((struct ts_msg){ .info = ts_msginfo_new(0, 0, 0) });
	check(is_result(&m, 0xabcdef01), "isolation: the resumed read sees the page");
	m = command(AGENT_WRITE, NOT_GIVEN, 1);
	check(is_fault(&m, TS_FAULT_VM, NOT_GIVEN), "isolation: writing the read-only page faults");
	m = step((struct ts_msg){ .info = ts_msginfo_new(0, 0, 0) });
	check(is_fault(&m, TS_FAULT_VM, NOT_GIVEN), "isolation: resumed unrepaired, it faults again");
	ts_frame_unmap(page);
	ts_map_frame(page, agent.vspace, NOT_GIVEN, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
	m = step((struct ts_msg){ .info = ts_msginfo_new(0, 0, 0) });
	check(is_result(&m, 0), "isolation: remapped writable, the write completes");
	m = command(AGENT_READ, KERNEL_VADDR, 0);
	check(is_fault(&m, TS_FAULT_VM, KERNEL_VADDR), "isolation: reading kernel memory faults");
	m = skip_instruction(AGENT_READ_LENGTH, 0xdead);
	check(is_result(&m, 0xdead), "isolation: the handler rewrites RIP and RAX and resumes it");

	/* revoke: caps and mappings gone everywhere */
	ts_cnode_copy(TS_ROOT_CNODE, shared_copy, TS_ROOT_CNODE, shared, TS_RIGHTS_ALL);
	ts_map_frame(shared_copy, agent.vspace, SHARED_VADDR, TS_RIGHT_READ, 0);
	m = command(AGENT_MAP, child_slot, OWN_VADDR);
	check(is_result(&m, TS_OK), "revoke: the agent maps its frame cap itself");
	m = command(AGENT_READ, OWN_VADDR, 0);
	check(is_result(&m, 0x5ca1ab1e), "revoke: and reads it");
	m = command(AGENT_READ, SHARED_VADDR, 0);
	check(is_result(&m, 0x5ca1ab1e), "revoke: the same frame mapped by the root reads the same");
	check_err(ts_cnode_revoke(TS_ROOT_CNODE, shared), TS_OK, "revoke: revoke the root's frame cap");
	check(slot_is_empty(shared_copy) && !slot_is_empty(shared), "revoke: the root's copy is gone");
	m = command(AGENT_READ, SHARED_VADDR, 0);
	check(is_fault(&m, TS_FAULT_VM, SHARED_VADDR), "revoke: the mapping made through the copy is gone");
	m = skip_instruction(AGENT_READ_LENGTH, 0);
	m = command(AGENT_READ, OWN_VADDR, 0);
	check(is_fault(&m, TS_FAULT_VM, OWN_VADDR), "revoke: the mapping the agent made is gone");
	m = skip_instruction(AGENT_READ_LENGTH, 0);
	m = command(AGENT_GET_ADDRESS, child_slot, 0);
	check(is_result(&m, TS_ERR_INVALID_CAPABILITY), "revoke: the agent's cap is gone (invalid capability)");
	m = command(AGENT_GET_ADDRESS, 40, 0);
	check(is_result(&m, TS_ERR_INVALID_CAPABILITY), "isolation: an empty slot of the agent -> invalid capability");

	/* a capability handed over in a reply lands in the agent's CSpace */
	m = command(AGENT_RECEIVE_INTO, RECEIVED_SLOT, 0);
	check(is_result(&m, 0), "ipc: the agent names a slot of its CNode for received caps");
	m = command_with_cap(AGENT_GET_ADDRESS, RECEIVED_SLOT, page);
	check(is_result(&m, TS_OK) && m.mr[1] == 1,
	      "ipc: a frame cap sent with a reply arrives in another domain's CSpace and works there");

	/* port instructions without a cap */
	m = command(AGENT_OUT, 0, 0);
	check(is_fault(&m, TS_FAULT_EXCEPTION, 13), "isolation: out in a child domain -> #GP fault to its handler");
	m = skip_instruction(AGENT_PORT_LENGTH, 0);
	check(is_result(&m, 0), "isolation: it continues after the handler skips the out");
	m = command(AGENT_IN, 0, 0);
	check(is_fault(&m, TS_FAULT_EXCEPTION, 13), "isolation: in in a child domain -> #GP fault to its handler");
	m = skip_instruction(AGENT_PORT_LENGTH, 0x42);
	check(is_result(&m, 0x42), "isolation: it continues after the handler emulates the in");

	ts_reply(&(struct ts_msg){ .info = ts_msginfo_new(AGENT_EXIT, 0, 0) });
}
