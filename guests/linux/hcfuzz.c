/*
 * hcfuzz: an in-guest hypercall fuzzer. Runs as a static program in the
 * Linux guest's initramfs and issues random Xen hypercalls with random
 * arguments through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), to show
 * that a hostile guest can neither crash the hypervisor nor disturb other
 * guests. Whatever happens to this guest itself is allowed.
 *
 * usage: hcfuzz SEED ITERATIONS [verbose]
 *
 * Hypercall numbers are 0..63; each argument is a small number, a random
 * 64-bit value, DOMID_SELF, a pointer into a buffer of random bytes, or a
 * wild pointer (NULL, unmapped user memory, non-canonical, kernel memory).
 *
 * Skipped, because they legitimately stop this guest (or its only vCPU)
 * and with it the fuzzer, which tells nothing about the hypervisor:
 *   sched_op(SCHEDOP_shutdown)         shuts this domain down
 *   sched_op(SCHEDOP_remote_shutdown)  shuts a domain down (this one, too)
 *   sched_op(SCHEDOP_watchdog)         arms a watchdog that shuts it down
 *   sched_op(SCHEDOP_poll)             blocks the vCPU until a chosen event
 *                                      channel fires: random ports and a
 *                                      random timeout may never return
 *   sched_op_compat(SCHEDOP_shutdown)  the old form of the shutdown
 *   vcpu_op(VCPUOP_down)               takes the calling vCPU offline
 * Every other call is issued as drawn.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's include/uapi/xen/privcmd.h */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

/* Xen's public headers: xen.h, sched.h, vcpu.h */
#define HYPERVISOR_sched_op_compat	6
#define HYPERVISOR_vcpu_op		24
#define HYPERVISOR_sched_op		29
#define SCHEDOP_shutdown		2
#define SCHEDOP_poll			3
#define SCHEDOP_remote_shutdown		4
#define SCHEDOP_watchdog		6
#define VCPUOP_down			2
#define DOMID_SELF			0x7ff0

#define NR_HYPERCALLS	64
#define BUFFER_SIZE	(64 * 1024)
#define REFILL_SIZE	4096	/* random bytes rewritten before each call */

static uint64_t rng_state;

/* splitmix64: a full-period generator, reproducible from the seed. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t wild_pointer(void)
{
	switch (rng() % 5) {
	case 0: return 0;
	case 1: return rng() % 4096;				/* the NULL page */
	case 2: return 0x00007fff00000000ull + (rng() & 0xffffffff);	/* unmapped user */
	case 3: return 0x8000000000000000ull | rng();		/* non-canonical */
	default: return 0xffff888000000000ull + (rng() & 0xfffffff8ull);	/* kernel direct map */
	}
}

static uint64_t random_argument(uint8_t *buffer)
{
	switch (rng() % 6) {
	case 0: return rng() % 64;
	case 1: return rng();
	case 2: return DOMID_SELF;
	case 3:
	case 4: return (uint64_t)(uintptr_t)(buffer + rng() % (BUFFER_SIZE - 256));
	default: return wild_pointer();
	}
}

static int stops_this_guest(const struct privcmd_hypercall *h)
{
	switch (h->op) {
	case HYPERVISOR_sched_op:
		return h->arg[0] == SCHEDOP_shutdown || h->arg[0] == SCHEDOP_remote_shutdown ||
		       h->arg[0] == SCHEDOP_watchdog || h->arg[0] == SCHEDOP_poll;
	case HYPERVISOR_sched_op_compat:
		return h->arg[0] == SCHEDOP_shutdown;
	case HYPERVISOR_vcpu_op:
		return h->arg[0] == VCPUOP_down;
	default:
		return 0;
	}
}

static void fill(uint8_t *p, size_t size)
{
	for (size_t i = 0; i < size; i += 8) {
		uint64_t v = rng();

		memcpy(p + i, &v, 8);
	}
}

int main(int argc, char **argv)
{
	unsigned long long iterations, done = 0, skipped = 0, failed = 0;
	int verbose = argc == 4 && strcmp(argv[3], "verbose") == 0;
	uint8_t *buffer;
	char *end;
	int fd;

	if (argc < 3 || argc > 4 || (argc == 4 && !verbose)) {
		fprintf(stderr, "usage: hcfuzz SEED ITERATIONS [verbose]\n");
		return 2;
	}
	rng_state = strtoull(argv[1], &end, 0);
	if (*end != '\0') {
		fprintf(stderr, "hcfuzz: bad seed %s\n", argv[1]);
		return 2;
	}
	iterations = strtoull(argv[2], &end, 0);
	if (*end != '\0') {
		fprintf(stderr, "hcfuzz: bad iteration count %s\n", argv[2]);
		return 2;
	}
	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("hcfuzz: /dev/xen/privcmd: %s (not on Xen, or xen-privcmd.ko not loaded)\n",
		       strerror(errno));
		return 1;
	}
	buffer = mmap(NULL, BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED) {
		printf("hcfuzz: mmap: %s\n", strerror(errno));
		return 1;
	}
	fill(buffer, BUFFER_SIZE);
	printf("hcfuzz: seed %s, %llu hypercalls\n", argv[1], iterations);
	fflush(stdout);
	while (done < iterations) {
		struct privcmd_hypercall h;

		h.op = rng() % NR_HYPERCALLS;
		for (int i = 0; i < 5; i++)
			h.arg[i] = random_argument(buffer);
		if (rng() % 2)
			h.arg[0] = rng() % 16;	/* most calls multiplex on a small command */
		if (stops_this_guest(&h)) {
			skipped++;
			continue;
		}
		fill(buffer + rng() % (BUFFER_SIZE / REFILL_SIZE) * REFILL_SIZE, REFILL_SIZE);
		if (verbose) {
			printf("hcfuzz: %llu: op %llu (%#llx, %#llx, %#llx, %#llx, %#llx)\n", done,
			       (unsigned long long)h.op, (unsigned long long)h.arg[0],
			       (unsigned long long)h.arg[1], (unsigned long long)h.arg[2],
			       (unsigned long long)h.arg[3], (unsigned long long)h.arg[4]);
			fflush(stdout);
		}
		if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0)
			failed++;
		done++;
		if (done % 1000 == 0) {
			printf("hcfuzz: %llu hypercalls, %llu returned an error, %llu skipped\n",
			       done, failed, skipped);
			fflush(stdout);
		}
	}
	printf("FUZZ_DONE n=%llu\n", done);
	return 0;
}
