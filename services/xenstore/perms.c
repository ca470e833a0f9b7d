/*
 * Permissions and path names. A node's first permission entry names its
 * owner and the access of every domain without an entry of its own. The
 * control domain, a node's owner, and a device-model domain whose target
 * (SET_TARGET) owns the node have full access.
 */
#include <stdio.h>
#include <string.h>

#include "xs_internal.h"

bool xs_conn_privileged(const struct xs_conn *c)
{
	return c->dom->domid == 0;
}

static bool acts_for(const struct xs_conn *c, uint32_t domid)
{
	return c->dom->domid == domid ||
	       (c->dom->has_target && c->dom->target == domid);
}

uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perm *p,
		     uint32_t n)
{
	if (xs_conn_privileged(c) || acts_for(c, p[0].domid))
		return XS_ACCESS_ALL;
	/* An entry for the domain itself wins over one for its target. */
	for (uint32_t i = 1; i < n; i++)
		if (p[i].domid == c->dom->domid)
			return p[i].access;
	for (uint32_t i = 1; i < n; i++)
		if (acts_for(c, p[i].domid))
			return p[i].access;
	return p[0].access;
}

/* Parses count strings "<n|r|w|b><domid>", each NUL-terminated. */
int xs_perms_parse(const char *s, uint32_t len, uint32_t count,
		   struct xs_perm *out)
{
	const char *end = s + len;
	for (uint32_t i = 0; i < count; i++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));
		if (!nul || nul - s < 2)
			return XS_EINVAL;
		switch (s[0]) {
		case 'n': out[i].access = 0; break;
		case 'r': out[i].access = XS_ACCESS_READ; break;
		case 'w': out[i].access = XS_ACCESS_WRITE; break;
		case 'b': out[i].access = XS_ACCESS_ALL; break;
		default: return XS_EINVAL;
		}
		if (xs_domid_parse(s + 1, &out[i].domid) != XS_OK)
			return XS_EINVAL;
		s = nul + 1;
	}
	return s == end ? XS_OK : XS_EINVAL;
}

int xs_perms_format(const struct xs_perm *p, uint32_t n, char *out,
		    uint32_t cap, uint32_t *len)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };
	uint32_t used = 0;
	for (uint32_t i = 0; i < n; i++) {
		int k = snprintf(out + used, cap - used, "%c%u",
				 letter[p[i].access & 3], (unsigned)p[i].domid);
		if (k < 0 || (uint32_t)k + 1 > cap - used)
			return XS_E2BIG;
		used += (uint32_t)k + 1;	/* keep the NUL */
	}
	*len = used;
	return XS_OK;
}

static bool valid_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
	       ch == '_' || ch == '@';
}

/*
 * Turns a client's path into an absolute one in out (XENSTORE_ABS_PATH_MAX
 * + 1 bytes). Relative paths are below /local/domain/<domid>; *rel_off
 * receives the length of that prefix (0 for absolute paths). Paths
 * starting with '@' name special watch paths, allowed only when asked.
 */
int xs_canon_path(struct xs_conn *c, const char *in, char *out,
		  bool allow_special, uint32_t *rel_off)
{
	size_t len = strlen(in);
	size_t off = 0;

	if (len == 0)
		return XS_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!valid_char(in[i]))
			return XS_EINVAL;
	if (in[0] == '@') {
		if (!allow_special || len > XENSTORE_ABS_PATH_MAX)
			return XS_EINVAL;
		memcpy(out, in, len + 1);
		*rel_off = 0;
		return XS_OK;
	}
	if (in[0] != '/') {
		if (len > XENSTORE_REL_PATH_MAX)
			return XS_EINVAL;
		off = (size_t)snprintf(out, XENSTORE_ABS_PATH_MAX + 1,
				       "/local/domain/%u/",
				       (unsigned)c->dom->domid);
	}
	if (off + len > XENSTORE_ABS_PATH_MAX)
		return XS_EINVAL;
	memcpy(out + off, in, len + 1);
	len += off;
	/* No "//", no trailing '/' but for the root. */
	for (size_t i = 1; i < len; i++)
		if (out[i] == '/' && out[i - 1] == '/')
			return XS_EINVAL;
	if (len > 1 && out[len - 1] == '/')
		return XS_EINVAL;
	/* Unprivileged domains are held to path-max below their home. */
	size_t home = off;
	if (!off) {
		char prefix[32];
		int k = snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
				 (unsigned)c->dom->domid);
		if (k > 0 && strncmp(out, prefix, (size_t)k) == 0)
			home = (size_t)k;
	}
	if (xs_quota_exceeded(c, XS_Q_PATH_MAX, len - home))
		return xs_quota_refuse(c, XS_Q_PATH_MAX,
				       len - home, out);
	*rel_off = (uint32_t)off;
	return XS_OK;
}
