/*
 * Host unit tests (ASan/UBSan) of libos's pure parts: the newc cpio
 * reader on good and malformed archives, the heap bookkeeping of sbrk,
 * and the command line. TAP output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libos/args.h>
#include <libos/cpio.h>
#include <libos/heap.h>
#include "check.h"

/* Appends one newc entry (header, name, data, padding) to buf at *len. */
static void add_entry(char *buf, size_t *len, const char *name, uint32_t mode, const char *data,
		      size_t size)
{
	size_t namesize = strlen(name) + 1;

	*len += (size_t)sprintf(buf + *len, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
				1u, mode, 0u, 0u, 1u, 1700000000u, (unsigned)size, 0u, 0u, 0u, 0u,
				(unsigned)namesize, 0u);
	memcpy(buf + *len, name, namesize);
	*len += namesize;
	while (*len % 4)
		buf[(*len)++] = 0;
	memcpy(buf + *len, data, size);
	*len += size;
	while (*len % 4)
		buf[(*len)++] = 0;
}

static size_t sample(char *buf)
{
	size_t len = 0;

	add_entry(buf, &len, ".", CPIO_MODE_DIR | 0755, "", 0);
	add_entry(buf, &len, "etc", CPIO_MODE_DIR | 0755, "", 0);
	add_entry(buf, &len, "etc/motd", CPIO_MODE_REG | 0644, "hello\n", 6);
	add_entry(buf, &len, "./data/x.bin", CPIO_MODE_REG | 0600, "abc", 3);
	add_entry(buf, &len, "empty", CPIO_MODE_REG | 0644, "", 0);
	add_entry(buf, &len, "TRAILER!!!", 0, "", 0);
	return len;
}

/* Looks a path up in a heap copy of exactly size bytes (so ASan sees overreads). */
static int find_in_copy(const char *archive, size_t size, const char *path, struct cpio_entry *e)
{
	char *copy = malloc(size ? size : 1);
	int r;

	memcpy(copy, archive, size);
	r = cpio_find(copy, size, path, e);
	if (r == CPIO_OK)	/* point back into the original before freeing the copy */
		e->data = archive + ((const char *)e->data - copy);
	free(copy);
	return r;
}

static void test_cpio_good(void)
{
	static char buf[4096];
	size_t len = sample(buf), off = 0;
	struct cpio_entry e;
	int n = 0, r;

	check(cpio_find(buf, len, "/etc/motd", &e) == CPIO_OK && e.size == 6 &&
	      memcmp(e.data, "hello\n", 6) == 0 && (e.mode & CPIO_MODE_TYPE) == CPIO_MODE_REG &&
	      e.mtime == 1700000000u, "cpio: /etc/motd found with its data, mode and mtime");
	check(cpio_find(buf, len, "etc/motd", &e) == CPIO_OK && cpio_find(buf, len, "./etc/motd", &e) == CPIO_OK,
	      "cpio: 'etc/motd' and './etc/motd' name the same file");
	check(cpio_find(buf, len, "data/x.bin", &e) == CPIO_OK && e.size == 3 && (e.mode & 0777) == 0600,
	      "cpio: a name stored as './data/x.bin' is found as 'data/x.bin'");
	check(cpio_find(buf, len, "/etc", &e) == CPIO_OK && (e.mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR,
	      "cpio: directories are entries too");
	check(cpio_find(buf, len, "empty", &e) == CPIO_OK && e.size == 0, "cpio: an empty file");
	check(cpio_find(buf, len, "/etc/mot", &e) == CPIO_NOT_FOUND &&
	      cpio_find(buf, len, "nothing", &e) == CPIO_NOT_FOUND &&
	      cpio_find(buf, len, "", &e) == CPIO_NOT_FOUND &&
	      cpio_find(buf, len, "TRAILER!!!", &e) == CPIO_NOT_FOUND,
	      "cpio: missing names, prefixes, '' and the trailer are not found");
	while ((r = cpio_next(buf, len, &off, &e)) == CPIO_OK)
		n++;
	check(r == CPIO_END && n == 5, "cpio: iteration sees 5 entries, then the trailer");
	check(cpio_find(buf, 0, "etc/motd", &e) == CPIO_NOT_FOUND, "cpio: an empty archive has nothing");
	/* Without a trailer, the exact end of the archive ends it. */
	size_t no_trailer = len - 124;	/* "TRAILER!!!": 110 + 11, padded */
	check(find_in_copy(buf, no_trailer, "empty", &e) == CPIO_OK &&
	      find_in_copy(buf, no_trailer, "other", &e) == CPIO_NOT_FOUND,
	      "cpio: an archive without a trailer ends at its end");
}

static void test_cpio_malformed(void)
{
	static char buf[4096], bad[4096];
	size_t len = sample(buf);
	struct cpio_entry e;
	int all_safe = 1;

	memcpy(bad, buf, len);
	bad[0] = 'x';
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: bad magic is malformed");
	memcpy(bad, buf, len);
	memcpy(bad + 6 + 8, "0000zz00", 8);
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: a non-hex field is malformed");

	/* The motd entry starts after "." (112 bytes) and "etc" (116). */
	size_t motd = 112 + 116;
	memcpy(bad, buf, len);
	memcpy(bad + motd + 6 + 8 * 6, "7fffffff", 8);	/* filesize */
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: a file size past the end is malformed");
	memcpy(bad, buf, len);
	memcpy(bad + motd + 6 + 8 * 11, "ffffffff", 8);	/* namesize */
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: a name size past the end is malformed");
	memcpy(bad, buf, len);
	memcpy(bad + motd + 6 + 8 * 11, "00000000", 8);
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: a zero name size is malformed");
	memcpy(bad, buf, len);
	memcpy(bad + motd + 6 + 8 * 11, "00000004", 8);	/* name "etc/" without its NUL */
	check(cpio_find(bad, len, "etc/motd", &e) == CPIO_MALFORMED, "cpio: a name without its NUL is malformed");
	memcpy(bad, buf, len);
	check(find_in_copy(bad, motd + 50, "etc/motd", &e) == CPIO_MALFORMED,
	      "cpio: an archive cut inside a header is malformed");
	check(find_in_copy(bad, motd + 112, "etc/motd", &e) == CPIO_MALFORMED,
	      "cpio: an archive cut inside a name is malformed");

	/* Every truncation and every single-byte corruption stays inside the archive. */
	for (size_t cut = 0; cut <= len; cut++)
		all_safe &= find_in_copy(buf, cut, "empty", &e) != CPIO_OK || cut >= len - 124;
	check(all_safe, "cpio: every truncation of the archive is handled (under ASan)");
	srand(1);
	for (int i = 0; i < 20000; i++) {
		size_t at = (size_t)rand() % len;

		memcpy(bad, buf, len);
		bad[at] = (char)rand();
		if (find_in_copy(bad, len, "empty", &e) == CPIO_OK &&
		    ((const char *)e.data < bad || (const char *)e.data + e.size > bad + len)) {
			printf("# corruption at %zu: data %p size %zu\n", at, e.data, e.size);
			all_safe = 0;
		}
	}
	check(all_safe, "cpio: 20000 random corruptions never point outside the archive");
}

static void test_heap(void)
{
	struct heap h;
	uintptr_t brk, map_end;

	check(heap_budget(23) == 7u << 20 && heap_budget(20) == 768u << 10 && heap_budget(18) == 0 &&
	      heap_budget(12) == 0 && heap_budget(200) > 0,
	      "heap: the budget keeps an eighth (at least 256 KiB) of the Untyped");
	heap_init(&h, 0x10000000, 0x10100000);
	check(heap_plan(&h, 0, &brk, &map_end) == 0 && brk == 0x10000000 && map_end == 0x10000000,
	      "heap: sbrk(0) needs no pages");
	check(heap_plan(&h, 100, &brk, &map_end) == 0 && brk == 0x10000064 && map_end == 0x10001000,
	      "heap: 100 bytes need one page");
	h.brk = brk;
	h.mapped = map_end;
	check(heap_plan(&h, 4000, &brk, &map_end) == 0 && brk == 0x10001004 && map_end == 0x10002000,
	      "heap: growing across a page boundary maps the next page");
	check(heap_plan(&h, -100, &brk, &map_end) == 0 && brk == 0x10000000 && map_end == 0x10001000,
	      "heap: shrinking keeps the pages mapped");
	check(heap_plan(&h, -101, &brk, &map_end) == -1, "heap: shrinking below the base fails");
	check(heap_plan(&h, 0x100000, &brk, &map_end) == -1 &&
	      heap_plan(&h, 0x100000 - 100, &brk, &map_end) == 0 && brk == 0x10100000,
	      "heap: the limit is reachable and not passable");
	check(heap_plan(&h, INTPTR_MAX, &brk, &map_end) == -1 && heap_plan(&h, INTPTR_MIN, &brk, &map_end) == -1,
	      "heap: INTPTR_MAX and INTPTR_MIN fail without overflow");
}

static void test_args(void)
{
	static struct libos_args a;
	char longline[400];

	check(libos_parse_args("nltest  -v x tsc_khz=2500000 heap=5,23 exit=0x6 cpio=0x20000000,1536 prio=50 cpu=1", &a) == 0 &&
	      a.argc == 9 && strcmp(a.argv[0], "nltest") == 0 && strcmp(a.argv[1], "-v") == 0 &&
	      strcmp(a.argv[3], "tsc_khz=2500000") == 0 && a.argv[9] == NULL &&
	      a.tsc_khz == 2500000 && a.heap == 5 && a.heap_bits == 23 && a.exit == 6 && a.cpio_addr == 0x20000000 &&
	      a.cpio_size == 1536 && a.prio == 50 && a.cpu == 1,
	      "args: words and every libos key");
	check(libos_parse_args("", &a) == 0 && a.argc == 0 && a.argv[0] == NULL && a.heap == 0,
	      "args: an empty line");
	check(libos_parse_args("prog heapx=3 myheap=4", &a) == 0 && a.heap == 0 && a.argc == 3,
	      "args: words that only look like keys are plain arguments");
	check(libos_parse_args("p exit=", &a) == -1 && libos_parse_args("p exit=x", &a) == -1 &&
	      libos_parse_args("p exit=5x", &a) == -1 && libos_parse_args("p exit=-1", &a) == -1 &&
	      libos_parse_args("p tsc_khz=99999999999999999999", &a) == -1,
	      "args: bad, trailing-garbage, negative and overflowing numbers");
	check(libos_parse_args("p cpio=0x1000", &a) == -1 && libos_parse_args("p cpio=0x1000,", &a) == -1 &&
	      libos_parse_args("p cpio=,5", &a) == -1 && libos_parse_args("p cpio=1,2,3", &a) == -1,
	      "args: cpio needs exactly ADDR,SIZE");
	check(libos_parse_args("p heap=5", &a) == -1 && libos_parse_args("p heap=5,23", &a) == 0 &&
	      a.heap == 5 && a.heap_bits == 23, "args: heap needs SLOT,BITS");
	uint64_t v = 0;
	check(libos_parse_args("p shared=7 ntfn=0x8 bad=x", &a) == 0 &&
	      libos_args_number(&a, "shared", &v) == 0 && v == 7 &&
	      libos_args_number(&a, "ntfn", &v) == 0 && v == 8 &&
	      libos_args_number(&a, "bad", &v) == -1 && libos_args_number(&a, "none", &v) == -1 &&
	      libos_args_number(&a, "share", &v) == -1,
	      "args: key=N arguments by name");
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	check(libos_parse_args(longline, &a) == -1, "args: a line longer than the buffer");
	check(libos_parse_args("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33", &a) == -1 &&
	      libos_parse_args("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32", &a) == 0 &&
	      a.argc == 32, "args: at most 32 words");
}

int main(void)
{
	test_cpio_good();
	test_cpio_malformed();
	test_heap();
	test_args();
	return check_done();
}
