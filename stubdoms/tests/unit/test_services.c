/*
 * Host tests (ASan/UBSan) of the stub-domain services' pure parts: the PV
 * console ring on both sides, against a guest that moves the indices
 * anywhere; the console service's replay buffer and line assembly; the
 * decoding of the service protocol's messages.
 */
#include <stdlib.h>
#include <string.h>
#include <libos/service.h>
#include <libos/xencons.h>
#include "../../console/log.h"
#include "check.h"

/* The page lives in its own allocation so that ASan sees any stray access. */
static struct xencons_interface *new_page(void)
{
	return calloc(1, sizeof(struct xencons_interface));
}

static void test_ring_roundtrip(void)
{
	struct xencons_interface *p = new_page();
	struct xencons_dir out, in;
	uint32_t gprod = 0, scons = 0, sprod = 0, gcons = 0;
	char big[3000], got[3000];
	long w, r;

	xencons_guest_dirs(p, &out, &in);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	w = xencons_write(&out, &gprod, big, sizeof(big));
	check(w == 2048 && p->out_prod == 2048, "a guest write fills the 2048-byte out ring (%ld)", w);
	check(xencons_write(&out, &gprod, big, 10) == 0, "a full ring takes nothing more");
	r = xencons_read(&out, &scons, got, 100);
	check(r == 100 && memcmp(got, big, 100) == 0 && p->out_cons == 100,
	      "the service reads 100 bytes and publishes out_cons");
	r = xencons_read(&out, &scons, got + 100, sizeof(got));
	check(r == 1948 && memcmp(got, big, 2048) == 0, "then the rest, in order");
	w = xencons_write(&in, &sprod, "ping\n", 5);
	r = xencons_read(&in, &gcons, got, sizeof(got));
	check(w == 5 && r == 5 && memcmp(got, "ping\n", 5) == 0, "input reaches the guest");

	/* Indices that wrap past 2^32. */
	gprod = scons = 0xfffffff0u;
	p->out_prod = p->out_cons = gprod;
	w = xencons_write(&out, &gprod, big, 40);
	r = xencons_read(&out, &scons, got, sizeof(got));
	check(w == 40 && r == 40 && memcmp(got, big, 40) == 0 && scons == 0x18,
	      "indices wrap past 2^32");
	free(p);
}

/* A guest that sets its indices to anything: the service must stay inside the ring. */
static void test_ring_hostile(void)
{
	struct xencons_interface *p = new_page();
	struct xencons_dir out, in;
	uint32_t scons = 0, sprod = 0;
	char got[4096];
	unsigned bad = 0, refused = 0, accepted = 0;

	xencons_guest_dirs(p, &out, &in);
	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint32_t before_cons = scons, before_prod = sprod;
		long r;

		switch (rand() % 4) {
		case 0: p->out_prod = (uint32_t)rand() * 2654435761u; break;
		case 1: p->out_prod = scons + (uint32_t)(rand() % 4200); break;
		case 2: p->in_cons = (uint32_t)rand() * 2246822519u; break;
		default: p->in_cons = sprod - (uint32_t)(rand() % 2200); break;
		}
		/* The guest may also scribble over our published indices. */
		p->out_cons = (uint32_t)rand();
		p->in_prod = (uint32_t)rand();
		r = xencons_read(&out, &scons, got, (size_t)(rand() % 4096));
		if (r < 0) {
			refused++;
			bad += scons != before_cons;
		} else {
			accepted++;
			bad += r > 2048 || scons - before_cons != (uint32_t)r;
		}
		r = xencons_write(&in, &sprod, got, (size_t)(rand() % 2000));
		if (r < 0)
			bad += sprod != before_prod;
		else
			bad += r > 1024 || sprod - before_prod != (uint32_t)r;
	}
	check(bad == 0 && refused > 0 && accepted > 0,
	      "20000 random index attacks: reads refused %u, accepted %u, never beyond the ring",
	      refused, accepted);
	p->out_prod = scons + 2049;
	check(xencons_read(&out, &scons, got, sizeof(got)) == -1,
	      "a producer 2049 bytes ahead is refused");
	p->in_cons = sprod - 1025;
	check(xencons_write(&in, &sprod, "x", 1) == -1, "a consumer 1025 bytes behind is refused");
	p->in_cons = sprod + 1;
	check(xencons_write(&in, &sprod, "x", 1) == -1, "a consumer ahead of the producer is refused");
	free(p);
}

static char lines[8][CONS_LINE_MAX + 1];
static unsigned nr_lines;

static void emit(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (nr_lines < 8) {
		memcpy(lines[nr_lines], line, len);
		lines[nr_lines][len] = 0;
	}
	nr_lines++;
}

static void test_log(void)
{
	struct cons_log *l = calloc(1, sizeof(*l));
	char long_line[CONS_LINE_MAX + 5], got[CONS_REPLAY_SIZE + 10];
	uint64_t pos = 0;
	size_t n;

	cons_log_add(l, "hello\r\nwor", 10, emit, NULL);
	check(nr_lines == 1 && strcmp(lines[0], "hello") == 0, "a line goes out without \\r\\n");
	cons_log_add(l, "ld\n", 3, emit, NULL);
	check(nr_lines == 2 && strcmp(lines[1], "world") == 0, "a line completed in two pieces");
	cons_log_add(l, "\x1b[2J\tx\x7f\n", 8, emit, NULL);
	check(nr_lines == 3 && strcmp(lines[2], ".[2J\tx.") == 0,
	      "escape and DEL become '.' on the serial line, tab stays");
	memset(long_line, 'x', sizeof(long_line));
	cons_log_add(l, long_line, sizeof(long_line), emit, NULL);
	check(nr_lines == 4 && strlen(lines[3]) == CONS_LINE_MAX, "a line over %d bytes is cut",
	      CONS_LINE_MAX);
	n = cons_log_since(l, &pos, got, 21);
	check(n == 21 && memcmp(got, "hello\r\nworld\n\x1b[2J\tx\x7f\n", 21) == 0 && pos == 21,
	      "the replay gives the bytes as written");
	for (int i = 0; i < 100; i++)
		cons_log_add(l, long_line, 100, emit, NULL);
	check(cons_log_oldest(l) == l->total - CONS_REPLAY_SIZE, "the replay keeps the last %d bytes",
	      CONS_REPLAY_SIZE);
	pos = 0;
	n = cons_log_since(l, &pos, got, sizeof(got));
	check(n == CONS_REPLAY_SIZE && pos == l->total, "an old position starts at the oldest byte");
	pos = l->total + 50;
	check(cons_log_since(l, &pos, got, sizeof(got)) == 0 && pos == l->total,
	      "a position in the future gives nothing");
	free(l);
}

static void test_decode(void)
{
	uint64_t mr[8] = { 5, 6, 0, 0 };
	struct svc_introduce in;
	uint32_t domid;
	size_t n;

	svc_pack(&mr[2], "client", 6);
	check(svc_decode_introduce(mr, 3, 2, &in) == SVC_OK && in.domid == 5 &&
	      strcmp(in.name, "client") == 0, "INTRODUCE domid 5 'client' with two caps");
	check(svc_decode_introduce(mr, 3, 1, &in) == SVC_EINVAL, "INTRODUCE without both caps");
	check(svc_decode_introduce(mr, 2, 2, &in) == SVC_EINVAL, "INTRODUCE whose name is cut off");
	mr[0] = 0;
	check(svc_decode_introduce(mr, 3, 2, &in) == SVC_EINVAL, "INTRODUCE of domid 0");
	mr[0] = SVC_DOMID_MAX + 1;
	check(svc_decode_introduce(mr, 3, 2, &in) == SVC_EINVAL, "INTRODUCE of domid 0x7ff0");
	mr[0] = 5;
	mr[1] = SVC_NAME_MAX + 1;
	check(svc_decode_introduce(mr, 8, 2, &in) == SVC_EINVAL, "a name over %d bytes",
	      SVC_NAME_MAX);
	mr[1] = 6;
	svc_pack(&mr[2], "a b/..", 6);
	check(svc_decode_introduce(mr, 3, 2, &in) == SVC_EINVAL, "a name with a space or '/'");
	mr[1] = 0;
	check(svc_decode_introduce(mr, 2, 2, &in) == SVC_OK && in.name[0] == 0, "an empty name");
	check(svc_decode_domid(mr, 0, &domid) == SVC_EINVAL, "RELEASE without MR0");
	check(svc_decode_domid(mr, 1, &domid) == SVC_OK && domid == 5, "RELEASE 5");
	mr[0] = 9;
	check(svc_decode_bytes(mr, 3, &n) == SVC_OK && n == 9 && svc_decode_bytes(mr, 2, &n) ==
	      SVC_EINVAL, "9 bytes need 2 MRs after the count");
	mr[0] = SVC_BYTES_MAX + 1;
	check(svc_decode_bytes(mr, 120, &n) == SVC_EINVAL, "more than %d bytes", SVC_BYTES_MAX);
}

int main(void)
{
	test_ring_roundtrip();
	test_ring_hostile();
	test_log();
	test_decode();
	return check_done();
}
