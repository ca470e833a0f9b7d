/*
 * evtping: event-channel ping-pong between two Linux guests, through
 * /dev/xen/evtchn (xen-evtchn.ko). The guests' /init exchanges the domain
 * and port numbers through XenStore (see init.sh).
 *
 * usage: evtping serve CLIENT_DOMID
 *          allocates a port for CLIENT_DOMID, prints "port=<n>" on a line of
 *          its own, then answers every event with one, forever
 *        evtping ping SERVER_DOMID SERVER_PORT ROUNDS
 *          binds to the server's port, sends ROUNDS events, each after the
 *          answer to the one before, and prints the time per round trip
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Linux's include/uapi/xen/evtchn.h: each bind ioctl returns the local port. */
struct ioctl_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};
struct ioctl_evtchn_bind_unbound_port {
	unsigned int remote_domain;
};
struct ioctl_evtchn_notify {
	unsigned int port;
};
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))

static int number(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno == 0 && *s != '\0' && *end == '\0' ? 0 : -1;
}

/* Waits for an event on port: reading the device returns pending ports, and
 * writing a port back unmasks it for the next event. */
static int wait_event(int fd, uint32_t port)
{
	uint32_t got;

	do {
		if (read(fd, &got, sizeof(got)) != sizeof(got))
			return -1;
		if (write(fd, &got, sizeof(got)) != sizeof(got))
			return -1;
	} while (got != port);
	return 0;
}

static int notify(int fd, uint32_t port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int serve(int fd, unsigned long client)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = (unsigned)client };
	int port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

	if (port < 0) {
		printf("evtping: a port for domain %lu: %s\n", client, strerror(errno));
		return 1;
	}
	printf("port=%d\n", port);
	fflush(stdout);
	for (;;) {
		if (wait_event(fd, (uint32_t)port) != 0 || notify(fd, (uint32_t)port) != 0) {
			printf("evtping: port %d: %s\n", port, strerror(errno));
			return 1;
		}
	}
}

static int ping(int fd, unsigned long server, unsigned long server_port, unsigned long rounds)
{
	struct ioctl_evtchn_bind_interdomain b = {
		.remote_domain = (unsigned)server, .remote_port = (unsigned)server_port,
	};
	int port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
	struct timespec t0, t1;
	uint64_t ns;

	if (port < 0) {
		printf("evtping: binding to domain %lu port %lu: %s\n", server, server_port,
		       strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < rounds; i++) {
		if (notify(fd, (uint32_t)port) != 0 || wait_event(fd, (uint32_t)port) != 0) {
			printf("evtping: round %lu: %s\n", i, strerror(errno));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec -
	     (uint64_t)t0.tv_nsec;
	printf("EVTPING rounds=%lu total_us=%llu ns_per_round_trip=%llu\n", rounds,
	       (unsigned long long)(ns / 1000), (unsigned long long)(rounds ? ns / rounds : 0));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long a, b, c;
	int fd;

	if (!((argc == 3 && strcmp(argv[1], "serve") == 0 && number(argv[2], &a) == 0) ||
	      (argc == 5 && strcmp(argv[1], "ping") == 0 && number(argv[2], &a) == 0 &&
	       number(argv[3], &b) == 0 && number(argv[4], &c) == 0))) {
		fprintf(stderr, "usage: evtping serve CLIENT_DOMID\n"
				"       evtping ping SERVER_DOMID SERVER_PORT ROUNDS\n");
		return 2;
	}
	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("evtping: /dev/xen/evtchn: %s (not on Xen, or xen-evtchn.ko not loaded)\n",
		       strerror(errno));
		return 1;
	}
	return argc == 3 ? serve(fd, a) : ping(fd, a, b, c);
}
