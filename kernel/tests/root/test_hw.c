/* I/O ports, IRQs (the RTC on IRQ 8), the console, the debug cap and the boot info. */
#include <ts/string.h>
#include "harness.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define RTC_IRQ		8

static uint64_t rtc_read(uint64_t io, uint64_t reg)
{
	uint64_t v = 0;

	ts_ioport_out(io, RTC_INDEX, 1, reg);
	ts_ioport_in(io, RTC_DATA, 1, &v);
	return v;
}

static void rtc_write(uint64_t io, uint64_t reg, uint64_t v)
{
	ts_ioport_out(io, RTC_INDEX, 1, reg);
	ts_ioport_out(io, RTC_DATA, 1, v);
}

static void out_instruction(void *arg)
{
	(void)arg;
	__asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"(0x80));
}

static void in_instruction(void *arg)
{
	uint8_t v;

	(void)arg;
	__asm__ volatile("inb %%dx, %%al" : "=a"(v) : "d"(0x71));
}

static void test_port_instructions(void)
{
	struct ts_msg f = { 0 };

	check(run_guarded(out_instruction, 0, &f, 2000) == 0 && ts_msginfo_label(f.info) == TS_FAULT_EXCEPTION &&
	      f.mr[1] == 13, "ioport: an out instruction in user mode faults (#GP to the fault handler)");
	f = (struct ts_msg){ 0 };
	check(run_guarded(in_instruction, 0, &f, 2000) == 0 && ts_msginfo_label(f.info) == TS_FAULT_EXCEPTION &&
	      f.mr[1] == 13, "ioport: an in instruction in user mode faults, even with an IOPort cap held");
}

static void test_irq(uint64_t io)
{
	uint64_t n = new_object(TS_OBJ_NOTIFICATION, 0), nb = new_slot(), irq = new_slot(), dup = new_slot();
	uint64_t ep = new_object(TS_OBJ_ENDPOINT, 0), b;

	if (!n || !ep)
		return;
	ts_cnode_mint(TS_ROOT_CNODE, nb, TS_ROOT_CNODE, n, TS_RIGHT_WRITE, 0x800);
	check_range_err(ts_irq_control_get(TS_ROOT_IRQ_CONTROL, 24, TS_ROOT_CNODE, irq),
			"irq: IRQ 24 -> range/invalid argument");
	check_err(ts_irq_control_get(TS_ROOT_IRQ_CONTROL, RTC_IRQ, TS_ROOT_CNODE, 0), TS_ERR_RANGE,
		  "irq: handler cap into slot 0 -> range");
	check_err(ts_irq_control_get(TS_ROOT_IRQ_CONTROL, RTC_IRQ, TS_ROOT_CNODE, irq), TS_OK,
		  "irq: get the handler cap of IRQ 8");
	check(cap_type(irq) == TS_CAP_IRQ_HANDLER, "irq: it is an IRQ handler cap");
	check_err(ts_irq_control_get(TS_ROOT_IRQ_CONTROL, RTC_IRQ, TS_ROOT_CNODE, dup), TS_ERR_REVOKE_FIRST,
		  "irq: a second handler cap for IRQ 8 -> revoke first");
	check_err(ts_irq_control_get(TS_ROOT_CNODE, 9, TS_ROOT_CNODE, dup), TS_ERR_ILLEGAL_OPERATION,
		  "irq: irq_control_get invoked on a CNode -> illegal operation");
	check_err(ts_irq_set_notification(irq, ep), TS_ERR_INVALID_CAPABILITY,
		  "irq: bind an endpoint -> invalid capability");
	check_err(ts_irq_set_notification(irq, nb), TS_OK, "irq: bind a notification");

	/* RTC periodic interrupt at 1024 Hz */
	rtc_write(io, 0x0a, (rtc_read(io, 0x0a) & 0xf0) | 0x06);
	rtc_write(io, 0x0b, rtc_read(io, 0x0b) | 0x40);
	rtc_read(io, 0x0c);
	check_err(ts_irq_ack(irq), TS_OK, "irq: ack");
	b = wait_ntfn(n, 3000);
	check(b == 0x800, "irq: the RTC interrupt reaches the notification with its badge");
	rtc_read(io, 0x0c);
	ts_irq_ack(irq);
	b = wait_ntfn(n, 3000);
	check(b == 0x800, "irq: after ack the next interrupt arrives too");
	rtc_write(io, 0x0b, rtc_read(io, 0x0b) & ~0x40ull);
	rtc_read(io, 0x0c);
	ts_irq_ack(irq);
	check_err(ts_irq_set_notification(irq, 0), TS_OK, "irq: unbind the notification");
	check_err(ts_cnode_delete(TS_ROOT_CNODE, irq), TS_OK, "irq: delete the handler cap");
	check_err(ts_irq_control_get(TS_ROOT_IRQ_CONTROL, RTC_IRQ, TS_ROOT_CNODE, dup), TS_OK,
		  "irq: IRQ 8 can be claimed again after its handler cap is deleted");
	ts_cnode_delete(TS_ROOT_CNODE, dup);
}

static void test_console(void)
{
	static char log[1024];
	const char marker[] = "console-marker-5e1f";
	uint64_t offset = 0, next = 0, count = 0;
	int found = 0;

	check_err(ts_console_write(TS_ROOT_CONSOLE, "# console write\n", 16), TS_OK, "console: write");
	ts_printf("# %s\n", marker);
	check_range_err(ts_invoke(TS_ROOT_CONSOLE, TS_CONSOLE_WRITE, 1, (const uint64_t[]){ TS_CONSOLE_WRITE_MAX + 1 }, 0, 0),
			"console: write of 953 bytes -> range/invalid argument");
	check_err(ts_invoke(TS_ROOT_CONSOLE, TS_CONSOLE_WRITE, 2, (const uint64_t[]){ 100, 0 }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "console: 100 bytes announced, 8 given -> truncated message");
	for (int i = 0; i < 10000 && !found; i++) {
		if (ts_console_read_log(TS_ROOT_CONSOLE, offset, log, sizeof(log) - 1, &next, &count) != TS_OK ||
		    count == 0)
			break;
		log[count] = 0;
		for (uint64_t j = 0; j + sizeof(marker) - 1 <= count && !found; j++)
			found = memcmp(&log[j], marker, sizeof(marker) - 1) == 0;
		/* step back a little so a marker split between reads is still found */
		offset = next > offset + sizeof(marker) ? next - sizeof(marker) : next;
	}
	check(found, "console: the kernel log read back holds what was written");
}

void test_hardware(void)
{
	uint64_t io = new_slot(), other = new_slot(), v = 0;

	check_err(ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, RTC_INDEX, RTC_DATA, TS_ROOT_CNODE, io), TS_OK,
		  "ioport: issue a cap for ports 0x70-0x71");
	check(cap_type(io) == TS_CAP_IOPORT, "ioport: it is an IOPort cap");
	check_err(ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, RTC_INDEX, RTC_DATA, TS_ROOT_CNODE, io),
		  TS_ERR_DELETE_FIRST, "ioport: issue into an occupied slot -> delete first");
	check_range_err(ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, 0x71, 0x70, TS_ROOT_CNODE, other),
			"ioport: first > last -> range/invalid argument");
	check_range_err(ts_ioport_control_issue(TS_ROOT_IOPORT_CONTROL, 0xfff0, 0x10000, TS_ROOT_CNODE, other),
			"ioport: last port 0x10000 -> range/invalid argument");
	check_err(ts_invoke(TS_ROOT_IOPORT_CONTROL, TS_IOPORT_CONTROL_ISSUE, 3,
			    (const uint64_t[]){ 0x70, 0x71, TS_ROOT_CNODE }, 0, 0),
		  TS_ERR_TRUNCATED_MESSAGE, "ioport: issue with 3 of 4 MRs -> truncated message");
	check_err(ts_ioport_in(io, RTC_DATA, 1, &v), TS_OK, "ioport: in through the cap");
	check_err(ts_ioport_out(io, RTC_INDEX, 1, 0x0a), TS_OK, "ioport: out through the cap");
	check_err(ts_ioport_in(io, 0x72, 1, &v), TS_ERR_RANGE, "ioport: a port outside the cap -> range");
	check_err(ts_ioport_out(io, 0x60, 1, 0), TS_ERR_RANGE, "ioport: out to a port outside the cap -> range");
	check_err(ts_ioport_in(io, RTC_INDEX, 4, &v), TS_ERR_RANGE, "ioport: a 4-byte access running past the cap -> range");
	check_range_err(ts_ioport_in(io, RTC_INDEX, 3, &v), "ioport: width 3 -> range/invalid argument");
	check_err(ts_ioport_in(TS_ROOT_CONSOLE, RTC_INDEX, 1, &v), TS_ERR_ILLEGAL_OPERATION,
		  "ioport: in invoked on the console -> illegal operation");
	check_err(ts_ioport_control_issue(TS_ROOT_IRQ_CONTROL, 0x70, 0x71, TS_ROOT_CNODE, other),
		  TS_ERR_ILLEGAL_OPERATION, "ioport: issue invoked on the IRQ control cap -> illegal operation");
	test_port_instructions();
	test_irq(io);
	test_console();
}

void test_debug(void)
{
	static const struct { uint64_t slot, type; } root_caps[] = {
		{ TS_ROOT_TCB, TS_OBJ_TCB }, { TS_ROOT_CNODE, TS_OBJ_CNODE }, { TS_ROOT_VSPACE, TS_OBJ_VSPACE },
		{ TS_ROOT_IRQ_CONTROL, TS_CAP_IRQ_CONTROL }, { TS_ROOT_IOPORT_CONTROL, TS_CAP_IOPORT_CONTROL },
		{ TS_ROOT_CONSOLE, TS_CAP_CONSOLE }, { TS_ROOT_DEBUG, TS_CAP_DEBUG },
		{ TS_ROOT_DOMAIN, TS_OBJ_DOMAIN }, { TS_ROOT_IPC_BUFFER, TS_OBJ_FRAME_4K },
	};
	uint64_t violations = ~0ull, v, ep = new_object(TS_OBJ_ENDPOINT, 0);
	int all = 1;

	for (unsigned i = 0; i < sizeof(root_caps) / sizeof(root_caps[0]); i++)
		all &= cap_type(root_caps[i].slot) == root_caps[i].type;
	check(all, "debug: the root CNode's fixed slots hold the caps bootinfo.h lists");
	check(cap_type(bi->untyped.first) == TS_OBJ_UNTYPED && cap_type(bi->empty.first + bi->empty.count - 1) == 0,
	      "debug: the boot info's untyped and empty ranges match the CNode");
	check(bi->nr_cpus >= 1 && bi->tsc_khz > 0 && bi->untyped.count > 0, "debug: boot info gives CPUs, TSC rate, untyped");
	check_err(ts_debug_untyped_free(TS_ROOT_DEBUG, ep, &v), TS_ERR_INVALID_CAPABILITY,
		  "debug: untyped free of an endpoint -> invalid capability");
	check_err(ts_debug_check_invariants(TS_ROOT_DEBUG, &violations), TS_OK, "debug: check invariants");
	check(violations == 0, "debug: the kernel finds no invariant violation at the end (%lu)", violations);
}
