/*
 * The wire protocol: checks each request's payload shape, runs it and
 * answers with its reply or an ERROR carrying the error's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_internal.h"

static const char *const type_names[XS_TYPE_COUNT] = {
	"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
	"TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
	"GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
	"ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
	"RESET_WATCHES", "DIRECTORY_PART", "GET_FEATURE", "SET_FEATURE",
	"GET_QUOTA", "SET_QUOTA",
};

const char *xs_type_name(uint32_t type)
{
	return type < XS_TYPE_COUNT ? type_names[type] : "INVALID";
}

/*
 * Splits a payload made only of NUL-terminated strings. Returns their
 * number, or -1 if the payload is shaped otherwise or holds more than max.
 */
static int split(char *body, uint32_t len, char **argv, int max)
{
	int n = 0;
	char *p = body, *end = body + len;
	while (p < end) {
		char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul || n == max)
			return -1;
		argv[n++] = p;
		p = nul + 1;
	}
	return n;
}

static int reply(struct xs_store *st, const void *data, uint32_t len)
{
	if (st->reply_len + len > XENSTORE_PAYLOAD_MAX)
		return XS_E2BIG;
	if (len)
		memcpy(st->reply + st->reply_len, data, len);
	st->reply_len += len;
	return XS_OK;
}

static int reply_str(struct xs_store *st, const char *s)
{
	return reply(st, s, (uint32_t)strlen(s) + 1);
}

static int reply_u64(struct xs_store *st, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return reply_str(st, buf);
}

/* Reads need the node's read permission; special paths are never nodes. */
static int lookup(struct xs_view *v, const char *path, uint32_t need,
		  struct xs_node **n)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	uint32_t rel;
	int err = xs_canon_path(v->conn, path, abs, false, &rel);
	return err ? err : xs_view_lookup(v, abs, need, n);
}

static int do_read(struct xs_view *v, char *body, uint32_t len)
{
	char *argv[1];
	struct xs_node *n;
	if (split(body, len, argv, 1) != 1)
		return XS_EINVAL;
	int err = lookup(v, argv[0], XS_ACCESS_READ, &n);
	return err ? err : reply(v->st, n->value, n->vlen);
}

static int do_directory(struct xs_view *v, char *body, uint32_t len)
{
	char *argv[1];
	struct xs_node *n;
	if (split(body, len, argv, 1) != 1)
		return XS_EINVAL;
	int err = lookup(v, argv[0], XS_ACCESS_READ, &n);
	return err ? err : reply(v->st, n->children, n->childlen);
}

/*
 * DIRECTORY_PART <path>|<offset>|: the node's generation, then the child
 * names from byte offset on that fit; an extra empty string ends the list.
 */
static int do_directory_part(struct xs_view *v, char *body, uint32_t len)
{
	char *argv[2];
	struct xs_node *n;
	uint64_t off;
	if (split(body, len, argv, 2) != 2 ||
	    xs_parse_uint(argv[1], UINT32_MAX, &off))
		return XS_EINVAL;
	int err = lookup(v, argv[0], XS_ACCESS_READ, &n);
	if (err)
		return err;
	reply_u64(v->st, n->gen);
	if (off >= n->childlen)
		return reply(v->st, "", 1);
	uint32_t room = XENSTORE_PAYLOAD_MAX - v->st->reply_len - 1;
	const char *p = n->children + off, *end = n->children + n->childlen;
	uint32_t take = 0;
	while (p + take < end) {
		uint32_t l = (uint32_t)strlen(p + take) + 1;
		if (take + l > room)
			break;
		take += l;
	}
	reply(v->st, p, take);
	return p + take == end ? reply(v->st, "", 1) : XS_OK;
}

static int do_get_perms(struct xs_view *v, char *body, uint32_t len)
{
	char *argv[1], abs[XENSTORE_ABS_PATH_MAX + 1];
	uint32_t rel, used;
	struct xs_node *n;
	if (split(body, len, argv, 1) != 1)
		return XS_EINVAL;
	int err = xs_canon_path(v->conn, argv[0], abs, true, &rel);
	if (err)
		return err;
	int special = xs_special_index(abs);
	if (special >= 0) {
		n = &v->st->special[special];
		if (!(xs_perm_for(v->conn, n->perms, n->nperms) & XS_ACCESS_READ))
			return XS_EACCES;
	} else if (abs[0] == '@') {
		return XS_ENOENT;
	} else if ((err = xs_view_lookup(v, abs, XS_ACCESS_READ, &n))) {
		return err;
	}
	err = xs_perms_format(n->perms, n->nperms, v->st->reply,
			      XENSTORE_PAYLOAD_MAX, &used);
	v->st->reply_len = err ? 0 : used;
	return err;
}

static int do_write(struct xs_view *v, char *body, uint32_t len, int type)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	uint32_t rel;
	char *nul = memchr(body, '\0', len);
	if (!nul || (type != XS_WRITE && nul + 1 != body + len))
		return XS_EINVAL;
	int err = xs_canon_path(v->conn, body, abs, false, &rel);
	if (err)
		return err;
	if (type == XS_RM)
		err = xs_op_rm(v, abs);
	else
		err = xs_op_write(v, abs, nul + 1,
				  (uint32_t)(body + len - (nul + 1)),
				  type == XS_MKDIR);
	return err ? err : reply_str(v->st, "OK");
}

static int do_set_perms(struct xs_view *v, char *body, uint32_t len)
{
	char abs[XENSTORE_ABS_PATH_MAX + 1];
	uint32_t rel, count = 0;
	char *nul = memchr(body, '\0', len);
	if (!nul)
		return XS_EINVAL;
	const char *ps = nul + 1;
	uint32_t plen = (uint32_t)(body + len - ps);
	for (uint32_t i = 0; i < plen; i++)
		count += ps[i] == '\0';
	if (count == 0 || count > XENSTORE_PAYLOAD_MAX / 2)
		return XS_EINVAL;
	int err = xs_canon_path(v->conn, body, abs, true, &rel);
	if (err)
		return err;
	if (abs[0] == '@' && xs_special_index(abs) < 0)
		return XS_ENOENT;
	struct xs_perm *perms = malloc(count * sizeof(*perms));
	if (!perms)
		return XS_ENOMEM;
	err = xs_perms_parse(ps, plen, count, perms);
	if (!err)
		err = xs_op_set_perms(v, abs, perms, count);
	free(perms);
	return err ? err : reply_str(v->st, "OK");
}

/* WATCH <wpath>|<token>|[<depth>|] and UNWATCH <wpath>|<token>|. */
static int do_watch(struct xs_conn *c, char *body, uint32_t len, bool add)
{
	char *argv[3];
	uint64_t depth = 0;
	int n = split(body, len, argv, 3);
	if (n < 2)
		return XS_EINVAL;
	bool has_depth = add && n == 3 && argv[2][0];
	if (has_depth && xs_parse_uint(argv[2], INT32_MAX, &depth))
		return XS_EINVAL;
	int err = add ? xs_watch_add(c, argv[0], argv[1],
				     has_depth ? (int32_t)depth : -1)
		      : xs_watch_remove(c, argv[0], argv[1]);
	return err ? err : reply_str(c->st, "OK");
}

/* Transactions do not nest: a START inside one is EBUSY. */
static int do_transaction_start(struct xs_conn *c, uint32_t tx_id)
{
	uint32_t id;
	if (tx_id)
		return XS_EBUSY;
	int err = xs_tx_start(c, &id);
	return err ? err : reply_u64(c->st, id);
}

static int do_transaction_end(struct xs_conn *c, struct xs_tx *tx,
			      char *body, uint32_t len)
{
	char *argv[1];
	if (!tx)
		return XS_ENOENT;
	if (split(body, len, argv, 1) != 1 ||
	    (strcmp(argv[0], "T") && strcmp(argv[0], "F")))
		return XS_EINVAL;
	int err = xs_tx_end(c, tx, argv[0][0] == 'T');
	return err ? err : reply_str(c->st, "OK");
}

static int one_domid(char *body, uint32_t len, uint32_t *domid)
{
	char *argv[1];
	if (split(body, len, argv, 1) != 1)
		return XS_EINVAL;
	return xs_domid_parse(argv[0], domid);
}

static int do_domain(struct xs_conn *c, int type, char *body, uint32_t len)
{
	struct xs_store *st = c->st;
	char *argv[4];
	uint32_t domid, target;
	struct xs_domain *d;
	int err;

	switch (type) {
	case XS_INTRODUCE:
		if (split(body, len, argv, 4) < 3)
			return XS_EINVAL;
		err = xs_do_introduce(c, argv);
		break;
	case XS_RELEASE:
		err = one_domid(body, len, &domid);
		if (!err)
			err = xs_do_release(c, domid);
		break;
	case XS_RESUME:
		err = one_domid(body, len, &domid);
		d = err ? NULL : xs_domain_get(st, domid, false);
		if (!err && (!d || !d->introduced))
			err = XS_ENOENT;
		break;
	case XS_SET_TARGET:
		if (split(body, len, argv, 2) != 2 ||
		    xs_domid_parse(argv[0], &domid) ||
		    xs_domid_parse(argv[1], &target))
			return XS_EINVAL;
		d = xs_domain_get(st, domid, false);
		if (!d || !d->introduced)
			return XS_ENOENT;
		if (!xs_domain_get(st, target, true))
			return XS_ENOMEM;
		d->has_target = true;
		d->target = target;
		err = XS_OK;
		break;
	default:
		return XS_EINVAL;
	}
	return err ? err : reply_str(st, "OK");
}

static int do_get_domain_path(struct xs_conn *c, char *body, uint32_t len)
{
	uint32_t domid;
	char path[32];
	int err = one_domid(body, len, &domid);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid);
	return reply_str(c->st, path);
}

static int do_is_introduced(struct xs_conn *c, char *body, uint32_t len)
{
	uint32_t domid;
	int err = one_domid(body, len, &domid);
	if (err)
		return err;
	struct xs_domain *d = xs_domain_get(c->st, domid, false);
	return reply_str(c->st, domid == 0 || (d && d->introduced) ? "T" : "F");
}

/* GET_FEATURE [<domid>|] and SET_FEATURE <domid>|<value>|. */
static int do_feature(struct xs_conn *c, bool set, char *body, uint32_t len)
{
	char *argv[2];
	uint32_t domid;
	uint64_t value;
	int n = split(body, len, argv, 2);
	if (!set && n == 0)
		return reply_u64(c->st, c->dom->features);
	if (!xs_conn_privileged(c))
		return XS_EACCES;
	if (n != (set ? 2 : 1) || xs_domid_parse(argv[0], &domid))
		return XS_EINVAL;
	struct xs_domain *d = xs_domain_get(c->st, domid, set);
	if (!d)
		return set ? XS_ENOMEM : XS_ENOENT;
	if (!set)
		return reply_u64(c->st, d->features);
	if (xs_parse_uint(argv[1], UINT32_MAX, &value) ||
	    (value & ~(uint64_t)XS_SUPPORTED_FEATURES))
		return XS_EINVAL;
	if (d->introduced)
		return XS_EBUSY;
	d->features = (uint32_t)value;
	return reply_str(c->st, "OK");
}

/* GET_QUOTA [[<domid>|]<quota>|] and SET_QUOTA [<domid>|]<quota>|<value>|. */
static int do_quota(struct xs_conn *c, bool set, char *body, uint32_t len)
{
	struct xs_store *st = c->st;
	char *argv[3];
	uint32_t domid;
	uint64_t value;
	int n = split(body, len, argv, 3);
	if (n < 0)
		return XS_EINVAL;
	if (!set && n == 0) {
		char list[256] = "";
		for (int q = 0; q < XS_Q_COUNT; q++) {
			if (q)
				strcat(list, " ");
			strcat(list, xs_quota_name((enum xs_quota)q));
		}
		return reply_str(st, list);
	}
	int per_domain = n == (set ? 3 : 2);
	if (n != (set ? 2 : 1) + per_domain)
		return XS_EINVAL;
	uint32_t *quota = st->cfg.quota;
	if (per_domain) {
		if (xs_domid_parse(argv[0], &domid))
			return XS_EINVAL;
		struct xs_domain *d = xs_domain_get(st, domid, false);
		if (!d)
			return XS_ENOENT;
		quota = d->quota;
	}
	int q = xs_quota_lookup(argv[per_domain]);
	if (q < 0)
		return XS_EINVAL;
	if (!set)
		return reply_u64(st, quota[q]);
	if (xs_parse_uint(argv[per_domain + 1], UINT32_MAX, &value))
		return XS_EINVAL;
	quota[q] = (uint32_t)value;
	return reply_str(st, "OK");
}

/*
 * CONTROL quota: the default quotas; CONTROL quota|<domid>: the domain's
 * quotas and what it uses of nodes, watches and transactions.
 */
static int control_quota(struct xs_store *st, const char *domid_str)
{
	char text[768];
	size_t used = 0;
	const uint32_t *quota = st->cfg.quota;
	struct xs_domain *d = NULL;
	uint32_t domid;
	if (domid_str) {
		if (xs_domid_parse(domid_str, &domid))
			return XS_EINVAL;
		d = xs_domain_get(st, domid, false);
		if (!d)
			return XS_ENOENT;
		quota = d->quota;
	}
	for (int q = 0; q < XS_Q_COUNT; q++) {
		unsigned long long in_use = 0;
		bool shown = d != NULL;
		if (q == XS_Q_NODES && d)
			in_use = d->nodes;
		else if (q == XS_Q_WATCHES && d)
			in_use = d->watches;
		else if (q == XS_Q_TRANSACTIONS && d)
			for (struct xs_conn *k = st->conns; k; k = k->next)
				in_use += k->dom == d ? k->ntx : 0;
		else
			shown = false;
		used += (size_t)snprintf(text + used, sizeof(text) - used,
			"%-18s %u", xs_quota_name((enum xs_quota)q),
			(unsigned)quota[q]);
		if (shown)
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 " (used %llu)", in_use);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "\n");
	}
	return reply_str(st, text);
}

static int do_control(struct xs_conn *c, char *body, uint32_t len)
{
	struct xs_store *st = c->st;
	char *argv[3];
	int n = split(body, len, argv, 3);
	if (n < 1)
		return XS_EINVAL;
	const char *cmd = argv[0];
	if (strcmp(cmd, "check") == 0) {
		char why[128] = "";
		if (xs_store_check(st, why, sizeof(why))) {
			xs_log(st, "check failed: %s", why);
			return XS_EIO;
		}
		return reply_str(st, "OK");
	}
	if (strcmp(cmd, "help") == 0)
		return reply_str(st, "check help print quota trace");
	if (strcmp(cmd, "print") == 0 && n == 2) {
		xs_log(st, "print: %s", argv[1]);
		return reply_str(st, "OK");
	}
	if (strcmp(cmd, "trace") == 0 && n == 2 &&
	    (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
		xs_store_set_trace(st, argv[1][1] == 'n');
		return reply_str(st, "OK");
	}
	if (strcmp(cmd, "quota") == 0)
		return control_quota(st, n == 2 ? argv[1] : NULL);
	return XS_EINVAL;
}

/* Requests only the control domain may make. */
static bool privileged_only(uint32_t type)
{
	switch (type) {
	case XS_CONTROL: case XS_INTRODUCE: case XS_RELEASE: case XS_RESUME:
	case XS_SET_TARGET: case XS_SET_FEATURE: case XS_GET_QUOTA:
	case XS_SET_QUOTA:
		return true;
	default:
		return false;
	}
}

/* Requests that act inside the transaction named by the header. */
static bool uses_transaction(uint32_t type)
{
	switch (type) {
	case XS_READ: case XS_WRITE: case XS_MKDIR: case XS_RM:
	case XS_DIRECTORY: case XS_DIRECTORY_PART: case XS_GET_PERMS:
	case XS_SET_PERMS: case XS_TRANSACTION_END:
		return true;
	default:
		return false;
	}
}

static int dispatch(struct xs_conn *c, const struct xs_msg_header *h,
		    char *body)
{
	struct xs_view v = { c->st, c, NULL };
	uint32_t len = h->len;

	if (privileged_only(h->type) && !xs_conn_privileged(c))
		return XS_EACCES;
	if (h->tx_id && uses_transaction(h->type)) {
		v.tx = xs_tx_find(c, h->tx_id);
		if (!v.tx)
			return XS_ENOENT;
	}
	switch (h->type) {
	case XS_READ: return do_read(&v, body, len);
	case XS_DIRECTORY: return do_directory(&v, body, len);
	case XS_DIRECTORY_PART: return do_directory_part(&v, body, len);
	case XS_GET_PERMS: return do_get_perms(&v, body, len);
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM: return do_write(&v, body, len, (int)h->type);
	case XS_SET_PERMS: return do_set_perms(&v, body, len);
	case XS_WATCH: return do_watch(c, body, len, true);
	case XS_UNWATCH: return do_watch(c, body, len, false);
	case XS_TRANSACTION_START: return do_transaction_start(c, h->tx_id);
	case XS_TRANSACTION_END: return do_transaction_end(c, v.tx, body, len);
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_RESUME:
	case XS_SET_TARGET: return do_domain(c, (int)h->type, body, len);
	case XS_GET_DOMAIN_PATH: return do_get_domain_path(c, body, len);
	case XS_IS_DOMAIN_INTRODUCED: return do_is_introduced(c, body, len);
	case XS_RESET_WATCHES:
		xs_watch_remove_all(c);
		xs_tx_free_all(c);
		return reply_str(c->st, "OK");
	case XS_GET_FEATURE: return do_feature(c, false, body, len);
	case XS_SET_FEATURE: return do_feature(c, true, body, len);
	case XS_GET_QUOTA: return do_quota(c, false, body, len);
	case XS_SET_QUOTA: return do_quota(c, true, body, len);
	case XS_CONTROL: return do_control(c, body, len);
	case XS_WATCH_EVENT:
	case XS_ERROR:
		return XS_EINVAL;	/* replies, never requests */
	default:
		return XS_ENOSYS;
	}
}

void xs_handle_message(struct xs_conn *c, const struct xs_msg_header *h,
		       char *body)
{
	struct xs_store *st = c->st;
	xs_trace_msg(c, "IN", h, body);
	st->reply_len = 0;
	int err = dispatch(c, h, body);
	if (c->dead)
		return;
	if (err) {
		const char *name = xs_error_name(err);
		xs_queue(c, XS_ERROR, h->req_id, h->tx_id, name,
			 (uint32_t)strlen(name) + 1, false);
		return;
	}
	xs_queue(c, h->type, h->req_id, h->tx_id, st->reply, st->reply_len,
		 false);
	if (h->type == XS_WATCH) {
		/* A new watch fires once at once, with its own path. */
		char *argv[3];
		split(body, h->len, argv, 3);
		size_t pl = strlen(argv[0]) + 1, tl = strlen(argv[1]) + 1;
		if (pl + tl <= XENSTORE_PAYLOAD_MAX) {
			memcpy(st->reply, argv[0], pl);
			memcpy(st->reply + pl, argv[1], tl);
			xs_queue(c, XS_WATCH_EVENT, 0, 0, st->reply,
				 (uint32_t)(pl + tl), true);
		}
	}
}
