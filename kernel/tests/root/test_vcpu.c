/*
 * vCPUs (AMD SVM with nested paging). Three guests, each in its own guest
 * space, with the test playing their VMM (exits the kernel does not
 * handle arrive here as TS_FAULT_VMEXIT messages):
 *  - a 22-byte 32-bit guest: the VMM emulates CPUID, answers a VMMCALL,
 *    maps the page a nested page fault asks for, decodes an OUT and a HLT,
 *    then watches the kernel preempt the spinning guest;
 *  - a 32-bit guest exercising the MSRs the kernel answers itself, the #GP
 *    it injects for the others, an exception re-injected after the exit
 *    that interrupted its delivery, and its own switch to long mode;
 *  - a 64-bit guest of a Xen domain (CPUID's Xen leaves and masked host
 *    leaves, the hypercall page, hypercalls reading and writing its
 *    memory through its page tables): run only once the kernel has
 *    TS_DOMAIN_XEN_SETUP.
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

/*
 * The second guest, loaded at guest-physical 0 (its addresses are offsets
 * from vg_msr). It reports to the VMM with VMMCALL: EBP = step, EBX/ESI/EDI
 * = values. Its #GP and #UD handlers report the vector in EBX, the error
 * code in ESI and the faulting EIP in EDI, then skip the 2-byte
 * instruction. The VMM puts its IDT at 0x800 and GDT at 0x900.
 */
#define MSR_GUEST_IDT	0x800
#define MSR_GUEST_GDT	0x900
extern const uint8_t vg_msr[], vg_msr_end[], vg_efer_bad[], vg_unknown_msr[], vg_pat_bad[],
	vg_hcall_msr[], vg_after_ud[], vg_gp_handler[], vg_ud_handler[];
__asm__(
"	.pushsection .rodata.vcpu_guest, \"a\"\n"
"	.code32\n"
"	.globl vg_msr, vg_msr_end, vg_efer_bad, vg_unknown_msr, vg_pat_bad, vg_hcall_msr\n"
"	.globl vg_after_ud, vg_gp_handler, vg_ud_handler\n"
"vg_msr:\n"
"	lgdt vg_gdtr - vg_msr\n"
"	lidt vg_idtr - vg_msr\n"
"	mov $0x2000, %esp\n"
"	mov $1, %ebp\n"			/* 1: EFER reads without SVME */
"	mov $0xc0000080, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	mov %edx, %esi\n"
"	vmmcall\n"
"	mov $2, %ebp\n"			/* 2: SCE|NXE written, read back */
"	mov $0x801, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	vmmcall\n"
"	mov $3, %ebp\n"			/* 3: a reserved EFER bit: #GP */
"	mov $0x80000000, %edx\n"
"vg_efer_bad:\n"
"	wrmsr\n"
"	mov $4, %ebp\n"			/* 4: MCG_CAP, not answered: #GP */
"	mov $0x179, %ecx\n"
"vg_unknown_msr:\n"
"	rdmsr\n"
"	mov $5, %ebp\n"			/* 5: PAT with memory type 2: #GP */
"	mov $0x277, %ecx\n"
"	mov $0x00070102, %eax\n"
"	mov $0x00050406, %edx\n"
"vg_pat_bad:\n"
"	wrmsr\n"
"	mov $6, %ebp\n"			/* 6: a valid PAT reads back */
"	mov $0x00070106, %eax\n"
"	wrmsr\n"
"	xor %eax, %eax\n"
"	xor %edx, %edx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	mov %edx, %esi\n"
"	vmmcall\n"
"	mov $7, %ebp\n"			/* 7: FS base, not intercepted */
"	mov $0xc0000100, %ecx\n"
"	mov $0x12345000, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	xor %eax, %eax\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	vmmcall\n"
"	mov $8, %ebp\n"			/* 8: the TSC */
"	mov $0x10, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	mov %edx, %esi\n"
"	vmmcall\n"
"	mov $9, %ebp\n"			/* 9: MISC_ENABLE */
"	mov $0x1a0, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	vmmcall\n"
"	mov $10, %ebp\n"			/* 10: Xen's hypercall-page MSR outside a Xen domain: #GP */
"	mov $0x40000000, %ecx\n"
"	mov $0x3000, %eax\n"
"	xor %edx, %edx\n"
"vg_hcall_msr:\n"
"	wrmsr\n"
"	mov $11, %ebp\n"			/* 11: #UD pushed onto an unbacked stack page */
"	mov $0x4000, %esp\n"
"	ud2\n"
"	ud2\n"				/* (the VMM moves RIP past this) */
"vg_after_ud:\n"
"	xchg %ax, %ax\n"			/* 2 bytes: the #UD handler returns past them */
"	mov $12, %ebp\n"			/* 12: PAE, EFER.LME, paging: compatibility mode */
"	mov $0x5000, %eax\n"
"	mov %eax, %cr3\n"
"	mov %cr4, %eax\n"
"	or $0x20, %eax\n"
"	mov %eax, %cr4\n"
"	mov $0xc0000080, %ecx\n"
"	rdmsr\n"
"	or $0x100, %eax\n"
"	wrmsr\n"
"	mov %cr0, %eax\n"
"	or $0x80000000, %eax\n"
"	mov %eax, %cr0\n"
"	vmmcall\n"
"	ljmp $0x18, $vg_long - vg_msr\n"
"	.code64\n"
"vg_long:\n"
"	mov $13, %ebp\n"			/* 13: 64-bit code */
"	vmmcall\n"
"	jmp .\n"
"	.code32\n"
"vg_gp_handler:\n"
"	pop %esi\n"
"	mov $13, %ebx\n"
"	mov (%esp), %edi\n"
"	vmmcall\n"
"	addl $2, (%esp)\n"
"	iret\n"
"vg_ud_handler:\n"
"	mov $6, %ebx\n"
"	xor %esi, %esi\n"
"	mov (%esp), %edi\n"
"	vmmcall\n"
"	addl $2, (%esp)\n"
"	iret\n"
"	.p2align 2\n"
"vg_idtr:\n"
"	.word 16 * 8 - 1\n"
"	.long 0x800\n"
"vg_gdtr:\n"
"	.word 4 * 8 - 1\n"
"	.long 0x900\n"
"vg_msr_end:\n"
"	.code64\n"
"	.popsection\n");

static uint64_t vcpu, fault_ep, fault_badged;

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

/* A fresh frame starting with data (len bytes, the rest zero) mapped writable at gpa; 0 on failure. */
static uint64_t guest_page(uint64_t space, uint64_t gpa, const void *data, size_t len, uint64_t attrs)
{
	uint64_t frame = new_object(TS_OBJ_FRAME_4K, 0);

	if (!frame || (len && ts_frame_fill(frame, data, len) != TS_OK) ||
	    ts_frame_map(frame, space, gpa, TS_RIGHT_READ | TS_RIGHT_WRITE, attrs) != TS_OK)
		return 0;
	return frame;
}

static uint64_t map_guest_page(uint64_t space, uint64_t gpa, uint32_t fill, uint64_t attrs)
{
	uint32_t words[1024];

	for (unsigned i = 0; i < 1024; i++)
		words[i] = fill;
	return guest_page(space, gpa, words, sizeof(words), attrs);
}

struct guest {
	uint64_t space, vcpu, tcb;
};

/* A guest space with tables for its first 2 MiB, a vCPU in it, and a thread bound to run it. */
static int guest_create(struct guest *g)
{
	uint64_t tables[3] = { new_object(TS_OBJ_PDPT, 0), new_object(TS_OBJ_PAGE_DIRECTORY, 0),
			       new_object(TS_OBJ_PAGE_TABLE, 0) };

	g->space = new_object(TS_OBJ_GUEST_SPACE, 0);
	g->tcb = new_object(TS_OBJ_TCB, 0);
	if (!g->space || !g->tcb || ts_object_alloc(TS_OBJ_VCPU, 0, &g->vcpu) != TS_OK)
		return 0;
	for (unsigned i = 0; i < 3; i++)
		if (!tables[i] || ts_paging_map(tables[i], g->space, 0) != TS_OK)
			return 0;
	return ts_invoke(g->vcpu, TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ g->space }, 0, 0) == TS_OK &&
	       ts_tcb_configure(g->tcb, fault_badged, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0, 0) == TS_OK &&
	       ts_tcb_set_priority(g->tcb, ROOT_PRIO) == TS_OK &&
	       ts_invoke(g->tcb, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ g->vcpu }, 0, 0) == TS_OK;
}

static void guest_destroy(struct guest *g)
{
	ts_tcb_suspend(g->tcb);
	ts_cnode_delete(TS_ROOT_CNODE, g->tcb);
	ts_cnode_delete(TS_ROOT_CNODE, g->vcpu);
	ts_cnode_delete(TS_ROOT_CNODE, g->space);
}

/* The next exit, which must be the guest's VMMCALL report of step; RIP is then at that VMMCALL. */
static int vmmcall_report(uint64_t step, struct ts_msg *m)
{
	*m = next_exit();
	return m->mr[0] == EXIT_VMMCALL && get_reg(TS_VREG_RBP) == step;
}

static void resume_at(uint64_t rip)
{
	set_reg(TS_VREG_RIP, rip);
	resume_guest();
}

/* A report by a #GP handler: vector 13, error code 0, at the guest's instruction at `at`. */
static int gp_report(uint64_t step, const uint8_t *at, struct ts_msg *m)
{
	return vmmcall_report(step, m) && get_reg(TS_VREG_RBX) == 13 && get_reg(TS_VREG_RSI) == 0 &&
	       get_reg(TS_VREG_RDI) == (uint64_t)(at - vg_msr);
}

static void put_gate32(uint8_t *idt, unsigned vector, uint32_t offset)
{
	uint64_t gate = (offset & 0xffff) | 0x08ull << 16 | 0x8eull << 40 | (uint64_t)(offset >> 16) << 48;

	memcpy(idt + 8 * vector, &gate, sizeof(gate));
}

static void test_vcpu_msrs(void)
{
	static uint8_t low[4096];
	static const uint64_t gdt[4] = { 0, 0x00cf9a000000ffff, 0x00cf92000000ffff, 0x00af9a000000ffff };
	static const uint64_t pml4e = 0x6003, pdpte = 0x7003, pde = 0x83;	/* 2 MiB identity */
	struct guest g;
	struct ts_msg m;

	memcpy(low, vg_msr, vg_msr_end - vg_msr);
	put_gate32(low + MSR_GUEST_IDT, 6, vg_ud_handler - vg_msr);
	put_gate32(low + MSR_GUEST_IDT, 13, vg_gp_handler - vg_msr);
	memcpy(low + MSR_GUEST_GDT, gdt, sizeof(gdt));
	if (!check(guest_create(&g) && guest_page(g.space, 0, low, sizeof(low), TS_MAP_EXECUTE) &&
		   guest_page(g.space, 0x1000, 0, 0, 0) && guest_page(g.space, 0x5000, &pml4e, 8, 0) &&
		   guest_page(g.space, 0x6000, &pdpte, 8, 0) && guest_page(g.space, 0x7000, &pde, 8, 0),
		   "vcpu msr: a 32-bit guest with an IDT, a GDT and long-mode page tables"))
		return;
	vcpu = g.vcpu;
	set_reg(TS_VREG_RIP, 0);
	ts_tcb_resume(g.tcb);

	check(vmmcall_report(1, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0,
	      "vcpu msr: EFER reads 0 (SVME hidden), answered by the kernel (no exit to the VMM)");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(2, &m) && get_reg(TS_VREG_RBX) == 0x801 && get_reg(TS_VREG_EFER) == 0x1801,
	      "vcpu msr: EFER.SCE|NXE written and read back (SVME kept in the VMCB)");
	resume_at(m.mr[3] + 3);
	check(gp_report(3, vg_efer_bad, &m) && get_reg(TS_VREG_EFER) == 0x1801,
	      "vcpu msr: a reserved EFER bit is #GP(0) at the WRMSR, EFER unchanged");
	resume_at(m.mr[3] + 3);
	check(gp_report(4, vg_unknown_msr, &m), "vcpu msr: an MSR the kernel does not answer (MCG_CAP) is #GP(0)");
	resume_at(m.mr[3] + 3);
	check(gp_report(5, vg_pat_bad, &m), "vcpu msr: PAT with a reserved memory type is #GP(0)");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(6, &m) && get_reg(TS_VREG_RBX) == 0x00070106 && get_reg(TS_VREG_RSI) == 0x00050406,
	      "vcpu msr: a valid PAT reads back");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(7, &m) && get_reg(TS_VREG_RBX) == 0x12345000 &&
	      get_reg(TS_VREG_FS + 3) == 0x12345000,
	      "vcpu msr: FS base is not intercepted: the guest's WRMSR lands in its VMCB state");
	resume_at(m.mr[3] + 3);
	uint64_t before = ts_rdtsc();
	int reported = vmmcall_report(8, &m);
	uint64_t tsc = get_reg(TS_VREG_RSI) << 32 | get_reg(TS_VREG_RBX);
	check(reported && tsc > before && tsc < ts_rdtsc(), "vcpu msr: the TSC MSR reads the host's TSC");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(9, &m) && get_reg(TS_VREG_RBX) == 0x1801,
	      "vcpu msr: MISC_ENABLE reads fast strings on, BTS and PEBS unavailable");
	resume_at(m.mr[3] + 3);
	check(gp_report(10, vg_hcall_msr, &m), "vcpu msr: Xen's hypercall-page MSR is #GP(0) outside a Xen domain");
	resume_at(m.mr[3] + 3);

	m = next_exit();
	check(m.mr[0] == EXIT_NPF && (m.mr[2] & ~0xfffull) == 0x3000,
	      "vcpu event: delivering #UD onto an unbacked stack page exits (nested page fault)");
	check(guest_page(g.space, 0x3000, 0, 0, 0) != 0, "vcpu event: the VMM maps the stack page");
	resume_at(vg_after_ud - vg_msr);
	check(vmmcall_report(11, &m) && get_reg(TS_VREG_RBX) == 6 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_after_ud - vg_msr),
	      "vcpu event: the interrupted #UD is delivered on the next entry (at the RIP the VMM set)");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(12, &m) && get_reg(TS_VREG_EFER) == 0x1d01 && (get_reg(TS_VREG_CR0) >> 31),
	      "vcpu msr: the guest turns on long mode itself (EFER.LME by WRMSR, LMA by the CPU)");
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(13, &m) && (get_reg(TS_VREG_CS + 1) & 0x200),
	      "vcpu msr: and runs 64-bit code");
	guest_destroy(&g);
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
	fault_badged = new_slot();
	ts_cnode_mint(TS_ROOT_CNODE, fault_badged, TS_ROOT_CNODE, ep, TS_RIGHTS_ALL, VCPU_BADGE);
	tcb = new_object(TS_OBJ_TCB, 0);
	ts_tcb_configure(tcb, fault_badged, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0, 0);
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

	test_vcpu_msrs();
	uint64_t violations = 1;
	ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
	check(violations == 0, "vcpu: invariants hold after the vCPUs, their threads and spaces are gone");
}
