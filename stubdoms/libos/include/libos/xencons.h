/*
 * The PV console ring page (Xen's public io/console.h layout): the
 * guest writes `out` and reads `in`; the console service does the
 * opposite. Pure code, used by both sides. Each side keeps its own index
 * privately and only publishes it: the peer may write anything into the
 * page, so a peer's index is read once, checked, and every access is
 * masked into the ring.
 */
#ifndef LIBOS_XENCONS_H
#define LIBOS_XENCONS_H

#include <stddef.h>
#include <stdint.h>

struct xencons_interface {
	char in[1024];		/* console service -> guest */
	char out[2048];		/* guest -> console service */
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
	uint8_t connection;	/* XENCONSOLE_CONNECTED once served */
};

#define XENCONSOLE_CONNECTED	0
#define XENCONSOLE_DISCONNECTED	1

/* One direction of the ring as one side sees it. */
struct xencons_dir {
	volatile char *buf;
	uint32_t size;			/* a power of two */
	volatile uint32_t *cons, *prod;	/* the shared indices */
};

/* The four directions: what the guest and the service read and write. */
void xencons_guest_dirs(volatile struct xencons_interface *intf, struct xencons_dir *out,
			struct xencons_dir *in);

/*
 * Consumer: copies at most n bytes after *mine (our private consumer
 * index) to dst, advances *mine and publishes it. Returns the count, or
 * -1 (nothing done) when the producer's index is impossible (more than
 * the ring's size ahead of *mine).
 */
long xencons_read(const struct xencons_dir *d, uint32_t *mine, char *dst, size_t n);

/*
 * Producer: copies at most n bytes of src into the free part of the ring
 * after *mine (our private producer index), advances *mine and publishes
 * it. Returns the count, or -1 when the consumer's index is impossible.
 */
long xencons_write(const struct xencons_dir *d, uint32_t *mine, const char *src, size_t n);

#endif
