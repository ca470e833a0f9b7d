/* Typed wrappers for every kernel method: argument marshalling only. */
#include <ts/methods.h>
#include <ts/string.h>
#include <ts/syscall.h>

int ts_invoke(uint64_t cap, uint64_t label, unsigned nargs, const uint64_t *args,
	      unsigned nres, uint64_t *res)
{
	/* Only look the IPC buffer up when needed: a thread's very first
	 * invocation may be the one that sets its TLS base. */
	struct ts_ipc_buffer *ipc = nargs > TS_MSG_REG_COUNT || nres > TS_MSG_REG_COUNT ? ts_ipc() : 0;
	struct ts_msg m = { .info = ts_msginfo_new(label, 0, nargs) };
	int err;

	for (unsigned i = 0; i < nargs; i++) {
		if (i < TS_MSG_REG_COUNT)
			m.mr[i] = args[i];
		else
			ipc->msg[i] = args[i];
	}
	ts_call(cap, &m);
	err = (int)ts_msginfo_label(m.info);
	if (err != TS_OK)
		return err;
	for (unsigned i = 0; i < nres; i++)
		res[i] = i < TS_MSG_REG_COUNT ? m.mr[i] : ipc->msg[i];
	return TS_OK;
}

#define ARGS(...) (const uint64_t[]){ __VA_ARGS__ }
#define NARGS(...) (unsigned)(sizeof(ARGS(__VA_ARGS__)) / sizeof(uint64_t))
/* Invoke with the given arguments and no results. */
#define INVOKE(cap, label, ...) ts_invoke(cap, label, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), 0, 0)

int ts_untyped_retype(uint64_t untyped, uint64_t type, uint64_t size_bits,
		      uint64_t dest_cnode, uint64_t dest_index, uint64_t count)
{
	return INVOKE(untyped, TS_UNTYPED_RETYPE, type, size_bits, dest_cnode, dest_index, count);
}

int ts_cnode_copy(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode,
		  uint64_t src_index, uint64_t rights)
{
	return INVOKE(cnode, TS_CNODE_COPY, dest_index, src_cnode, src_index, rights);
}

int ts_cnode_mint(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode,
		  uint64_t src_index, uint64_t rights, uint64_t badge)
{
	return INVOKE(cnode, TS_CNODE_MINT, dest_index, src_cnode, src_index, rights, badge);
}

int ts_cnode_move(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode, uint64_t src_index)
{
	return INVOKE(cnode, TS_CNODE_MOVE, dest_index, src_cnode, src_index);
}

int ts_cnode_delete(uint64_t cnode, uint64_t index)
{
	return INVOKE(cnode, TS_CNODE_DELETE, index);
}

int ts_cnode_revoke(uint64_t cnode, uint64_t index)
{
	return INVOKE(cnode, TS_CNODE_REVOKE, index);
}

int ts_cnode_is_empty(uint64_t cnode, uint64_t index, int *empty)
{
	uint64_t res;
	int err = ts_invoke(cnode, TS_CNODE_IS_EMPTY, 1, ARGS(index), 1, &res);

	if (err == TS_OK)
		*empty = res != 0;
	return err;
}

int ts_tcb_configure(uint64_t tcb, uint64_t fault_ep, uint64_t cspace, uint64_t vspace,
		     uint64_t ipc_buffer_vaddr, uint64_t ipc_buffer_frame)
{
	return INVOKE(tcb, TS_TCB_CONFIGURE, fault_ep, cspace, vspace, ipc_buffer_vaddr,
		      ipc_buffer_frame);
}

int ts_tcb_set_priority(uint64_t tcb, uint64_t priority)
{
	return INVOKE(tcb, TS_TCB_SET_PRIORITY, priority);
}

int ts_tcb_set_mcp(uint64_t tcb, uint64_t mcp)
{
	return INVOKE(tcb, TS_TCB_SET_MCP, mcp);
}

int ts_tcb_set_affinity(uint64_t tcb, uint64_t cpu)
{
	return INVOKE(tcb, TS_TCB_SET_AFFINITY, cpu);
}

int ts_tcb_read_registers(uint64_t tcb, uint64_t regs[TS_REG_COUNT])
{
	return ts_invoke(tcb, TS_TCB_READ_REGISTERS, 0, 0, TS_REG_COUNT, regs);
}

int ts_tcb_write_registers(uint64_t tcb, int resume, const uint64_t regs[TS_REG_COUNT])
{
	uint64_t args[2 + TS_REG_COUNT];

	/* The kernel takes resume, a register count, then the registers (docs/abi.md). */
	args[0] = resume != 0;
	args[1] = TS_REG_COUNT;
	memcpy(&args[2], regs, TS_REG_COUNT * sizeof(uint64_t));
	return ts_invoke(tcb, TS_TCB_WRITE_REGISTERS, 2 + TS_REG_COUNT, args, 0, 0);
}

int ts_tcb_resume(uint64_t tcb)
{
	return ts_invoke(tcb, TS_TCB_RESUME, 0, 0, 0, 0);
}

int ts_tcb_suspend(uint64_t tcb)
{
	return ts_invoke(tcb, TS_TCB_SUSPEND, 0, 0, 0, 0);
}

int ts_tcb_bind_notification(uint64_t tcb, uint64_t ntfn)
{
	return INVOKE(tcb, TS_TCB_BIND_NOTIFICATION, ntfn);
}

int ts_tcb_unbind_notification(uint64_t tcb)
{
	return ts_invoke(tcb, TS_TCB_UNBIND_NOTIFICATION, 0, 0, 0, 0);
}

int ts_tcb_set_domain(uint64_t tcb, uint64_t domain)
{
	return INVOKE(tcb, TS_TCB_SET_DOMAIN, domain);
}

int ts_tcb_set_tls_base(uint64_t tcb, uint64_t base)
{
	return INVOKE(tcb, TS_TCB_SET_TLS_BASE, base);
}

int ts_tcb_set_timeout(uint64_t tcb, uint64_t ntfn, uint64_t deadline)
{
	return INVOKE(tcb, TS_TCB_SET_TIMEOUT, ntfn, deadline);
}

int ts_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights, uint64_t attrs)
{
	return INVOKE(frame, TS_FRAME_MAP, vspace, vaddr, rights, attrs);
}

int ts_frame_unmap(uint64_t frame)
{
	return ts_invoke(frame, TS_FRAME_UNMAP, 0, 0, 0, 0);
}

int ts_frame_get_address(uint64_t frame, uint64_t *paddr)
{
	return ts_invoke(frame, TS_FRAME_GET_ADDRESS, 0, 0, 1, paddr);
}

int ts_paging_map(uint64_t table, uint64_t vspace, uint64_t vaddr)
{
	return INVOKE(table, TS_PAGING_MAP, vspace, vaddr);
}

int ts_paging_unmap(uint64_t table)
{
	return ts_invoke(table, TS_PAGING_UNMAP, 0, 0, 0, 0);
}

int ts_irq_control_get(uint64_t irq_control, uint64_t irq, uint64_t dest_cnode, uint64_t dest_index)
{
	return INVOKE(irq_control, TS_IRQ_CONTROL_GET, irq, dest_cnode, dest_index);
}

int ts_irq_set_notification(uint64_t irq_handler, uint64_t ntfn)
{
	return INVOKE(irq_handler, TS_IRQ_SET_NOTIFICATION, ntfn);
}

int ts_irq_ack(uint64_t irq_handler)
{
	return ts_invoke(irq_handler, TS_IRQ_ACK, 0, 0, 0, 0);
}

int ts_ioport_control_issue(uint64_t ioport_control, uint64_t first, uint64_t last,
			    uint64_t dest_cnode, uint64_t dest_index)
{
	return INVOKE(ioport_control, TS_IOPORT_CONTROL_ISSUE, first, last, dest_cnode, dest_index);
}

int ts_ioport_in(uint64_t ioport, uint64_t port, uint64_t width, uint64_t *value)
{
	return ts_invoke(ioport, TS_IOPORT_IN, 2, ARGS(port, width), 1, value);
}

int ts_ioport_out(uint64_t ioport, uint64_t port, uint64_t width, uint64_t value)
{
	return INVOKE(ioport, TS_IOPORT_OUT, port, width, value);
}

int ts_domain_set_id(uint64_t domain, uint64_t domid)
{
	return INVOKE(domain, TS_DOMAIN_SET_ID, domid);
}

int ts_domain_get_info(uint64_t domain, uint64_t *domid, uint64_t *threads)
{
	uint64_t res[2];
	int err = ts_invoke(domain, TS_DOMAIN_GET_INFO, 0, 0, 2, res);

	if (err == TS_OK) {
		*domid = res[0];
		*threads = res[1];
	}
	return err;
}

int ts_console_write(uint64_t console, const char *buf, uint64_t len)
{
	uint64_t args[TS_MSG_MAX_LENGTH];
	unsigned words = (unsigned)((len + 7) / 8);

	if (len > TS_CONSOLE_WRITE_MAX)
		return TS_ERR_RANGE;
	args[0] = len;
	memset(&args[1], 0, words * sizeof(uint64_t));
	memcpy(&args[1], buf, len);
	return ts_invoke(console, TS_CONSOLE_WRITE, 1 + words, args, 0, 0);
}

int ts_console_read_log(uint64_t console, uint64_t offset, char *buf, uint64_t bufsize,
			uint64_t *next_offset, uint64_t *count)
{
	uint64_t res[TS_MSG_MAX_LENGTH];
	int err = ts_invoke(console, TS_CONSOLE_READ_LOG, 1, ARGS(offset), TS_MSG_MAX_LENGTH, res);
	uint64_t n, max = 8 * (TS_MSG_MAX_LENGTH - 2);

	if (err != TS_OK)
		return err;
	n = res[1] < bufsize ? res[1] : bufsize;
	if (n > max)
		n = max;
	memcpy(buf, &res[2], n);
	*next_offset = res[0];
	*count = n;
	return TS_OK;
}

int ts_debug_check_invariants(uint64_t debug, uint64_t *violations)
{
	return ts_invoke(debug, TS_DEBUG_CHECK_INVARIANTS, 0, 0, 1, violations);
}

int ts_debug_cap_identify(uint64_t debug, uint64_t cptr, uint64_t *type)
{
	return ts_invoke(debug, TS_DEBUG_CAP_IDENTIFY, 1, ARGS(cptr), 1, type);
}

int ts_debug_untyped_free(uint64_t debug, uint64_t untyped, uint64_t *free_bytes)
{
	return ts_invoke(debug, TS_DEBUG_UNTYPED_FREE, 1, ARGS(untyped), 1, free_bytes);
}

const char *ts_error_name(int err)
{
	static const char *const names[TS_ERR_COUNT] = {
		[TS_OK] = "ok",
		[TS_ERR_INVALID_ARGUMENT] = "invalid argument",
		[TS_ERR_INVALID_CAPABILITY] = "invalid capability",
		[TS_ERR_ILLEGAL_OPERATION] = "illegal operation",
		[TS_ERR_RANGE] = "range",
		[TS_ERR_ALIGNMENT] = "alignment",
		[TS_ERR_FAILED_LOOKUP] = "failed lookup",
		[TS_ERR_TRUNCATED_MESSAGE] = "truncated message",
		[TS_ERR_DELETE_FIRST] = "delete first",
		[TS_ERR_REVOKE_FIRST] = "revoke first",
		[TS_ERR_NOT_ENOUGH_MEMORY] = "not enough memory",
		[TS_ERR_INSUFFICIENT_RIGHTS] = "insufficient rights",
	};

	return err >= 0 && err < TS_ERR_COUNT ? names[err] : "unknown error";
}
