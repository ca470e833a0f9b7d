/*
 * The architecture layer for host unit tests: memory is ordinary memory
 * (physical == virtual), one CPU, and a page-table model that records
 * entries per table object the way the x86_64 tables nest, so tests can
 * see which mappings exist after revoke and delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/arch.h>
#include <kernel/printk.h>
#include <kernel/xen.h>
#include "host_arch.h"

struct cpu cpus[MAX_CPUS];
unsigned nr_cpus = 1;
struct host_counters host;

void *phys_to_virt(paddr_t p) { return (void *)p; }
paddr_t virt_to_phys(const void *v) { return (paddr_t)v; }
struct cpu *this_cpu(void) { return &cpus[0]; }

void arch_thread_init(struct tcb *t) { t->ctx.rflags = 0x202; }
void arch_thread_set_tls_base(struct tcb *t, word_t base) { t->tls_base = base; }
word_t arch_thread_get_tls_base(const struct tcb *t) { return t->tls_base; }
bool arch_user_address_ok(vaddr_t va, uint64_t size)
{
	return size && va <= TS_USER_TOP && size - 1 <= TS_USER_TOP - va;
}
word_t arch_user_rflags(word_t requested) { return (requested & 0xcd5) | 0x202; }
void arch_send_reschedule(unsigned cpu) { (void)cpu; host.reschedules++; }
void arch_remote_request(unsigned cpu, uint32_t request) { (void)cpu; (void)request; host.remote_requests++; }

/* Page-table model: one record per present entry, keyed by the table holding it. */
#define MAX_ENTRIES 65536
static struct pt_entry {
	void *table;
	unsigned level;
	unsigned index;
	paddr_t pa;
	bool is_table;
	bool present;
} entries[MAX_ENTRIES];
static unsigned entries_end;	/* no entry at or above this index was ever used */

static unsigned index_of(vaddr_t va, unsigned level) { return (va >> (12 + 9 * (level - 1))) & 511; }

static struct pt_entry *find(void *table, unsigned level, unsigned index)
{
	for (unsigned i = 0; i < entries_end; i++)
		if (entries[i].present && entries[i].table == table && entries[i].level == level &&
		    entries[i].index == index)
			return &entries[i];
	return NULL;
}

static void *walk(void *pml4, vaddr_t va, unsigned level, word_t *missing, bool *blocked)
{
	void *table = pml4;

	for (unsigned l = 4; l > level; l--) {
		struct pt_entry *e = find(table, l, index_of(va, l));
		if (!e) {
			*missing = l - 1;
			return NULL;
		}
		if (!e->is_table) {
			*blocked = true;
			return NULL;
		}
		table = (void *)e->pa;
	}
	return table;
}

void arch_vspace_init(void *pml4) { (void)pml4; }
void arch_vspace_release(void *pml4) { (void)pml4; host.vspace_releases++; }

int arch_map_check(void *pml4, vaddr_t va, unsigned level, word_t *missing)
{
	bool blocked = false;
	void *table = walk(pml4, va, level, missing, &blocked);

	if (blocked)
		return TS_ERR_DELETE_FIRST;
	if (!table)
		return TS_ERR_FAILED_LOOKUP;
	return find(table, level, index_of(va, level)) ? TS_ERR_DELETE_FIRST : TS_OK;
}

void arch_map_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa, bool is_table,
		    unsigned rights, unsigned attrs)
{
	word_t missing;
	bool blocked = false;
	void *table = walk(pml4, va, level, &missing, &blocked);

	(void)rights;
	(void)attrs;
	for (unsigned i = 0; i < MAX_ENTRIES; i++) {
		if (!entries[i].present) {
			entries[i] = (struct pt_entry){ table, level, index_of(va, level), pa, is_table, true };
			if (i >= entries_end)
				entries_end = i + 1;
			return;
		}
	}
	abort();
}

void arch_unmap_entry(void *pml4, vaddr_t va, unsigned level, paddr_t pa)
{
	word_t missing;
	bool blocked = false;
	void *table = walk(pml4, va, level, &missing, &blocked);
	struct pt_entry *e = table ? find(table, level, index_of(va, level)) : NULL;

	if (e && e->pa == pa) {
		e->present = false;
		host.unmaps++;
	}
}

static bool walk_entries(const void *table, unsigned level,
			 bool (*visit)(paddr_t pa, unsigned level, bool is_table))
{
	for (unsigned i = 0; i < entries_end; i++) {
		const struct pt_entry *e = &entries[i];
		if (!e->present || e->table != table || e->level != level)
			continue;
		if (!visit(e->pa, level, e->is_table))
			return false;
		if (e->is_table && !walk_entries(phys_to_virt(e->pa), level - 1, visit))
			return false;
	}
	return true;
}

bool arch_walk_entries(const void *pml4, bool guest,
		       bool (*visit)(paddr_t pa, unsigned level, bool is_table))
{
	(void)guest;
	return walk_entries(pml4, 4, visit);
}

paddr_t host_translate(void *pml4, vaddr_t va)
{
	word_t missing;
	bool blocked = false;
	void *table = walk(pml4, va, 1, &missing, &blocked);
	struct pt_entry *e = table ? find(table, 1, index_of(va, 1)) : NULL;

	return e ? e->pa + (va & 0xfff) : 0;
}

/* vCPUs exist once a test says so; their registers sit after the header. */
bool arch_vcpu_supported(void) { return host.vcpu_supported; }
void arch_vcpu_init(struct vcpu *v) { (void)v; }
static word_t *vregs(struct vcpu *v) { return (word_t *)((char *)v + 1024); }
word_t arch_vcpu_get_reg(struct vcpu *v, unsigned reg) { return vregs(v)[reg]; }
void arch_vcpu_set_reg(struct vcpu *v, unsigned reg, word_t value) { vregs(v)[reg] = value; }

/* A start state lands in the register array (each segment as selector 0,
   attributes, limit, base), unless the test makes the CPU refuse it. */
bool arch_vcpu_set_state(struct vcpu *v, const struct vcpu_state *s)
{
	static const unsigned seg[VSEG_COUNT] = { TS_VREG_CS, TS_VREG_DS, TS_VREG_SS, TS_VREG_ES, TS_VREG_TR };
	word_t *r = vregs(v);

	if (host.vcpu_state_refused)
		return false;
	memcpy(r, s->gpr, sizeof(s->gpr));
	r[TS_VREG_RIP] = s->rip;
	r[TS_VREG_RFLAGS] = s->rflags;
	r[TS_VREG_CR0] = s->cr0;
	r[TS_VREG_CR3] = s->cr3;
	r[TS_VREG_CR4] = s->cr4;
	r[TS_VREG_EFER] = s->efer;
	for (unsigned i = 0; i < VSEG_COUNT; i++) {
		r[seg[i]] = 0;
		r[seg[i] + 1] = s->seg[i].attr;
		r[seg[i] + 2] = s->seg[i].limit;
		r[seg[i] + 3] = s->seg[i].base;
	}
	return true;
}

/* Guests of the model run with paging off in 64-bit mode: linear == physical. */
uint64_t tsc_khz = 1000000;
uint64_t arch_read_tsc(void) { return host.tsc; }
unsigned arch_vcpu_bits(struct vcpu *v) { (void)v; return 64; }
unsigned arch_vcpu_cpl(struct vcpu *v) { (void)v; return host.vcpu_cpl; }
/* The model's vCPUs have no local APIC: nothing pending, no APIC timer. */
bool arch_vcpu_interrupt_pending(struct vcpu *v) { (void)v; return false; }
uint64_t arch_vcpu_timer_deadline(struct vcpu *v) { (void)v; return 0; }
void arch_vcpu_timer_expired(struct vcpu *v, uint64_t tsc) { (void)v; (void)tsc; }

void *arch_guest_phys(void *space_root, uint64_t gpa, bool write)
{
	paddr_t pa = host_translate(space_root, gpa & ~0xfffull);
	(void)write;
	return pa ? (void *)(pa + (gpa & 0xfff)) : NULL;
}

bool arch_guest_linear_to_phys(struct vcpu *v, uint64_t gla, bool write, uint64_t *gpa)
{
	(void)v; (void)write;
	*gpa = gla;
	return true;
}

static int guest_copy(struct vcpu *v, uint64_t gla, void *buf, size_t n, bool write)
{
	while (n) {
		size_t chunk = 4096 - (gla & 0xfff) < n ? 4096 - (gla & 0xfff) : n;
		uint8_t *p = arch_guest_phys((void *)v->space.cap.obj, gla, write);
		if (!p)
			return -14;
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		gla += chunk, buf = (uint8_t *)buf + chunk, n -= chunk;
	}
	return 0;
}
int arch_guest_read(struct vcpu *v, uint64_t gla, void *dst, size_t n) { return guest_copy(v, gla, dst, n, false); }
int arch_guest_write(struct vcpu *v, uint64_t gla, const void *src, size_t n) { return guest_copy(v, gla, (void *)src, n, true); }

uint32_t arch_port_in(uint16_t port, unsigned width) { (void)width; return port; }
void arch_port_out(uint16_t port, unsigned width, uint32_t value) { (void)port; (void)width; host.last_port_value = value; }
bool arch_irq_valid(unsigned irq) { return irq < 24 && irq != 2; }
void arch_irq_mask(unsigned irq) { host.irq_masked |= 1u << irq; }
void arch_irq_unmask(unsigned irq) { host.irq_masked &= ~(1u << irq); }

void arch_console_write(const char *s, size_t n)
{
	size_t room = sizeof(host.console) - 1 - host.console_len;
	size_t k = n < room ? n : room;

	memcpy(host.console + host.console_len, s, k);
	host.console_len += k;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "kernel panic: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* The kernel's own string routine that the host C library lacks. */
void strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}
