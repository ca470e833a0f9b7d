/*
 * vCPUs (AMD SVM with nested paging). Three guests, each in its own guest
 * space, with the test playing their VMM (exits the kernel does not
 * handle arrive here as TS_FAULT_VMEXIT messages):
 *  - a 22-byte 32-bit guest: the VMM emulates CPUID, answers a VMMCALL,
 *    maps the page a nested page fault asks for, decodes an OUT and a HLT,
 *    then watches the kernel preempt the spinning guest;
 *  - a 32-bit guest exercising the MSRs the kernel answers itself, the #GP
 *    it injects for the others, an exception re-injected after the exit
 *    that interrupted its delivery, and its own switch to long mode; then
 *    it times exits the kernel answers against exits the VMM answers;
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
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define MSR_LOOPS	1000
#define CPUID_LOOPS	200
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
"	mov $14, %ebp\n"			/* 14: RDMSRs answered by the kernel */
"	mov $" STR(MSR_LOOPS) ", %r8d\n"
"	mov $0xc0000080, %ecx\n"
"1:	rdmsr\n"
"	dec %r8d\n"
"	jnz 1b\n"
"	vmmcall\n"
"	mov $15, %ebp\n"			/* 15: CPUIDs answered by the VMM */
"	mov $" STR(CPUID_LOOPS) ", %r8d\n"
"2:	xor %eax, %eax\n"
"	cpuid\n"
"	dec %r8d\n"
"	jnz 2b\n"
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

/*
 * The third guest, 64-bit code at guest-physical 0 started in long mode by
 * the VMM, in a Xen domain: VMMCALL is a hypercall now, so it reports with
 * OUT to port 0x80 (EBP = step). Its hypercall page goes at 0x3000, its
 * IDT (#UD and #GP handlers reporting like the second guest's) at 0x4000,
 * its GDT at 0x4100.
 */
#define XEN_GUEST_IDT	0x4000
#define XEN_GUEST_GDT	0x4100
extern const uint8_t vg_xen[], vg_xen_end[], vg_xen_vmload[], vg_xen_rdmsr[], vg_xen_ud[], vg_xen_gp[];
#define XEN_CPUID_REPORT(step, leaf) \
"	mov $" #step ", %ebp\n" \
"	mov $" #leaf ", %eax\n" \
"	xor %ecx, %ecx\n" \
"	cpuid\n" \
"	out %al, $0x80\n"
#define XEN_VERSION_REPORT(step, cmd, arg) \
"	mov $" #step ", %ebp\n" \
"	mov $" #cmd ", %edi\n" \
"	mov $" #arg ", %esi\n" \
"	mov $0x3000 + 17 * 32, %eax\n" \
"	call *%rax\n" \
"	mov 0xb000, %ebx\n" \
"	out %al, $0x80\n"
__asm__(
"	.pushsection .rodata.vcpu_guest, \"a\"\n"
"	.globl vg_xen, vg_xen_end, vg_xen_vmload, vg_xen_rdmsr, vg_xen_ud, vg_xen_gp\n"
"vg_xen:\n"
	XEN_CPUID_REPORT(1, 0x40000000)
	XEN_CPUID_REPORT(2, 0x40000001)
	XEN_CPUID_REPORT(3, 0x40000002)
	XEN_CPUID_REPORT(4, 0x40000004)
	XEN_CPUID_REPORT(5, 1)
	XEN_CPUID_REPORT(6, 7)
	XEN_CPUID_REPORT(7, 0xd)
	XEN_CPUID_REPORT(8, 0x80000001)
	XEN_CPUID_REPORT(9, 0x8000000a)
	XEN_CPUID_REPORT(10, 0)
"	mov $11, %ebp\n"			/* 11: the hypercall page, stubs 17 and 23 */
"	mov $0x40000000, %ecx\n"
"	mov $0x3000, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	mov 0x3000 + 17 * 32, %rbx\n"
"	mov 0x3000 + 23 * 32, %rsi\n"
"	out %al, $0x80\n"
	XEN_VERSION_REPORT(12, 0, 0)			/* XENVER_version */
	XEN_VERSION_REPORT(13, 6, 0x40000ffc)	/* XENVER_get_features, across two pages */
	XEN_VERSION_REPORT(14, 6, 0x50000000)	/* unmapped: -EFAULT */
"	mov $15, %ebp\n"			/* 15: VMLOAD (SVM is hidden): #UD */
"	xor %eax, %eax\n"			/* (a misaligned VMCB address would be #GP first) */
"vg_xen_vmload:\n"
"	vmload\n"
"	mov $16, %ebp\n"			/* 16: MCG_CAP: #GP */
"	mov $0x179, %ecx\n"
"vg_xen_rdmsr:\n"
"	rdmsr\n"
"	jmp .\n"
"vg_xen_ud:\n"
"	mov $6, %ebx\n"
"	xor %esi, %esi\n"
"	mov (%rsp), %rdi\n"
"	out %al, $0x80\n"
"	addq $3, (%rsp)\n"
"	iretq\n"
"vg_xen_gp:\n"
"	pop %rsi\n"
"	mov $13, %ebx\n"
"	mov (%rsp), %rdi\n"
"	out %al, $0x80\n"
"	addq $2, (%rsp)\n"
"	iretq\n"
"vg_xen_end:\n"
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

/* The next exit, which must be the guest's OUT report of step; RIP is then past the OUT. */
static int out_report(uint64_t step, struct ts_msg *m)
{
	*m = next_exit();
	if (m->mr[0] != EXIT_IOIO || get_reg(TS_VREG_RBP) != step)
		return 0;
	set_reg(TS_VREG_RIP, m->mr[2]);
	return 1;
}

static uint64_t xen_reg(unsigned i)
{
	static const unsigned regs[4] = { TS_VREG_RAX, TS_VREG_RBX, TS_VREG_RCX, TS_VREG_RDX };

	return get_reg(regs[i]);
}

static void put_gate64(uint8_t *idt, unsigned vector, uint64_t offset)
{
	uint64_t gate[2] = { (offset & 0xffff) | 0x08ull << 16 | 0x8eull << 40 | (offset >> 16 & 0xffff) << 48,
			     offset >> 32 };

	memcpy(idt + 16 * vector, gate, sizeof(gate));
}

#define XEN_TEST_DOMID	0x7e0
#define BIT32(n)	(1ull << (n))

/* Needs TS_DOMAIN_XEN_SETUP and kernel/xen/'s hypercalls: not run before they exist. */
static void test_vcpu_xen(void)
{
	static const struct { uint64_t gpa, entry[2]; } tables[] = {
		{ 0x5000, { 0x6003 } },			/* PML4 */
		{ 0x6000, { 0x7003, 0x8003 } },		/* PDPT: 0 and 1 GiB */
		{ 0x7000, { 0x83 } },			/* 2 MiB identity */
		{ 0x8000, { 0x9003 } },
		{ 0x9000, { 0xa003, 0xb003 } },		/* linear 1 GiB -> 0xa000, 0xb000 */
	};
	static const uint64_t long_mode[][2] = {
		{ TS_VREG_CR0, 0x80010031 }, { TS_VREG_CR4, 0x20 }, { TS_VREG_EFER, 0xd01 },
		{ TS_VREG_CR3, 0x5000 }, { TS_VREG_CS + 1, 0xa9b }, { TS_VREG_RSP, 0x2000 },
		{ TS_VREG_RIP, 0 }, { TS_VREG_IDTR_BASE, XEN_GUEST_IDT }, { TS_VREG_IDTR_LIMIT, 16 * 16 - 1 },
		{ TS_VREG_GDTR_BASE, XEN_GUEST_GDT }, { TS_VREG_GDTR_LIMIT, 3 * 8 - 1 },
	};
	static const uint64_t gdt[3] = { 0, 0x00af9a000000ffff, 0x00cf92000000ffff };
	static uint8_t descriptors[4096];
	uint64_t dom = new_object(TS_OBJ_DOMAIN, 0);
	struct guest g;
	struct ts_msg m;
	int ok, err;

	put_gate64(descriptors, 6, vg_xen_ud - vg_xen);
	put_gate64(descriptors, 13, vg_xen_gp - vg_xen);
	memcpy(descriptors + (XEN_GUEST_GDT - XEN_GUEST_IDT), gdt, sizeof(gdt));
	ok = guest_create(&g) && guest_page(g.space, XEN_GUEST_IDT, descriptors, sizeof(descriptors), 0) &&
	     guest_page(g.space, 0, vg_xen, vg_xen_end - vg_xen, TS_MAP_EXECUTE) &&
	     guest_page(g.space, 0x1000, 0, 0, 0) && guest_page(g.space, 0x3000, 0, 0, TS_MAP_EXECUTE) &&
	     guest_page(g.space, 0xa000, 0, 0, 0) && map_guest_page(g.space, 0xb000, ~0u, 0);
	for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		ok = ok && guest_page(g.space, tables[i].gpa, tables[i].entry, sizeof(tables[i].entry), 0);
	ok = ok && ts_domain_set_id(dom, XEN_TEST_DOMID) == TS_OK && ts_tcb_set_domain(g.tcb, dom) == TS_OK;
	err = ts_invoke(dom, TS_DOMAIN_XEN_SETUP, 3, (const uint64_t[]){ g.space, 256, 0 }, 0, 0);
	if (err == TS_ERR_ILLEGAL_OPERATION) {
		ts_printf("vcpu xen: this kernel has no TS_DOMAIN_XEN_SETUP yet; Xen vCPU checks not run\n");
		guest_destroy(&g);
		ts_cnode_delete(TS_ROOT_CNODE, dom);
		return;
	}
	check(ok, "vcpu xen: a 64-bit guest with page tables (2 MiB identity, 4 KiB pages at 1 GiB)");
	check_err(err, TS_OK, "vcpu xen: its domain speaks the Xen ABI");
	check_err(ts_invoke(dom, TS_DOMAIN_XEN_ADD_VCPU, 2, (const uint64_t[]){ g.vcpu, 0 }, 0, 0), TS_OK,
		  "vcpu xen: the vCPU is the domain's vCPU 0");
	vcpu = g.vcpu;
	for (unsigned i = 0; i < sizeof(long_mode) / sizeof(long_mode[0]); i++)
		set_reg(long_mode[i][0], long_mode[i][1]);
	ts_tcb_resume(g.tcb);

	check(out_report(1, &m) && xen_reg(0) == 0x40000004 && xen_reg(1) == 0x566e6558 &&
	      xen_reg(2) == 0x65584d4d && xen_reg(3) == 0x4d4d566e,
	      "vcpu xen: CPUID 0x40000000 is answered by the kernel: XenVMMXenVMM, leaves to 0x40000004");
	resume_guest();
	check(out_report(2, &m) && xen_reg(0) == (4u << 16 | 17), "vcpu xen: CPUID 0x40000001: Xen 4.17");
	resume_guest();
	check(out_report(3, &m) && xen_reg(0) == 1 && xen_reg(1) == 0x40000000 && xen_reg(2) == 0 &&
	      xen_reg(3) == 0, "vcpu xen: CPUID 0x40000002: one hypercall page, its MSR 0x40000000");
	resume_guest();
	check(out_report(4, &m) && (xen_reg(0) & 0x18) == 0x18 && xen_reg(1) == 0 && xen_reg(2) == XEN_TEST_DOMID,
	      "vcpu xen: CPUID 0x40000004: vcpu id and domid");
	resume_guest();
	check(out_report(5, &m) && (xen_reg(2) & BIT32(31)) &&
	      !(xen_reg(2) & (BIT32(3) | BIT32(5) | BIT32(21) | BIT32(24) | BIT32(26) | BIT32(27) | BIT32(28))) &&
	      !(xen_reg(3) & (BIT32(7) | BIT32(9) | BIT32(12) | BIT32(14))) && (xen_reg(1) >> 16) == 1,
	      "vcpu xen: CPUID 1: hypervisor; no MONITOR, VMX, x2APIC, TSC-deadline, XSAVE, AVX, MCE, APIC, "
	      "MTRR; one logical CPU with APIC id 0");
	resume_guest();
	check(out_report(6, &m) && xen_reg(0) == 0 && !(xen_reg(1) & (BIT32(5) | BIT32(16))) &&
	      !(xen_reg(2) & BIT32(16)), "vcpu xen: CPUID 7: no AVX2, AVX-512 or 5-level paging");
	resume_guest();
	check(out_report(7, &m) && !xen_reg(0) && !xen_reg(1) && !xen_reg(2) && !xen_reg(3),
	      "vcpu xen: CPUID 0xd (XSAVE) reads zeros");
	resume_guest();
	check(out_report(8, &m) && !(xen_reg(2) & BIT32(2)) && (xen_reg(3) & BIT32(29)),
	      "vcpu xen: CPUID 0x80000001: long mode, no SVM");
	resume_guest();
	check(out_report(9, &m) && !xen_reg(0) && !xen_reg(1) && !xen_reg(2) && !xen_reg(3),
	      "vcpu xen: CPUID 0x8000000a (SVM) reads zeros");
	resume_guest();
	check(out_report(10, &m) && xen_reg(0) >= 1 && xen_reg(0) <= 7,
	      "vcpu xen: CPUID 0: basic leaves up to 7");
	resume_guest();
	check(out_report(11, &m) && get_reg(TS_VREG_RBX) == 0xd9010f00000011b8ull &&
	      get_reg(TS_VREG_RSI) == 0xcccccccccccc0b0full,
	      "vcpu xen: the hypercall page MSR fills stub 17 (mov $17 to eax, vmmcall, ret) and ud2 for iret");
	resume_guest();
	check(out_report(12, &m) && xen_reg(0) == (4u << 16 | 17),
	      "vcpu xen: xen_version through the hypercall page (VMMCALL handled in the kernel)");
	resume_guest();
	check(out_report(13, &m) && xen_reg(0) == 0 && (uint32_t)get_reg(TS_VREG_RBX) != ~0u,
	      "vcpu xen: XENVER_get_features reads and writes its argument across two 4 KiB guest pages");
	resume_guest();
	check(out_report(14, &m) && xen_reg(0) == (uint64_t)-14, "vcpu xen: an unmapped argument is -EFAULT");
	resume_guest();
	check(out_report(15, &m) && get_reg(TS_VREG_RBX) == 6 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_xen_vmload - vg_xen),
	      "vcpu xen: VMLOAD (SVM hidden) is #UD in the guest");
	resume_guest();
	check(out_report(16, &m) && get_reg(TS_VREG_RBX) == 13 && get_reg(TS_VREG_RSI) == 0 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_xen_rdmsr - vg_xen),
	      "vcpu xen: an MSR the kernel does not answer is #GP(0) in 64-bit mode too");
	guest_destroy(&g);
	ts_cnode_delete(TS_ROOT_CNODE, dom);
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

	/* What an exit costs when the kernel answers it, and when the VMM does. */
	uint64_t start = ts_rdtsc();
	resume_at(m.mr[3] + 3);
	check(vmmcall_report(14, &m), "vcpu msr: " STR(MSR_LOOPS) " RDMSRs answered without the VMM");
	uint64_t kernel_ticks = ts_rdtsc() - start;
	unsigned cpuids = 0;
	start = ts_rdtsc();
	resume_at(m.mr[3] + 3);
	for (m = next_exit(); m.mr[0] == EXIT_CPUID; m = next_exit()) {
		cpuids++;
		resume_at(m.mr[3] + 2);
	}
	uint64_t vmm_ticks = ts_rdtsc() - start;
	check(m.mr[0] == EXIT_VMMCALL && get_reg(TS_VREG_RBP) == 15 && cpuids == CPUID_LOOPS,
	      "vcpu: every CPUID of a vCPU outside a Xen domain reaches the VMM (" STR(CPUID_LOOPS) ")");
	ts_printf("vcpu: an exit the kernel answers costs %lu ns, one the VMM answers %lu ns\n",
		  kernel_ticks * 1000000 / bi->tsc_khz / MSR_LOOPS, vmm_ticks * 1000000 / bi->tsc_khz / CPUID_LOOPS);
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
	test_vcpu_xen();
	uint64_t violations = 1;
	ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
	check(violations == 0, "vcpu: invariants hold after the vCPUs, their threads and spaces are gone");
}
