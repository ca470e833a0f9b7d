/*
 * What the generic kernel needs from the architecture. x86_64 implements
 * it in arch/x86_64/; the host unit tests implement it over ordinary memory.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/cpu.h>

/* Memory: kernel objects are addressed through the physical-memory map. */
void *phys_to_virt(paddr_t p);
paddr_t virt_to_phys(const void *v);

struct cpu *this_cpu(void);

/* Threads. */
void arch_thread_init(struct tcb *t);
void arch_thread_set_tls_base(struct tcb *t, word_t base);
word_t arch_thread_get_tls_base(const struct tcb *t);
/* Whether [va, va+size) lies in the user half of the address space. */
bool arch_user_address_ok(vaddr_t va, uint64_t size);
/* RFLAGS as a thread may have them: arithmetic flags only, interrupts on. */
word_t arch_user_rflags(word_t requested);

/* Cross-CPU requests; the caller holds the kernel lock. */
void arch_send_reschedule(unsigned cpu);
void arch_remote_request(unsigned cpu, uint32_t request);

/*
 * Address spaces. "level" names the page-table level an entry lives in:
 * 1 = page table (4 KiB frames), 2 = page directory (2 MiB frames, page
 * tables), 3 = PDPT (page directories), 4 = PML4 (PDPTs).
 */
void arch_vspace_init(void *pml4);
/* Stop every CPU from using a dying VSpace. */
void arch_vspace_release(void *pml4);
/* TS_OK if an entry at this level can be written at va; else
   TS_ERR_FAILED_LOOKUP (*missing = absent table level) or TS_ERR_DELETE_FIRST. */
int arch_map_check(void *pml4, vaddr_t va, unsigned level, word_t *missing);
/* Write the entry: a leaf frame (level 1 or 2) or a table (is_table). */
void arch_map_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa, bool is_table,
		    unsigned rights, unsigned attrs);
/* Clear the entry if it still points at pa, and flush TLBs. */
void arch_unmap_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa);
/* Self-check: call visit for every user entry under pml4 (guest: all of
   it) until it returns false; false if it did. */
bool arch_walk_entries(const void *pml4, bool guest,
		       bool (*visit)(paddr_t pa, unsigned level, bool is_table));

/* Virtual CPUs (x86_64: AMD SVM with nested paging). */
bool arch_vcpu_supported(void);
void arch_vcpu_init(struct vcpu *v);
word_t arch_vcpu_get_reg(struct vcpu *v, unsigned reg);
void arch_vcpu_set_reg(struct vcpu *v, unsigned reg, word_t value);

/*
 * A whole state for a vCPU to start in (Xen's VCPUOP_initialise): the
 * general registers (by enum ts_vcpu_reg), control registers, EFER, and
 * the CS, DS, SS, ES and TR segments, their attributes packed as in Xen's
 * vcpu_hvm_context and the VMCB (type, S, DPL, P in bits 0-7; AVL, L,
 * D/B, G in 8-11).
 */
enum { VSEG_CS, VSEG_DS, VSEG_SS, VSEG_ES, VSEG_TR, VSEG_COUNT };
struct vcpu_state {
	uint64_t gpr[TS_VREG_R15 + 1];
	uint64_t rip, rflags, cr0, cr3, cr4, efer;
	struct { uint64_t base; uint32_t limit; uint16_t attr; } seg[VSEG_COUNT];
};
/* Load s into v, whose thread must not be running elsewhere; the rest of
   its state is reset (FS, GS, LDT unusable, descriptor tables at 0,
   nothing pending). False, v unchanged, if the CPU cannot run s. */
bool arch_vcpu_set_state(struct vcpu *v, const struct vcpu_state *s);

/* Devices the kernel mediates for user level. */
uint32_t arch_port_in(uint16_t port, unsigned width);
void arch_port_out(uint16_t port, unsigned width, uint32_t value);
bool arch_irq_valid(unsigned irq);
void arch_irq_mask(unsigned irq);
void arch_irq_unmask(unsigned irq);

/* Console output of the kernel log. */
void arch_console_write(const char *s, size_t n);

#endif
