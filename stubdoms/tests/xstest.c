/*
 * xstest: xenstored's library and libos's xenbus client in one Newlib
 * stub domain. A server thread serves a ring page with the library; the
 * main thread talks to it through the xenbus client, kicking and waiting
 * on notifications: the path the xenstore stub domain and its clients
 * will take between domains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libos/libos.h>
#include <ts/syscall.h>
#include "ring.h"
#include "xenstore.h"
#include "tap.h"

static struct libos_event server_event, client_event;
static uint64_t to_server, to_client;	/* badged caps that signal each side */
static volatile int stopping;
static struct xs_store *store;

static void notify_client(void *arg)
{
	(void)arg;
	ts_signal(to_client);
}

static void *server(void *page)
{
	struct xs_config cfg;
	struct xs_ring ring;
	struct xs_conn *conn;

	xs_config_defaults(&cfg);
	store = xs_store_new(&cfg);
	xs_ring_init(&ring, page, notify_client, NULL);
	conn = xs_conn_new(store, &ring.t, 0);
	ts_signal(to_client);	/* ready */
	while (!stopping) {
		libos_event_wait(&server_event, -1);
		xs_conn_process(conn);
	}
	return NULL;
}

static void talk(struct xenbus *xb)
{
	static char big[3000], back[3100];
	char value[64], path[64], token[16];
	uint64_t t0, n = 200;

	tap_check(xenbus_write(xb, "/local/domain/7/name", "guest7") == 0 &&
		  xenbus_read(xb, "/local/domain/7/name", value, sizeof(value)) == 6 &&
		  strcmp(value, "guest7") == 0, "xenbus: write and read back '%s' over the ring", value);
	tap_check(xenbus_read(xb, "/local/domain/8/name", value, sizeof(value)) == -ENOENT,
		  "xenbus: a missing node is -ENOENT");
	tap_check(xenbus_directory(xb, "/local/domain", value, sizeof(value)) == 2 &&
		  strcmp(value, "7") == 0, "xenbus: directory /local/domain lists '7'");
	tap_check(xenbus_watch(xb, "/local/domain/7/control", "ctl") == 0 &&
		  xenbus_next_event(xb, path, sizeof(path), token, sizeof(token)) == 0 &&
		  xenbus_write(xb, "/local/domain/7/control/shutdown", "poweroff") == 0 &&
		  xenbus_next_event(xb, path, sizeof(path), token, sizeof(token)) == 0 &&
		  strcmp(path, "/local/domain/7/control/shutdown") == 0 && strcmp(token, "ctl") == 0,
		  "xenbus: a watch reports the write of %s", path);
	memset(big, 'v', sizeof(big) - 1);
	tap_check(xenbus_write(xb, "/big", big) == 0 &&
		  xenbus_read(xb, "/big", back, sizeof(back)) == 2999 && strcmp(back, big) == 0,
		  "xenbus: a 2999-byte value through the 1024-byte rings");
	t0 = libos_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)i);
		if (xenbus_write(xb, "/counter", value) != 0 ||
		    xenbus_read(xb, "/counter", value, sizeof(value)) < 0) {
			n = i;
			break;
		}
	}
	tap_check(n == 200, "xenbus: 200 write+read pairs, %llu us per request between threads",
		  (unsigned long long)((libos_now_ns() - t0) / 1000 / (2 * (n ? n : 1))));
}

int main(int argc, char **argv)
{
	struct libos_xenbus_link link = { 0, &client_event, 2000000000 };
	void *page = aligned_alloc(4096, 4096);
	struct libos_thread *t;
	struct xenbus *xb = malloc(sizeof(*xb));
	char why[128];

	(void)argc;
	memset(page, 0, 4096);
	if (!tap_check(page && xb && libos_event_create(&server_event) == 0 &&
		       libos_event_create(&client_event) == 0 &&
		       libos_cap_mint(server_event.ntfn, TS_RIGHT_WRITE, 1, &to_server) == 0 &&
		       libos_cap_mint(client_event.ntfn, TS_RIGHT_WRITE, 1, &to_client) == 0,
		       "a ring page and a notification for each side"))
		return tap_done(argv[0]);
	if (!tap_check(libos_thread_create(&t, server, page, 65536) == 0 &&
		       libos_event_wait(&client_event, 2000000000) != 0,
		       "xenstored's library serves the ring in a second thread"))
		return tap_done(argv[0]);
	link.signal = to_server;
	libos_xenbus_init(xb, page, &link);
	talk(xb);
	stopping = 1;
	ts_signal(to_server);
	libos_thread_join(t, NULL);
	tap_check(xs_store_check(store, why, sizeof(why)) == 0, "the store is consistent afterwards");
	return tap_done(argv[0]);
}
