/*
 * The ASID table: a fixed array (no allocation after boot) naming every
 * live VSpace, with a generation per entry so stale mapping records held by
 * frame and table capabilities can be recognised after the VSpace dies.
 */
#include <kernel/vspace.h>

struct asid_entry {
	void *pml4;		/* NULL when free */
	uint32_t gen;
	uint32_t next_free;
};

static struct asid_entry asid_table[ASID_COUNT];
static uint32_t asid_free_head = ASID_COUNT;	/* ASID_COUNT = uninitialised */
static uint32_t asid_free_count;

static void asid_init_once(void)
{
	if (asid_free_head != ASID_COUNT || asid_free_count)
		return;
	/* ASID 0 is never handed out. */
	for (uint32_t i = ASID_COUNT - 1; i >= 1; i--) {
		asid_table[i].next_free = asid_free_head;
		asid_free_head = i;
		asid_free_count++;
	}
}

bool asid_available(unsigned count)
{
	asid_init_once();
	return asid_free_count >= count;
}

word_t asid_assign(void *pml4)
{
	uint32_t a;

	asid_init_once();
	a = asid_free_head;
	asid_free_head = asid_table[a].next_free;
	asid_free_count--;
	asid_table[a].pml4 = pml4;
	return map_encode(a, asid_table[a].gen);
}

void asid_release(word_t map)
{
	uint32_t a = map_asid(map);

	if (!asid_lookup(map))
		return;
	asid_table[a].pml4 = NULL;
	asid_table[a].gen++;
	asid_table[a].next_free = asid_free_head;
	asid_free_head = a;
	asid_free_count++;
}

void *asid_lookup(word_t map)
{
	uint32_t a = map_asid(map);

	if (!(map & MAP_VALID) || a == 0 || a >= ASID_COUNT)
		return NULL;
	if (asid_table[a].gen != map_gen(map))
		return NULL;
	return asid_table[a].pml4;
}
