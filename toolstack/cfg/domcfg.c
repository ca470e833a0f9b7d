/* Decodes the generic xl.cfg tree into a struct domain_config: one table
 * entry per key, each with its decoder. */
#include "domcfg.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"

struct ctx {
    struct cfg *cfg;
    struct arena *arena;
    struct domain_config *dc;
    struct diag *diag;
    const char *main_file;
};

static int bad(struct ctx *c, struct cfg_setting *s, const char *fmt,
               const char *arg)
{
    char reason[256];
    snprintf(reason, sizeof(reason), fmt, arg ? arg : "");
    diag_add(c->diag, DIAG_ERROR, "%s:%d: %s: %s", s->file, s->line, s->key,
             reason);
    return -1;
}

static void warn(struct ctx *c, struct cfg_setting *s, const char *what)
{
    diag_add(c->diag, DIAG_WARNING, "%s:%d: %s: %s", s->file, s->line, s->key,
             what);
}

/* --- value accessors: numbers and strings are interchangeable, as in xl --- */

static int get_string(struct ctx *c, struct cfg_setting *s, const char **out)
{
    if (s->value->kind == CFG_LIST)
        return bad(c, s, "expected a string, not a list%s", NULL);
    *out = s->value->text;
    return 0;
}

static int get_int_range(struct ctx *c, struct cfg_setting *s, long long min,
                         long long max, long long *out)
{
    long long v;
    if (s->value->kind == CFG_LIST)
        return bad(c, s, "expected a number, not a list%s", NULL);
    if (parse_int(s->value->text, &v) != 0)
        return bad(c, s, "'%s' is not a number", s->value->text);
    if (v < min || v > max) {
        char range[96];
        snprintf(range, sizeof(range), "%%s is out of range (%lld..%lld)",
                 min, max);
        return bad(c, s, range, s->value->text);
    }
    *out = v;
    return 0;
}

static int get_bool(struct ctx *c, struct cfg_setting *s, bool *out)
{
    if (s->value->kind == CFG_LIST || parse_bool_word(s->value->text, out) != 0)
        return bad(c, s, "expected a boolean (0 or 1), got '%s'",
                   s->value->kind == CFG_LIST ? "[list]" : s->value->text);
    return 0;
}

/* A string, or a list of strings (KEY = "a" or KEY = ["a", "b"]). */
static int get_string_list(struct ctx *c, struct cfg_setting *s,
                           struct string_list *out)
{
    struct cfg_value *v = s->value;
    size_t n = v->kind == CFG_LIST ? v->nitems : 1;
    const char **items = arena_alloc(c->arena, (n + 1) * sizeof(*items));
    if (items == NULL)
        return bad(c, s, "out of memory%s", NULL);
    for (size_t i = 0; i < n; i++) {
        struct cfg_value *item = v->kind == CFG_LIST ? v->items[i] : v;
        if (item->kind == CFG_LIST)
            return bad(c, s, "list items must be strings%s", NULL);
        items[i] = item->text;
    }
    out->n = (unsigned)n;
    out->items = items;
    return 0;
}

/* --- generic field decoders --- */

enum field { F_STRING, F_STRING_LIST, F_TRI, F_ACTION, F_MEMORY, F_COUNT,
             F_I64 };

static const char *const action_names[] = {
    [ACT_DESTROY] = "destroy", [ACT_RESTART] = "restart",
    [ACT_RENAME_RESTART] = "rename-restart", [ACT_PRESERVE] = "preserve",
    [ACT_COREDUMP_DESTROY] = "coredump-destroy",
    [ACT_COREDUMP_RESTART] = "coredump-restart",
    [ACT_SOFT_RESET] = "soft-reset",
};

const char *dom_action_name(enum dom_action a)
{
    return action_names[a];
}

const char *dom_type_name(enum dom_type t)
{
    return t == DOM_PV ? "pv" : t == DOM_PVH ? "pvh" : "hvm";
}

static int decode_field(struct ctx *c, struct cfg_setting *s, enum field kind,
                        void *field)
{
    long long n;
    bool b;
    const char *str;
    switch (kind) {
    case F_STRING:
        if (get_string(c, s, &str) != 0)
            return -1;
        *(const char **)field = str;
        return 0;
    case F_STRING_LIST:
        return get_string_list(c, s, (struct string_list *)field);
    case F_TRI:
        if (get_bool(c, s, &b) != 0)
            return -1;
        *(enum tristate *)field = b ? TRI_TRUE : TRI_FALSE;
        return 0;
    case F_ACTION:
        if (get_string(c, s, &str) != 0)
            return -1;
        for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
            if (strcmp(str, action_names[i]) == 0) {
                *(enum dom_action *)field = (enum dom_action)i;
                return 0;
            }
        return bad(c, s, "unknown action '%s' (destroy, restart, rename-restart, "
                   "preserve, coredump-destroy, coredump-restart, soft-reset)", str);
    case F_MEMORY:                          /* MiB, up to 16 TiB */
        if (get_int_range(c, s, 1, 16LL << 20, &n) != 0)
            return -1;
        *(uint64_t *)field = (uint64_t)n;
        return 0;
    case F_COUNT:                           /* vcpus: 1..4096 */
        if (get_int_range(c, s, 1, 4096, &n) != 0)
            return -1;
        *(unsigned *)field = (unsigned)n;
        return 0;
    case F_I64:
        if (get_int_range(c, s, 0, 1LL << 32, &n) != 0)
            return -1;
        *(int64_t *)field = n;
        return 0;
    }
    return -1;
}

/* --- keys with their own rules --- */

static int decode_name(struct ctx *c, struct cfg_setting *s)
{
    const char *name;
    if (get_string(c, s, &name) != 0)
        return -1;
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return bad(c, s, "a domain name must be 1 to 64 characters%s", NULL);
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (!isalnum(ch) && !strchr("-_.~+:@", ch))
            return bad(c, s, "invalid character in domain name '%s' "
                       "(use letters, digits and - _ . ~ + : @)", name);
        digits = digits && isdigit(ch);
    }
    if (digits)
        return bad(c, s, "domain name '%s' would be taken for a domain id", name);
    c->dc->name = name;
    return 0;
}

static int lookup_type(const char *t, enum dom_type *out)
{
    if (strcmp(t, "pv") == 0) *out = DOM_PV;
    else if (strcmp(t, "pvh") == 0) *out = DOM_PVH;
    else if (strcmp(t, "hvm") == 0) *out = DOM_HVM;
    else return -1;
    return 0;
}

static int decode_type(struct ctx *c, struct cfg_setting *s)
{
    const char *t;
    if (get_string(c, s, &t) != 0)
        return -1;
    if (lookup_type(t, &c->dc->type) != 0)
        return bad(c, s, "unknown guest type '%s' (pv, pvh or hvm)", t);
    return 0;
}

/* The xm-era "builder" key: only used when "type" is absent. */
static int decode_builder(struct ctx *c, struct cfg_setting *s)
{
    const char *b;
    if (get_string(c, s, &b) != 0)
        return -1;
    if (cfg_lookup(c->cfg, "type") != NULL) {
        warn(c, s, "ignored because type= is set");
        return 0;
    }
    if (strcmp(b, "generic") == 0)
        c->dc->type = DOM_PV;
    else if (strcmp(b, "hvm") == 0)
        c->dc->type = DOM_HVM;
    else
        return bad(c, s, "unknown builder '%s' (generic or hvm)", b);
    warn(c, s, "deprecated, use type=\"pv\" or type=\"hvm\"");
    return 0;
}

/* Writes the lower-case form of U to OUT (37 bytes); -1 if U is not of the
 * form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx. */
static int canonical_uuid(const char *u, char *out)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    const char *p = u;
    size_t o = 0;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++, p++) {
            if (hex_digit(*p) < 0)
                return -1;
            out[o++] = (char)tolower((unsigned char)*p);
        }
        if (g < 4) {
            if (*p++ != '-')
                return -1;
            out[o++] = '-';
        }
    }
    return *p == '\0' ? 0 : -1;
}

static int decode_uuid(struct ctx *c, struct cfg_setting *s)
{
    const char *u;
    if (get_string(c, s, &u) != 0)
        return -1;
    char *out = arena_alloc(c->arena, 37);
    if (out == NULL)
        return bad(c, s, "out of memory%s", NULL);
    if (canonical_uuid(u, out) != 0)
        return bad(c, s, "'%s' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", u);
    c->dc->uuid = out;
    return 0;
}

static int decode_cpus(struct ctx *c, struct cfg_setting *s)
{
    struct string_list l;
    if (get_string_list(c, s, &l) != 0)
        return -1;
    size_t len = 0;
    for (unsigned i = 0; i < l.n; i++) {
        if (!cpu_set_valid(l.items[i]))
            return bad(c, s, "invalid cpu set '%s' (e.g. \"all\", \"0-3,^1\")",
                       l.items[i]);
        len += strlen(l.items[i]) + 1;
    }
    if (s->value->kind != CFG_LIST) {
        c->dc->cpus = l.items[0];
        return 0;
    }
    /* A per-vcpu list is kept as "set;set;..." for printing. */
    char *joined = arena_alloc(c->arena, len + 1);
    if (joined == NULL)
        return bad(c, s, "out of memory%s", NULL);
    for (unsigned i = 0; i < l.n; i++) {
        if (i)
            strcat(joined, ";");
        strcat(joined, l.items[i]);
    }
    c->dc->cpus = joined;
    return 0;
}

static int decode_cpu_weight(struct ctx *c, struct cfg_setting *s)
{
    long long n;
    if (get_int_range(c, s, 1, 65535, &n) != 0)
        return -1;
    c->dc->cpu_weight = (int)n;
    return 0;
}

static int decode_cap(struct ctx *c, struct cfg_setting *s)
{
    long long n;
    if (get_int_range(c, s, 0, 409600, &n) != 0)
        return -1;
    c->dc->cap = (int)n;
    return 0;
}

static bool is_hvmloader(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcmp(base, "hvmloader") == 0;
}

static int decode_kernel(struct ctx *c, struct cfg_setting *s)
{
    const char *k;
    if (get_string(c, s, &k) != 0)
        return -1;
    if (k[0] == '\0')
        return bad(c, s, "empty kernel path%s", NULL);
    if (c->dc->type == DOM_HVM && is_hvmloader(k)) {
        warn(c, s, "kernel=.../hvmloader is a legacy xm form: mapped to "
             "firmware_override, the guest boots from its disks");
        c->dc->firmware_override = k;
        return 0;
    }
    c->dc->kernel = k;
    return 0;
}

static int decode_loader(struct ctx *c, struct cfg_setting *s)
{
    const char *l;
    if (get_string(c, s, &l) != 0)
        return -1;
    warn(c, s, "deprecated, mapped to firmware_override");
    if (c->dc->firmware_override == NULL)
        c->dc->firmware_override = l;
    return 0;
}

static int decode_boot(struct ctx *c, struct cfg_setting *s)
{
    const char *b;
    if (get_string(c, s, &b) != 0)
        return -1;
    size_t n = strlen(b);
    if (n == 0 || n > 4 || strspn(b, "acdn") != n)
        return bad(c, s, "boot order '%s' must be 1 to 4 of a (floppy), "
                   "c (disk), d (cdrom), n (network)", b);
    c->dc->boot = b;
    return 0;
}

/* viridian = 1, or a list of enlightenment groups. */
static int decode_viridian(struct ctx *c, struct cfg_setting *s)
{
    if (s->value->kind != CFG_LIST)
        return decode_field(c, s, F_TRI, &c->dc->viridian);
    struct string_list l;
    if (get_string_list(c, s, &l) != 0)
        return -1;
    c->dc->viridian = l.n > 0 ? TRI_TRUE : TRI_FALSE;
    return 0;
}

static int decode_dm_version(struct ctx *c, struct cfg_setting *s)
{
    const char *v;
    if (get_string(c, s, &v) != 0)
        return -1;
    /* "none": an HVM guest without a device model, as Xen 4.7 to 4.9
     * had it (removed from libxl later); its firmware runs on its own. */
    if (strcmp(v, "qemu-xen") != 0 && strcmp(v, "qemu-xen-traditional") != 0 &&
        strcmp(v, "none") != 0)
        return bad(c, s, "unknown device model '%s' (qemu-xen, "
                   "qemu-xen-traditional or none)", v);
    c->dc->device_model_version = v;
    return 0;
}

static int decode_tsc_mode(struct ctx *c, struct cfg_setting *s)
{
    static const char *const modes[] = { "default", "always_emulate", "native",
                                         "native_paravirt" };
    const char *v;
    if (get_string(c, s, &v) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(v, modes[i]) == 0) {
            c->dc->tsc_mode = v;
            return 0;
        }
    return bad(c, s, "unknown tsc_mode '%s' (default, always_emulate, native, "
               "native_paravirt)", v);
}

static int decode_device_model(struct ctx *c, struct cfg_setting *s)
{
    const char *v;
    if (get_string(c, s, &v) != 0)
        return -1;
    warn(c, s, "device_model= is a legacy xm key: mapped to "
         "device_model_override");
    c->dc->device_model_override = v;
    return 0;
}

static int list_items(struct ctx *c, struct cfg_setting *s,
                      struct string_list *l)
{
    if (s->value->kind != CFG_LIST)
        return bad(c, s, "expected a list [ '...', ... ]%s", NULL);
    return get_string_list(c, s, l);
}

/* Returns a copy in arena A of the N-item array OLD (items of SIZE bytes)
 * with a copy of ITEM appended, or NULL when out of memory. */
static void *append_item(struct arena *a, const void *old, unsigned n,
                         const void *item, size_t size)
{
    char *items = arena_alloc(a, (n + 1) * size);
    if (items == NULL)
        return NULL;
    if (n)
        memcpy(items, old, n * size);
    memcpy(items + n * size, item, size);
    return items;
}

static int add_disk(struct ctx *c, const struct disk_spec *d)
{
    struct domain_config *dc = c->dc;
    struct disk_spec *disks = append_item(c->arena, dc->disks, dc->ndisks, d,
                                          sizeof(*d));
    if (disks == NULL)
        return -1;
    dc->disks = disks;
    dc->ndisks++;
    return 0;
}

static int add_vif(struct ctx *c, const struct vif_spec *v)
{
    struct domain_config *dc = c->dc;
    struct vif_spec *vifs = append_item(c->arena, dc->vifs, dc->nvifs, v,
                                        sizeof(*v));
    if (vifs == NULL)
        return -1;
    dc->vifs = vifs;
    dc->nvifs++;
    return 0;
}

/* Decoders of one item of a device list key: each parses SPEC, adding
 * "PREFIX: reason" errors, and when KEEP appends it to the configuration.
 * Returns 0, -1 for an invalid item, or -2 when out of memory. */
typedef int device_decoder(struct ctx *c, const char *spec, const char *prefix,
                           bool keep);

static int decode_one_disk(struct ctx *c, const char *spec, const char *prefix,
                           bool keep)
{
    struct disk_spec d;
    if (disk_spec_parse(c->arena, spec, &d, c->diag, prefix) != 0)
        return -1;
    int rc = 0;
    for (unsigned j = 0; j < c->dc->ndisks; j++)
        if (strcmp(c->dc->disks[j].vdev, d.vdev) == 0) {
            diag_add(c->diag, DIAG_ERROR, "%s: vdev %s is used twice",
                     prefix, d.vdev);
            rc = -1;
        }
    if (rc == 0 && keep && add_disk(c, &d) != 0)
        return -2;
    return rc;
}

static int decode_one_vif(struct ctx *c, const char *spec, const char *prefix,
                          bool keep)
{
    struct vif_spec v;
    if (vif_spec_parse(c->arena, spec, &v, c->diag, prefix) != 0)
        return -1;
    if (keep && add_vif(c, &v) != 0)
        return -2;
    return 0;
}

/* KEY = [ 'spec', ... ]: every item is checked, so that all errors are
 * reported, but items are kept only while no error has been seen. */
static int decode_device_list(struct ctx *c, struct cfg_setting *s,
                              device_decoder *decode_one)
{
    struct string_list l;
    if (list_items(c, s, &l) != 0)
        return -1;
    int rc = 0;
    for (unsigned i = 0; i < l.n; i++) {
        char prefix[256];
        snprintf(prefix, sizeof(prefix), "%s:%d: %s", s->file,
                 s->value->items[i]->line, s->key);
        int r = decode_one(c, l.items[i], prefix, rc == 0);
        if (r == -2)
            return bad(c, s, "out of memory%s", NULL);
        if (r != 0)
            rc = -1;
    }
    return rc;
}

static int decode_disk(struct ctx *c, struct cfg_setting *s)
{
    return decode_device_list(c, s, decode_one_disk);
}

static int decode_vif(struct ctx *c, struct cfg_setting *s)
{
    return decode_device_list(c, s, decode_one_vif);
}

/* [DDDD:]BB:DD.F[@VSLOT][,options]; F may be '*' for all functions. */
static int parse_bdf(const char *s, struct pci_spec *p)
{
    unsigned v[4] = { 0 };
    int n = 0;
    const char *q = s;
    for (;;) {
        unsigned x = 0;
        int digits = 0;
        while (hex_digit(*q) >= 0 && digits < 4) {
            x = x * 16 + (unsigned)hex_digit(*q++);
            digits++;
        }
        if (digits == 0 || n == 3)
            return -1;
        v[n++] = x;
        if (*q != ':')
            break;
        q++;
    }
    if (*q++ != '.')
        return -1;
    if (n == 2) {                   /* BB:DD */
        p->domain = 0;
        p->bus = v[0];
        p->dev = v[1];
    } else if (n == 3) {
        p->domain = v[0];
        p->bus = v[1];
        p->dev = v[2];
    } else {
        return -1;
    }
    if (*q == '*') {
        p->all_functions = true;
        q++;
    } else if (*q >= '0' && *q <= '7') {
        p->func = (unsigned)(*q++ - '0');
    } else {
        return -1;
    }
    if (p->bus > 0xff || p->dev > 0x1f)
        return -1;
    if (*q == '@') {
        q++;
        if (hex_digit(*q) < 0)
            return -1;
        while (hex_digit(*q) >= 0)
            q++;
    }
    if (*q != '\0' && *q != ',')
        return -1;
    p->options = q;
    return 0;
}

static int decode_pci(struct ctx *c, struct cfg_setting *s)
{
    struct string_list l;
    if (list_items(c, s, &l) != 0)
        return -1;
    struct pci_spec *pcis = arena_alloc(c->arena, (l.n + 1) * sizeof(*pcis));
    if (pcis == NULL)
        return bad(c, s, "out of memory%s", NULL);
    for (unsigned i = 0; i < l.n; i++)
        if (parse_bdf(l.items[i], &pcis[i]) != 0)
            return bad(c, s, "'%s' is not a PCI device ([DDDD:]BB:DD.F)",
                       l.items[i]);
    c->dc->pcis = pcis;
    c->dc->npcis = l.n;
    return 0;
}

/* xm's cdrom="PATH": an IDE cdrom drive hdc. */
static int decode_legacy_cdrom(struct ctx *c, struct cfg_setting *s)
{
    const char *path;
    if (get_string(c, s, &path) != 0)
        return -1;
    warn(c, s, "deprecated xm key: mapped to disk entry \"PATH,hdc:cdrom,r\"");
    for (unsigned j = 0; j < c->dc->ndisks; j++)
        if (strcmp(c->dc->disks[j].vdev, "hdc") == 0)
            return bad(c, s, "vdev hdc is already used by disk=%s", NULL);
    struct disk_spec d = {
        .target = path, .format = path[0] ? FMT_RAW : FMT_EMPTY,
        .vdev = "hdc", .cdrom = true, .discard = -1, .trusted = -1,
    };
    return add_disk(c, &d) == 0 ? 0 : bad(c, s, "out of memory%s", NULL);
}

/* xm's nics=N: at least N network interfaces. */
static int decode_legacy_nics(struct ctx *c, struct cfg_setting *s)
{
    long long n;
    if (get_int_range(c, s, 0, 64, &n) != 0)
        return -1;
    warn(c, s, "deprecated xm key: vif= decides the interfaces; "
         "missing ones are added with default settings");
    while (c->dc->nvifs < (unsigned)n) {
        struct vif_spec v = { .devid = -1, .trusted = -1 };
        if (add_vif(c, &v) != 0)
            return bad(c, s, "out of memory%s", NULL);
    }
    return 0;
}

/* --- the key table, in decoding order --- */

#define FIELD(key, kind, member) \
    { key, kind, offsetof(struct domain_config, member), NULL }
#define CUSTOM(key, fn) { key, F_STRING, 0, fn }

static const struct key_decoder {
    const char *key;
    enum field kind;
    size_t offset;
    int (*decode)(struct ctx *c, struct cfg_setting *s);
} keys[] = {
    CUSTOM("type", decode_type),
    CUSTOM("builder", decode_builder),
    CUSTOM("name", decode_name),
    CUSTOM("uuid", decode_uuid),
    FIELD("memory", F_MEMORY, memory_mb),
    FIELD("maxmem", F_MEMORY, maxmem_mb),
    FIELD("vcpus", F_COUNT, vcpus),
    FIELD("maxvcpus", F_COUNT, maxvcpus),
    CUSTOM("cpus", decode_cpus),
    CUSTOM("cpu_weight", decode_cpu_weight),
    CUSTOM("cap", decode_cap),
    CUSTOM("kernel", decode_kernel),
    FIELD("ramdisk", F_STRING, ramdisk),
    FIELD("cmdline", F_STRING, cmdline),
    FIELD("root", F_STRING, root),
    FIELD("extra", F_STRING, extra),
    FIELD("bootloader", F_STRING, bootloader),
    FIELD("bootloader_args", F_STRING_LIST, bootloader_args),
    FIELD("firmware", F_STRING, firmware),
    FIELD("firmware_override", F_STRING, firmware_override),
    CUSTOM("loader", decode_loader),
    FIELD("hap", F_TRI, hap),
    CUSTOM("viridian", decode_viridian),
    FIELD("nestedhvm", F_TRI, nestedhvm),
    FIELD("max_event_channels", F_I64, max_event_channels),
    FIELD("max_grant_frames", F_I64, max_grant_frames),
    FIELD("driver_domain", F_TRI, driver_domain),
    FIELD("on_poweroff", F_ACTION, on_poweroff),
    FIELD("on_reboot", F_ACTION, on_reboot),
    FIELD("on_crash", F_ACTION, on_crash),
    FIELD("on_watchdog", F_ACTION, on_watchdog),
    CUSTOM("boot", decode_boot),
    FIELD("acpi", F_TRI, acpi),
    FIELD("serial", F_STRING_LIST, serial),
    FIELD("vnc", F_TRI, vnc),
    FIELD("vnclisten", F_STRING, vnclisten),
    FIELD("vncpasswd", F_STRING, vncpasswd),
    FIELD("sdl", F_TRI, sdl),
    FIELD("usb", F_TRI, usb),
    FIELD("usbdevice", F_STRING_LIST, usbdevice),
    CUSTOM("device_model_version", decode_dm_version),
    FIELD("device_model_stubdomain_override", F_TRI, device_model_stubdomain),
    CUSTOM("device_model", decode_device_model),
    FIELD("hostname", F_STRING, hostname),
    CUSTOM("tsc_mode", decode_tsc_mode),
    CUSTOM("disk", decode_disk),
    CUSTOM("cdrom", decode_legacy_cdrom),
    CUSTOM("vif", decode_vif),
    CUSTOM("nics", decode_legacy_nics),
    CUSTOM("pci", decode_pci),
};

static int check_whole(struct ctx *c)
{
    struct domain_config *dc = c->dc;
    int rc = 0;
    if (dc->name == NULL) {
        diag_add(c->diag, DIAG_ERROR, "%s: name: a domain name must be "
                 "specified", c->main_file);
        rc = -1;
    }
    if (dc->maxmem_mb == 0)
        dc->maxmem_mb = dc->memory_mb;
    if (dc->maxmem_mb < dc->memory_mb) {
        struct cfg_setting *s = cfg_lookup(c->cfg, "maxmem");
        rc = bad(c, s, "maxmem must not be less than memory%s", NULL);
    }
    if (dc->maxvcpus == 0)
        dc->maxvcpus = dc->vcpus;
    if (dc->vcpus > dc->maxvcpus) {
        struct cfg_setting *s = cfg_lookup(c->cfg, "vcpus");
        rc = bad(c, s, "vcpus must not exceed maxvcpus%s", NULL);
    }
    if (dc->type == DOM_PV && dc->kernel == NULL && dc->bootloader == NULL) {
        diag_add(c->diag, DIAG_ERROR, "%s: kernel: a pv guest needs kernel= "
                 "or bootloader=", c->main_file);
        rc = -1;
    }
    /* Xen 4.7 to 4.9 booted a PVH kernel as an HVM guest without a device
     * model (builder="hvm", device_model_version="none", kernel=): the
     * form type="pvh" replaced. */
    if (dc->type == DOM_HVM && dc->kernel != NULL && dc->device_model_version != NULL &&
        strcmp(dc->device_model_version, "none") == 0) {
        warn(c, cfg_lookup(c->cfg, "device_model_version"), "with kernel= this is Xen 4.9's "
             "form of a PVH guest: mapped to type=\"pvh\"");
        dc->type = DOM_PVH;
    }
    if (dc->type == DOM_PVH && dc->kernel == NULL && dc->firmware == NULL) {
        diag_add(c->diag, DIAG_ERROR, "%s: kernel: a pvh guest needs kernel= "
                 "or firmware=", c->main_file);
        rc = -1;
    }
    if (dc->cmdline != NULL && (dc->root != NULL || dc->extra != NULL)) {
        struct cfg_setting *s = cfg_lookup(c->cfg, "cmdline");
        warn(c, s, "root= and extra= are ignored because cmdline= is set");
    } else if (dc->root != NULL || dc->extra != NULL) {
        /* xl builds "root=ROOT EXTRA" */
        const char *root = dc->root ? dc->root : "", *extra = dc->extra ? dc->extra : "";
        size_t n = strlen(root) + strlen(extra) + 8;
        char *cmd = arena_alloc(c->arena, n);
        if (cmd == NULL)
            return -1;
        if (dc->root != NULL)
            snprintf(cmd, n, "root=%s%s%s", root, dc->extra ? " " : "", extra);
        else
            snprintf(cmd, n, "%s", extra);
        dc->cmdline = cmd;
    }
    /* Interfaces without devid= are numbered after the explicit ones. */
    int next = 0;
    for (unsigned i = 0; i < dc->nvifs; i++)
        if (dc->vifs[i].devid >= next)
            next = dc->vifs[i].devid + 1;
    for (unsigned i = 0; i < dc->nvifs; i++) {
        if (dc->vifs[i].devid < 0)
            dc->vifs[i].devid = next++;
        for (unsigned j = 0; j < i; j++)
            if (dc->vifs[j].devid == dc->vifs[i].devid) {
                struct cfg_setting *s = cfg_lookup(c->cfg, "vif");
                char id[16];
                snprintf(id, sizeof(id), "%d", dc->vifs[i].devid);
                rc = bad(c, s, "devid %s is used twice", id);
            }
    }
    return rc;
}

int domcfg_decode(struct cfg *cfg, struct domain_config *out, struct diag *d)
{
    struct domain_config dc = {
        .type = DOM_PV, .memory_mb = 128, .vcpus = 1, .cpu_weight = -1,
        .cap = -1, .hap = TRI_UNSET, .viridian = TRI_UNSET,
        .nestedhvm = TRI_UNSET, .acpi = TRI_UNSET, .vnc = TRI_UNSET,
        .sdl = TRI_UNSET, .usb = TRI_UNSET, .driver_domain = TRI_UNSET,
        .device_model_stubdomain = TRI_UNSET, .max_event_channels = -1,
        .max_grant_frames = -1, .on_poweroff = ACT_DESTROY,
        .on_reboot = ACT_RESTART, .on_crash = ACT_DESTROY,
        .on_watchdog = ACT_DESTROY,
    };
    struct ctx c = {
        .cfg = cfg, .arena = cfg->arena, .dc = &dc, .diag = d,
        .main_file = cfg->first ? cfg->first->file : "config",
    };
    int errors_before = d->errors;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct cfg_setting *s = cfg_lookup(cfg, keys[i].key);
        for (struct cfg_setting *t = cfg->first; t != NULL; t = t->next)
            if (strcmp(t->key, keys[i].key) == 0)
                t->used = true;
        if (s == NULL)
            continue;
        if (keys[i].decode != NULL)
            keys[i].decode(&c, s);
        else
            decode_field(&c, s, keys[i].kind, (char *)&dc + keys[i].offset);
    }
    for (struct cfg_setting *t = cfg->first; t != NULL; t = t->next)
        if (!t->used)
            warn(&c, t, "unknown key, ignored");
    if (d->errors == errors_before)
        check_whole(&c);
    if (d->errors != errors_before)
        return -1;
    *out = dc;
    return 0;
}
