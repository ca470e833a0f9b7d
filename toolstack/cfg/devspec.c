#include "devspec.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

const char *disk_format_name(enum disk_format f)
{
    static const char *const names[] = {
        [FMT_UNKNOWN] = "unknown", [FMT_RAW] = "raw", [FMT_QCOW] = "qcow",
        [FMT_QCOW2] = "qcow2", [FMT_VHD] = "vhd", [FMT_QED] = "qed",
        [FMT_EMPTY] = "empty",
    };
    return names[f];
}

const char *disk_backend_name(enum disk_backend b)
{
    static const char *const names[] = {
        [BK_UNKNOWN] = "unknown", [BK_PHY] = "phy", [BK_TAP] = "tap",
        [BK_QDISK] = "qdisk", [BK_STANDALONE] = "standalone",
    };
    return names[b];
}

static int lookup_format(const char *s, enum disk_format *out)
{
    for (int f = FMT_RAW; f <= FMT_EMPTY; f++)
        if (strcmp(s, disk_format_name(f)) == 0) {
            *out = f;
            return 0;
        }
    return -1;
}

/* Legacy "<prefix>:target" forms. */
static const struct {
    const char *prefix;
    enum disk_format format;
    enum disk_backend backend;
} disk_prefixes[] = {
    { "phy:", FMT_RAW, BK_PHY },
    { "file:", FMT_RAW, BK_UNKNOWN },
    { "tap:aio:", FMT_RAW, BK_TAP },
    { "tap:tapdisk:aio:", FMT_RAW, BK_TAP },
    { "tap:qcow2:", FMT_QCOW2, BK_TAP },
    { "tap:qcow:", FMT_QCOW, BK_TAP },
    { "tap:vhd:", FMT_VHD, BK_TAP },
    { "tap:", FMT_RAW, BK_TAP },
    { "aio:", FMT_RAW, BK_TAP },
    { "raw:", FMT_RAW, BK_UNKNOWN },
    { "qcow2:", FMT_QCOW2, BK_UNKNOWN },
    { "qcow:", FMT_QCOW, BK_UNKNOWN },
    { "vhd:", FMT_VHD, BK_UNKNOWN },
};

/* xvda..., xvdaa1, hda..hdt, sda..., d0p1, or a raw device number. */
static bool valid_vdev(const char *v)
{
    size_t i = 0;
    if (v[0] == '\0')
        return false;
    if (strncmp(v, "xvd", 3) == 0 || strncmp(v, "sd", 2) == 0 ||
        strncmp(v, "hd", 2) == 0) {
        i = v[0] == 'x' ? 3 : 2;
        size_t letters = 0;
        while (v[i] >= 'a' && v[i] <= 'z') {
            i++;
            letters++;
        }
        if (letters == 0 || letters > 3 || (v[0] == 'h' && letters != 1))
            return false;
    } else if (v[0] == 'd' && isdigit((unsigned char)v[1])) {
        i = 1;
        while (isdigit((unsigned char)v[i]))
            i++;
        if (v[i] == 'p')
            i++;
    }
    while (isdigit((unsigned char)v[i]))
        i++;
    return v[i] == '\0';
}

enum slot { SLOT_TARGET, SLOT_FORMAT, SLOT_VDEV, SLOT_ACCESS, SLOT_NONE };

struct disk_parse {
    struct arena *arena;
    struct disk_spec *disk;
    struct diag *diag;
    const char *prefix;
    bool seen[SLOT_NONE];
    bool format_from_prefix;
    bool access_set;
};

static int disk_err(struct disk_parse *p, const char *what, const char *arg)
{
    diag_add(p->diag, DIAG_ERROR, "%s: %s%s%s%s", p->prefix, what,
             arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return -1;
}

static int set_target(struct disk_parse *p, const char *t)
{
    for (size_t i = 0; i < sizeof(disk_prefixes) / sizeof(disk_prefixes[0]); i++) {
        size_t n = strlen(disk_prefixes[i].prefix);
        if (strncmp(t, disk_prefixes[i].prefix, n) == 0) {
            p->disk->format = disk_prefixes[i].format;
            if (disk_prefixes[i].backend != BK_UNKNOWN)
                p->disk->backendtype = disk_prefixes[i].backend;
            p->format_from_prefix = true;
            t += n;
            break;
        }
    }
    if (!p->format_from_prefix) {
        /* "<script>:target" runs /etc/xen/scripts/block-<script>. */
        size_t n = 0;
        while (isalnum((unsigned char)t[n]) || t[n] == '_' || t[n] == '-')
            n++;
        if (n > 0 && t[n] == ':' && t[n + 1] != '\0' && t[0] != '/') {
            char *script = arena_alloc(p->arena, n + 7);
            if (script == NULL)
                return disk_err(p, "out of memory", NULL);
            memcpy(script, "block-", 6);
            memcpy(script + 6, t, n);
            p->disk->script = script;
            t += n + 1;
        }
    }
    p->disk->target = arena_strdup(p->arena, t);
    return p->disk->target ? 0 : disk_err(p, "out of memory", NULL);
}

static int set_vdev(struct disk_parse *p, const char *v)
{
    char *copy = arena_strdup(p->arena, v);
    if (copy == NULL)
        return disk_err(p, "out of memory", NULL);
    if (strncmp(copy, "ioemu:", 6) == 0) {
        diag_add(p->diag, DIAG_WARNING,
                 "%s: the ioemu: vdev prefix is deprecated and ignored",
                 p->prefix);
        copy += 6;
    }
    char *colon = strchr(copy, ':');
    if (colon != NULL) {
        if (strcmp(colon + 1, "cdrom") != 0 && strcmp(colon + 1, "disk") != 0)
            return disk_err(p, "unknown device type suffix in vdev", v);
        if (strcmp(colon + 1, "cdrom") == 0)
            p->disk->cdrom = true;
        *colon = '\0';
    }
    if (!valid_vdev(copy))
        return disk_err(p, "invalid virtual device name", copy);
    p->disk->vdev = copy;
    return 0;
}

static int set_access(struct disk_parse *p, const char *a)
{
    if (strcmp(a, "r") == 0 || strcmp(a, "ro") == 0)
        p->disk->readwrite = false;
    else if (strcmp(a, "w") == 0 || strcmp(a, "rw") == 0)
        p->disk->readwrite = true;
    else
        return disk_err(p, "invalid access mode (use r, ro, w or rw)", a);
    p->access_set = true;
    return 0;
}

static int set_slot(struct disk_parse *p, enum slot s, const char *v)
{
    if (p->seen[s])
        return disk_err(p, "parameter given twice", v);
    p->seen[s] = true;
    switch (s) {
    case SLOT_TARGET: return set_target(p, v);
    case SLOT_FORMAT:
        if (lookup_format(v, &p->disk->format) != 0)
            return disk_err(p, "unknown disk format", v);
        return 0;
    case SLOT_VDEV: return set_vdev(p, v);
    case SLOT_ACCESS: return set_access(p, v);
    case SLOT_NONE: break;
    }
    return disk_err(p, "too many positional parameters at", v);
}

static int positional(struct disk_parse *p, const char *v)
{
    enum slot s = SLOT_TARGET;
    while (s < SLOT_NONE && p->seen[s])
        s++;
    if (s == SLOT_FORMAT && (p->format_from_prefix ||
                             (v[0] != '\0' && valid_vdev_with_suffix(v)))) {
        /* "phy:/dev/x,xvda,w": the prefix gave the format. */
        p->seen[SLOT_FORMAT] = true;
        s = SLOT_VDEV;
    }
    if (s == SLOT_NONE)
        return disk_err(p, "too many positional parameters at", v);
    if (v[0] == '\0') {             /* ",," leaves this one at its default */
        p->seen[s] = true;
        return 0;
    }
    return set_slot(p, s, v);
}

static int keyword(struct disk_parse *p, const char *key, const char *val)
{
    struct disk_spec *d = p->disk;
    if (strcmp(key, "format") == 0)
        return set_slot(p, SLOT_FORMAT, val);
    if (strcmp(key, "vdev") == 0)
        return set_slot(p, SLOT_VDEV, val);
    if (strcmp(key, "access") == 0)
        return set_slot(p, SLOT_ACCESS, val);
    if (strcmp(key, "devtype") == 0) {
        if (strcmp(val, "cdrom") == 0)
            d->cdrom = true;
        else if (strcmp(val, "disk") != 0)
            return disk_err(p, "devtype must be cdrom or disk, not", val);
        return 0;
    }
    if (strcmp(key, "backendtype") == 0) {
        for (int b = BK_PHY; b <= BK_STANDALONE; b++)
            if (strcmp(val, disk_backend_name(b)) == 0) {
                d->backendtype = b;
                return 0;
            }
        return disk_err(p, "unknown backendtype", val);
    }
    if (strcmp(key, "backend") == 0 || strcmp(key, "script") == 0) {
        if (val[0] == '\0')
            return disk_err(p, "empty value for", key);
        const char *copy = arena_strdup(p->arena, val);
        if (copy == NULL)
            return disk_err(p, "out of memory", NULL);
        if (key[0] == 'b')
            d->backend = copy;
        else
            d->script = copy;
        return 0;
    }
    if (strcmp(key, "discard") == 0 || strcmp(key, "trusted") == 0) {
        bool on;
        if (parse_bool_word(val, &on) != 0)
            return disk_err(p, "expected a boolean for", key);
        *(key[0] == 'd' ? &d->discard : &d->trusted) = on;
        return 0;
    }
    return disk_err(p, "unknown disk parameter", key);
}

static int flag(struct disk_parse *p, const char *word, bool *matched)
{
    struct disk_spec *d = p->disk;
    *matched = true;
    if (strcmp(word, "cdrom") == 0)
        d->cdrom = true;
    else if (strcmp(word, "discard") == 0)
        d->discard = 1;
    else if (strcmp(word, "no-discard") == 0)
        d->discard = 0;
    else if (strcmp(word, "trusted") == 0)
        d->trusted = 1;
    else if (strcmp(word, "untrusted") == 0)
        d->trusted = 0;
    else if (strcmp(word, "direct-io-safe") == 0)
        d->direct_io_safe = true;
    else
        *matched = false;
    return 0;
}

bool valid_vdev_with_suffix(const char *v)
{
    char buf[64];
    size_t n = strcspn(v, ":");
    if (strncmp(v, "ioemu:", 6) == 0)
        return valid_vdev_with_suffix(v + 6);
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return valid_vdev(buf) && (v[n] == '\0' || strcmp(v + n, ":cdrom") == 0 ||
                               strcmp(v + n, ":disk") == 0);
}

int disk_spec_parse(struct arena *a, const char *spec, struct disk_spec *out,
                    struct diag *d, const char *prefix)
{
    struct disk_spec disk = { .format = FMT_UNKNOWN, .readwrite = true,
                              .discard = -1, .trusted = -1 };
    struct disk_parse p = { .arena = a, .disk = &disk, .diag = d,
                            .prefix = prefix };
    char *buf = arena_strdup(a, spec);
    if (buf == NULL)
        return disk_err(&p, "out of memory", NULL);

    char *s = buf;
    for (;;) {
        s = trim_left(s);
        if (strncmp(s, "target=", 7) == 0) {
            /* target= takes the rest, commas included. */
            if (p.seen[SLOT_TARGET])
                return disk_err(&p, "target given twice", NULL);
            p.seen[SLOT_TARGET] = true;
            if (set_target(&p, s + 7) != 0)
                return -1;
            break;
        }
        char *comma = strchr(s, ',');
        if (comma != NULL)
            *comma = '\0';
        trim_right(s);
        char *eq = strchr(s, '=');
        bool matched = false;
        if (eq != NULL) {
            *eq = '\0';
            if (keyword(&p, s, eq + 1) != 0)
                return -1;
        } else if (flag(&p, s, &matched), !matched) {
            if (positional(&p, s) != 0)
                return -1;
        }
        if (comma == NULL)
            break;
        s = comma + 1;
    }

    if (disk.vdev == NULL)
        return disk_err(&p, "no virtual device (vdev) given", NULL);
    if (disk.target == NULL || disk.target[0] == '\0') {
        if (!disk.cdrom)
            return disk_err(&p, "no target (backing device or file) given", NULL);
        disk.target = "";
        disk.format = FMT_EMPTY;
    }
    if (disk.cdrom) {
        if (p.access_set && disk.readwrite)
            return disk_err(&p, "a cdrom cannot be writable", NULL);
        disk.readwrite = false;
    }
    if (disk.format == FMT_UNKNOWN)
        disk.format = FMT_RAW;
    *out = disk;
    return 0;
}

/* --- vif --- */

static int vif_err(struct diag *d, const char *prefix, const char *what,
                   const char *arg)
{
    diag_add(d, DIAG_ERROR, "%s: %s '%s'", prefix, what, arg);
    return -1;
}

static int parse_mac(struct arena *a, const char *s, const char **out)
{
    unsigned bytes[6];
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(p[0]), lo = hex_digit(p[1]);
        if (hi < 0 || lo < 0)
            return -1;
        bytes[i] = (unsigned)(hi * 16 + lo);
        p += 2;
        if (i < 5 && *p++ != ':')
            return -1;
    }
    if (*p != '\0' || (bytes[0] & 1))      /* multicast is not a NIC address */
        return -1;
    char *mac = arena_alloc(a, 18);
    if (mac == NULL)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        mac[i * 3] = hex[bytes[i] >> 4];
        mac[i * 3 + 1] = hex[bytes[i] & 15];
        mac[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    *out = mac;
    return 0;
}

static bool valid_ipv4(const char *s, size_t n)
{
    unsigned parts = 0, value = 0, digits = 0;
    size_t i = 0;
    for (; i < n && s[i] != '/'; i++) {
        if (s[i] == '.') {
            if (digits == 0 || ++parts > 3)
                return false;
            digits = value = 0;
        } else if (isdigit((unsigned char)s[i]) && digits < 3) {
            value = value * 10 + (unsigned)(s[i] - '0');
            digits++;
            if (value > 255)
                return false;
        } else {
            return false;
        }
    }
    if (digits == 0 || parts != 3)
        return false;
    if (i < n) {                            /* "/prefix" */
        unsigned len = 0;
        if (++i == n)
            return false;
        for (; i < n; i++) {
            if (!isdigit((unsigned char)s[i]) || (len = len * 10 + (unsigned)(s[i] - '0')) > 32)
                return false;
        }
    }
    return true;
}

/* "space separated list of IPv4 addresses", as vif-route takes them. */
static bool valid_ip_list(const char *s)
{
    bool any = false;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0)
            break;
        if (!valid_ipv4(s, n))
            return false;
        any = true;
        s += n;
    }
    return any;
}

/* RATE/s[@INTERVAL]: RATE = NUM[K|M|G](b|B), INTERVAL = NUM[s|ms|us]. */
static int parse_rate(const char *s, struct vif_spec *v)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return -1;
    unsigned long long num = strtoull(s, &end, 10);
    unsigned long long mult = 1;
    switch (*end) {
    case 'K': mult = 1000ULL; end++; break;
    case 'M': mult = 1000ULL * 1000; end++; break;
    case 'G': mult = 1000ULL * 1000 * 1000; end++; break;
    }
    bool bits;
    if (*end == 'b')
        bits = true;
    else if (*end == 'B')
        bits = false;
    else
        return -1;
    end++;
    if (strncmp(end, "/s", 2) != 0)
        return -1;
    end += 2;
    unsigned long long interval = 50000;            /* xl's default: 50ms */
    if (*end == '@') {
        const char *q = end + 1;
        if (!isdigit((unsigned char)*q))
            return -1;
        interval = strtoull(q, &end, 10);
        if (strcmp(end, "s") == 0)
            interval *= 1000000;
        else if (strcmp(end, "ms") == 0)
            interval *= 1000;
        else if (strcmp(end, "us") != 0 && *end != '\0')
            return -1;
        end += strlen(end);
        if (interval == 0 || interval > UINT32_MAX)
            return -1;
    }
    if (*end != '\0' || num == 0 || num > UINT64_MAX / mult / interval)
        return -1;
    unsigned long long bytes_per_sec = num * mult / (bits ? 8 : 1);
    v->rate_bytes_per_interval = bytes_per_sec * interval / 1000000;
    v->rate_interval_usecs = (unsigned)interval;
    return v->rate_bytes_per_interval == 0 ? -1 : 0;
}

int vif_spec_parse(struct arena *a, const char *spec, struct vif_spec *out,
                   struct diag *d, const char *prefix)
{
    struct vif_spec v = { .devid = -1, .trusted = -1 };
    char *buf = arena_strdup(a, spec);
    if (buf == NULL)
        return vif_err(d, prefix, "out of memory in", spec);
    for (char *s = buf; s != NULL;) {
        char *comma = strchr(s, ',');
        if (comma != NULL)
            *comma++ = '\0';
        s = trim_left(s);
        trim_right(s);
        char *tok = s;
        s = comma;
        if (tok[0] == '\0')
            continue;
        char *eq = strchr(tok, '=');
        if (eq == NULL) {
            if (strcmp(tok, "trusted") == 0)
                v.trusted = 1;
            else if (strcmp(tok, "untrusted") == 0)
                v.trusted = 0;
            else
                return vif_err(d, prefix, "expected key=value, got", tok);
            continue;
        }
        *eq = '\0';
        const char *key = tok, *val = eq + 1;
        const char **str = NULL;
        if (strcmp(key, "mac") == 0) {
            if (parse_mac(a, val, &v.mac) != 0)
                return vif_err(d, prefix, "invalid MAC address", val);
        } else if (strcmp(key, "bridge") == 0) {
            str = &v.bridge;
        } else if (strcmp(key, "ip") == 0) {
            if (!valid_ip_list(val))
                return vif_err(d, prefix, "invalid IPv4 address list", val);
            str = &v.ip;
        } else if (strcmp(key, "model") == 0) {
            str = &v.model;
        } else if (strcmp(key, "type") == 0) {
            if (strcmp(val, "ioemu") == 0) {
                diag_add(d, DIAG_WARNING, "%s: type=ioemu is a legacy xm form: "
                         "mapped to an emulated NIC with a PV path", prefix);
                v.ioemu = true;
            } else if (strcmp(val, "vif") != 0) {
                return vif_err(d, prefix, "type must be vif or ioemu, not", val);
            }
        } else if (strcmp(key, "vifname") == 0) {
            str = &v.vifname;
        } else if (strcmp(key, "script") == 0) {
            str = &v.script;
        } else if (strcmp(key, "backend") == 0) {
            str = &v.backend;
        } else if (strcmp(key, "gatewaydev") == 0) {
            str = &v.gatewaydev;
        } else if (strcmp(key, "rate") == 0) {
            if (parse_rate(val, &v) != 0)
                return vif_err(d, prefix, "invalid rate (e.g. 10Mb/s or 1MB/s@20ms)", val);
            str = &v.rate;
        } else if (strcmp(key, "devid") == 0 || strcmp(key, "mtu") == 0) {
            long long n;
            bool mtu = key[0] == 'm';
            if (parse_int(val, &n) != 0 || n < (mtu ? 68 : 0) ||
                n > (mtu ? 65535 : 65535))
                return vif_err(d, prefix, mtu ? "invalid mtu" : "invalid devid", val);
            if (mtu)
                v.mtu = (unsigned)n;
            else
                v.devid = (int)n;
        } else if (strcmp(key, "trusted") == 0) {
            bool on;
            if (parse_bool_word(val, &on) != 0)
                return vif_err(d, prefix, "expected a boolean for trusted, got", val);
            v.trusted = on;
        } else {
            diag_add(d, DIAG_WARNING, "%s: unknown vif parameter '%s' ignored",
                     prefix, key);
        }
        if (str != NULL) {
            if (val[0] == '\0')
                return vif_err(d, prefix, "empty value for", key);
            if ((*str = arena_strdup(a, val)) == NULL)
                return vif_err(d, prefix, "out of memory in", key);
        }
    }
    *out = v;
    return 0;
}
