/*
 * nltest: a Newlib stub domain exercising libc on libos: formatted
 * output, the heap growing from its Untyped, strtod and qsort, files from
 * the cpio archive, the clock and sleeping, a second thread, events,
 * shared pages, and exit. With the argument "abort" it calls abort().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <libos/libos.h>
#include <ts/syscall.h>
#include "tap.h"

static void test_printf(void)
{
	char buf[128];
	size_t big = 123456789012ul;
	long long neg = -9000000000123ll;

	snprintf(buf, sizeof(buf), "%.3f|%zu|%lld|%e|%08.2f", 3.14159, big, neg, 6.02e23, -2.5);
	tap_check(strcmp(buf, "3.142|123456789012|-9000000000123|6.020000e+23|-0002.50") == 0,
		  "printf %%f %%zu %%lld %%e: '%s'", buf);
	snprintf(buf, sizeof(buf), "%" PRIx64 " %hhd %5s|%-4d|", (uint64_t)0xdeadbeefcafeull,
		 (signed char)-5, "ab", 7);
	tap_check(strcmp(buf, "deadbeefcafe -5    ab|7   |") == 0, "printf PRIx64 %%hhd widths: '%s'", buf);
	tap_check(fabs(sqrt(2.0) - 1.41421356237) < 1e-9 && fabs(sin(M_PI / 6) - 0.5) < 1e-12,
		  "libm sqrt and sin");
}

static void test_heap(void)
{
	enum { N = 600 };
	static unsigned char *blocks[N];
	size_t before = libos_heap_mapped(), sizes_ok = 1, total = 0;

	for (int i = 0; i < N; i++) {
		size_t size = (size_t)(i * 37 % 4000 + 1) * (i % 7 == 0 ? 16 : 1);

		blocks[i] = malloc(size);
		if (!blocks[i]) {
			sizes_ok = 0;
			break;
		}
		memset(blocks[i], i & 0xff, size);
		total += size;
	}
	for (int i = 0; i < N && sizes_ok; i++)
		sizes_ok = blocks[i][0] == (i & 0xff);
	tap_check(sizes_ok, "malloc of %d blocks of 1..64000 bytes (%zu bytes), contents intact", N, total);
	tap_check(libos_heap_mapped() > before && libos_heap_mapped() >= total,
		  "the heap grew from the Untyped: %zu -> %zu bytes mapped", before, libos_heap_mapped());
	for (int i = 0; i < N; i += 2)
		free(blocks[i]);
	for (int i = 1; i < N; i += 2)
		free(blocks[i]);
	void *big = malloc(3 << 20);
	tap_check(big != NULL, "after freeing everything, a 3 MiB block fits");
	free(big);
	errno = 0;
	void *huge = malloc(64u << 20);
	tap_check(huge == NULL && errno == ENOMEM, "malloc beyond the heap Untyped fails with ENOMEM");
}

static int compare_ints(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void test_strtod_qsort(void)
{
	char *end;
	double d = strtod("  -3.25e2xyz", &end);
	int v[200], sorted = 1;

	tap_check(d == -325.0 && strcmp(end, "xyz") == 0, "strtod('-3.25e2xyz') = %g, rest '%s'", d, end);
	tap_check(strtod("0x1.8p1", NULL) == 3.0 && isinf(strtod("inf", NULL)), "strtod hex floats and inf");
	srand(42);
	for (int i = 0; i < 200; i++)
		v[i] = rand() % 1000 - 500;
	qsort(v, 200, sizeof(v[0]), compare_ints);
	for (int i = 1; i < 200; i++)
		sorted &= v[i - 1] <= v[i];
	tap_check(sorted, "qsort of 200 ints");
}

static void test_files(void)
{
	char line[128], buf[64];
	long long sum = 0, want_sum = -1;
	int count = 0, want_count = -1, fd;
	struct stat st;
	FILE *f = fopen("/data/numbers.txt", "r");

	if (tap_check(f != NULL, "fopen /data/numbers.txt from the cpio archive")) {
		if (fgets(line, sizeof(line), f))
			sscanf(line, "# %d numbers, sum %lld", &want_count, &want_sum);
		while (fgets(line, sizeof(line), f)) {
			sum += atoll(line);
			count++;
		}
		tap_check(count == want_count && sum == want_sum,
			  "read %d numbers summing to %lld (the file says %d, %lld)", count, sum,
			  want_count, want_sum);
		fclose(f);
	}
	fd = open("etc/motd", O_RDONLY);
	memset(&st, 0, sizeof(st));
	int stat_ok = fd >= 3 && fstat(fd, &st) == 0;
	tap_check(stat_ok && S_ISREG(st.st_mode) && st.st_size > 10,
		  "open etc/motd, fstat: regular file of %ld bytes", (long)st.st_size);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	tap_check(n == st.st_size && strncmp(buf, "Welcome", 7) == 0, "read the whole file: '%.20s...'", buf);
	tap_check(lseek(fd, 3, SEEK_SET) == 3 && read(fd, buf, 4) == 4 && memcmp(buf, "come", 4) == 0 &&
		  read(fd, buf, 0) == 0 && lseek(fd, 0, SEEK_END) == st.st_size && read(fd, buf, 8) == 0,
		  "lseek SET/END and reads at the end");
	errno = 0;
	tap_check(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL, "lseek before the start: EINVAL");
	tap_check(close(fd) == 0 && read(fd, buf, 1) == -1 && errno == EBADF, "read after close: EBADF");
	errno = 0;
	tap_check(open("/no/such/file", O_RDONLY) == -1 && errno == ENOENT, "missing file: ENOENT");
	errno = 0;
	tap_check(open("/etc/motd", O_WRONLY) == -1 && errno == EROFS, "opening for writing: EROFS");
	errno = 0;
	tap_check(open("/etc", O_RDONLY) == -1 && errno == EISDIR, "a directory: EISDIR");
	errno = 0;
	tap_check(fopen("/nothing", "r") == NULL && errno == ENOENT, "fopen of a missing file: ENOENT");
}

static uint64_t ns_of(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static void test_clock(void)
{
	struct timespec a, b;
	struct timeval tv1, tv2;
	int monotonic = 1;
	uint64_t t0, slept;

	for (int i = 0; i < 1000 && monotonic; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		monotonic = ns_of(&b) >= ns_of(&a);
	}
	gettimeofday(&tv1, NULL);
	gettimeofday(&tv2, NULL);
	tap_check(monotonic && a.tv_sec >= 0 && (tv2.tv_sec > tv1.tv_sec ||
		  (tv2.tv_sec == tv1.tv_sec && tv2.tv_usec >= tv1.tv_usec)),
		  "clock_gettime and gettimeofday are monotonic (now %lld.%09ld s since boot)",
		  (long long)b.tv_sec, b.tv_nsec);
	errno = 0;
	tap_check(clock_gettime((clockid_t)99, &a) == -1 && errno == EINVAL, "an unknown clock: EINVAL");
	t0 = libos_now_ns();
	clock_gettime(CLOCK_MONOTONIC, &a);
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	slept = libos_now_ns() - t0;
	tap_check(slept >= 20000000 && ns_of(&b) - ns_of(&a) >= 20000000,
		  "usleep(20000) took %llu us by the TSC", (unsigned long long)slept / 1000);
	a = (struct timespec){ 0, 1000000000 };
	errno = 0;
	tap_check(nanosleep(&a, NULL) == -1 && errno == EINVAL, "nanosleep with tv_nsec = 10^9: EINVAL");
}

struct work {
	int from, to;
	long long sum;
	int mallocs_ok;
};

static void *worker(void *arg)
{
	struct work *w = arg;

	w->mallocs_ok = 1;
	for (int i = w->from; i < w->to; i++) {
		char *p = malloc((size_t)(i % 500 + 1));

		if (!p) {
			w->mallocs_ok = 0;
			break;
		}
		p[0] = (char)i;
		w->sum += i + (p[0] - (char)i);
		free(p);
	}
	usleep(10000);
	return w;
}

static void *identity(void *arg)
{
	return arg;
}

static void test_thread(void)
{
	struct work w = { 1, 20001, 0, 0 };
	struct libos_thread *t;
	void *result = NULL;
	int ok = 1;

	if (!tap_check(libos_thread_create(&t, worker, &w, 65536) == 0, "start a second thread"))
		return;
	/* Meanwhile, this thread uses the heap too (malloc's lock is shared). */
	for (int i = 0; i < 20000 && ok; i++) {
		void *p = malloc((size_t)(i % 300 + 8));

		ok = p != NULL;
		free(p);
	}
	int joined = libos_thread_join(t, &result) == 0;
	tap_check(joined && result == &w && w.mallocs_ok && ok && w.sum == 20000ll * 20001 / 2,
		  "the thread ran (sum %lld) with both threads calling malloc/free", w.sum);

	/* A thread that has long ended when join starts waiting. */
	result = NULL;
	if (tap_check(libos_thread_create(&t, identity, &w, 16384) == 0, "start a short thread")) {
		usleep(30000);
		joined = libos_thread_join(t, &result) == 0;
		tap_check(joined && result == &w, "join a thread that ended before join was called");
	}
}

static void test_event(void)
{
	struct libos_event ev;
	uint64_t t0, waited, word;

	if (!tap_check(libos_event_create(&ev) == 0, "make an event (notification + timer)"))
		return;
	t0 = libos_now_ns();
	word = libos_event_wait(&ev, 30000000);
	waited = libos_now_ns() - t0;
	tap_check(word == 0 && waited >= 30000000, "an unsignalled event times out after %llu us",
		  (unsigned long long)waited / 1000);
	/* Signals carry their cap's badge: signal through a badged copy. */
	uint64_t sender;
	if (!tap_check(libos_cap_mint(ev.ntfn, TS_RIGHT_WRITE, 0x10, &sender) == 0,
		       "mint a badged signalling copy"))
		return;
	ts_signal(sender);
	t0 = libos_now_ns();
	word = libos_event_wait(&ev, 1000000000);
	tap_check(word == 0x10 && libos_now_ns() - t0 < 1000000000ull,
		  "a signalled event returns its badge 0x%llx at once", (unsigned long long)word);
}

/* The page and notification the parent gave (stubdom_give: shared=SLOT ntfn=SLOT). */
static void test_shared(void)
{
	uint64_t slot, ntfn;
	struct libos_event ev;
	char *page;

	if (!tap_check(libos_args_number(&libos_args, "shared", &slot) == 0 &&
		       libos_args_number(&libos_args, "ntfn", &ntfn) == 0,
		       "the parent gave a shared page and a notification"))
		return;
	page = libos_map_shared(slot, 1, 1);
	tap_check(page && strcmp(page, "parent: hello") == 0, "map the shared page: '%s'", page ? page : "");
	if (page)
		strcpy(page + 2048, "child: hello back");
	errno = 0;
	tap_check(libos_map_shared(slot, 1, 1) == NULL && errno == EINVAL,
		  "mapping the same frame cap again fails with EINVAL");
	tap_check(libos_event_init(&ev, ntfn) == 0 && libos_event_wait(&ev, 1000000000) == 0x4,
		  "the parent's signal (badge 0x4) waits on the notification");
}

int main(int argc, char **argv)
{
	printf("%s: a Newlib stub domain, %d args:", argv[0], argc);
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	if (argc > 1 && strcmp(argv[1], "abort") == 0) {
		printf("%s: calling abort()\n", argv[0]);
		abort();
	}
	test_printf();
	test_heap();
	test_strtod_qsort();
	test_files();
	test_clock();
	test_thread();
	test_event();
	test_shared();
	return tap_done(argv[0]);
}
