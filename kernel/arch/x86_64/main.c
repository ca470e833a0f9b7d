/*
 * Boot sequence on x86_64: parse the boot protocol, take over the page
 * tables, calibrate time, find and start the other CPUs, build the root
 * task, and enter it.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/lock.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "x86.h"

#define TRAMPOLINE_BASE	0x8000

void boot_parse(struct boot_desc *d, uint32_t magic, uint32_t info);
void vspace_init_kernel(uint64_t ram_top, bool (*is_ram)(uint64_t start, uint64_t end));
void tsc_calibrate(void);

extern char _kernel_phys_start[], _kernel_phys_end[];
extern char boot_stack_top[];
extern uint64_t boot_pml4[];
extern char trampoline_start[], trampoline_end[], tr_cr3[], tr_stack[], tr_entry[];

struct cpu cpus[MAX_CPUS];
unsigned nr_cpus = 1;

static struct boot_desc boot_desc;
static uint8_t kernel_stacks[MAX_CPUS][KSTACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned ap_starting;

static void cpu_struct_init(unsigned id, unsigned apic_id, uint64_t stack_top)
{
	struct cpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	c->kstack_top = stack_top;
}

static void enter_scheduler(void) __attribute__((noreturn));
static void enter_scheduler(void)
{
	lapic_timer_start();
	kernel_lock();
	kernel_exit();
}

static void ap_main(void)
{
	unsigned id = ap_starting;

	gdt_idt_init_cpu(id);
	write_cr3(kernel_pml4_phys);
	cpus[id].vspace_root = kernel_pml4_phys;
	lapic_init_cpu();
	fpu_init_cpu();
	svm_init_cpu(id);
	__atomic_store_n(&cpus[id].online, true, __ATOMIC_RELEASE);
	enter_scheduler();
}

static void smp_start(void)
{
	unsigned bsp = lapic_id();
	char *tramp = phys_to_virt(TRAMPOLINE_BASE);

	cpu_struct_init(0, bsp, (uint64_t)boot_stack_top);
	memcpy(tramp, trampoline_start, trampoline_end - trampoline_start);
	*(uint64_t *)(tramp + (tr_cr3 - trampoline_start)) = (uint64_t)boot_pml4;	/* linked at its physical address */
	*(uint64_t *)(tramp + (tr_entry - trampoline_start)) = (uint64_t)ap_main;

	for (unsigned i = 0; i < acpi_cpu_count && nr_cpus < MAX_CPUS; i++) {
		unsigned id = nr_cpus;
		uint64_t stack = (uint64_t)kernel_stacks[id] + KSTACK_SIZE;

		if (acpi_apic_ids[i] == bsp)
			continue;
		cpu_struct_init(id, acpi_apic_ids[i], stack);
		*(uint64_t *)(tramp + (tr_stack - trampoline_start)) = stack;
		ap_starting = id;
		lapic_send_init_sipi(acpi_apic_ids[i], TRAMPOLINE_BASE >> 12);
		for (int wait = 0; wait < 1000 && !__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE); wait++)
			delay_us(1000);
		if (!cpus[id].online) {
			pr_warn("smp: CPU with APIC id %u did not start\n", acpi_apic_ids[i]);
			continue;
		}
		nr_cpus++;
	}
	pr_info("smp: %u CPUs online\n", nr_cpus);
}

void kmain(uint32_t magic, uint32_t info)
{
	struct boot_desc *d = &boot_desc;

	serial_init();
	boot_parse(d, magic, info);
	cmdline_parse(d->cmdline);
	printk("Tessera microkernel hypervisor (x86_64), command line \"%s\"\n", d->cmdline);

	cpu_struct_init(0, 0, (uint64_t)boot_stack_top);
	cpu_features_init();
	gdt_idt_init_cpu(0);
	bootmem_init(d, (uint64_t)_kernel_phys_start, (uint64_t)_kernel_phys_end);
	vspace_init_kernel(bootmem_ram_top(), bootmem_is_ram);
	cpus[0].vspace_root = kernel_pml4_phys;
	fpu_init_cpu();

	tsc_calibrate();
	acpi_init(d->rsdp);
	lapic_init_cpu();
	lapic_calibrate();
	ioapic_init();
	svm_init_cpu(0);
	smp_start();

	root_task_create(d, nr_cpus, tsc_khz);
	enter_scheduler();
}
