/* Per-CPU descriptor tables, system-call MSRs and control registers. */
#include <kernel/arch.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "x86.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern char trap_stubs[];
extern char syscall_entry[];

#define IST_STACK_SIZE	8192
#define TRAP_STUB_SIZE	16

static uint64_t gdt[MAX_CPUS][7];
static struct tss tss[MAX_CPUS];
static struct idt_gate idt[256];
static uint8_t double_fault_stack[MAX_CPUS][IST_STACK_SIZE] __attribute__((aligned(16)));

static bool has_smep, has_smap;

void cpu_features_init(void)
{
	uint32_t a, b, c, d;

	cpuid(7, 0, &a, &b, &c, &d);
	has_smep = b & (1u << 7);
	has_smap = b & (1u << 20);
	for (int v = 0; v < 256; v++) {
		uint64_t addr = (uint64_t)trap_stubs + v * TRAP_STUB_SIZE;
		idt[v] = (struct idt_gate){
			.offset_low = addr & 0xffff,
			.selector = SEL_KCODE,
			.ist = v == 8 ? 1 : 0,
			/* present interrupt gate; int3 and into may be used from user mode */
			.type = v == 3 || v == 4 ? 0xee : 0x8e,
			.offset_mid = (addr >> 16) & 0xffff,
			.offset_high = addr >> 32,
		};
	}
	pr_info("cpu: SMEP %s, SMAP %s\n", has_smep ? "on" : "absent", has_smap ? "on" : "absent");
}

void tss_set_rsp0(unsigned id, uint64_t rsp0)
{
	tss[id].rsp[0] = rsp0;
}

void gdt_idt_init_cpu(unsigned id)
{
	uint64_t t = (uint64_t)&tss[id];
	struct descriptor_pointer gp = { sizeof(gdt[id]) - 1, (uint64_t)gdt[id] };
	struct descriptor_pointer ip = { sizeof(idt) - 1, (uint64_t)idt };

	gdt[id][0] = 0;
	gdt[id][1] = 0x00af9a000000ffff;	/* kernel code */
	gdt[id][2] = 0x00cf92000000ffff;	/* kernel data */
	gdt[id][3] = 0x00cff2000000ffff;	/* user data (DPL 3) */
	gdt[id][4] = 0x00affa000000ffff;	/* user code (DPL 3, 64-bit) */
	gdt[id][5] = (sizeof(struct tss) - 1) | (t & 0xffffff) << 16 |
		     0x89ull << 40 | ((t >> 24) & 0xff) << 56;
	gdt[id][6] = t >> 32;
	tss[id].ist[0] = (uint64_t)double_fault_stack[id] + IST_STACK_SIZE;
	tss[id].iomap_base = sizeof(struct tss);	/* no I/O bitmap: user in/out faults */

	__asm__ volatile("lgdt %0" : : "m"(gp));
	__asm__ volatile("lidt %0" : : "m"(ip));
	__asm__ volatile(
		"mov %0, %%ds\n mov %0, %%es\n mov %0, %%ss\n"
		"pushq %1\n leaq 1f(%%rip), %%rax\n pushq %%rax\n lretq\n 1:"
		: : "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE) : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));

	wrmsr(MSR_GS_BASE, (uint64_t)&cpus[id]);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	wrmsr(MSR_STAR, (uint64_t)SEL_KCODE << 32 | (uint64_t)0x10 << 48);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Enter with interrupts off, direction up, alignment checks off (SMAP). */
	wrmsr(MSR_SFMASK, RFLAGS_IF | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));

	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
	if (has_smep)
		cr4 |= CR4_SMEP;
	if (has_smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_WP);
}

/* A clean FPU/SSE state that new threads start from. */
static struct fpu_state initial_fpu;

void fpu_init_cpu(void)
{
	static bool saved;

	__asm__ volatile("fninit");
	if (!saved) {
		uint32_t mxcsr = 0x1f80;
		__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
		fxsave(&initial_fpu);
		saved = true;
	}
}

void arch_thread_init(struct tcb *t)
{
	t->ctx.cs = SEL_UCODE;
	t->ctx.ss = SEL_UDATA;
	t->ctx.rflags = RFLAGS_IF | 2;
	memcpy(&t->fpu, &initial_fpu, sizeof(initial_fpu));
}
