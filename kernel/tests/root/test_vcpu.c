/*
 * vCPUs (AMD SVM with nested paging): a 22-byte 32-bit guest runs in its
 * own guest space; every exit the kernel does not handle arrives here as a
 * TS_FAULT_VMEXIT message, and the test plays the VMM: it emulates CPUID,
 * answers a VMMCALL, maps the page a nested page fault asks for, decodes
 * an OUT and a HLT, then watches the kernel preempt the spinning guest.
 */
#include <ts/domain.h>
#include <ts/string.h>
#include "harness.h"

#define EXIT_CPUID	0x72
#define EXIT_HLT	0x78
#define EXIT_IOIO	0x7b
#define EXIT_VMMCALL	0x81
#define EXIT_NPF	0x400
#define VCPU_BADGE	0x5c

static const uint8_t guest_code[] = {
	0xb8, 0x00, 0x00, 0x00, 0x40,	/* 0x00 mov $0x40000000, %eax */
	0x0f, 0xa2,			/* 0x05 cpuid */
	0x0f, 0x01, 0xd9,		/* 0x07 vmmcall */
	0xa1, 0x00, 0x00, 0x20, 0x00,	/* 0x0a mov 0x200000, %eax */
	0x89, 0xc3,			/* 0x0f mov %eax, %ebx */
	0xe6, 0x80,			/* 0x11 out %al, $0x80 */
	0xf4,				/* 0x13 hlt */
	0xeb, 0xfe,			/* 0x14 jmp . */
};

static uint64_t vcpu, fault_ep;

static uint64_t get_reg(unsigned reg)
{
	uint64_t v = 0;

	ts_invoke(vcpu, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ reg, 1 }, 1, &v);
	return v;
}

static int set_reg(unsigned reg, uint64_t value)
{
	return ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ reg, 1, value }, 0, 0);
}

/* The next exit message, or a zeroed one if none comes within 2 s. */
static struct ts_msg next_exit(void)
{
	uint64_t end = deadline_ms(2000);
	struct ts_msg m;

	do {
		memset(&m, 0, sizeof(m));
		ts_nbrecv(fault_ep, &m);
		if (ts_msginfo_label(m.info) == TS_FAULT_VMEXIT && m.badge == VCPU_BADGE)
			return m;
		ts_yield();
	} while (ts_rdtsc() < end);
	memset(&m, 0, sizeof(m));
	return m;
}

static void resume_guest(void)
{
	struct ts_msg m = { .info = ts_msginfo_new(0, 0, 0) };

	ts_reply(&m);
}

static uint64_t map_guest_page(uint64_t space, uint64_t gpa, uint32_t fill, uint64_t attrs)
{
	uint32_t words[1024];
	uint64_t frame = new_object(TS_OBJ_FRAME_4K, 0);

	for (unsigned i = 0; i < 1024; i++)
		words[i] = fill;
	if (!frame || ts_frame_fill(frame, words, sizeof(words)) != TS_OK ||
	    ts_frame_map(frame, space, gpa, TS_RIGHT_READ | TS_RIGHT_WRITE, attrs) != TS_OK)
		return 0;
	return frame;
}

void test_vcpu(void)
{
	uint64_t space, code, tcb, ep, data_pt;
	uint64_t sig[4] = { 0x40000003, 0x566e6558, 0x65584d4d, 0x4d4d566e };	/* "XenVMMXenVMM" */
	struct ts_msg m;
	int err;

	space = new_object(TS_OBJ_GUEST_SPACE, 0);
	err = ts_object_alloc(TS_OBJ_VCPU, 0, &vcpu);
	if (err == TS_ERR_ILLEGAL_OPERATION) {
		check(1, "vcpu: # SKIP this CPU has no SVM with nested paging");
		return;
	}
	check_err(err, TS_OK, "vcpu: retype a vCPU and a guest space");
	uint64_t tables[3] = { new_object(TS_OBJ_PDPT, 0), new_object(TS_OBJ_PAGE_DIRECTORY, 0),
			       new_object(TS_OBJ_PAGE_TABLE, 0) };
	for (unsigned i = 0; i < 3; i++)
		ts_paging_map(tables[i], space, 0);
	code = new_object(TS_OBJ_FRAME_4K, 0);
	check(code && ts_frame_fill(code, guest_code, sizeof(guest_code)) == TS_OK &&
	      ts_frame_map(code, space, 0, TS_RIGHT_READ | TS_RIGHT_WRITE, TS_MAP_EXECUTE) == TS_OK,
	      "vcpu: guest code mapped at guest-physical 0");
	check_err(ts_frame_map(new_object(TS_OBJ_FRAME_4K, 0), space, 0x800000000000ull, TS_RIGHT_READ, 0),
		  TS_ERR_RANGE, "vcpu: guest spaces end where user address spaces do");
	check_err(ts_invoke(vcpu, TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ TS_ROOT_VSPACE }, 0, 0),
		  TS_ERR_INVALID_CAPABILITY, "vcpu: a VSpace (with kernel mappings) is not a guest space");
	check_err(ts_invoke(vcpu, TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ space }, 0, 0), TS_OK,
		  "vcpu: set its guest space");
	check_err(ts_invoke(vcpu, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ TS_VREG_COUNT, 1 }, 0, 0),
		  TS_ERR_RANGE, "vcpu: register index past the end -> range");
	check(get_reg(TS_VREG_CR0) == 0x11 && get_reg(TS_VREG_CS + 1) == 0xc9b,
	      "vcpu: starts in 32-bit flat protected mode");

	ep = new_object(TS_OBJ_ENDPOINT, 0);
	fault_ep = ep;
	uint64_t badged = new_slot();
	ts_cnode_mint(TS_ROOT_CNODE, badged, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL, VCPU_BADGE);
	tcb = new_object(TS_OBJ_TCB, 0);
	ts_tcb_configure(tcb, badged, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0, 0);
	ts_tcb_set_priority(tcb, ROOT_PRIO);
	check_err(ts_invoke(tcb, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ vcpu }, 0, 0), TS_OK,
		  "vcpu: bind it to a thread");
	set_reg(TS_VREG_RIP, 0);
	check_err(ts_tcb_resume(tcb), TS_OK, "vcpu: start the guest");

	m = next_exit();
	check(m.mr[0] == EXIT_CPUID && m.mr[3] == 0x05 && get_reg(TS_VREG_RAX) == 0x40000000,
	      "vcpu: CPUID exits to the VMM with the leaf in rax");
	for (unsigned i = 0; i < 4; i++)
		set_reg(TS_VREG_RAX + i, sig[i]);	/* eax, ebx, ecx, edx */
	set_reg(TS_VREG_RIP, 0x07);	/* no NRIPS under TCG: the VMM knows CPUID is 2 bytes */
	resume_guest();

	m = next_exit();
	check(m.mr[0] == EXIT_VMMCALL && m.mr[3] == 0x07 && get_reg(TS_VREG_RAX) == sig[0] &&
	      get_reg(TS_VREG_RBX) == sig[1] && get_reg(TS_VREG_RDX) == sig[3],
	      "vcpu: VMMCALL exits; the emulated CPUID result reached the guest's registers");
	set_reg(TS_VREG_RIP, 0x0a);
	resume_guest();

	m = next_exit();
	check(m.mr[0] == EXIT_NPF && m.mr[2] == 0x200000 && !(m.mr[1] & 1) && m.mr[3] == 0x0a,
	      "vcpu: reading unbacked guest memory is a nested page fault with its address");
	data_pt = new_object(TS_OBJ_PAGE_TABLE, 0);
	ts_paging_map(data_pt, space, 0x200000);
	check(map_guest_page(space, 0x200000, 0xfeedbeef, 0) != 0, "vcpu: the VMM maps a page there");
	resume_guest();

	m = next_exit();
	check(m.mr[0] == EXIT_IOIO && (m.mr[1] >> 16) == 0x80 && !(m.mr[1] & 1) && m.mr[2] == 0x13 &&
	      get_reg(TS_VREG_RBX) == 0xfeedbeef,
	      "vcpu: the load saw the new page, and OUT exits with port and next rip");
	set_reg(TS_VREG_RIP, m.mr[2]);
	resume_guest();

	m = next_exit();
	check(m.mr[0] == EXIT_HLT && m.mr[3] == 0x13, "vcpu: HLT exits");
	set_reg(TS_VREG_RIP, 0x14);
	resume_guest();

	/* The guest now spins on our CPU at our priority: the timer must preempt it. */
	uint64_t end = deadline_ms(60);
	unsigned turns = 0;
	while (ts_rdtsc() < end) {
		ts_yield();
		turns++;
	}
	check(turns > 0 && get_reg(TS_VREG_RIP) == 0x14,
	      "vcpu: a spinning guest is preempted, and its registers can be read meanwhile");
	check_err(ts_invoke(tcb, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ 0 }, 0, 0),
		  TS_ERR_ILLEGAL_OPERATION, "vcpu: a running thread cannot be rebound");

	/* Taking the code page away: the next instruction fetch faults. */
	ts_cnode_delete(TS_ROOT_CNODE, code);
	m = next_exit();
	check(m.mr[0] == EXIT_NPF && m.mr[2] == 0x14 && m.mr[3] == 0x14,
	      "vcpu: a deleted frame is gone from the running guest (fetch fault at its rip)");

	ts_tcb_suspend(tcb);
	ts_cnode_delete(TS_ROOT_CNODE, tcb);
	ts_cnode_delete(TS_ROOT_CNODE, vcpu);
	ts_cnode_delete(TS_ROOT_CNODE, space);
	uint64_t violations = 1;
	ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
	check(violations == 0, "vcpu: invariants hold after the vCPU, its thread and space are gone");
}
