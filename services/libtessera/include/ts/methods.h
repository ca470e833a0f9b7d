/*
 * Typed wrappers, one per kernel method of <tessera/object.h>. Each returns
 * the kernel's enum ts_error (TS_OK = 0) and stores results through its
 * pointer arguments only on success.
 */
#ifndef TS_METHODS_H
#define TS_METHODS_H

#include <stdint.h>
#include <tessera/abi.h>
#include <tessera/object.h>

/* The generic form: MRs args[0..nargs-1] in, res[0..nres-1] out. */
int ts_invoke(uint64_t cap, uint64_t label, unsigned nargs, const uint64_t *args,
	      unsigned nres, uint64_t *res);

/* Untyped */
int ts_untyped_retype(uint64_t untyped, uint64_t type, uint64_t size_bits,
		      uint64_t dest_cnode, uint64_t dest_index, uint64_t count);

/* CNode: `cnode` is the destination */
int ts_cnode_copy(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode,
		  uint64_t src_index, uint64_t rights);
int ts_cnode_mint(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode,
		  uint64_t src_index, uint64_t rights, uint64_t badge);
int ts_cnode_move(uint64_t cnode, uint64_t dest_index, uint64_t src_cnode, uint64_t src_index);
int ts_cnode_delete(uint64_t cnode, uint64_t index);
int ts_cnode_revoke(uint64_t cnode, uint64_t index);
int ts_cnode_is_empty(uint64_t cnode, uint64_t index, int *empty);

/* The badge of a minted CNode cap: its guard. */
static inline uint64_t ts_cnode_guard(unsigned guard_size, uint64_t guard_value)
{
	return (uint64_t)guard_size << 58 | guard_value;
}

/* Thread control block */
int ts_tcb_configure(uint64_t tcb, uint64_t fault_ep, uint64_t cspace, uint64_t vspace,
		     uint64_t ipc_buffer_vaddr, uint64_t ipc_buffer_frame);
int ts_tcb_set_priority(uint64_t tcb, uint64_t priority);
int ts_tcb_set_mcp(uint64_t tcb, uint64_t mcp);
int ts_tcb_set_affinity(uint64_t tcb, uint64_t cpu);
int ts_tcb_read_registers(uint64_t tcb, uint64_t regs[TS_REG_COUNT]);
int ts_tcb_write_registers(uint64_t tcb, int resume, const uint64_t regs[TS_REG_COUNT]);
int ts_tcb_resume(uint64_t tcb);
int ts_tcb_suspend(uint64_t tcb);
int ts_tcb_bind_notification(uint64_t tcb, uint64_t ntfn);
int ts_tcb_unbind_notification(uint64_t tcb);
int ts_tcb_set_domain(uint64_t tcb, uint64_t domain);
int ts_tcb_set_tls_base(uint64_t tcb, uint64_t base);
/* Signals ntfn once when the TSC passes deadline; ntfn 0 cancels. */
int ts_tcb_set_timeout(uint64_t tcb, uint64_t ntfn, uint64_t deadline);

/* Frames and paging structures */
int ts_frame_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights, uint64_t attrs);
int ts_frame_unmap(uint64_t frame);
int ts_frame_get_address(uint64_t frame, uint64_t *paddr);
int ts_paging_map(uint64_t table, uint64_t vspace, uint64_t vaddr);
int ts_paging_unmap(uint64_t table);

/* IRQs and I/O ports */
int ts_irq_control_get(uint64_t irq_control, uint64_t irq, uint64_t dest_cnode, uint64_t dest_index);
int ts_irq_set_notification(uint64_t irq_handler, uint64_t ntfn);
int ts_irq_ack(uint64_t irq_handler);
int ts_ioport_control_issue(uint64_t ioport_control, uint64_t first, uint64_t last,
			    uint64_t dest_cnode, uint64_t dest_index);
int ts_ioport_in(uint64_t ioport, uint64_t port, uint64_t width, uint64_t *value);
int ts_ioport_out(uint64_t ioport, uint64_t port, uint64_t width, uint64_t value);

/* Domain */
int ts_domain_set_id(uint64_t domain, uint64_t domid);
int ts_domain_get_info(uint64_t domain, uint64_t *domid, uint64_t *threads);

/* Console */
int ts_console_write(uint64_t console, const char *buf, uint64_t len);
int ts_console_read_log(uint64_t console, uint64_t offset, char *buf, uint64_t bufsize,
			uint64_t *next_offset, uint64_t *count);

/* Debug (root task only) */
int ts_debug_check_invariants(uint64_t debug, uint64_t *violations);
int ts_debug_cap_identify(uint64_t debug, uint64_t cptr, uint64_t *type);
int ts_debug_untyped_free(uint64_t debug, uint64_t untyped, uint64_t *free_bytes);

/* Most bytes one TS_CONSOLE_WRITE carries. */
#define TS_CONSOLE_WRITE_MAX	(8 * (TS_MSG_MAX_LENGTH - 1))

/* A short name for an enum ts_error, for messages. */
const char *ts_error_name(int err);

#endif
