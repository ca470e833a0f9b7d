/*
 * gntshare: one page shared between two Linux guests through the grant
 * table, with Linux's own drivers: the granting guest allocates and grants
 * the page through /dev/xen/gntalloc (xen-gntalloc.ko), the other maps it
 * through /dev/xen/gntdev (xen-gntdev.ko). The guests' /init exchanges the
 * domain ids and the grant reference through XenStore (see init.sh).
 *
 * usage: gntshare share SELF PEER
 *          grants domain PEER a writable page holding the text
 *          "GNTSHARE from domain SELF to domain PEER" and a byte pattern,
 *          prints "ref=<n>" on a line of its own, waits (at most 120 s) for
 *          PEER's answer in the page, then for SIGUSR1 (the peer is done and
 *          has unmapped the page; at most 120 s) and ends the grant
 *        gntshare map SELF PEER REF
 *          maps PEER's grant REF read-only and checks the page, then maps it
 *          writable, checks it again, writes the answer "MAPPED BY domain
 *          SELF" into it and unmaps it
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Linux's include/uapi/xen/gntalloc.h: index is the offset to mmap. */
struct ioctl_gntalloc_alloc_gref {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;		/* out */
	uint32_t gref_ids[1];	/* out, count of them */
};
struct ioctl_gntalloc_dealloc_gref {
	uint64_t index;
	uint32_t count;
};
#define GNTALLOC_FLAG_WRITABLE 1
#define IOCTL_GNTALLOC_ALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 5, sizeof(struct ioctl_gntalloc_alloc_gref))
#define IOCTL_GNTALLOC_DEALLOC_GREF \
	_IOC(_IOC_NONE, 'G', 6, sizeof(struct ioctl_gntalloc_dealloc_gref))

/* Linux's include/uapi/xen/gntdev.h: a mapping is read-only unless mmapped
 * with PROT_WRITE; munmap comes before the unmap ioctl. */
struct ioctl_gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
struct ioctl_gntdev_map_grant_ref {
	uint32_t count;
	uint32_t pad;
	uint64_t index;		/* out */
	struct ioctl_gntdev_grant_ref refs[1];
};
struct ioctl_gntdev_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
#define IOCTL_GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct ioctl_gntdev_unmap_grant_ref))

/*
 * The shared page: the granter's text at 0, its byte pattern up to
 * ANSWERED_AT, then a flag the mapper sets once its answer text (at
 * ANSWER_AT) is complete.
 */
#define PAGE_BYTES 4096
#define TEXT_BYTES 64
#define PATTERN_AT TEXT_BYTES
#define ANSWERED_AT 2048
#define ANSWER_AT (ANSWERED_AT + 1)
#define WAIT_SECONDS 120

/* The whole TEXT_BYTES: the text, then zeros. */
static void granter_text(char *buf, unsigned long granter, unsigned long grantee)
{
	memset(buf, 0, TEXT_BYTES);
	snprintf(buf, TEXT_BYTES, "GNTSHARE from domain %lu to domain %lu", granter, grantee);
}

static void answer_text(char *buf, unsigned long mapper)
{
	snprintf(buf, TEXT_BYTES, "MAPPED BY domain %lu", mapper);
}

static uint8_t pattern_byte(unsigned long granter, size_t i)
{
	return (uint8_t)(i * 13 + granter);
}

static void fill_page(uint8_t *page, unsigned long self, unsigned long peer)
{
	memset(page, 0, PAGE_BYTES);
	granter_text((char *)page, self, peer);
	for (size_t i = PATTERN_AT; i < ANSWERED_AT; i++)
		page[i] = pattern_byte(self, i);
}

/* Returns 0 if page holds what granter wrote for grantee; else says what differs. */
static int check_page(const uint8_t *page, unsigned long granter, unsigned long grantee,
		      const char *mapping)
{
	char want[TEXT_BYTES];

	granter_text(want, granter, grantee);
	if (memcmp(page, want, TEXT_BYTES) != 0) {
		printf("GNTMAP failed: the %s mapping reads \"%.*s\", not \"%s\"\n", mapping,
		       TEXT_BYTES - 1, (const char *)page, want);
		return -1;
	}
	for (size_t i = PATTERN_AT; i < ANSWERED_AT; i++) {
		if (page[i] != pattern_byte(granter, i)) {
			printf("GNTMAP failed: the %s mapping has 0x%02x at byte %zu, not 0x%02x\n",
			       mapping, page[i], i, pattern_byte(granter, i));
			return -1;
		}
	}
	return 0;
}

static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno == 0 && *s != '\0' && *end == '\0' && *v <= max ? 0 : -1;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* SIGUSR1, blocked since main began, says that the mapper is done. */
static int mapper_done(void)
{
	sigset_t pending;

	return sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1;
}

enum answer { ANSWERED, DONE_WITHOUT_ANSWER, NO_ANSWER_IN_TIME };

/*
 * Waits for the mapper's flag. The mapper sets it before it unmaps the
 * page, so once the mapper is done the flag is visible.
 */
static enum answer wait_answer(uint8_t *page)
{
	struct timespec t0, step = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
	int done;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		done = mapper_done();
		if (__atomic_load_n(&page[ANSWERED_AT], __ATOMIC_ACQUIRE) != 0)
			return ANSWERED;
		if (done)
			return DONE_WITHOUT_ANSWER;
		if (seconds_since(&t0) > WAIT_SECONDS)
			return NO_ANSWER_IN_TIME;
		nanosleep(&step, NULL);
	}
}

/* Waits for SIGUSR1 (the mapper is done); 0 if it came. */
static int wait_unmapped(void)
{
	sigset_t usr1;
	struct timespec limit = { .tv_sec = WAIT_SECONDS, .tv_nsec = 0 };

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	return sigtimedwait(&usr1, NULL, &limit) == SIGUSR1 ? 0 : -1;
}

static int share(unsigned long self, unsigned long peer)
{
	struct ioctl_gntalloc_alloc_gref alloc = {
		.domid = (uint16_t)peer, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1,
	};
	struct ioctl_gntalloc_dealloc_gref dealloc = { .count = 1 };
	char want[TEXT_BYTES];
	uint8_t *page;
	enum answer answered;
	int fd, status = 0;

	fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("GNTSHARE failed: /dev/xen/gntalloc: %s (not on Xen, or xen-gntalloc.ko "
		       "not loaded)\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &alloc) != 0) {
		printf("GNTSHARE failed: granting a page to domain %lu: %s\n", peer, strerror(errno));
		return 1;
	}
	dealloc.index = alloc.index;
	page = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)alloc.index);
	if (page == MAP_FAILED) {
		printf("GNTSHARE failed: mmap of the granted page: %s\n", strerror(errno));
		ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &dealloc);
		return 1;
	}
	fill_page(page, self, peer);
	printf("ref=%u\n", alloc.gref_ids[0]);
	fflush(stdout);

	answer_text(want, peer);
	answered = wait_answer(page);
	if (answered == DONE_WITHOUT_ANSWER) {
		printf("GNTSHARE failed: domain %lu is done without answering\n", peer);
		status = 1;
	} else if (answered == NO_ANSWER_IN_TIME) {
		printf("GNTSHARE failed: no answer from domain %lu in %d s\n", peer, WAIT_SECONDS);
		status = 1;
	} else if (memcmp(page + ANSWER_AT, want, strlen(want) + 1) != 0) {
		printf("GNTSHARE failed: the answer is \"%.*s\", not \"%s\"\n", TEXT_BYTES - 1,
		       (const char *)page + ANSWER_AT, want);
		status = 1;
	} else {
		printf("GNTSHARE answer seen: %s\n", want);
	}
	fflush(stdout);
	/* Ending a grant the peer still maps only defers it (and warns). */
	if (answered != NO_ANSWER_IN_TIME && wait_unmapped() != 0) {
		printf("GNTSHARE failed: no word in %d s that domain %lu unmapped the page\n",
		       WAIT_SECONDS, peer);
		status = 1;
	}

	/* The grant ends once the page is neither mapped here nor allocated. */
	if (munmap(page, PAGE_BYTES) != 0) {
		printf("GNTSHARE failed: munmap: %s\n", strerror(errno));
		status = 1;
	}
	if (ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &dealloc) != 0) {
		printf("GNTSHARE failed: ending grant %u: %s\n", alloc.gref_ids[0], strerror(errno));
		return 1;
	}
	printf("GNTSHARE released ref %u\n", alloc.gref_ids[0]);
	return status;
}

/* Maps domain peer's grant ref with prot; NULL (and nothing mapped) on failure. */
static uint8_t *map_grant(int fd, unsigned long peer, unsigned long ref, int prot,
			  const char *mapping, uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref map = {
		.count = 1, .refs = { { .domid = (uint32_t)peer, .ref = (uint32_t)ref } },
	};
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	uint8_t *page;

	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) != 0) {
		printf("GNTMAP failed: gntdev map of ref %lu from domain %lu: %s\n", ref, peer,
		       strerror(errno));
		return NULL;
	}
	page = mmap(NULL, PAGE_BYTES, prot, MAP_SHARED, fd, (off_t)map.index);
	if (page == MAP_FAILED) {
		printf("GNTMAP failed: mmap (%s) of ref %lu from domain %lu: %s\n", mapping, ref,
		       peer, strerror(errno));
		unmap.index = map.index;
		ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
		return NULL;
	}
	*index = map.index;
	return page;
}

static int unmap_grant(int fd, uint8_t *page, uint64_t index, const char *mapping)
{
	struct ioctl_gntdev_unmap_grant_ref unmap = { .index = index, .count = 1 };

	if (munmap(page, PAGE_BYTES) != 0) {
		printf("GNTMAP failed: munmap of the %s mapping: %s\n", mapping, strerror(errno));
		return -1;
	}
	if (ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) != 0) {
		printf("GNTMAP failed: gntdev unmap of the %s mapping: %s\n", mapping,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static int map(unsigned long self, unsigned long peer, unsigned long ref)
{
	char answer[TEXT_BYTES];
	uint64_t index;
	uint8_t *page;
	int fd, bad;

	fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("GNTMAP failed: /dev/xen/gntdev: %s (not on Xen, or xen-gntdev.ko not loaded)\n",
		       strerror(errno));
		return 1;
	}
	page = map_grant(fd, peer, ref, PROT_READ, "read-only", &index);
	if (!page)
		return 1;
	bad = check_page(page, peer, self, "read-only");
	if (unmap_grant(fd, page, index, "read-only") != 0 || bad)
		return 1;
	printf("GNTMAP read-only mapping: pattern ok\n");

	page = map_grant(fd, peer, ref, PROT_READ | PROT_WRITE, "writable", &index);
	if (!page)
		return 1;
	bad = check_page(page, peer, self, "writable");
	if (!bad) {
		answer_text(answer, self);
		memcpy(page + ANSWER_AT, answer, strlen(answer) + 1);
		__atomic_store_n(&page[ANSWERED_AT], 1, __ATOMIC_RELEASE);
	}
	if (unmap_grant(fd, page, index, "writable") != 0 || bad)
		return 1;
	printf("GNTMAP ok: pattern from domain %lu, answered\n", peer);
	return 0;
}

int main(int argc, char **argv)
{
	const unsigned long max_domid = 0x7fef;	/* below DOMID_FIRST_RESERVED */
	unsigned long self, peer, ref;
	sigset_t usr1;

	if (!((argc == 4 && strcmp(argv[1], "share") == 0 &&
	       number(argv[2], max_domid, &self) == 0 && number(argv[3], max_domid, &peer) == 0) ||
	      (argc == 5 && strcmp(argv[1], "map") == 0 &&
	       number(argv[2], max_domid, &self) == 0 && number(argv[3], max_domid, &peer) == 0 &&
	       number(argv[4], UINT32_MAX, &ref) == 0))) {
		fprintf(stderr, "usage: gntshare share SELF_DOMID PEER_DOMID\n"
				"       gntshare map SELF_DOMID PEER_DOMID REF\n");
		return 2;
	}
	if (argc == 5)
		return map(self, peer, ref);
	/* From here on a SIGUSR1 stays pending (mapper_done, wait_unmapped). */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	return share(self, peer);
}
