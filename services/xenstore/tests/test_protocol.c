/*
 * Protocol tests against the host daemon, with our own client: every
 * message type, errors, permissions, watches, transactions, quotas and
 * domains. The daemon (argv[1]) runs on sockets in a temporary directory:
 * one for the control domain and, test-only, one per unprivileged domain
 * 1, 2 and 3. Output is TAP.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "xs_client.h"

static struct xsc_reply R;
static char dir[64], logpath[128];

/* A TAP line; a failure also shows the last reply. */
static void ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   last reply: type %u len %u \"%.200s\"\n",
		       (unsigned)R.type, (unsigned)R.len, R.data);
}

/* Sends a request of NUL-terminated strings; the reply lands in R. */
static bool op(struct xsc *c, uint32_t type, uint32_t tx, ...)
{
	va_list ap;
	va_start(ap, tx);
	int rc = xsc_vop(c, type, tx, &R, ap);
	va_end(ap);
	return rc == 0;
}

/* An empty payload. */
static bool op0(struct xsc *c, uint32_t type, uint32_t tx)
{
	return xsc_request(c, type, tx, "", 0, &R) == 0;
}

#define DO(c, type, tx, ...) op((c), (type), (tx), __VA_ARGS__, (char *)NULL)
#define DO0 op0

static bool is_ok(uint32_t type)
{
	return xsc_is(&R, type, "OK");
}

static bool err(const char *name)
{
	return xsc_is_error(&R, name);
}

static bool wr(struct xsc *c, uint32_t tx, const char *path, const char *val)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, vl = strlen(val);
	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return xsc_request(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl), &R) == 0 &&
	       is_ok(XS_WRITE);
}

/* The value at path, or NULL with R holding the error. */
static const char *rd(struct xsc *c, uint32_t tx, const char *path)
{
	if (!DO(c, XS_READ, tx, path) || R.type != XS_READ)
		return NULL;
	return R.data;
}

static bool rd_is(struct xsc *c, uint32_t tx, const char *path,
		  const char *want)
{
	const char *v = rd(c, tx, path);
	return v && strcmp(v, want) == 0 && R.len == strlen(want);
}

/* Child names joined by ',' for easy comparison. */
static const char *dir_of(struct xsc *c, uint32_t tx, const char *path)
{
	static char out[XENSTORE_PAYLOAD_MAX + 1];
	if (!DO(c, XS_DIRECTORY, tx, path) || R.type != XS_DIRECTORY)
		return "(error)";
	out[0] = '\0';
	for (uint32_t i = 0; i < R.len; i++)
		out[i] = R.data[i] ? R.data[i] : ',';
	out[R.len ? R.len - 1 : 0] = '\0';
	return out;
}

/* Turns R's NUL-separated strings into one ','-separated string. */
static const char *joined(void)
{
	static char out[XENSTORE_PAYLOAD_MAX + 1];
	for (uint32_t i = 0; i < R.len; i++)
		out[i] = R.data[i] ? R.data[i] : ',';
	out[R.len ? R.len - 1 : 0] = '\0';
	return out;
}

static const char *perms_of(struct xsc *c, const char *path)
{
	if (!DO(c, XS_GET_PERMS, 0, path) || R.type != XS_GET_PERMS)
		return "(error)";
	return joined();
}

/* Round trip on c, so every event queued for c before now has arrived. */
static unsigned pending_events(struct xsc *c)
{
	struct xsc_reply r;
	xsc_op(c, XS_GET_DOMAIN_PATH, 0, &r, "0", (char *)NULL);
	return c->ev_count;
}

/* Throws away every event that arrived before a round trip. */
static void drain(struct xsc *c)
{
	struct xsc_event ev;
	pending_events(c);
	while (c->ev_count && xsc_event(c, 10, &ev))
		xsc_event_free(&ev);
}

static bool event_is(struct xsc *c, const char *path, const char *token)
{
	struct xsc_event ev;
	if (!xsc_event(c, 2000, &ev))
		return false;
	bool good = strcmp(ev.path, path) == 0 && strcmp(ev.token, token) == 0;
	if (!good)
		printf("#   event %s %s, expected %s %s\n", ev.path, ev.token,
		       path, token);
	xsc_event_free(&ev);
	return good;
}

static bool log_has(const char *needle)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(logpath, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static void connect_as(struct xsc *c, const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (xsc_connect(c, path, 5000)) {
		printf("Bail out! cannot connect to %s\n", path);
		exit(1);
	}
}

static pid_t start_daemon(const char *daemon)
{
	char s0[96], s1[96], s2[96], s3[96];
	snprintf(s0, sizeof(s0), "%s/sock", dir);
	snprintf(s1, sizeof(s1), "1:%s/sock1", dir);
	snprintf(s2, sizeof(s2), "2:%s/sock2", dir);
	snprintf(s3, sizeof(s3), "3:%s/sock3", dir);
	pid_t pid = fork();
	if (pid == 0) {
		execl(daemon, daemon, "-s", s0, "-U", s1, "-U", s2, "-U", s3,
		      "-l", logpath, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void test_basic(struct xsc *d0)
{
	ok(wr(d0, 0, "/t/a", "hello") && rd_is(d0, 0, "/t/a", "hello"),
	   "WRITE then READ returns the value");
	ok(rd_is(d0, 0, "/t", ""), "WRITE creates missing parents, empty");
	ok(!rd(d0, 0, "/t/none") && err("ENOENT"), "READ of a missing node: ENOENT");
	char bin[] = "/t/bin\0a\0b\x01";
	ok(xsc_request(d0, XS_WRITE, 0, bin, sizeof(bin) - 1, &R) == 0 &&
	   is_ok(XS_WRITE) && DO(d0, XS_READ, 0, "/t/bin") && R.len == 4 &&
	   memcmp(R.data, "a\0b\x01", 4) == 0, "binary values keep their NULs");
	ok(DO(d0, XS_MKDIR, 0, "/t/a") && is_ok(XS_MKDIR) &&
	   rd_is(d0, 0, "/t/a", "hello"), "MKDIR of an existing node keeps its value");
	ok(DO(d0, XS_MKDIR, 0, "/t/m/n") && is_ok(XS_MKDIR) &&
	   rd_is(d0, 0, "/t/m/n", ""), "MKDIR creates the path");
	wr(d0, 0, "/t/c", "3");
	ok(strcmp(dir_of(d0, 0, "/t"), "a,bin,m,c") == 0,
	   "DIRECTORY lists children in creation order");
	ok(DO(d0, XS_RM, 0, "/t/m") && is_ok(XS_RM) && !rd(d0, 0, "/t/m/n") &&
	   err("ENOENT") && strcmp(dir_of(d0, 0, "/t"), "a,bin,c") == 0,
	   "RM removes the subtree and the parent's entry");
	ok(DO(d0, XS_RM, 0, "/t/none") && is_ok(XS_RM),
	   "RM of a missing node with an existing parent is OK");
	ok(DO(d0, XS_RM, 0, "/t/none/x") && err("ENOENT"),
	   "RM with a missing parent: ENOENT");
	ok(DO(d0, XS_RM, 0, "/") && err("EINVAL"), "RM of the root: EINVAL");
	static const char *const bad[] = { "/t//a", "/t/a/", "/t/a b", "/t/\x7f",
					   "/t/a.b", "@foo" };
	bool all = true;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		all &= DO(d0, XS_READ, 0, bad[i]) && err("EINVAL");
	ok(all, "malformed paths: EINVAL");
	static char longpath[XENSTORE_ABS_PATH_MAX + 2];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	ok(DO(d0, XS_WRITE, 0, longpath) && err("EINVAL"),
	   "path over 3072 bytes: EINVAL");
	ok(xsc_request(d0, XS_READ, 0, "/t/a", 4, &R) == 0 && err("EINVAL"),
	   "READ payload without NUL: EINVAL");
	ok(xsc_request(d0, XS_READ, 0, "/t/a\0/t\0", 8, &R) == 0 && err("EINVAL"),
	   "READ with two strings: EINVAL");
	ok(DO0(d0, 20, 0) && err("ENOSYS") && DO0(d0, 99, 0) && err("ENOSYS"),
	   "removed and unknown types: ENOSYS");
	ok(DO(d0, XS_WATCH_EVENT, 0, "/t") && err("EINVAL") &&
	   DO(d0, XS_ERROR, 0, "/t") && err("EINVAL"),
	   "WATCH_EVENT and ERROR as requests: EINVAL");
	ok(DO(d0, XS_GET_DOMAIN_PATH, 0, "7") &&
	   xsc_is(&R, XS_GET_DOMAIN_PATH, "/local/domain/7") &&
	   DO(d0, XS_GET_DOMAIN_PATH, 0, "x7") && err("EINVAL") &&
	   DO(d0, XS_GET_DOMAIN_PATH, 0, "70000") && err("EINVAL"),
	   "GET_DOMAIN_PATH, bad domids EINVAL");
	ok(wr(d0, 0, "rel", "r") && rd_is(d0, 0, "/local/domain/0/rel", "r"),
	   "relative paths of the control domain are below /local/domain/0");
	ok(DO(d0, XS_CONTROL, 0, "check") && xsc_is(&R, XS_CONTROL, "OK"),
	   "CONTROL check: OK");
	ok(DO(d0, XS_CONTROL, 0, "bogus") && err("EINVAL"),
	   "CONTROL unknown command: EINVAL");
	ok(DO(d0, XS_CONTROL, 0, "trace", "on") && xsc_is(&R, XS_CONTROL, "OK") &&
	   rd(d0, 0, "/t/a") && DO(d0, XS_CONTROL, 0, "trace", "off") &&
	   log_has("IN  conn=") && log_has("READ req=") &&
	   log_has("OUT conn=") && log_has("len=5 \"hello\""),
	   "CONTROL trace on: requests and replies are traced");
}

static void test_directory_part(struct xsc *d0)
{
	char path[64], names[8192] = "";
	size_t nl = 0;
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/child-%04d", i);
		wr(d0, 0, path, "");
		nl += (size_t)snprintf(names + nl, sizeof(names) - nl,
				       "child-%04d,", i);
	}
	names[nl - 1] = '\0';
	ok(DO(d0, XS_DIRECTORY, 0, "/big") && err("E2BIG"),
	   "DIRECTORY over 4096 bytes: E2BIG");
	char all[8192] = "", gen[32] = "";
	size_t off = 0, used = 0;
	bool same_gen = true, done = false;
	for (int round = 0; round < 10 && !done; round++) {
		char offs[16];
		snprintf(offs, sizeof(offs), "%zu", off);
		if (!DO(d0, XS_DIRECTORY_PART, 0, "/big", offs) ||
		    R.type != XS_DIRECTORY_PART)
			break;
		size_t gl = strlen(R.data) + 1;
		if (round == 0)
			strcpy(gen, R.data);
		same_gen &= strcmp(gen, R.data) == 0;
		size_t chunk = R.len - gl;
		memcpy(all + used, R.data + gl, chunk);
		used += chunk;
		off += chunk;
		done = used >= 2 && all[used - 1] == 0 && all[used - 2] == 0;
	}
	for (size_t i = 0; i + 1 < used; i++)
		if (!all[i])
			all[i] = ',';
	if (used >= 2)
		all[used - 2] = '\0';
	ok(done && same_gen && strcmp(all, names) == 0,
	   "DIRECTORY_PART chunks reassemble the whole list, same generation");
	wr(d0, 0, "/big/extra", "");
	ok(DO(d0, XS_DIRECTORY_PART, 0, "/big", "0") && strcmp(R.data, gen) != 0,
	   "DIRECTORY_PART generation changes when a child is added");
	ok(DO(d0, XS_DIRECTORY_PART, 0, "/big", "99999") &&
	   R.len == strlen(R.data) + 2 && R.data[R.len - 1] == 0,
	   "DIRECTORY_PART past the end: generation and an empty list");
	ok(DO(d0, XS_DIRECTORY_PART, 0, "/big") && err("EINVAL"),
	   "DIRECTORY_PART without offset: EINVAL");
	DO(d0, XS_RM, 0, "/big");
}

static void test_perms(struct xsc *d0, struct xsc *d1, struct xsc *d2)
{
	wr(d0, 0, "/p/secret", "s");
	ok(strcmp(perms_of(d0, "/p/secret"), "n0") == 0,
	   "nodes made by the control domain inherit n0 from the root");
	ok(!rd(d1, 0, "/p/secret") && err("EACCES"),
	   "unprivileged READ without permission: EACCES");
	ok(DO(d1, XS_WRITE, 0, "/p/secret", "x") && err("EACCES") &&
	   rd_is(d0, 0, "/p/secret", "s"), "unprivileged WRITE denied, value unchanged");
	ok(DO(d1, XS_RM, 0, "/p/secret") && err("EACCES") &&
	   rd_is(d0, 0, "/p/secret", "s"), "unprivileged RM denied, node stays");
	ok(DO(d1, XS_DIRECTORY, 0, "/p") && err("EACCES"),
	   "unprivileged DIRECTORY denied");
	ok(DO(d0, XS_SET_PERMS, 0, "/p/secret", "n0", "r1") && is_ok(XS_SET_PERMS) &&
	   strcmp(perms_of(d0, "/p/secret"), "n0,r1") == 0,
	   "SET_PERMS by the control domain");
	ok(rd_is(d1, 0, "/p/secret", "s") && DO(d1, XS_WRITE, 0, "/p/secret", "x") &&
	   err("EACCES"), "an r entry allows READ, not WRITE");
	ok(!rd(d2, 0, "/p/secret") && err("EACCES"),
	   "other domains get the owner entry's default (n)");
	DO(d0, XS_SET_PERMS, 0, "/p", "n0", "w1");
	ok(wr(d1, 0, "/p/mine/leaf", "1") &&
	   strcmp(perms_of(d0, "/p/mine/leaf"), "n1,w1") == 0,
	   "unprivileged creation: inherited perms, owned by the creator");
	ok(rd_is(d1, 0, "/p/mine/leaf", "1"), "the owner reads its node");
	ok(DO(d1, XS_SET_PERMS, 0, "/p/mine/leaf", "n1", "r2") &&
	   is_ok(XS_SET_PERMS) && rd_is(d2, 0, "/p/mine/leaf", "1"),
	   "the owner grants READ to another domain");
	ok(DO(d1, XS_SET_PERMS, 0, "/p/mine/leaf", "b2") && err("EACCES") &&
	   strcmp(perms_of(d0, "/p/mine/leaf"), "n1,r2") == 0,
	   "an unprivileged owner cannot give the node away");
	ok(DO(d2, XS_SET_PERMS, 0, "/p/mine/leaf", "b2") && err("EACCES"),
	   "a non-owner cannot SET_PERMS");
	ok(DO(d0, XS_SET_PERMS, 0, "/p/secret", "x0") && err("EINVAL") &&
	   DO(d0, XS_SET_PERMS, 0, "/p/secret") && err("EINVAL") &&
	   DO(d0, XS_SET_PERMS, 0, "/p/secret", "r") && err("EINVAL"),
	   "malformed permissions: EINVAL");
	static const uint32_t priv_types[] = { XS_INTRODUCE, XS_RELEASE,
		XS_RESUME, XS_SET_TARGET, XS_SET_QUOTA, XS_GET_QUOTA,
		XS_SET_FEATURE, XS_CONTROL };
	bool all = true;
	for (unsigned i = 0; i < sizeof(priv_types) / sizeof(*priv_types); i++)
		all &= DO(d1, priv_types[i], 0, "1") && err("EACCES");
	ok(all, "control-domain-only requests from a guest: EACCES");
	ok(wr(d0, 0, "/local/domain/1/x", "") && DO(d1, XS_WRITE, 0, "y", "") &&
	   err("EACCES"), "guest home owned by dom0 with n0: relative WRITE denied");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/1", "n1");
	ok(wr(d1, 0, "y", "rel") && rd_is(d0, 0, "/local/domain/1/y", "rel"),
	   "relative paths of a guest are below /local/domain/<domid>");
}

static void test_target(struct xsc *d0, struct xsc *d2)
{
	wr(d0, 0, "/tg/node", "v");
	DO(d0, XS_SET_PERMS, 0, "/tg/node", "n1");
	ok(!rd(d2, 0, "/tg/node") && err("EACCES"), "before SET_TARGET: denied");
	ok(DO(d0, XS_SET_TARGET, 0, "2", "1") && err("ENOENT"),
	   "SET_TARGET of a domain not introduced: ENOENT");
	DO(d0, XS_INTRODUCE, 0, "2", "1234", "5");
	ok(DO(d0, XS_SET_TARGET, 0, "2", "1") && is_ok(XS_SET_TARGET),
	   "SET_TARGET 2 -> 1");
	ok(rd_is(d2, 0, "/tg/node", "v") && wr(d2, 0, "/tg/node", "w") &&
	   rd_is(d0, 0, "/tg/node", "w"),
	   "a device-model domain has full access to its target's nodes");
	DO(d0, XS_RELEASE, 0, "2");
}

static void test_watches(struct xsc *d0, struct xsc *d1, struct xsc *w)
{
	ok(DO(w, XS_WATCH, 0, "/w", "tok") && is_ok(XS_WATCH) &&
	   event_is(w, "/w", "tok"), "WATCH fires once at once, with its path");
	wr(d0, 0, "/w/a/b", "1");
	ok(event_is(w, "/w/a/b", "tok"), "a write below fires with its path");
	wr(d0, 0, "/other", "1");
	wr(d0, 0, "/wx", "1");
	ok(pending_events(w) == 0, "no event for unrelated paths (/wx is not below /w)");
	wr(d0, 0, "/w/1", "");
	wr(d0, 0, "/w/2", "");
	DO(d0, XS_MKDIR, 0, "/w/3");
	DO(d0, XS_SET_PERMS, 0, "/w/1", "b0");
	ok(event_is(w, "/w/1", "tok") && event_is(w, "/w/2", "tok") &&
	   event_is(w, "/w/3", "tok") && event_is(w, "/w/1", "tok"),
	   "events arrive in the order of the changes");
	ok(DO(w, XS_WATCH, 0, "/w/a/b/c/d", "deep") && event_is(w, "/w/a/b/c/d", "deep"),
	   "a watch on a missing node");
	DO(d0, XS_RM, 0, "/w/a");
	bool got_top = false, got_deep = false;
	struct xsc_event ev;
	for (int i = 0; i < 2 && xsc_event(w, 2000, &ev); i++) {
		got_top |= !strcmp(ev.path, "/w/a") && !strcmp(ev.token, "tok");
		got_deep |= !strcmp(ev.path, "/w/a/b/c/d") && !strcmp(ev.token, "deep");
		xsc_event_free(&ev);
	}
	ok(got_top && got_deep && pending_events(w) == 0,
	   "RM fires the ancestor's watch with the removed path, and watches below with their own");
	ok(DO(w, XS_WATCH, 0, "/w", "tok") && err("EEXIST"),
	   "the same watch twice: EEXIST");
	ok(DO(w, XS_UNWATCH, 0, "/w/a/b/c/d", "deep") && is_ok(XS_UNWATCH) &&
	   DO(w, XS_UNWATCH, 0, "/w/a/b/c/d", "deep") && err("ENOENT"),
	   "UNWATCH, then ENOENT");
	DO(w, XS_WATCH, 0, "/w", "tok2");
	event_is(w, "/w", "tok2");
	wr(d0, 0, "/w/z", "");
	bool t1 = false, t2 = false;
	for (int i = 0; i < 2 && xsc_event(w, 2000, &ev); i++) {
		t1 |= !strcmp(ev.token, "tok");
		t2 |= !strcmp(ev.token, "tok2");
		xsc_event_free(&ev);
	}
	ok(t1 && t2, "two tokens on one path: both fire");

	/* Guests: relative watches and the permission filter. */
	ok(DO(d1, XS_WATCH, 0, "wr", "rel") && event_is(d1, "wr", "rel"),
	   "relative WATCH fires with the relative path");
	wr(d0, 0, "/local/domain/1/wr/x", "");
	ok(event_is(d1, "wr/x", "rel"), "relative watch events carry relative paths");
	DO(d1, XS_WATCH, 0, "/w", "guest");
	event_is(d1, "/w", "guest");
	wr(d0, 0, "/w/hidden", "");
	ok(pending_events(d1) == 0,
	   "no event for a node the watcher cannot read");
	DO(d0, XS_SET_PERMS, 0, "/w/hidden", "n0", "r1");
	ok(event_is(d1, "/w/hidden", "guest"),
	   "the permission change makes the node readable: event");
	ok(DO(d1, XS_RESET_WATCHES, 0, "") && is_ok(XS_RESET_WATCHES), "RESET_WATCHES");
	wr(d0, 0, "/w/hidden", "again");
	wr(d0, 0, "/local/domain/1/wr/y", "");
	ok(pending_events(d1) == 0, "no events after RESET_WATCHES");

	/* Special watches. */
	drain(w);
	ok(DO(w, XS_WATCH, 0, "@introduceDomain", "in") && event_is(w, "@introduceDomain", "in") &&
	   DO(w, XS_WATCH, 0, "@releaseDomain", "out") && event_is(w, "@releaseDomain", "out"),
	   "special watches register");
	ok(DO(d1, XS_WATCH, 0, "@introduceDomain", "gin") &&
	   event_is(d1, "@introduceDomain", "gin"), "a guest may watch @introduceDomain");
	DO(d0, XS_INTRODUCE, 0, "3", "100", "7");
	ok(event_is(w, "@introduceDomain", "in"), "INTRODUCE fires @introduceDomain");
	ok(pending_events(d1) == 0,
	   "guests without permission on @introduceDomain get no event");
	DO(d0, XS_SET_PERMS, 0, "@introduceDomain", "n0", "r1");
	DO(d0, XS_RELEASE, 0, "3");
	ok(event_is(w, "@releaseDomain", "out"), "RELEASE fires @releaseDomain");
	DO(d0, XS_INTRODUCE, 0, "3", "100", "7");
	ok(event_is(d1, "@introduceDomain", "gin") && event_is(w, "@introduceDomain", "in"),
	   "after SET_PERMS on @introduceDomain the guest is told too");
	DO(d0, XS_RELEASE, 0, "3");
	event_is(w, "@releaseDomain", "out");
	DO(d1, XS_RESET_WATCHES, 0, "");

	/* Watch depth (XENSTORE_SERVER_FEATURE_WATCHDEPTH). */
	ok(DO0(d0, XS_GET_FEATURE, 0) && xsc_is(&R, XS_GET_FEATURE, "7"),
	   "GET_FEATURE: reconnection, error and watch depth");
	DO(d0, XS_WATCH, 0, "/wd", "d1", "1");
	event_is(d0, "/wd", "d1");
	wr(d0, 0, "/wd/a/b", "");
	wr(d0, 0, "/wd/c", "");
	ok(event_is(d0, "/wd/c", "d1") && pending_events(d0) == 0,
	   "WATCH with depth 1: a child fires, a grandchild does not");
	DO(d0, XS_UNWATCH, 0, "/wd", "d1");
	DO(d0, XS_WATCH, 0, "/", "root1", "1");
	event_is(d0, "/", "root1");
	wr(d0, 0, "/wd/x", "");
	ok(pending_events(d0) == 0 && DO(d0, XS_RM, 0, "/wd") &&
	   event_is(d0, "/wd", "root1"), "depth counts from the root too");
	DO(d0, XS_UNWATCH, 0, "/", "root1");
	ok(DO(d0, XS_WATCH, 0, "/wd", "bad", "x") && err("EINVAL"),
	   "WATCH with a malformed depth: EINVAL");
	DO(w, XS_WATCH, 0, "@releaseDomain", "all1", "1");
	event_is(w, "@releaseDomain", "all1");
	DO(w, XS_WATCH, 0, "@releaseDomain/3", "only3");
	event_is(w, "@releaseDomain/3", "only3");
	DO(d0, XS_INTRODUCE, 0, "3", "100", "7");
	DO(d0, XS_INTRODUCE, 0, "2", "100", "7");
	event_is(w, "@introduceDomain", "in");
	event_is(w, "@introduceDomain", "in");
	DO(d0, XS_RELEASE, 0, "2");
	ok(event_is(w, "@releaseDomain", "out") &&
	   event_is(w, "@releaseDomain/2", "all1") && pending_events(w) == 0,
	   "@releaseDomain with depth 1 names the domain; @releaseDomain/3 stays quiet for 2");
	DO(d0, XS_RELEASE, 0, "3");
	ok(event_is(w, "@releaseDomain", "out") &&
	   event_is(w, "@releaseDomain/3", "all1") &&
	   event_is(w, "@releaseDomain/3", "only3"), "@releaseDomain/3 fires for 3");
	DO(w, XS_UNWATCH, 0, "@releaseDomain", "all1");
	DO(w, XS_UNWATCH, 0, "@releaseDomain/3", "only3");

	/* Transactions and events. */
	DO(d0, XS_TRANSACTION_START, 0, "");
	uint32_t tx = (uint32_t)atoi(R.data);
	wr(d0, tx, "/w/intx", "1");
	ok(pending_events(w) == 0, "no event before the transaction commits");
	DO(d0, XS_TRANSACTION_END, tx, "T");
	ok(event_is(w, "/w/intx", "tok") && event_is(w, "/w/intx", "tok2"),
	   "events of a transaction fire on commit");
	DO(d0, XS_TRANSACTION_START, 0, "");
	tx = (uint32_t)atoi(R.data);
	wr(d0, tx, "/w/aborted", "1");
	DO(d0, XS_TRANSACTION_END, tx, "F");
	ok(pending_events(w) == 0, "no event from an aborted transaction");
	DO(w, XS_RESET_WATCHES, 0, "");
}

static void test_transactions(struct xsc *d0)
{
	wr(d0, 0, "/tx/x", "old");
	ok(DO(d0, XS_TRANSACTION_START, 0, "") && R.type == XS_TRANSACTION_START &&
	   atoi(R.data) > 0, "TRANSACTION_START returns an id");
	uint32_t t = (uint32_t)atoi(R.data);
	ok(wr(d0, t, "/tx/x", "new") && rd_is(d0, t, "/tx/x", "new") &&
	   rd_is(d0, 0, "/tx/x", "old"), "writes in a transaction are private");
	ok(wr(d0, t, "/tx/n/m", "1") &&
	   strcmp(dir_of(d0, t, "/tx"), "x,n") == 0 &&
	   strcmp(dir_of(d0, 0, "/tx"), "x") == 0,
	   "DIRECTORY in and outside the transaction");
	ok(DO(d0, XS_TRANSACTION_END, t, "T") && is_ok(XS_TRANSACTION_END) &&
	   rd_is(d0, 0, "/tx/x", "new") && rd_is(d0, 0, "/tx/n/m", "1"),
	   "commit makes the writes visible");
	ok(DO(d0, XS_READ, t, "/tx/x") && err("ENOENT"),
	   "the id is gone after TRANSACTION_END: ENOENT");

	DO(d0, XS_TRANSACTION_START, 0, "");
	t = (uint32_t)atoi(R.data);
	rd(d0, t, "/tx/x");
	wr(d0, t, "/tx/y", "from-tx");
	wr(d0, 0, "/tx/x", "concurrent");
	ok(DO(d0, XS_TRANSACTION_END, t, "T") && err("EAGAIN") &&
	   !rd(d0, 0, "/tx/y") && err("ENOENT") && rd_is(d0, 0, "/tx/x", "concurrent"),
	   "conflicting commit: EAGAIN and nothing of it is visible");

	DO(d0, XS_TRANSACTION_START, 0, "");
	t = (uint32_t)atoi(R.data);
	wr(d0, t, "/tx/z", "1");
	DO(d0, XS_RM, t, "/tx/n");
	wr(d0, 0, "/txother", "1");
	ok(DO(d0, XS_TRANSACTION_END, t, "T") && is_ok(XS_TRANSACTION_END) &&
	   rd_is(d0, 0, "/tx/z", "1") && !rd(d0, 0, "/tx/n") && err("ENOENT"),
	   "a commit after unrelated changes succeeds, RM included");

	DO(d0, XS_TRANSACTION_START, 0, "");
	t = (uint32_t)atoi(R.data);
	wr(d0, t, "/tx/gone", "1");
	ok(DO(d0, XS_TRANSACTION_END, t, "F") && is_ok(XS_TRANSACTION_END) &&
	   !rd(d0, 0, "/tx/gone") && err("ENOENT"), "abort discards everything");
	ok(DO(d0, XS_READ, 4242, "/tx/x") && err("ENOENT"),
	   "an unknown transaction id: ENOENT");
	DO(d0, XS_TRANSACTION_START, 0, "");
	t = (uint32_t)atoi(R.data);
	ok(DO(d0, XS_TRANSACTION_START, t, "") && err("EBUSY"),
	   "TRANSACTION_START inside a transaction: EBUSY");
	ok(DO(d0, XS_TRANSACTION_END, t, "X") && err("EINVAL"),
	   "TRANSACTION_END with neither T nor F: EINVAL");
	DO(d0, XS_TRANSACTION_END, t, "F");

	/* A transaction whose node was created and removed meanwhile. */
	DO(d0, XS_TRANSACTION_START, 0, "");
	t = (uint32_t)atoi(R.data);
	ok(!rd(d0, t, "/tx/late") && err("ENOENT"), "tx sees /tx/late absent");
	wr(d0, 0, "/tx/late", "1");
	ok(!rd(d0, t, "/tx/late") && err("ENOENT"),
	   "repeatable read: still absent inside the transaction");
	wr(d0, t, "/tx/other", "1");
	ok(DO(d0, XS_TRANSACTION_END, t, "T") && err("EAGAIN"),
	   "commit after the read node appeared: EAGAIN");
}

static void test_quotas(struct xsc *d0, struct xsc *d1)
{
	ok(DO0(d0, XS_GET_QUOTA, 0) && R.type == XS_GET_QUOTA &&
	   strstr(R.data, "nodes") && strstr(R.data, "transaction-nodes"),
	   "GET_QUOTA lists the quotas");
	ok(DO(d0, XS_GET_QUOTA, 0, "nodes") && xsc_is(&R, XS_GET_QUOTA, "1000") &&
	   DO(d0, XS_GET_QUOTA, 0, "watches") && xsc_is(&R, XS_GET_QUOTA, "128") &&
	   DO(d0, XS_GET_QUOTA, 0, "node-size") && xsc_is(&R, XS_GET_QUOTA, "2048") &&
	   DO(d0, XS_GET_QUOTA, 0, "transactions") && xsc_is(&R, XS_GET_QUOTA, "10") &&
	   DO(d0, XS_GET_QUOTA, 0, "permissions") && xsc_is(&R, XS_GET_QUOTA, "5"),
	   "default quotas are Xen 4.17's");
	ok(DO(d0, XS_GET_QUOTA, 0, "bogus") && err("EINVAL"), "unknown quota: EINVAL");
	ok(DO(d0, XS_GET_QUOTA, 0, "999", "nodes") && err("ENOENT"),
	   "quota of an unknown domain: ENOENT");

	DO(d0, XS_MKDIR, 0, "/local/domain/1/q");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/1/q", "n1");
	ok(DO(d0, XS_SET_QUOTA, 0, "1", "nodes", "12") && is_ok(XS_SET_QUOTA) &&
	   DO(d0, XS_GET_QUOTA, 0, "1", "nodes") && xsc_is(&R, XS_GET_QUOTA, "12"),
	   "SET_QUOTA per domain");
	int made = 0;
	char path[64];
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "q/n%d", i);
		if (!wr(d1, 0, path, "v"))
			break;
		made++;
	}
	ok(made > 0 && made < 12 && err("EQUOTA"),
	   "nodes quota: EQUOTA after %d more nodes", made);
	ok(log_has("quota: domain 1 refused nodes"), "the refusal is logged");
	ok(DO(d1, XS_WRITE, 0, "q/deep/er", "") && err("EQUOTA"),
	   "a write needing several nodes is refused whole");
	DO(d0, XS_SET_QUOTA, 0, "1", "nodes", "1000");

	static char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	ok(DO(d1, XS_WRITE, 0, "q/big", big) && err("EQUOTA") &&
	   log_has("refused node-size"), "node-size quota: EQUOTA, logged");
	ok(DO(d0, XS_WRITE, 0, "/q0/big", big) && is_ok(XS_WRITE),
	   "the control domain is not bound by quotas");

	DO(d0, XS_SET_QUOTA, 0, "1", "watches", "3");
	bool w_ok = DO(d1, XS_WATCH, 0, "q/a", "1") && DO(d1, XS_WATCH, 0, "q/b", "1");
	ok(w_ok && DO(d1, XS_WATCH, 0, "q/c", "1") && is_ok(XS_WATCH) &&
	   DO(d1, XS_WATCH, 0, "q/d", "1") && err("EQUOTA") &&
	   log_has("refused watches"), "watches quota: EQUOTA, logged");
	DO(d1, XS_RESET_WATCHES, 0, "");
	drain(d1);

	DO(d0, XS_SET_QUOTA, 0, "1", "transactions", "2");
	uint32_t t1, t2;
	DO(d1, XS_TRANSACTION_START, 0, "");
	t1 = (uint32_t)atoi(R.data);
	DO(d1, XS_TRANSACTION_START, 0, "");
	t2 = (uint32_t)atoi(R.data);
	ok(DO(d1, XS_TRANSACTION_START, 0, "") && err("EQUOTA") &&
	   log_has("refused transactions"), "transactions quota: EQUOTA, logged");
	DO(d1, XS_TRANSACTION_END, t1, "F");
	DO(d1, XS_TRANSACTION_END, t2, "F");

	ok(DO(d1, XS_SET_PERMS, 0, "q", "n1", "r2", "r3", "r4", "r5", "r6") &&
	   err("EQUOTA") && log_has("refused permissions"),
	   "permissions quota (5 entries): EQUOTA, logged");

	DO(d0, XS_SET_QUOTA, 0, "1", "transaction-nodes", "3");
	DO(d1, XS_TRANSACTION_START, 0, "");
	t1 = (uint32_t)atoi(R.data);
	wr(d1, t1, "q/t1", "");	/* touches q/t1 and q */
	bool third = rd(d1, t1, "q/n0") != NULL;
	ok(third && !rd(d1, t1, "q/n1") && err("EQUOTA") &&
	   log_has("refused transaction-nodes"),
	   "transaction-nodes quota: EQUOTA, logged");
	DO(d1, XS_TRANSACTION_END, t1, "F");

	ok(DO(d0, XS_CONTROL, 0, "quota", "1") && R.type == XS_CONTROL &&
	   strstr(R.data, "watches            3 (used 0)") &&
	   strstr(R.data, "transaction-nodes  3\n") &&
	   DO(d0, XS_CONTROL, 0, "quota", "999") && err("ENOENT"),
	   "CONTROL quota|<domid> shows a domain's quotas and use");
	ok(DO(d0, XS_SET_QUOTA, 0, "nodes", "77") && is_ok(XS_SET_QUOTA) &&
	   DO(d0, XS_GET_QUOTA, 0, "nodes") && xsc_is(&R, XS_GET_QUOTA, "77") &&
	   DO(d0, XS_GET_QUOTA, 0, "1", "nodes") && xsc_is(&R, XS_GET_QUOTA, "1000"),
	   "SET_QUOTA global sets the default of new domains only");
	DO(d0, XS_SET_QUOTA, 0, "nodes", "1000");
	ok(DO(d0, XS_SET_QUOTA, 0, "nodes", "-1") && err("EINVAL"),
	   "SET_QUOTA with a bad value: EINVAL");
}

static void test_domains(struct xsc *d0, struct xsc *w)
{
	ok(DO(d0, XS_IS_DOMAIN_INTRODUCED, 0, "1") &&
	   xsc_is(&R, XS_IS_DOMAIN_INTRODUCED, "F") &&
	   DO(d0, XS_IS_DOMAIN_INTRODUCED, 0, "0") &&
	   xsc_is(&R, XS_IS_DOMAIN_INTRODUCED, "T"),
	   "IS_DOMAIN_INTRODUCED before INTRODUCE");
	ok(DO(d0, XS_SET_FEATURE, 0, "1", "2") && is_ok(XS_SET_FEATURE) &&
	   DO(d0, XS_GET_FEATURE, 0, "1") && xsc_is(&R, XS_GET_FEATURE, "2"),
	   "SET_FEATURE before INTRODUCE");
	ok(DO(d0, XS_SET_FEATURE, 0, "1", "8") && err("EINVAL"),
	   "SET_FEATURE of an unsupported feature: EINVAL");
	ok(DO(d0, XS_INTRODUCE, 0, "1", "4096", "9") && is_ok(XS_INTRODUCE) &&
	   DO(d0, XS_IS_DOMAIN_INTRODUCED, 0, "1") &&
	   xsc_is(&R, XS_IS_DOMAIN_INTRODUCED, "T"), "INTRODUCE");
	ok(DO(d0, XS_SET_FEATURE, 0, "1", "0") && err("EBUSY"),
	   "SET_FEATURE after INTRODUCE: EBUSY");
	ok(DO(d0, XS_INTRODUCE, 0, "1", "1", "1") && err("EEXIST"),
	   "INTRODUCE again with another ring: EEXIST");
	ok(DO(d0, XS_INTRODUCE, 0, "0", "1", "1") && err("EINVAL") &&
	   DO(d0, XS_INTRODUCE, 0, "5", "x", "1") && err("EINVAL") &&
	   DO(d0, XS_INTRODUCE, 0, "5") && err("EINVAL"),
	   "INTRODUCE of dom0 or with bad arguments: EINVAL");
	ok(DO(d0, XS_RESUME, 0, "1") && is_ok(XS_RESUME) &&
	   DO(d0, XS_RESUME, 0, "6") && err("ENOENT"), "RESUME");

	struct xsc g;
	connect_as(&g, "sock1");
	ok(DO(&g, XS_WATCH, 0, "/local/domain/1", "mine") &&
	   event_is(&g, "/local/domain/1", "mine"), "domain 1 connection with a watch");
	DO(&g, XS_TRANSACTION_START, 0, "");
	wr(d0, 0, "/local/domain/1/owned/a", "");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/1/owned", "n1");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/1/owned/a", "n1");
	wr(d0, 0, "/kept", "");
	DO(d0, XS_SET_PERMS, 0, "/kept", "b0", "r1", "w2");
	DO(d0, XS_SET_PERMS, 0, "@releaseDomain", "n0", "r1", "r2");
	/* Domain 2's inbox: everyone may write; "given" is 2's own node. */
	wr(d0, 0, "/local/domain/2/inbox/given", "");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/2/inbox", "b2");
	DO(d0, XS_SET_PERMS, 0, "/local/domain/2/inbox/given", "b2");
	ok(wr(&g, 0, "/local/domain/2/inbox/made", "1") &&
	   wr(&g, 0, "/local/domain/2/inbox/given", "1") &&
	   strcmp(perms_of(d0, "/local/domain/2/inbox/made"), "b1") == 0,
	   "domain 1 creates a node in 2's inbox (it owns it) and writes 2's node");
	drain(w);
	DO(w, XS_WATCH, 0, "@releaseDomain", "rel");
	event_is(w, "@releaseDomain", "rel");
	ok(DO(d0, XS_RELEASE, 0, "1") && is_ok(XS_RELEASE), "RELEASE");
	ok(event_is(w, "@releaseDomain", "rel"), "RELEASE fires @releaseDomain");
	ok(!rd(d0, 0, "/local/domain/1/owned/a") && err("ENOENT") &&
	   !rd(d0, 0, "/local/domain/1") && err("ENOENT") && rd_is(d0, 0, "/kept", ""),
	   "the domain's nodes and their subtrees are removed, others stay");
	ok(!rd(d0, 0, "/local/domain/2/inbox/made") && err("ENOENT") &&
	   rd_is(d0, 0, "/local/domain/2/inbox/given", "1") &&
	   strcmp(perms_of(d0, "/local/domain/2/inbox/given"), "b2") == 0,
	   "as in Xen 4.17: the node 1 created in 2's home goes, the one it only wrote stays");
	ok(strcmp(perms_of(d0, "/kept"), "b0,w2") == 0 &&
	   strcmp(perms_of(d0, "@releaseDomain"), "n0,r2") == 0,
	   "no permission entry names the released domain any more");
	ok(xsc_closed(&g, 2000), "the domain's connections are closed");
	xsc_close(&g);
	ok(DO(d0, XS_IS_DOMAIN_INTRODUCED, 0, "1") &&
	   xsc_is(&R, XS_IS_DOMAIN_INTRODUCED, "F") &&
	   DO(d0, XS_RELEASE, 0, "1") && err("ENOENT"), "released: F, RELEASE again ENOENT");
	ok(DO(d0, XS_CONTROL, 0, "check") && xsc_is(&R, XS_CONTROL, "OK"),
	   "CONTROL check after RELEASE: the store is consistent");
}

static void test_bad_length(void)
{
	struct xsc c;
	connect_as(&c, "sock");
	struct xs_msg_header h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	xsc_send_raw(&c, &h, sizeof(h));
	ok(xsc_closed(&c, 2000), "payload over 4096 bytes: the connection is closed");
	xsc_close(&c);
	connect_as(&c, "sock");
	struct xs_msg_header part = { XS_READ, 1, 0, 10 };
	xsc_send_raw(&c, &part, sizeof(part));
	xsc_send_raw(&c, "/t", 2);
	xsc_close(&c);
	connect_as(&c, "sock");
	ok(DO(&c, XS_READ, 0, "/t/a") && R.type == XS_READ && R.len == 5 &&
	   memcmp(R.data, "hello", 5) == 0,
	   "a client that left half a request does not disturb others");
	xsc_close(&c);
}

/* Many clients at once: requests sent by all before any reply is read. */
static void test_many_clients(struct xsc *d0)
{
	enum { N = 40 };
	static struct xsc c[N];
	char path[32], body[48];
	for (int i = 0; i < N; i++) {
		connect_as(&c[i], "sock");
		int pl = snprintf(path, sizeof(path), "/many/c%d", i) + 1;
		memcpy(body, path, (size_t)pl);
		memcpy(body + pl, "v", 1);
		struct xs_msg_header h = { XS_WRITE, (uint32_t)i, 0, (uint32_t)pl + 1 };
		xsc_send_raw(&c[i], &h, sizeof(h));
		xsc_send_raw(&c[i], body, (uint32_t)pl + 1);
	}
	bool all = true;
	for (int i = 0; i < N; i++) {
		struct xs_msg_header h;
		char ok_text[3];
		all &= read(c[i].fd, &h, sizeof(h)) == sizeof(h) &&
		       h.type == XS_WRITE && h.req_id == (uint32_t)i && h.len == 3 &&
		       read(c[i].fd, ok_text, 3) == 3;
		xsc_close(&c[i]);
	}
	ok(all && DO(d0, XS_DIRECTORY, 0, "/many") && R.type == XS_DIRECTORY &&
	   R.len == 40 * 3 + 30, "40 clients at once, each answered with its own req_id");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_protocol <xenstored>\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "/tmp/xs-proto-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	pid_t pid = start_daemon(argv[1]);
	struct xsc d0, d1, d2, w;
	connect_as(&d0, "sock");
	connect_as(&d1, "sock1");
	connect_as(&d2, "sock2");
	connect_as(&w, "sock");

	test_basic(&d0);
	test_directory_part(&d0);
	test_perms(&d0, &d1, &d2);
	test_target(&d0, &d2);
	test_watches(&d0, &d1, &w);
	test_transactions(&d0);
	test_quotas(&d0, &d1);
	test_domains(&d0, &w);
	test_bad_length();
	test_many_clients(&d0);

	xsc_close(&d0);
	xsc_close(&d1);
	xsc_close(&d2);
	xsc_close(&w);
	kill(pid, SIGTERM);
	int status = 0;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the daemon exits cleanly on SIGTERM (no leaks under ASan)");
	int status_tap = tap_done();
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (status_tap == 0 && system(cmd) != 0)
		return 1;
	return status_tap;
}
