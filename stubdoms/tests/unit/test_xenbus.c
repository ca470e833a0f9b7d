/*
 * Host tests (ASan/UBSan) of libos's xenbus client against the real
 * xenstored library (services/xenstore) serving the same ring page in
 * this process: kicking the ring runs the server.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libos/xenbus.h>
#include "ring.h"
#include "xenstore.h"
#include "check.h"

static struct xenstore_domain_interface page;
static struct xs_ring ring;
static struct xs_store *store;
static struct xs_conn *conn;
static struct xenbus xb;
static int waits, server_asleep;

static void no_notify(void *arg)
{
	(void)arg;
}

static void kick(void *arg)
{
	(void)arg;
	if (!server_asleep)
		xs_conn_process(conn);
}

/* Runs the server; gives up after many rounds without an answer. */
static int wait_server(void *arg)
{
	kick(arg);
	return ++waits > 1000;
}

static void connect(void)
{
	struct xs_config cfg;

	memset(&page, 0, sizeof(page));
	xs_config_defaults(&cfg);
	store = xs_store_new(&cfg);
	xs_ring_init(&ring, &page, no_notify, NULL);
	conn = xs_conn_new(store, &ring.t, 0);
	xenbus_init(&xb, &page, kick, wait_server, NULL);
	waits = 0;
	server_asleep = 0;
}

static void disconnect(void)
{
	xs_store_free(store);
}

/* Whether the NUL-separated list holds name. */
static int has_name(const char *names, long len, const char *name)
{
	for (const char *p = names; p < names + len; p += strlen(p) + 1) {
		if (strcmp(p, name) == 0)
			return 1;
	}
	return 0;
}

static void test_nodes(void)
{
	char value[64], names[64], big[3000], back[3100];
	long n;

	connect();
	check(xenbus_write(&xb, "/test/a", "hello") == 0, "write /test/a");
	n = xenbus_read(&xb, "/test/a", value, sizeof(value));
	check(n == 5 && strcmp(value, "hello") == 0, "read it back: '%s'", value);
	n = xenbus_read(&xb, "/test/a", value, 3);
	check(n == 5 && strcmp(value, "he") == 0, "a short buffer gets the value cut and its full length");
	check(xenbus_read(&xb, "/test/none", value, sizeof(value)) == -ENOENT, "a missing node: -ENOENT");
	check(xenbus_read(&xb, "relative/path", value, sizeof(value)) == -ENOENT,
	      "a missing relative path (below /local/domain/0): -ENOENT");
	check(xenbus_mkdir(&xb, "/test/dir") == 0 && xenbus_write(&xb, "/test/b", "") == 0,
	      "mkdir /test/dir, write an empty /test/b");
	n = xenbus_directory(&xb, "/test", names, sizeof(names));
	check(n == 8 && has_name(names, n, "a") && has_name(names, n, "b") && has_name(names, n, "dir"),
	      "directory /test lists a, b, dir (%ld bytes)", n);
	check(xenbus_rm(&xb, "/test/a") == 0 && xenbus_read(&xb, "/test/a", value, sizeof(value)) == -ENOENT,
	      "rm /test/a, then it is gone");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	big[1234] = 'y';
	check(xenbus_write(&xb, "/test/big", big) == 0 &&
	      xenbus_read(&xb, "/test/big", back, sizeof(back)) == 2999 && strcmp(back, big) == 0,
	      "a 2999-byte value crosses the 1024-byte rings both ways");
	static char huge[5000];
	memset(huge, 'z', sizeof(huge) - 1);
	check(xenbus_write(&xb, "/test/huge", huge) == -E2BIG, "a request over 4096 bytes: -E2BIG");
	check(xenbus_read(&xb, "/test/b", value, sizeof(value)) == 0 && value[0] == 0,
	      "the connection still works after that");
	disconnect();
}

static void test_watches(void)
{
	char path[64], token[64];

	connect();
	check(xenbus_watch(&xb, "/w", "tok1") == 0, "watch /w");
	check(xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token)) == 0 &&
	      strcmp(path, "/w") == 0 && strcmp(token, "tok1") == 0,
	      "the watch fires once when set: %s %s", path, token);
	check(xenbus_write(&xb, "/w/x", "1") == 0 && xenbus_write(&xb, "/w/y", "2") == 0,
	      "two writes below /w");
	check(xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token)) == 0 &&
	      strcmp(path, "/w/x") == 0 && strcmp(token, "tok1") == 0 &&
	      xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token)) == 0 &&
	      strcmp(path, "/w/y") == 0,
	      "their events were queued during the writes, in order");
	check(xenbus_unwatch(&xb, "/w", "tok1") == 0 && xenbus_write(&xb, "/w/z", "3") == 0 &&
	      xb.nr_events == 0, "after unwatch no more events");
	check(xenbus_unwatch(&xb, "/w", "tok1") == -ENOENT, "unwatch again: -ENOENT");
	disconnect();
}

static void test_broken(void)
{
	char value[16];

	connect();
	server_asleep = 1;
	check(xenbus_read(&xb, "/x", value, sizeof(value)) == -ETIMEDOUT,
	      "a server that never answers: -ETIMEDOUT when wait gives up");
	disconnect();
	connect();
	page.rsp_prod = page.rsp_cons + XENSTORE_RING_SIZE + 1;
	server_asleep = 1;
	check(xenbus_read(&xb, "/x", value, sizeof(value)) == -EIO, "a response index past the ring: -EIO");
	page.rsp_prod = page.rsp_cons = 0;
	page.req_cons = page.req_prod + 7;
	check(xenbus_write(&xb, "/x", "1") == -EIO, "a request consumer ahead of the producer: -EIO");
	disconnect();
	connect();
	/* A reply header announcing more than a message can hold. */
	struct xs_msg_header h = { XS_READ, 1, 0, 5000 };
	memcpy(page.rsp, &h, sizeof(h));
	page.rsp_prod = sizeof(h);
	server_asleep = 1;
	check(xenbus_read(&xb, "/x", value, sizeof(value)) == -EIO, "an oversized reply: -EIO");
	disconnect();
}

int main(void)
{
	test_nodes();
	test_watches();
	test_broken();
	return check_done();
}
