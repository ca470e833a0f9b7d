/*
 * vCPUs (AMD SVM with nested paging). Three guests, each in its own guest
 * space, with the test playing their VMM (exits the kernel does not
 * handle arrive here as TS_FAULT_VMEXIT messages):
 *  - a 22-byte 32-bit guest: the VMM emulates CPUID, answers a VMMCALL,
 *    maps the page a nested page fault asks for (the fault carries the
 *    instruction bytes at its RIP), decodes an OUT and a HLT,
 *    then watches the kernel preempt the spinning guest;
 *  - a 32-bit guest exercising the MSRs the kernel answers itself, the #GP
 *    it injects for the others, an exception re-injected after the exit
 *    that interrupted its delivery, and its own switch to long mode; then
 *    it times exits the kernel answers against exits the VMM answers;
 *  - a 64-bit guest of a Xen domain (CPUID's Xen leaves and masked host
 *    leaves, the hypercall page, hypercalls reading and writing its
 *    memory through its page tables, a nested page fault's instruction
 *    bytes fetched through them): run only once the kernel has
 *    TS_DOMAIN_XEN_SETUP;
 *  - a 64-bit guest of a two-vCPU Xen domain exercising the local APIC
 *    (the xAPIC page it powers on with, the switch to x2APIC mode, x2APIC
 *    MSRs, a self IPI, the timer, INIT and start-up IPIs that bring its
 *    second vCPU up in real mode, a fixed IPI back);
 *  - a 64-bit guest of another two-vCPU Xen domain whose vCPU 0 starts
 *    vCPU 1 the Xen way (VCPUOP_initialise with a 32-bit context, then
 *    VCPUOP_up) and takes it down and up again, until the last vCPU going
 *    down powers the domain off.
 */
#include <ts/domain.h>
#include <ts/string.h>
#include "../hvm_context.h"
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
 * OUT to port 0x80 (EBP = step), which the VMM claims (other ports have no
 * device, answered by the kernel). Its hypercall page goes at 0x3000, its
 * IDT (#UD and #GP handlers reporting like the second guest's) at 0x4000,
 * its GDT at 0x4100.
 */
#define XEN_GUEST_IDT	0x4000
#define XEN_GUEST_GDT	0x4100
extern const uint8_t vg_xen[], vg_xen_end[], vg_xen_vmload[], vg_xen_rdmsr[], vg_xen_mmio[], vg_xen_ud[],
	vg_xen_gp[];
/* A #GP handler reporting with OUT: vector 13 in EBX, error code in ESI, RIP in EDI; skips 2 bytes. */
#define OUT_GP_HANDLER \
"	pop %rsi\n" \
"	mov $13, %ebx\n" \
"	mov (%rsp), %rdi\n" \
"	out %al, $0x80\n" \
"	addq $2, (%rsp)\n" \
"	iretq\n"
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
"	.globl vg_xen, vg_xen_end, vg_xen_vmload, vg_xen_rdmsr, vg_xen_mmio, vg_xen_ud, vg_xen_gp\n"
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
"	mov $17, %ebp\n"			/* 17: ports not claimed: no device, no exit */
"	mov $0x12345678, %eax\n"
"	in $0x61, %al\n"
"	mov %eax, %ebx\n"
"	mov $0x12345678, %eax\n"
"	in $0x7f, %ax\n"			/* 0x7f-0x80: not wholly in the claim of 0x80 */
"	mov %eax, %esi\n"
"	mov $0xcf8, %edx\n"
"	mov $0x80000000, %eax\n"
"	out %eax, %dx\n"
"	mov $0xfc, %dl\n"
"	mov $-1, %rax\n"
"	in %dx, %eax\n"
"	mov %rax, %rdi\n"
"	out %al, $0x80\n"
"	mov $18, %ebp\n"			/* 18: a load from linear 1 GiB + 8 KiB: unbacked */
"vg_xen_mmio:\n"
"	mov 0x40002000, %r9d\n"		/* REX.R, ModRM and SIB: 8 bytes */
"	jmp .\n"
"vg_xen_ud:\n"
"	mov $6, %ebx\n"
"	xor %esi, %esi\n"
"	mov (%rsp), %rdi\n"
"	out %al, $0x80\n"
"	addq $3, (%rsp)\n"
"	iretq\n"
"vg_xen_gp:\n"
	OUT_GP_HANDLER
"vg_xen_end:\n"
"	.popsection\n");

/*
 * The fourth guest, 64-bit code at guest-physical 0 of a Xen domain with
 * two vCPUs, reporting with OUT like the third (EBP = step). Its IDT (at
 * 0x4000, GDT at 0x4800) has the #GP handler and four interrupt handlers
 * that record their interrupt in R12/R13, R14 and R15 and send an EOI
 * (0x43 through the xAPIC page, the others as x2APIC MSRs). It starts in
 * xAPIC mode (steps 21-26, the page at linear XAPIC_PAGE), then switches
 * to x2APIC mode. vCPU 1 starts at vg_apic_ap (guest-physical 0xc000,
 * start-up vector 0xc) in real mode, switches to x2APIC mode, writes its
 * CS and a marker to 0x3000 and sends vector 0x42 to vCPU 0.
 */
#define APIC_GUEST_IDT		0x4000
#define APIC_GUEST_GDT		0x4800
#define APIC_AP_CODE		0xc000
#define APIC_TIMER_COUNT	20000000
#define XAPIC_PAGE		"0x40003000"	/* linear address of guest-physical 0xfee00000 */
extern const uint8_t vg_apic[], vg_apic_end[], vg_apic_bad_rdmsr[], vg_apic_bad_wrmsr[], vg_apic_gp[],
	vg_apic_self[], vg_apic_timer[], vg_apic_wake[], vg_apic_ap[], vg_apic_ap_end[], vg_apic_xapic[],
	vg_apic_xapic_msr[], vg_apic_back_to_xapic[];
#define APIC_HANDLER(record) \
"	push %rax\n" \
"	push %rcx\n" \
"	push %rdx\n" \
	record \
"	mov $0x80b, %ecx\n"			/* EOI */ \
"	xor %eax, %eax\n" \
"	xor %edx, %edx\n" \
"	wrmsr\n" \
"	pop %rdx\n" \
"	pop %rcx\n" \
"	pop %rax\n" \
"	iretq\n"
__asm__(
"	.pushsection .rodata.vcpu_guest, \"a\"\n"
"	.globl vg_apic, vg_apic_end, vg_apic_bad_rdmsr, vg_apic_bad_wrmsr, vg_apic_gp\n"
"	.globl vg_apic_self, vg_apic_timer, vg_apic_wake, vg_apic_ap, vg_apic_ap_end\n"
"	.globl vg_apic_xapic, vg_apic_xapic_msr, vg_apic_back_to_xapic\n"
"vg_apic:\n"
"	mov $21, %ebp\n"			/* 21: power-on: xAPIC mode; ID and version in the page */
"	mov $0x1b, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	movl $0x12345678, %esi\n"
"	mov " XAPIC_PAGE " + 0x20, %esi\n"
"	mov " XAPIC_PAGE " + 0x30, %edi\n"
"	out %al, $0x80\n"
"	mov $22, %ebp\n"			/* 22: APIC on, a self IPI to 0x43 through the ICR */
"	xor %r12d, %r12d\n"
"	movl $0x1ff, " XAPIC_PAGE " + 0xf0\n"
"	sti\n"
"	movl $0, " XAPIC_PAGE " + 0x310\n"
"	movl $0x40043, " XAPIC_PAGE " + 0x300\n"
"	mov " XAPIC_PAGE " + 0x300, %edi\n"	/* ICR: never busy */
"	mov %r12, %rbx\n"
"	mov %r13, %rsi\n"
"	out %al, $0x80\n"
"	mov $23, %ebp\n"			/* 23: flat logical destination 0x02 = our LDR */
"	xor %r12d, %r12d\n"
"	movl $0x02000000, " XAPIC_PAGE " + 0xd0\n"
"	movl $0x01000000, " XAPIC_PAGE " + 0x310\n"	/* 0x01: not us */
"	movl $0x843, " XAPIC_PAGE " + 0x300\n"
"	mov %r12, %rsi\n"
"	movl $0x02000000, " XAPIC_PAGE " + 0x310\n"
"	movl $0x843, " XAPIC_PAGE " + 0x300\n"
"	mov %r12, %rbx\n"
"	mov " XAPIC_PAGE " + 0xd0, %edi\n"
"	out %al, $0x80\n"
"	mov $24, %ebp\n"			/* 24: x2APIC MSRs do not exist in xAPIC mode: #GP */
"	mov $0x802, %ecx\n"
"vg_apic_xapic_msr:\n"
"	rdmsr\n"
"	mov $25, %ebp\n"			/* 25: to x2APIC mode */
"	mov $0x1b, %ecx\n"
"	rdmsr\n"
"	or $0x400, %eax\n"
"	wrmsr\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	out %al, $0x80\n"
"	mov $26, %ebp\n"			/* 26: and not straight back: #GP */
"	and $~0x400, %eax\n"
"vg_apic_back_to_xapic:\n"
"	wrmsr\n"
"	mov $1, %ebp\n"			/* 1: ID, version, logical ID */
"	mov $0x802, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	mov $0x803, %ecx\n"
"	rdmsr\n"
"	mov %eax, %esi\n"
"	mov $0x80d, %ecx\n"
"	rdmsr\n"
"	mov %eax, %edi\n"
"	out %al, $0x80\n"
"	mov $2, %ebp\n"			/* 2: IA32_APIC_BASE */
"	mov $0x1b, %ecx\n"
"	rdmsr\n"
"	mov %eax, %ebx\n"
"	mov %edx, %esi\n"
"	out %al, $0x80\n"
"	mov $3, %ebp\n"			/* 3: APIC on, a self IPI to vector 0x40 */
"	mov $0x80f, %ecx\n"
"	mov $0x1ff, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	sti\n"
"	mov $0x83f, %ecx\n"
"	mov $0x40, %eax\n"
"	wrmsr\n"
"	mov $0x812, %ecx\n"		/* ISR bits 64-95 after the handler's EOI */
"	rdmsr\n"
"	mov %eax, %edi\n"
"	mov %r12, %rbx\n"
"	mov %r13, %rsi\n"
"	out %al, $0x80\n"
"	mov $4, %ebp\n"			/* 4: TPR 0x50 holds vector 0x40 back */
"	xor %r12d, %r12d\n"
"	mov $0x808, %ecx\n"
"	mov $0x50, %eax\n"
"	wrmsr\n"
"	mov $0x83f, %ecx\n"
"	mov $0x40, %eax\n"
"	wrmsr\n"
"	mov $0x822, %ecx\n"		/* IRR bits 64-95 */
"	rdmsr\n"
"	mov %eax, %esi\n"
"	mov $0x80a, %ecx\n"		/* PPR */
"	rdmsr\n"
"	mov %eax, %edi\n"
"	mov $0x808, %ecx\n"		/* TPR 0: now it is delivered */
"	xor %eax, %eax\n"
"	wrmsr\n"
"	mov %r12, %rbx\n"
"	out %al, $0x80\n"
"	mov $5, %ebp\n"			/* 5: one-shot timer to vector 0x41, then HLT */
"	mov $0x83e, %ecx\n"
"	mov $0xb, %eax\n"			/* divide by 1 */
"	wrmsr\n"
"	mov $0x832, %ecx\n"
"	mov $0x41, %eax\n"
"	wrmsr\n"
"	mov $0x838, %ecx\n"
"	mov $" STR(APIC_TIMER_COUNT) ", %eax\n"
"	wrmsr\n"
"	mov $0x839, %ecx\n"
"	rdmsr\n"
"	mov %eax, %esi\n"
"1:	test %r14, %r14\n"
"	jnz 2f\n"
"	hlt\n"
"	jmp 1b\n"
"2:	rdmsr\n"
"	mov %eax, %edi\n"
"	mov %r14, %rbx\n"
"	out %al, $0x80\n"
"	mov $6, %ebp\n"			/* 6: periodic, three times, then stopped */
"	xor %r14d, %r14d\n"
"	mov $0x832, %ecx\n"
"	mov $0x20041, %eax\n"
"	wrmsr\n"
"	mov $0x838, %ecx\n"
"	mov $" STR(APIC_TIMER_COUNT) " / 4, %eax\n"
"	wrmsr\n"
"5:	cmp $3, %r14\n"
"	jae 6f\n"
"	hlt\n"
"	jmp 5b\n"
"6:	xor %eax, %eax\n"
"	wrmsr\n"
"	mov $0x839, %ecx\n"
"	rdmsr\n"
"	mov %eax, %edi\n"
"	mov %r14, %rbx\n"
"	out %al, $0x80\n"
"	mov $7, %ebp\n"			/* 7: an x2APIC MSR that does not exist: #GP */
"	mov $0x831, %ecx\n"
"vg_apic_bad_rdmsr:\n"
"	rdmsr\n"
"	mov $8, %ebp\n"			/* 8: writing the read-only ID: #GP */
"	mov $0x802, %ecx\n"
"vg_apic_bad_wrmsr:\n"
"	wrmsr\n"
"	mov $9, %ebp\n"			/* 9: INIT, INIT de-assert, two start-ups to vCPU 1 */
"	mov $0x830, %ecx\n"
"	mov $1, %edx\n"
"	mov $0x4500, %eax\n"
"	wrmsr\n"
"	mov $0x8500, %eax\n"
"	wrmsr\n"
"	mov $0x4600 + " STR(APIC_AP_CODE) " / 0x1000, %eax\n"
"	wrmsr\n"
"	wrmsr\n"
"3:	test %r15, %r15\n"		/* until vCPU 1's IPI */
"	jnz 4f\n"
"	hlt\n"
"	jmp 3b\n"
"4:	movzwl 0x3000, %ebx\n"
"	movzwl 0x3002, %esi\n"
"	out %al, $0x80\n"
"	jmp .\n"
"vg_apic_gp:\n"
	OUT_GP_HANDLER
"vg_apic_self:\n"
	APIC_HANDLER(
"	mov $0x5e1f, %r12d\n"
"	mov $0x812, %ecx\n"
"	rdmsr\n"
"	mov %eax, %r13d\n")
"vg_apic_timer:\n"
	APIC_HANDLER("	inc %r14\n")
"vg_apic_wake:\n"
	APIC_HANDLER("	mov $1, %r15d\n")
"vg_apic_xapic:\n"				/* vector 0x43: count, ISR 64-95, EOI in the page */
"	inc %r12\n"
"	mov " XAPIC_PAGE " + 0x120, %r13d\n"
"	movl $0, " XAPIC_PAGE " + 0xb0\n"
"	iretq\n"
"vg_apic_end:\n"
"	.code16\n"
"vg_apic_ap:\n"
"	mov $0x1b, %ecx\n"		/* x2APIC mode, as Linux's APs switch */
"	rdmsr\n"
"	or $0x400, %eax\n"
"	wrmsr\n"
"	mov %cs, %ax\n"
"	mov %ax, 0x3000\n"
"	movw $0x1234, 0x3002\n"
"	mov $0x830, %ecx\n"		/* vector 0x42 to vCPU 0 */
"	xor %edx, %edx\n"
"	mov $0x42, %eax\n"
"	wrmsr\n"
"1:	cli\n"
"	hlt\n"
"	jmp 1b\n"
"vg_apic_ap_end:\n"
"	.code64\n"
"	.popsection\n");

/*
 * The fifth guest, 64-bit code at guest-physical 0 of a Xen domain with
 * two vCPUs, reporting with OUT like the third (EBP = step). It calls
 * vcpu_op directly with VMMCALL. Its contexts for vCPU 1 are at 0x1000:
 * a good one (32-bit flat, EIP 0xc000, EAX the marker, ESP 0x3ff0) and
 * three bad ones. vCPU 1 runs vg_vcpuop_ap, 32-bit code at 0xc000 that
 * writes to 0x3000: the marker (its EAX) and its ESP, then takes itself
 * down; run again, it stores its VCPUOP_down's result and 0x2222, then
 * counts at 0x3010 for ever. R15 holds a TSC delay (50 ms) from the VMM;
 * results go in RBX and R12-R14, R9 (VCPU_OP's own RDI/RSI/RDX change).
 */
#define VCPUOP_CTX		0x1000	/* then the bad ones, 128 bytes apart */
#define VCPUOP_AP_CODE		0xc000
#define VCPUOP_MARKER		0x600dcafe
#define VCPUOP_UNBACKED		0x1ff000	/* in the identity-mapped 2 MiB, not in the guest space */
#define VCPU_OP(cmd, id, arg) \
"	mov $24, %eax\n" \
"	mov $" #cmd ", %edi\n" \
"	mov $" #id ", %esi\n" \
"	mov $" STR(arg) ", %edx\n" \
"	vmmcall\n"
#define DELAY \
"	rdtsc\n" \
"	shl $32, %rdx\n" \
"	lea (%rax,%rdx), %r8\n" \
"	add %r15, %r8\n" \
"9:	pause\n" \
"	rdtsc\n" \
"	shl $32, %rdx\n" \
"	or %rdx, %rax\n" \
"	cmp %r8, %rax\n" \
"	jb 9b\n"
extern const uint8_t vg_vcpuop[], vg_vcpuop_end[], vg_vcpuop_ap[], vg_vcpuop_ap_end[];
__asm__(
"	.pushsection .rodata.vcpu_guest, \"a\"\n"
"	.globl vg_vcpuop, vg_vcpuop_end, vg_vcpuop_ap, vg_vcpuop_ap_end\n"
"vg_vcpuop:\n"
"	mov $1, %ebp\n"			/* 1: vCPU 1 is down; up before initialise */
	VCPU_OP(3, 1, 0)
"	mov %rax, %rbx\n"
	VCPU_OP(1, 1, 0)
"	mov %rax, %rsi\n"
"	out %al, $0x80\n"
"	mov $2, %ebp\n"			/* 2: bad contexts, an unreadable one, no vCPU 2 */
	VCPU_OP(0, 1, VCPUOP_CTX + 0x80)
"	mov %rax, %rbx\n"
	VCPU_OP(0, 1, VCPUOP_CTX + 0x100)
"	mov %rax, %r12\n"
	VCPU_OP(0, 1, VCPUOP_CTX + 0x180)
"	mov %rax, %r13\n"
	VCPU_OP(0, 1, VCPUOP_UNBACKED)
"	mov %rax, %r14\n"
	VCPU_OP(0, 2, VCPUOP_CTX)
"	mov %rax, %r9\n"
"	out %al, $0x80\n"
"	mov $3, %ebp\n"			/* 3: initialise vCPU 1, twice; still down */
	VCPU_OP(0, 1, VCPUOP_CTX)
"	mov %rax, %rbx\n"
	VCPU_OP(0, 1, VCPUOP_CTX)
"	mov %rax, %r12\n"
	VCPU_OP(3, 1, 0)
"	mov %rax, %r13\n"
"	out %al, $0x80\n"
"	mov $4, %ebp\n"			/* 4: up: its marker, then it is down by itself */
	VCPU_OP(1, 1, 0)
"	mov %rax, %rbx\n"
"1:	pause\n"
"	cmpl $" STR(VCPUOP_MARKER) ", 0x3000\n"
"	jne 1b\n"
"2:	pause\n"
	VCPU_OP(3, 1, 0)
"	test %eax, %eax\n"
"	jnz 2b\n"
"	mov 0x3004, %esi\n"
"	mov 0x3008, %edi\n"
"	out %al, $0x80\n"
"	mov $5, %ebp\n"			/* 5: up again: it returns from its down and counts */
	VCPU_OP(1, 1, 0)
"	mov %rax, %rbx\n"
"3:	pause\n"
"	cmpl $0x2222, 0x3008\n"
"	jne 3b\n"
"	mov 0x300c, %esi\n"
"	mov 0x3010, %edi\n"
	DELAY
"	mov 0x3010, %r12d\n"
"	out %al, $0x80\n"
"	mov $6, %ebp\n"			/* 6: down by vCPU 0: the counting stops */
	VCPU_OP(2, 1, 0)
"	mov %rax, %rbx\n"
	VCPU_OP(3, 1, 0)
"	mov %rax, %rsi\n"
	DELAY
"	mov 0x3010, %edi\n"
	DELAY
"	mov 0x3010, %r12d\n"
"	out %al, $0x80\n"
"	mov $7, %ebp\n"			/* 7: up: it counts again */
	VCPU_OP(1, 1, 0)
"	mov %rax, %rbx\n"
"	mov 0x3010, %esi\n"
	DELAY
"	mov 0x3010, %edi\n"
"	out %al, $0x80\n"
"	mov $8, %ebp\n"			/* 8: vCPU 1 down, then vCPU 0, the last one up */
	VCPU_OP(2, 1, 0)
"	mov %rax, %rbx\n"
	VCPU_OP(2, 0, 0)
"	mov %rax, %rsi\n"
"	out %al, $0x80\n"
"	jmp .\n"
"vg_vcpuop_end:\n"
"	.code32\n"
"vg_vcpuop_ap:\n"
"	mov %eax, 0x3000\n"
"	mov %esp, 0x3004\n"
"	mov $24, %eax\n"			/* VCPUOP_down on itself */
"	mov $2, %ebx\n"
"	mov $1, %ecx\n"
"	xor %edx, %edx\n"
"	vmmcall\n"
"	mov %eax, 0x300c\n"
"	movl $0x2222, 0x3008\n"
"1:	incl 0x3010\n"
"	jmp 1b\n"
"vg_vcpuop_ap_end:\n"
"	.code64\n"
"	.popsection\n");

static uint64_t vcpu, fault_ep, fault_badged;

static uint64_t vcpu_reg(uint64_t of, unsigned reg)
{
	uint64_t v = 0;

	ts_invoke(of, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ reg, 1 }, 1, &v);
	return v;
}

static uint64_t get_reg(unsigned reg)
{
	return vcpu_reg(vcpu, reg);
}

static int set_reg(unsigned reg, uint64_t value)
{
	return ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ reg, 1, value }, 0, 0);
}

/*
 * The next fault message of this kind from the vCPU, or a zeroed one if
 * none comes within 10 s: a generous bound, because the emulated CPUs
 * share two host cores (with four of them an INIT, start-up and IPI chain
 * once took more than 2 s).
 */
static struct ts_msg next_fault(uint64_t label)
{
	uint64_t end = deadline_ms(10000);
	struct ts_msg m;

	do {
		memset(&m, 0, sizeof(m));
		ts_nbrecv(fault_ep, &m);
		if (ts_msginfo_label(m.info) == label && m.badge == VCPU_BADGE)
			return m;
		ts_yield();
	} while (ts_rdtsc() < end);
	memset(&m, 0, sizeof(m));
	return m;
}

static struct ts_msg next_exit(void)
{
	return next_fault(TS_FAULT_VMEXIT);
}

/* A nested page fault's instruction bytes (MR4-MR5, in our IPC buffer until the next call): their count. */
static unsigned npf_insn(const struct ts_msg *m, uint8_t insn[15])
{
	uint8_t field[16];

	if (ts_msginfo_length(m->info) != TS_VMEXIT_NPF_LENGTH)
		return ~0u;
	memcpy(field, &ts_ipc()->msg[4], sizeof(field));
	memcpy(insn, field + 1, 15);
	return field[0];
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

/* A vCPU in space and a thread bound to run it, faulting to fault (a badged endpoint cap). */
static int vcpu_thread_create(uint64_t space, uint64_t fault, uint64_t *vcpu_out, uint64_t *tcb_out)
{
	uint64_t v, t = new_object(TS_OBJ_TCB, 0);

	if (!t || ts_object_alloc(TS_OBJ_VCPU, 0, &v) != TS_OK)
		return 0;
	*vcpu_out = v;
	*tcb_out = t;
	return ts_invoke(v, TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ space }, 0, 0) == TS_OK &&
	       ts_tcb_configure(t, fault, TS_ROOT_CNODE, TS_ROOT_VSPACE, 0, 0) == TS_OK &&
	       ts_tcb_set_priority(t, ROOT_PRIO) == TS_OK &&
	       ts_invoke(t, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ v }, 0, 0) == TS_OK;
}

/* A guest space with tables for its first 2 MiB, a vCPU in it, and a thread bound to run it. */
static int guest_create(struct guest *g)
{
	uint64_t tables[3] = { new_object(TS_OBJ_PDPT, 0), new_object(TS_OBJ_PAGE_DIRECTORY, 0),
			       new_object(TS_OBJ_PAGE_TABLE, 0) };

	g->space = new_object(TS_OBJ_GUEST_SPACE, 0);
	if (!g->space)
		return 0;
	for (unsigned i = 0; i < 3; i++)
		if (!tables[i] || ts_paging_map(tables[i], g->space, 0) != TS_OK)
			return 0;
	return vcpu_thread_create(g->space, fault_badged, &g->vcpu, &g->tcb);
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

/* The Xen guests' reports (OUT to 0x80) come to us: the kernel keeps the rest. */
static int claim_report_port(uint64_t dom)
{
	return ts_invoke(dom, TS_DOMAIN_XEN_CLAIM_PORTS, 2, (const uint64_t[]){ 0x80, 0x80 }, 0, 0);
}

#define XEN_TEST_DOMID	0x7e0
#define BIT32(n)	(1ull << (n))

/* The Xen guests' page tables, and the registers that start them in long mode at 0. */
static const struct { uint64_t gpa, entry[4]; } xen_tables[] = {
	{ 0x5000, { 0x6003 } },			/* PML4 */
	{ 0x6000, { 0x7003, 0x8003 } },		/* PDPT: 0 and 1 GiB */
	{ 0x7000, { 0x83 } },			/* 2 MiB identity */
	{ 0x8000, { 0x9003 } },
	/* linear 1 GiB -> 0xa000, 0xb000, 0x200000, the xAPIC page (uncached) */
	{ 0x9000, { 0xa003, 0xb003, 0x200003, 0xfee0001b } },
};
static const uint64_t xen_long_mode[][2] = {
	{ TS_VREG_CR0, 0x80010031 }, { TS_VREG_CR4, 0x20 }, { TS_VREG_EFER, 0xd01 },
	{ TS_VREG_CR3, 0x5000 }, { TS_VREG_CS + 1, 0xa9b }, { TS_VREG_RSP, 0x2000 },
	{ TS_VREG_RIP, 0 }, { TS_VREG_IDTR_BASE, XEN_GUEST_IDT }, { TS_VREG_IDTR_LIMIT, 16 * 16 - 1 },
	{ TS_VREG_GDTR_BASE, XEN_GUEST_GDT }, { TS_VREG_GDTR_LIMIT, 3 * 8 - 1 },
};
static const uint64_t xen_gdt[3] = { 0, 0x00af9a000000ffff, 0x00cf92000000ffff };

/* Needs TS_DOMAIN_XEN_SETUP and kernel/xen/'s hypercalls: not run before they exist. */
static void test_vcpu_xen(void)
{
	static uint8_t descriptors[4096];
	uint64_t dom = new_object(TS_OBJ_DOMAIN, 0);
	uint8_t insn[15];
	struct guest g;
	struct ts_msg m;
	int ok, err;

	put_gate64(descriptors, 6, vg_xen_ud - vg_xen);
	put_gate64(descriptors, 13, vg_xen_gp - vg_xen);
	memcpy(descriptors + (XEN_GUEST_GDT - XEN_GUEST_IDT), xen_gdt, sizeof(xen_gdt));
	ok = guest_create(&g) && guest_page(g.space, XEN_GUEST_IDT, descriptors, sizeof(descriptors), 0) &&
	     guest_page(g.space, 0, vg_xen, vg_xen_end - vg_xen, TS_MAP_EXECUTE) &&
	     guest_page(g.space, 0x1000, 0, 0, 0) && guest_page(g.space, 0x3000, 0, 0, TS_MAP_EXECUTE) &&
	     guest_page(g.space, 0xa000, 0, 0, 0) && map_guest_page(g.space, 0xb000, ~0u, 0);
	for (unsigned i = 0; i < sizeof(xen_tables) / sizeof(xen_tables[0]); i++)
		ok = ok && guest_page(g.space, xen_tables[i].gpa, xen_tables[i].entry, sizeof(xen_tables[i].entry), 0);
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
	check_err(claim_report_port(dom), TS_OK, "vcpu xen: the VMM claims port 0x80");
	vcpu = g.vcpu;
	for (unsigned i = 0; i < sizeof(xen_long_mode) / sizeof(xen_long_mode[0]); i++)
		set_reg(xen_long_mode[i][0], xen_long_mode[i][1]);
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
	check(out_report(4, &m) && (xen_reg(0) & 0x1b) == 0x1a && xen_reg(1) == 0 && xen_reg(2) == XEN_TEST_DOMID,
	      "vcpu xen: CPUID 0x40000004: x2APIC virtualised (no APIC access acceleration), vcpu id and domid");
	resume_guest();
	check(out_report(5, &m) && (xen_reg(2) & BIT32(31)) && (xen_reg(2) & BIT32(21)) && (xen_reg(3) & BIT32(9)) &&
	      !(xen_reg(2) & (BIT32(3) | BIT32(5) | BIT32(24) | BIT32(26) | BIT32(27) | BIT32(28))) &&
	      !(xen_reg(3) & (BIT32(7) | BIT32(12) | BIT32(14))) && (xen_reg(1) >> 16) == 1,
	      "vcpu xen: CPUID 1: hypervisor, APIC, x2APIC; no MONITOR, VMX, TSC-deadline, XSAVE, AVX, MCE, "
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
	resume_guest();
	check(out_report(17, &m) && get_reg(TS_VREG_RBX) == 0x123456ff && get_reg(TS_VREG_RSI) == 0x1234ffff &&
	      get_reg(TS_VREG_RDI) == 0xffffffff,
	      "vcpu xen: IN and OUT at ports the VMM did not claim are the kernel's: all ones, no exit");
	resume_guest();
	m = next_exit();
	check(m.mr[0] == EXIT_NPF && m.mr[2] == 0x200000 && m.mr[3] == (uint64_t)(vg_xen_mmio - vg_xen) &&
	      npf_insn(&m, insn) == 15 && !memcmp(insn, vg_xen_mmio, 15),
	      "vcpu xen: a nested page fault of 64-bit code carries 15 bytes from its RIP (through its page tables)");
	guest_destroy(&g);
	ts_cnode_delete(TS_ROOT_CNODE, dom);
}

#define APIC_TEST_DOMID		0x7e1
#define VCPU1_BADGE		0x5d

/* A Xen domain with two vCPUs in one 64-bit guest space, and its slots. */
struct xen_pair {
	struct guest g;		/* vCPU 0 */
	uint64_t dom, fault1, vcpu1, tcb1;
};

/*
 * vCPU 0 set to start code (at 0) in long mode with the Xen page tables;
 * vCPU 1's thread faults to the endpoint with VCPU1_BADGE, which
 * next_fault ignores; ap, vCPU 1's code, at ap_gpa; a zeroed page at
 * 0x3000. Neither thread is resumed yet.
 */
static int xen_pair_create(struct xen_pair *p, uint32_t domid, const uint8_t *code, const uint8_t *code_end,
			   uint64_t ap_gpa, const uint8_t *ap, const uint8_t *ap_end)
{
	struct guest *g = &p->g;
	int ok;

	p->dom = new_object(TS_OBJ_DOMAIN, 0);
	p->fault1 = new_slot();
	ok = ts_cnode_mint(TS_ROOT_CNODE, p->fault1, TS_ROOT_CNODE, fault_ep, TS_RIGHTS_ALL, VCPU1_BADGE) == TS_OK &&
	     guest_create(g) && vcpu_thread_create(g->space, p->fault1, &p->vcpu1, &p->tcb1) &&
	     guest_page(g->space, 0, code, code_end - code, TS_MAP_EXECUTE) &&
	     guest_page(g->space, ap_gpa, ap, ap_end - ap, TS_MAP_EXECUTE) && guest_page(g->space, 0x3000, 0, 0, 0);
	for (unsigned i = 0; i < sizeof(xen_tables) / sizeof(xen_tables[0]); i++)
		ok = ok && guest_page(g->space, xen_tables[i].gpa, xen_tables[i].entry, sizeof(xen_tables[i].entry), 0);
	ok = ok && ts_domain_set_id(p->dom, domid) == TS_OK && ts_tcb_set_domain(g->tcb, p->dom) == TS_OK &&
	     ts_tcb_set_domain(p->tcb1, p->dom) == TS_OK &&
	     ts_invoke(p->dom, TS_DOMAIN_XEN_SETUP, 3, (const uint64_t[]){ g->space, 256, 0 }, 0, 0) == TS_OK &&
	     ts_invoke(p->dom, TS_DOMAIN_XEN_ADD_VCPU, 2, (const uint64_t[]){ g->vcpu, 0 }, 0, 0) == TS_OK &&
	     ts_invoke(p->dom, TS_DOMAIN_XEN_ADD_VCPU, 2, (const uint64_t[]){ p->vcpu1, 1 }, 0, 0) == TS_OK &&
	     claim_report_port(p->dom) == TS_OK;
	/* vCPU 1 on another CPU if there is one: the IPIs then cross CPUs. */
	ok = ok && (bi->nr_cpus < 2 || ts_tcb_set_affinity(p->tcb1, 1) == TS_OK);
	if (!ok)
		return 0;
	vcpu = g->vcpu;
	for (unsigned i = 0; i < sizeof(xen_long_mode) / sizeof(xen_long_mode[0]); i++)
		set_reg(xen_long_mode[i][0], xen_long_mode[i][1]);
	return 1;
}

static void xen_pair_destroy(struct xen_pair *p)
{
	ts_tcb_suspend(p->tcb1);
	ts_cnode_delete(TS_ROOT_CNODE, p->tcb1);
	ts_cnode_delete(TS_ROOT_CNODE, p->vcpu1);
	ts_cnode_delete(TS_ROOT_CNODE, p->fault1);
	guest_destroy(&p->g);
	ts_cnode_delete(TS_ROOT_CNODE, p->dom);
}

/*
 * The local APIC of a two-vCPU Xen domain: vCPU 0 runs vg_apic in long
 * mode; vCPU 1's thread is resumed at once (as the toolstack does) but
 * must not run before vCPU 0's INIT and start-up IPIs.
 */
static void test_vcpu_apic(void)
{
	static uint8_t descriptors[4096];
	struct xen_pair p;
	struct ts_msg m;

	put_gate64(descriptors, 13, vg_apic_gp - vg_apic);
	put_gate64(descriptors, 0x40, vg_apic_self - vg_apic);
	put_gate64(descriptors, 0x41, vg_apic_timer - vg_apic);
	put_gate64(descriptors, 0x42, vg_apic_wake - vg_apic);
	put_gate64(descriptors, 0x43, vg_apic_xapic - vg_apic);
	memcpy(descriptors + (APIC_GUEST_GDT - APIC_GUEST_IDT), xen_gdt, sizeof(xen_gdt));
	if (!check(xen_pair_create(&p, APIC_TEST_DOMID, vg_apic, vg_apic_end, APIC_AP_CODE, vg_apic_ap,
				   vg_apic_ap_end) &&
		   guest_page(p.g.space, APIC_GUEST_IDT, descriptors, sizeof(descriptors), 0) &&
		   guest_page(p.g.space, 0x1000, 0, 0, 0),
		   "vcpu apic: a Xen domain with two vCPUs in one 64-bit guest space"))
		return;
	set_reg(TS_VREG_IDTR_LIMIT, 0x44 * 16 - 1);
	set_reg(TS_VREG_GDTR_BASE, APIC_GUEST_GDT);
	ts_tcb_resume(p.tcb1);
	ts_tcb_resume(p.g.tcb);

	check(out_report(21, &m) && get_reg(TS_VREG_RBX) == 0xfee00900 && get_reg(TS_VREG_RSI) == 0 &&
	      get_reg(TS_VREG_RDI) == 0x50014,
	      "vcpu apic: power-on in xAPIC mode (IA32_APIC_BASE 0xfee00900); ID 0, version 0x50014 in its page");
	resume_guest();
	check(out_report(22, &m) && get_reg(TS_VREG_RBX) == 1 && get_reg(TS_VREG_RSI) == 0x8 &&
	      get_reg(TS_VREG_RDI) == 0x40043,
	      "vcpu apic: xAPIC page: a self IPI through ICR low reaches its handler, in service there, EOI in "
	      "the page; ICR reads back not busy");
	resume_guest();
	check(out_report(23, &m) && get_reg(TS_VREG_RSI) == 0 && get_reg(TS_VREG_RBX) == 1 &&
	      get_reg(TS_VREG_RDI) == 0x02000000,
	      "vcpu apic: xAPIC flat logical destination: 0x01 misses, 0x02 (our LDR) arrives");
	resume_guest();
	check(out_report(24, &m) && get_reg(TS_VREG_RBX) == 13 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_apic_xapic_msr - vg_apic),
	      "vcpu apic: an x2APIC MSR in xAPIC mode is #GP(0)");
	resume_guest();
	check(out_report(25, &m) && get_reg(TS_VREG_RBX) == 0xfee00d00, "vcpu apic: IA32_APIC_BASE to x2APIC mode");
	resume_guest();
	check(out_report(26, &m) && get_reg(TS_VREG_RBX) == 13 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_apic_back_to_xapic - vg_apic),
	      "vcpu apic: x2APIC straight back to xAPIC mode is #GP(0)");
	resume_guest();
	check(out_report(1, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0x50014 &&
	      get_reg(TS_VREG_RDI) == 1,
	      "vcpu apic: x2APIC ID 0, version 0x14 with 6 LVT entries, logical ID cluster 0 bit 0");
	resume_guest();
	check(out_report(2, &m) && get_reg(TS_VREG_RBX) == 0xfee00d00 && get_reg(TS_VREG_RSI) == 0,
	      "vcpu apic: IA32_APIC_BASE: 0xfee00000, enabled, x2APIC mode, BSP");
	resume_guest();
	check(out_report(3, &m) && get_reg(TS_VREG_RBX) == 0x5e1f && get_reg(TS_VREG_RSI) == 1 &&
	      get_reg(TS_VREG_RDI) == 0,
	      "vcpu apic: a self IPI reaches its IDT handler, in service there, not after its EOI");
	resume_guest();
	check(out_report(4, &m) && get_reg(TS_VREG_RSI) == 1 && get_reg(TS_VREG_RDI) == 0x50 &&
	      get_reg(TS_VREG_RBX) == 0x5e1f,
	      "vcpu apic: with TPR 0x50 vector 0x40 waits in the IRR (PPR 0x50); TPR 0 lets it in");
	resume_guest();
	int timed = out_report(5, &m);
	uint64_t count = get_reg(TS_VREG_RSI);
	check(timed && get_reg(TS_VREG_RBX) == 1 && count > 0 && count <= APIC_TIMER_COUNT &&
	      get_reg(TS_VREG_RDI) == 0,
	      "vcpu apic: the one-shot timer counts down (%lu left at once), wakes the halted vCPU, reads 0 after",
	      count);
	resume_guest();
	check(out_report(6, &m) && get_reg(TS_VREG_RBX) >= 3 && get_reg(TS_VREG_RDI) == 0,
	      "vcpu apic: the periodic timer fires again and again, and stops at initial count 0");
	resume_guest();
	check(out_report(7, &m) && get_reg(TS_VREG_RBX) == 13 && get_reg(TS_VREG_RSI) == 0 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_apic_bad_rdmsr - vg_apic),
	      "vcpu apic: reading an x2APIC MSR that does not exist is #GP(0)");
	resume_guest();
	check(out_report(8, &m) && get_reg(TS_VREG_RBX) == 13 &&
	      get_reg(TS_VREG_RDI) == (uint64_t)(vg_apic_bad_wrmsr - vg_apic),
	      "vcpu apic: writing the read-only x2APIC ID is #GP(0)");
	check(vcpu_reg(p.vcpu1, TS_VREG_RIP) == 0 && vcpu_reg(p.vcpu1, TS_VREG_CS) == 0x08,
	      "vcpu apic: vCPU 1, its thread resumed, has not run before its start-up IPI");
	resume_guest();
	check(out_report(9, &m) && get_reg(TS_VREG_RBX) == APIC_AP_CODE >> 4 && get_reg(TS_VREG_RSI) == 0x1234,
	      "vcpu apic: INIT and start-up IPIs run vCPU 1 in real mode at 0xc000 (CS 0xc00); its fixed "
	      "IPI wakes vCPU 0");
	check(vcpu_reg(p.vcpu1, TS_VREG_CS) == APIC_AP_CODE >> 4 && (vcpu_reg(p.vcpu1, TS_VREG_CR0) & 1) == 0,
	      "vcpu apic: vCPU 1 is in real mode (CR0.PE clear)");
	xen_pair_destroy(&p);
}

#define VCPUOP_TEST_DOMID	0x7e2

/* VCPUOP_initialise's contexts for vg_vcpuop_ap: a good one, then three bad ones. */
static void vcpuop_contexts(union hvm_ctx ctx[4])
{
	const struct hvm_ctx32 good = {
		.gpr = { VCPUOP_MARKER, 0, 0, 0, 0x3ff0 }, .eip = VCPUOP_AP_CODE, .eflags = 2, .cr0 = 0x11,
		.limit = { ~0u, ~0u, ~0u, ~0u, 0x67 }, .ar = { 0xc9a, 0xc92, 0xc92, 0xc92, 0x89 },
	};

	for (unsigned i = 0; i < 4; i++)
		ctx[i].c32 = good;
	ctx[1].c32.ar[0] = 0xc92;		/* CS a data segment: Xen refuses it */
	ctx[2].c32.cr4 = 1u << 18;		/* OSXSAVE: the guest's CPUID has no XSAVE */
	ctx[3].c32.cr0 = 0x80000010;		/* paging without protection */
}

/*
 * vcpu_op on a two-vCPU Xen domain: vCPU 0 runs vg_vcpuop in long mode;
 * vCPU 1's thread is resumed at once but must not run before its
 * VCPUOP_up.
 */
static void test_vcpu_op(void)
{
	union hvm_ctx ctx[4];
	struct xen_pair p;
	struct ts_msg m;
	int ok;

	vcpuop_contexts(ctx);
	if (!check(xen_pair_create(&p, VCPUOP_TEST_DOMID, vg_vcpuop, vg_vcpuop_end, VCPUOP_AP_CODE, vg_vcpuop_ap,
				   vg_vcpuop_ap_end) &&
		   guest_page(p.g.space, VCPUOP_CTX, ctx, sizeof(ctx), 0),
		   "vcpu_op: a Xen domain with two vCPUs, vCPU 1's contexts in its memory"))
		return;
	set_reg(TS_VREG_R15, ms_ticks(50));
	ts_tcb_resume(p.tcb1);
	ts_tcb_resume(p.g.tcb);

	check(out_report(1, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == (uint64_t)-22,
	      "vcpu_op: vCPU 1 starts down (is_up 0); up before initialise: -EINVAL");
	resume_guest();
	check(out_report(2, &m) && get_reg(TS_VREG_RBX) == (uint64_t)-22 && get_reg(TS_VREG_R12) == (uint64_t)-22 &&
	      get_reg(TS_VREG_R13) == (uint64_t)-22 && get_reg(TS_VREG_R14) == (uint64_t)-14 &&
	      get_reg(TS_VREG_R9) == (uint64_t)-2,
	      "vcpu_op: initialise refuses a data segment for CS, CR4.OSXSAVE without XSAVE and paging "
	      "without protection (-EINVAL), an unbacked context (-EFAULT), and vCPU 2 (-ENOENT)");
	check(vcpu_reg(p.vcpu1, TS_VREG_RIP) == 0 && vcpu_reg(p.vcpu1, TS_VREG_CS) == 0x08,
	      "vcpu_op: vCPU 1's registers are untouched by the refused contexts");
	resume_guest();
	check(out_report(3, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_R12) == (uint64_t)-17 &&
	      get_reg(TS_VREG_R13) == 0,
	      "vcpu_op: initialise vCPU 1 with a 32-bit context; again: -EEXIST; it is still down");
	check(vcpu_reg(p.vcpu1, TS_VREG_RIP) == VCPUOP_AP_CODE && vcpu_reg(p.vcpu1, TS_VREG_RAX) == VCPUOP_MARKER &&
	      vcpu_reg(p.vcpu1, TS_VREG_CS) == 0 && vcpu_reg(p.vcpu1, TS_VREG_CS + 1) == 0xc9b &&
	      vcpu_reg(p.vcpu1, TS_VREG_CS + 2) == ~0u && vcpu_reg(p.vcpu1, TS_VREG_TR + 1) == 0x8b &&
	      vcpu_reg(p.vcpu1, TS_VREG_FS + 1) == 0 && vcpu_reg(p.vcpu1, TS_VREG_CR0) == 0x11,
	      "vcpu_op: vCPU 1 holds the context: EIP, EAX, flat CS (accessed), TR busy, FS unusable, CR0");
	resume_guest();
	check(out_report(4, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0x3ff0 &&
	      get_reg(TS_VREG_RDI) == 0,
	      "vcpu_op: up: vCPU 1 runs the context (its marker and ESP at 0x3000), then its own "
	      "VCPUOP_down stops it at once");
	resume_guest();
	ok = out_report(5, &m);
	uint64_t counted = get_reg(TS_VREG_R12) - get_reg(TS_VREG_RDI);
	check(ok && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0 &&
	      get_reg(TS_VREG_R12) > get_reg(TS_VREG_RDI),
	      "vcpu_op: up again: vCPU 1 returns 0 from its VCPUOP_down and counts (%lu in 50 ms)", counted);
	resume_guest();
	check(out_report(6, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0 &&
	      get_reg(TS_VREG_R12) == get_reg(TS_VREG_RDI),
	      "vcpu_op: down by vCPU 0: is_up 0, and vCPU 1 counts no more");
	resume_guest();
	check(out_report(7, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RDI) > get_reg(TS_VREG_RSI),
	      "vcpu_op: up by vCPU 0: vCPU 1 counts again where it stopped");
	resume_guest();
	m = next_fault(TS_FAULT_GUEST_SHUTDOWN);
	check(ts_msginfo_label(m.info) == TS_FAULT_GUEST_SHUTDOWN && m.mr[0] == 0 && m.mr[1] == 0,
	      "vcpu_op: vCPU 0 going down as the last one up powers the domain off (shutdown fault, "
	      "poweroff, vCPU 0)");
	resume_guest();
	check(out_report(8, &m) && get_reg(TS_VREG_RBX) == 0 && get_reg(TS_VREG_RSI) == 0,
	      "vcpu_op: the toolstack's reply resumes vCPU 0 after its VCPUOP_down, which returns 0");
	xen_pair_destroy(&p);
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
	uint8_t insn[15];
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
	unsigned fetched = npf_insn(&m, insn);
	check(m.mr[0] == EXIT_NPF && m.mr[2] == 0x200000 && !(m.mr[1] & 1) && m.mr[3] == 0x0a,
	      "vcpu: reading unbacked guest memory is a nested page fault with its address");
	check(fetched == 15 && !memcmp(insn, guest_code + 0x0a, sizeof(guest_code) - 0x0a) &&
	      !insn[14], "vcpu: and with the 15 bytes at its RIP (mov 0x200000, %%eax first)");
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
	check(m.mr[0] == EXIT_NPF && m.mr[2] == 0x14 && m.mr[3] == 0x14 && npf_insn(&m, insn) == 0,
	      "vcpu: a deleted frame is gone from the running guest (fetch fault at its rip, no bytes)");

	ts_tcb_suspend(tcb);
	ts_cnode_delete(TS_ROOT_CNODE, tcb);
	ts_cnode_delete(TS_ROOT_CNODE, vcpu);
	ts_cnode_delete(TS_ROOT_CNODE, space);

	test_vcpu_msrs();
	test_vcpu_xen();
	test_vcpu_apic();
	test_vcpu_op();
	uint64_t violations = 1;
	ts_debug_check_invariants(TS_ROOT_DEBUG, &violations);
	check(violations == 0, "vcpu: invariants hold after the vCPUs, their threads and spaces are gone");
}
