/* x86_64 instructions and registers, as inline functions. */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include <kernel/types.h>

struct cpu;
#include <arch/context.h>
#include "asm.h"

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }

/* EFER bits beyond asm.h's. */
#define EFER_LMA	(1ull << 10)
#define EFER_SVME	(1ull << 12)

#define RFLAGS_IF	(1ul << 9)
#define RFLAGS_USER_MASK	0x0cd5ul	/* CF PF AF ZF SF DF OF */

/* Boot-time state shared inside arch/x86_64. */
extern uint64_t kernel_pml4_phys;
void serial_init(void);
void gdt_idt_init_cpu(unsigned id);
void lapic_init_cpu(void);
void lapic_timer_start(void);
void lapic_eoi(void);
void lapic_send_ipi(unsigned apic_id, unsigned vector);
void lapic_send_init_sipi(unsigned apic_id, unsigned page);
unsigned lapic_id(void);
void lapic_calibrate(void);
void ioapic_init(void);
void acpi_init(uint64_t rsdp_hint);
extern unsigned acpi_cpu_count;
extern unsigned acpi_apic_ids[];
extern uint64_t acpi_ioapic_base;
extern unsigned acpi_irq_gsi[16];
extern bool acpi_irq_level[16];
void cpu_features_init(void);
void fpu_init_cpu(void);
void kernel_exit(void) __attribute__((noreturn));
void tss_set_rsp0(unsigned id, uint64_t rsp0);
unsigned gsi_to_irq(unsigned gsi);
void ioapic_mask(unsigned gsi);
struct vcpu;
void arch_enter_guest(struct cpu *c, struct vcpu *v) __attribute__((noreturn));
void trap_handle_pending(struct cpu *c);
void svm_init_cpu(unsigned id);
void arch_return_to_user(struct user_context *ctx) __attribute__((noreturn));
extern uint64_t tsc_khz;
void delay_us(uint64_t us);

#endif
