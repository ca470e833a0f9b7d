/*
 * Kernel self-check, run on demand by the tests (e.g. after the syscall
 * fuzzer): the CDT is a well-formed tree, objects lie inside the untyped
 * they came from, and every thread's state matches the queues it is on.
 */
#include <kernel/arch.h>
#include <kernel/invariants.h>
#include <kernel/printk.h>

struct slot cdt_root;

static unsigned long violations;

/*
 * Every object but untypeds (checked against their parent) and frames (too
 * many to list; checked against this list), by address: two that overlap
 * must be caps to the same object. Capped so that the check needs no
 * allocation; beyond that, the overlap and mapping checks are skipped.
 */
#define EXTENTS_MAX	16384
static struct extent {
	word_t base, end, type;
} extents[EXTENTS_MAX];
static unsigned nr_extents;

/* Entries the mapping check visits at most: a table linked in several places is walked each time. */
#define ENTRIES_MAX	(1ul << 20)
static unsigned long entries_left;

static void violation(const struct slot *s, const char *what)
{
	if (violations++ < 16)
		pr_err("invariant: slot %p (type %u): %s\n", (const void *)s, s->cap.type, what);
}

static bool thread_in_queue(const struct thread_queue *q, const struct tcb *t)
{
	for (const struct tcb *p = q->head; p; p = p->ipc_next)
		if (p == t)
			return true;
	return false;
}

static void check_thread(const struct slot *s, const struct tcb *t)
{
	switch (t->state) {
	case THREAD_RUNNABLE:
		if (t->running == t->on_ready_queue)
			violation(s, "runnable thread must be either running or queued");
		if (t->on_ready_queue && !sched_queue_contains(t->cpu, t))
			violation(s, "thread marked queued is not on its ready queue");
		break;
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		if (!t->blocked_on || !thread_in_queue(&((struct endpoint *)t->blocked_on)->queue, t))
			violation(s, "blocked thread is not on its endpoint queue");
		break;
	case THREAD_BLOCKED_NOTIFICATION:
		if (!t->blocked_on || !thread_in_queue(&((struct notification *)t->blocked_on)->waiters, t))
			violation(s, "waiting thread is not on its notification queue");
		break;
	case THREAD_BLOCKED_REPLY:
		if (t->callee && t->callee->caller != t)
			violation(s, "caller/callee link is one-sided");
		break;
	case THREAD_BLOCKED_VCPU:
		if (!thread_vcpu(t))
			violation(s, "a thread without a vCPU waits as one");
		break;
	case THREAD_INACTIVE:
		break;
	default:
		violation(s, "thread state out of range");
	}
	if (t->state != THREAD_RUNNABLE && t->on_ready_queue)
		violation(s, "blocked thread on a ready queue");
	if (t->cpu >= nr_cpus)
		violation(s, "thread affinity beyond the online CPUs");
	if (t->caller && t->caller->callee != t)
		violation(s, "callee/caller link is one-sided");
}

static bool is_frame(word_t type)
{
	return type == TS_OBJ_FRAME_4K || type == TS_OBJ_FRAME_2M;
}

static void check_slot(const struct slot *s)
{
	const struct slot *p = s->parent;
	word_t size;

	if (s->cap.type == TS_OBJ_NULL)
		violation(s, "empty slot in the derivation tree");
	if (s->next && s->next->prev != s)
		violation(s, "sibling links broken");
	if (s->prev && s->prev->next != s)
		violation(s, "sibling links broken");
	if (!s->prev && p && p->first_child != s)
		violation(s, "first child not recorded by parent");
	if (p && p->cap.type == TS_OBJ_UNTYPED && s->cap.obj) {
		word_t base = p->cap.obj, end = base + BIT(p->cap.size_bits);
		if (s->cap.obj < base || s->cap.obj >= end)
			violation(s, "object outside its untyped");
		else if (s->cap.obj + object_size(s->cap.type, s->cap.size_bits) > base + p->cap.data)
			violation(s, "object beyond its untyped's watermark");
	}
	/* object_size is 0 for caps that name no memory (IRQ, I/O port, console). */
	size = object_size(s->cap.type, s->cap.size_bits);
	if (s->cap.type != TS_OBJ_UNTYPED && !is_frame(s->cap.type) && s->cap.obj && size &&
	    nr_extents++ < EXTENTS_MAX)
		extents[nr_extents - 1] = (struct extent){ s->cap.obj, s->cap.obj + size,
							   s->cap.type };
	if (s->cap.type == TS_OBJ_TCB)
		check_thread(s, cap_tcb(&s->cap));
	if (s->cap.type == TS_OBJ_ENDPOINT) {
		const struct endpoint *ep = cap_endpoint(&s->cap);
		if ((ep->state == EP_IDLE) != (ep->queue.head == NULL))
			violation(s, "endpoint state does not match its queue");
	}
}

static void check_overlaps(void)
{
	word_t reach = 0, reach_base = 0, reach_type = 0;

	/* Shell sort by base: no allocation, fine for a self-check. */
	for (unsigned gap = nr_extents / 2; gap; gap /= 2)
		for (unsigned i = gap; i < nr_extents; i++)
			for (unsigned j = i; j >= gap && extents[j - gap].base > extents[j].base; j -= gap) {
				struct extent t = extents[j];
				extents[j] = extents[j - gap];
				extents[j - gap] = t;
			}
	for (unsigned i = 0; i < nr_extents; i++) {
		const struct extent *e = &extents[i];
		bool same = e->base == reach_base && e->type == reach_type;
		if (e->base < reach && !same && violations++ < 16)
			pr_err("invariant: object %p (type %lu) overlaps %p (type %lu)\n",
			       (void *)e->base, (unsigned long)e->type, (void *)reach_base,
			       (unsigned long)reach_type);
		if (e->end > reach) {
			reach = e->end;
			reach_base = e->base;
			reach_type = e->type;
		}
	}
}

/* Index of the listed object that starts last at or below addr; nr_extents if none. */
static unsigned last_at_or_below(word_t addr)
{
	unsigned lo = 0, hi = nr_extents;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (extents[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : nr_extents;
}

/* The listed object that covers addr, if any. */
static const struct extent *extent_at(word_t addr)
{
	unsigned i = last_at_or_below(addr);

	return i < nr_extents && addr < extents[i].end ? &extents[i] : NULL;
}

/* The listed object covering base, else the first one starting in [base, end). */
static const struct extent *extent_within(word_t base, word_t end)
{
	unsigned i = last_at_or_below(base);

	if (i < nr_extents && base < extents[i].end)
		return &extents[i];
	i = i < nr_extents ? i + 1 : 0;
	return i < nr_extents && extents[i].base < end ? &extents[i] : NULL;
}

static void check_frame(const struct slot *s)
{
	word_t size = object_size(s->cap.type, s->cap.size_bits);
	const struct extent *e;

	if (!is_frame(s->cap.type) || !s->cap.obj)
		return;
	e = extent_within(s->cap.obj, s->cap.obj + size);
	if (e && violations++ < 16)
		pr_err("invariant: frame %p overlaps object %p (type %lu)\n", (void *)s->cap.obj,
		       (void *)e->base, (unsigned long)e->type);
}

/*
 * A table entry must point at a paging structure of the level below; a
 * frame entry at no listed object (only frames are mapped).
 */
static bool check_entry(paddr_t pa, unsigned level, bool is_table)
{
	static const word_t table_type[] = { 0, 0, TS_OBJ_PAGE_TABLE, TS_OBJ_PAGE_DIRECTORY,
					     TS_OBJ_PDPT };
	word_t va = (word_t)phys_to_virt(pa);
	word_t size = level == 2 && !is_table ? BIT(TS_LARGE_PAGE_BITS) : BIT(TS_PAGE_BITS);
	const struct extent *e = is_table ? extent_at(va) : extent_within(va, va + size);
	bool ok;

	if (is_table)
		ok = e && e->type == table_type[level] && e->base == va;
	else
		ok = !e;
	if (!ok && violations++ < 16)
		pr_err("invariant: level-%u %s entry to %p: %s\n", level,
		       is_table ? "table" : "frame", (void *)pa,
		       e ? "wrong object" : "no object");
	return --entries_left != 0;
}

static void check_mappings(void)
{
	entries_left = ENTRIES_MAX;
	for (unsigned i = 0; i < nr_extents; i++)
		/* Caps to one space sit side by side once sorted: walk it once. */
		if ((extents[i].type == TS_OBJ_VSPACE || extents[i].type == TS_OBJ_GUEST_SPACE) &&
		    !(i && extents[i - 1].base == extents[i].base) &&
		    !arch_walk_entries((const void *)extents[i].base,
				       extents[i].type == TS_OBJ_GUEST_SPACE, check_entry)) {
			pr_warn("invariants: over %lu mapping entries, the rest not checked\n",
				ENTRIES_MAX);
			return;
		}
}

/* Depth first over the CDT; the first walk also checks the parent links it follows. */
static void for_each_slot(void (*fn)(const struct slot *), bool check_links)
{
	const struct slot *s = cdt_root.first_child;

	while (s) {
		fn(s);
		if (s->first_child) {
			if (check_links && s->first_child->parent != s)
				violation(s, "child's parent link wrong");
			s = s->first_child;
			continue;
		}
		while (s && !s->next)
			s = s->parent == &cdt_root ? NULL : s->parent;
		if (s)
			s = s->next;
	}
}

unsigned long invariants_check(void)
{
	violations = 0;
	nr_extents = 0;
	if (cdt_root.parent || cdt_root.next || cdt_root.prev)
		violation(&cdt_root, "root has links");
	for_each_slot(check_slot, true);
	for (unsigned c = 0; c < nr_cpus; c++) {
		const struct tcb *t = cpus[c].current;
		if (t && (!t->running || t->cpu != c) && t->state == THREAD_RUNNABLE)
			violation(&cdt_root, "current thread not marked running on its CPU");
	}
	if (nr_extents > EXTENTS_MAX) {
		pr_warn("invariants: over %u objects, overlaps and mappings not checked\n",
			EXTENTS_MAX);
		return violations;
	}
	check_overlaps();
	for_each_slot(check_frame, false);
	check_mappings();
	return violations;
}
