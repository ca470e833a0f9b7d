/* Unit tests of the xl.cfg parser, the domain config decoder, the disk and
 * vif spec parsers and the JSON output (TAP). */
#include "../cfg/domcfg_json.h"
#include "../cfg/load.h"
#include "tap.h"

struct result {
    struct arena arena;
    struct diag diag;
    struct domain_config dc;
    int rc;
    char msgs[4096];        /* every diagnostic, one per line */
    char *json;
};

static void load(struct result *r, const char *text, char **over, int nover)
{
    memset(r, 0, sizeof(*r));
    diag_init(&r->diag, &r->arena);
    r->rc = domcfg_load(&r->arena, "t.cfg", text, over, nover, &r->dc, &r->diag);
    for (struct diag_msg *m = r->diag.first; m; m = m->next) {
        strncat(r->msgs, m->level == DIAG_WARNING ? "W " : "E ",
                sizeof(r->msgs) - strlen(r->msgs) - 1);
        strncat(r->msgs, m->text, sizeof(r->msgs) - strlen(r->msgs) - 1);
        strncat(r->msgs, "\n", sizeof(r->msgs) - strlen(r->msgs) - 1);
    }
    if (r->rc == 0) {
        struct json j;
        json_init(&j);
        domcfg_to_json(&r->dc, NULL, &j);
        r->json = strdup(json_text(&j));
        json_free(&j);
    }
}

static void done(struct result *r)
{
    free(r->json);
    arena_free(&r->arena);
}

#define PV "name=\"g\"\nkernel=\"/k\"\n"

/* The config must load; the JSON must contain every "needle". */
static void expect_json(const char *what, const char *text, const char *const *needles)
{
    struct result r;
    load(&r, text, NULL, 0);
    bool ok = r.rc == 0 && r.diag.errors == 0;
    for (int i = 0; ok && needles[i]; i++)
        if (strstr(r.json, needles[i]) == NULL) {
            fprintf(stderr, "%s: missing %s in\n%s", what, needles[i], r.json);
            ok = false;
        }
    if (r.rc != 0)
        fprintf(stderr, "%s: %s", what, r.msgs);
    tap_check(ok, "%s", what);
    done(&r);
}
#define JSON(what, text, ...) \
    expect_json(what, text, (const char *const[]){ __VA_ARGS__, NULL })

/* The config must fail with exactly this first error line. */
static void expect_error(const char *what, const char *text, const char *error)
{
    struct result r;
    load(&r, text, NULL, 0);
    char want[512];
    snprintf(want, sizeof(want), "E %s\n", error);
    bool ok = r.rc != 0 && strstr(r.msgs, want) != NULL;
    if (!ok)
        fprintf(stderr, "%s: want %s got rc=%d\n%s", what, want, r.rc, r.msgs);
    tap_check(ok, "error: %s", what);
    done(&r);
}

/* Loads (rc 0) and warns with a message containing NEEDLE. */
static void expect_warning(const char *what, const char *text, const char *needle)
{
    struct result r;
    load(&r, text, NULL, 0);
    bool ok = r.rc == 0 && strstr(r.msgs, needle) != NULL && strncmp(r.msgs, "W ", 2) == 0;
    if (!ok)
        fprintf(stderr, "%s: want warning %s got rc=%d\n%s", what, needle, r.rc, r.msgs);
    tap_check(ok, "warning: %s", what);
    done(&r);
}

static void syntax(void)
{
    JSON("integers, hex", PV "memory = 0x200\nvcpus=2", "\"target_memkb\": 524288",
         "\"max_vcpus\": 2");
    JSON("double and single quotes", "name='a.b~c-d'\nkernel=\"/k k\"",
         "\"name\": \"a.b~c-d\"", "\"kernel\": \"/k k\"");
    JSON("escapes in strings", PV "cmdline=\"a\\\"b\\\\c\\tq\\x41\\101\"",
         "\"cmdline\": \"a\\\"b\\\\c\\u0009qAA\"");
    JSON("comments and blank lines", "# header\n\n" PV "memory=64 # trailing\n",
         "\"target_memkb\": 65536");
    JSON("lists over lines, trailing comma", PV "disk = [\n 'xvda.img,raw,xvda,w', # one\n"
         " '/b,,xvdb',\n]\n", "\"vdev\": \"xvda\"", "\"vdev\": \"xvdb\"");
    JSON("backslash continuation", PV "memory = \\\n  256", "\"target_memkb\": 262144");
    JSON("semicolons separate", "name=\"g\"; kernel=\"/k\"; memory=32",
         "\"target_memkb\": 32768");
    JSON("last assignment wins", PV "memory=64\nmemory=96", "\"target_memkb\": 98304");
    JSON("+= appends to strings", PV "extra=\"a\"\nextra+=\" b\"", "\"cmdline\": \"a b\"");
    JSON("+= appends to lists", PV "vif=['mac=00:16:3e:00:00:01']\nvif+=['bridge=br1']",
         "\"devid\": 1", "\"bridge\": \"br1\"");
    JSON("true/false booleans", "type=\"hvm\"\nname=\"h\"\nacpi=true\nvnc=false",
         "\"acpi\": \"True\"", "\"enable\": \"False\"");
    JSON("numbers in quotes are numbers", PV "memory='128'", "\"target_memkb\": 131072");
    JSON("CRLF line ends", "name=\"g\"\r\nkernel=\"/k\"\r\nmemory=64\r\n",
         "\"target_memkb\": 65536");

    expect_error("unterminated string", PV "extra=\"abc\n", "t.cfg:3: syntax error: unterminated string");
    expect_error("missing =", PV "memory 64", "t.cfg:3: syntax error: expected '=' after key");
    expect_error("unclosed list", PV "disk=['a,,xvda',\n", "t.cfg:3: syntax error: list opened here is not closed");
    expect_error("bare word", PV "type=pvh", "t.cfg:3: syntax error: 'pvh' is not a number (quote strings)");
    expect_error("junk after value", PV "memory=64 64", "t.cfg:3: syntax error: unexpected text after value");
    expect_error("+= type mismatch", PV "extra=\"a\"\nextra+=['b']", "t.cfg:4: extra: += needs two strings or two lists");
    expect_error("key must start a statement", "=3", "t.cfg:1: syntax error: expected KEY = VALUE");
    expect_error("empty file", "# nothing\n", "t.cfg: the configuration is empty");
}

static void keys(void)
{
    JSON("name", PV, "\"name\": \"g\"");
    JSON("type pv (default)", PV, "\"type\": \"pv\"", "\"type.pv\"");
    JSON("type pvh", PV "type=\"pvh\"", "\"type\": \"pvh\"", "\"type.pvh\"");
    JSON("type hvm", "type=\"hvm\"\nname=\"h\"", "\"type\": \"hvm\"", "\"type.hvm\"");
    JSON("memory", PV "memory=512", "\"target_memkb\": 524288", "\"max_memkb\": 524288");
    JSON("maxmem", PV "memory=512\nmaxmem=1024", "\"max_memkb\": 1048576");
    JSON("vcpus", PV "vcpus=3", "\"avail_vcpus\": [\n            0,\n            1,\n            2\n        ]");
    JSON("maxvcpus", PV "vcpus=2\nmaxvcpus=4", "\"max_vcpus\": 4");
    JSON("cpus string", PV "cpus=\"0-3,^1\"", "\"vcpu_hard_affinity\": \"0-3,^1\"");
    JSON("cpus list", PV "cpus=[\"2\", \"3\"]", "\"vcpu_hard_affinity\": \"2;3\"");
    JSON("cpu_weight", PV "cpu_weight=512", "\"weight\": 512");
    JSON("cap", PV "cap=50", "\"cap\": 50");
    JSON("kernel", PV, "\"kernel\": \"/k\"");
    JSON("ramdisk", PV "ramdisk=\"/i\"", "\"ramdisk\": \"/i\"");
    JSON("cmdline", PV "cmdline=\"console=hvc0\"", "\"cmdline\": \"console=hvc0\"");
    JSON("root", PV "root=\"/dev/xvda1 ro\"", "\"cmdline\": \"root=/dev/xvda1 ro\"");
    JSON("extra", PV "extra=\"quiet\"", "\"cmdline\": \"quiet\"");
    JSON("root + extra", PV "root=\"/dev/xvda1\"\nextra=\"quiet\"",
         "\"cmdline\": \"root=/dev/xvda1 quiet\"");
    JSON("bootloader", "name=\"g\"\nbootloader=\"pygrub\"", "\"bootloader\": \"pygrub\"");
    JSON("bootloader_args list", "name=\"g\"\nbootloader=\"pygrub\"\nbootloader_args=[\"-q\",\"--x\"]",
         "\"bootloader_args\": [\n                \"-q\",\n                \"--x\"\n            ]");
    JSON("bootloader_args string", "name=\"g\"\nbootloader=\"pygrub\"\nbootloader_args=\"-q\"",
         "\"bootloader_args\": [\n                \"-q\"");
    JSON("firmware hvm", "type=\"hvm\"\nname=\"h\"\nfirmware=\"ovmf\"", "\"firmware\": \"ovmf\"");
    JSON("firmware pvh without kernel", "type=\"pvh\"\nname=\"h\"\nfirmware=\"/grub.bin\"",
         "\"firmware\": \"/grub.bin\"");
    JSON("firmware_override", "type=\"hvm\"\nname=\"h\"\nfirmware_override=\"/fw\"",
         "\"firmware_override\": \"/fw\"");
    JSON("uuid", PV "uuid=\"69F2D8A0-7b8a-4e65-86f1-3dda5fb100f0\"",
         "\"uuid\": \"69f2d8a0-7b8a-4e65-86f1-3dda5fb100f0\"");
    JSON("hap", "type=\"hvm\"\nname=\"h\"\nhap=0", "\"hap\": \"False\"");
    JSON("viridian bool", "type=\"hvm\"\nname=\"h\"\nviridian=1", "\"viridian\": \"True\"");
    JSON("viridian groups", "type=\"hvm\"\nname=\"h\"\nviridian=[\"base\",\"freq\"]",
         "\"viridian\": \"True\"");
    JSON("nestedhvm", "type=\"hvm\"\nname=\"h\"\nnestedhvm=1", "\"nested_hvm\": \"True\"");
    JSON("max_event_channels", PV "max_event_channels=2047", "\"event_channels\": 2047");
    JSON("max_grant_frames", PV "max_grant_frames=64", "\"max_grant_frames\": 64");
    JSON("driver_domain", PV "driver_domain=1", "\"driver_domain\": \"True\"");
    JSON("on_poweroff", PV "on_poweroff=\"preserve\"", "\"on_poweroff\": \"preserve\"");
    JSON("on_reboot", PV "on_reboot=\"destroy\"", "\"on_reboot\": \"destroy\"");
    JSON("on_crash", PV "on_crash=\"coredump-restart\"", "\"on_crash\": \"coredump-restart\"");
    JSON("on_watchdog", PV "on_watchdog=\"rename-restart\"", "\"on_watchdog\": \"rename-restart\"");
    JSON("actions default", PV, "\"on_poweroff\": \"destroy\"", "\"on_reboot\": \"restart\"",
         "\"on_crash\": \"destroy\"");
    JSON("boot", "type=\"hvm\"\nname=\"h\"\nboot=\"dc\"", "\"boot\": \"dc\"");
    JSON("acpi", "type=\"hvm\"\nname=\"h\"\nacpi=1", "\"acpi\": \"True\"");
    JSON("serial string", "type=\"hvm\"\nname=\"h\"\nserial='pty'",
         "\"serial_list\": [\n                \"pty\"");
    JSON("serial list", "type=\"hvm\"\nname=\"h\"\nserial=['pty','file:/tmp/s']",
         "\"file:/tmp/s\"");
    JSON("vnc, vnclisten, vncpasswd", "type=\"hvm\"\nname=\"h\"\nvnc=1\nvnclisten=\"0.0.0.0\"\nvncpasswd=\"pw\"",
         "\"enable\": \"True\"", "\"listen\": \"0.0.0.0\"", "\"passwd\": \"pw\"");
    JSON("sdl", "type=\"hvm\"\nname=\"h\"\nsdl=1", "\"sdl\": {\n                \"enable\": \"True\"");
    JSON("usb", "type=\"hvm\"\nname=\"h\"\nusb=1", "\"usb\": \"True\"");
    JSON("usbdevice", "type=\"hvm\"\nname=\"h\"\nusbdevice=\"tablet\"",
         "\"usbdevice_list\": [\n                \"tablet\"");
    JSON("device_model_version", "type=\"hvm\"\nname=\"h\"\ndevice_model_version=\"qemu-xen\"",
         "\"device_model_version\": \"qemu_xen\"");
    JSON("device_model_version traditional",
         "type=\"hvm\"\nname=\"h\"\ndevice_model_version=\"qemu-xen-traditional\"",
         "\"device_model_version\": \"qemu_xen_traditional\"");
    expect_warning("builder=hvm, device_model_version=none and kernel= (Xen 4.9's PVH)",
                   "builder=\"hvm\"\nname=\"h\"\ndevice_model_version=\"none\"\nkernel=\"/vmlinuz\"",
                   "t.cfg:3: device_model_version: with kernel= this is Xen 4.9's form of a PVH "
                   "guest: mapped to type=\"pvh\"");
    JSON("Xen 4.9's PVH form becomes type pvh",
         "builder=\"hvm\"\nname=\"h\"\ndevice_model_version=\"none\"\nkernel=\"/vmlinuz\"",
         "\"type\": \"pvh\"");
    JSON("device_model_version none", "type=\"hvm\"\nname=\"h\"\ndevice_model_version=\"none\"",
         "\"device_model_version\": \"none\"");
    JSON("device_model_stubdomain_override", "type=\"hvm\"\nname=\"h\"\ndevice_model_stubdomain_override=1",
         "\"device_model_stubdomain\": \"True\"");
    JSON("pci", PV "pci=['0000:03:00.0', '04:00.1,permissive=1', '05:00.*']",
         "\"bus\": 3", "\"func\": 1", "\"options\": \"permissive=1\"", "\"bus\": 5");
    JSON("hostname", PV "hostname=\"web1\"", "\"hostname\": \"web1\"");
    JSON("command line override", PV "memory=64", "\"target_memkb\": 65536");

    expect_error("memory not a number", PV "memory=\"lots\"", "t.cfg:3: memory: 'lots' is not a number");
    expect_error("memory zero", PV "memory=0", "t.cfg:3: memory: 0 is out of range (1..16777216)");
    expect_error("maxmem below memory", PV "memory=512\nmaxmem=256", "t.cfg:4: maxmem: maxmem must not be less than memory");
    expect_error("vcpus above maxvcpus", PV "vcpus=4\nmaxvcpus=2", "t.cfg:3: vcpus: vcpus must not exceed maxvcpus");
    expect_error("unknown type", PV "type=\"xen\"", "t.cfg:3: type: unknown guest type 'xen' (pv, pvh or hvm)");
    expect_error("bad uuid", PV "uuid=\"1234\"", "t.cfg:3: uuid: '1234' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    expect_error("bad action", PV "on_crash=\"explode\"", "t.cfg:3: on_crash: unknown action 'explode' (destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset)");
    expect_error("bad boot", "type=\"hvm\"\nname=\"h\"\nboot=\"x\"", "t.cfg:3: boot: boot order 'x' must be 1 to 4 of a (floppy), c (disk), d (cdrom), n (network)");
    expect_error("bad bool", PV "acpi=\"maybe\"", "t.cfg:3: acpi: expected a boolean (0 or 1), got 'maybe'");
    expect_error("bad cpus", PV "cpus=\"3-1\"", "t.cfg:3: cpus: invalid cpu set '3-1' (e.g. \"all\", \"0-3,^1\")");
    expect_error("cpu_weight range", PV "cpu_weight=0", "t.cfg:3: cpu_weight: 0 is out of range (1..65535)");
    expect_error("bad pci", PV "pci=['zz:00.0']", "t.cfg:3: pci: 'zz:00.0' is not a PCI device ([DDDD:]BB:DD.F)");
    expect_error("bad device model", "type=\"hvm\"\nname=\"h\"\ndevice_model_version=\"bochs\"", "t.cfg:3: device_model_version: unknown device model 'bochs' (qemu-xen, qemu-xen-traditional or none)");
    expect_error("name missing", "kernel=\"/k\"", "t.cfg: name: a domain name must be specified");
    expect_error("name with slash", "name=\"a/b\"\nkernel=\"/k\"", "t.cfg:1: name: invalid character in domain name 'a/b' (use letters, digits and - _ . ~ + : @)");
    expect_error("numeric name", "name=\"42\"\nkernel=\"/k\"", "t.cfg:1: name: domain name '42' would be taken for a domain id");
    expect_error("pv without kernel", "name=\"g\"", "t.cfg: kernel: a pv guest needs kernel= or bootloader=");
    expect_error("pvh without kernel", "name=\"g\"\ntype=\"pvh\"", "t.cfg: kernel: a pvh guest needs kernel= or firmware=");
    expect_error("disk not a list", PV "disk='a,,xvda'", "t.cfg:3: disk: expected a list [ '...', ... ]");
    expect_error("string expected", PV "ramdisk=['a']", "t.cfg:3: ramdisk: expected a string, not a list");
    expect_error("duplicate vdev", PV "disk=['a,,xvda','b,,xvda']", "t.cfg:3: disk: vdev xvda is used twice");
    expect_error("duplicate devid", PV "vif=['devid=1','devid=1']", "t.cfg:3: vif: devid 1 is used twice");
    expect_warning("unknown key warns", PV "pae=1", "t.cfg:3: pae: unknown key, ignored");
    JSON("tsc_mode", PV "tsc_mode=\"native\"", "\"tsc_mode\": \"native\"");
    expect_error("bad tsc_mode", PV "tsc_mode=\"fast\"", "t.cfg:3: tsc_mode: unknown tsc_mode 'fast' (default, always_emulate, native, native_paravirt)");
    expect_warning("cmdline beats root/extra", PV "cmdline=\"a\"\nroot=\"/dev/b\"", "t.cfg:3: cmdline: root= and extra= are ignored because cmdline= is set");

    /* several errors are all reported, and nothing is produced */
    struct result r;
    load(&r, PV "memory=\"x\"\nvcpus=0\n", NULL, 0);
    tap_check(r.rc != 0 && r.diag.errors == 2, "every invalid key is reported (%d errors)", r.diag.errors);
    done(&r);

    char *over[] = { "memory=64", "name=\"other\"" };
    load(&r, PV "memory=512", over, 2);
    tap_check(r.rc == 0 && r.dc.memory_mb == 64 && strcmp(r.dc.name, "other") == 0,
              "KEY=VALUE overrides win over the file");
    done(&r);
    char *bad[] = { "memory" };
    load(&r, PV, bad, 1);
    tap_check(r.rc != 0 && strstr(r.msgs, "E <command line>: 'memory' is not KEY=VALUE"),
              "override without = is refused");
    done(&r);
    char *badval[] = { "memory=\"x\"" };
    load(&r, PV, badval, 1);
    tap_check(r.rc != 0 && strstr(r.msgs, "E <command line>:1: memory: 'x' is not a number"),
              "override errors name <command line>");
    done(&r);
}

struct disk_case {
    const char *spec;
    const char *target, *format, *vdev;
    int rw, cdrom;
    const char *backendtype, *script, *backend;
    int discard, trusted;
};

static void disks(void)
{
    static const struct disk_case cases[] = {
        { "/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "raw", "hda", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "raw", "hda", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", "/dev/vg/guest-volume", "raw", "hda", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", "raw", "hda", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/root/image.iso,,hdc,cdrom", "/root/image.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "/root/image.iso,,hdc,,cdrom", "/root/image.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso", "/root/image.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "phy:/dev/vg0/debian1,xvda1,w", "/dev/vg0/debian1", "raw", "xvda1", 1, 0, "phy", NULL, NULL, -1, -1 },
        { "file:/srv/swap.img,xvda2,w", "/srv/swap.img", "raw", "xvda2", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "file:/root/windows.iso,hdc:cdrom,r", "/root/windows.iso", "raw", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "tap:aio:/img,xvdb,w", "/img", "raw", "xvdb", 1, 0, "tap", NULL, NULL, -1, -1 },
        { "tap:qcow2:/img.qcow2,xvdc,r", "/img.qcow2", "qcow2", "xvdc", 0, 0, "tap", NULL, NULL, -1, -1 },
        { "qcow2:/img.qcow2,xvdd,w", "/img.qcow2", "qcow2", "xvdd", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,qcow2,xvde", "/img", "qcow2", "xvde", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,vhd,xvdf,r", "/img", "vhd", "xvdf", 0, 0, "unknown", NULL, NULL, -1, -1 },
        { "drbd:res0,xvda,w", "res0", "raw", "xvda", 1, 0, "unknown", "block-drbd", NULL, -1, -1 },
        { "vdev=xvdb, backend=stor1, backendtype=qdisk, script=block-iscsi, discard, untrusted, target=iqn.2001-05.com.x:a,b",
          "iqn.2001-05.com.x:a,b", "raw", "xvdb", 1, 0, "qdisk", "block-iscsi", "stor1", 1, 0 },
        { "/img,,xvda,w,no-discard,trusted", "/img", "raw", "xvda", 1, 0, "unknown", NULL, NULL, 0, 1 },
        { ",,hdc,cdrom", "", "empty", "hdc", 0, 1, "unknown", NULL, NULL, -1, -1 },
        { "/img,xvda,w", "/img", "raw", "xvda", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,,xvdaa", "/img", "raw", "xvdaa", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,,sdb3", "/img", "raw", "sdb3", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,,d0p1", "/img", "raw", "d0p1", 1, 0, "unknown", NULL, NULL, -1, -1 },
        { "/img,,51712", "/img", "raw", "51712", 1, 0, "unknown", NULL, NULL, -1, -1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct disk_case *c = &cases[i];
        struct arena a = { 0 };
        struct diag d;
        struct disk_spec s;
        diag_init(&d, &a);
        int rc = disk_spec_parse(&a, c->spec, &s, &d, "disk");
        bool ok = rc == 0 && strcmp(s.target, c->target) == 0 &&
                  strcmp(disk_format_name(s.format), c->format) == 0 &&
                  strcmp(s.vdev, c->vdev) == 0 && s.readwrite == c->rw &&
                  s.cdrom == c->cdrom &&
                  strcmp(disk_backend_name(s.backendtype), c->backendtype) == 0 &&
                  (c->script ? s.script && strcmp(s.script, c->script) == 0 : !s.script) &&
                  (c->backend ? s.backend && strcmp(s.backend, c->backend) == 0 : !s.backend) &&
                  s.discard == c->discard && s.trusted == c->trusted;
        if (!ok && rc == 0)
            fprintf(stderr, "disk '%s': target=%s format=%s vdev=%s rw=%d cdrom=%d bt=%s\n",
                    c->spec, s.target, disk_format_name(s.format), s.vdev,
                    s.readwrite, s.cdrom, disk_backend_name(s.backendtype));
        else if (!ok)
            fprintf(stderr, "disk '%s': %s\n", c->spec, d.first ? d.first->text : "?");
        tap_check(ok, "disk spec '%s'", c->spec);
        arena_free(&a);
    }

    static const char *const bad[][2] = {
        { "/img,raw,xvda,w,extra", "disk: too many positional parameters at 'extra'" },
        { "/img,,xvda,x", "disk: invalid access mode (use r, ro, w or rw) 'x'" },
        { "/img,zip,xvda", "disk: unknown disk format 'zip'" },
        { "/img", "disk: no virtual device (vdev) given" },
        { "vdev=xvda", "disk: no target (backing device or file) given" },
        { "/img,,floppy0", "disk: invalid virtual device name 'floppy0'" },
        { "/img,,hdc:tape", "disk: unknown device type suffix in vdev 'hdc:tape'" },
        { "/img,,xvda,w,devtype=cdrom", "disk: a cdrom cannot be writable" },
        { "/img,,xvda,colour=red", "disk: unknown disk parameter 'colour'" },
        { "/img,,xvda,backendtype=nbd", "disk: unknown backendtype 'nbd'" },
        { "/img,,xvda,vdev=xvdb", "disk: parameter given twice 'xvdb'" },
        { "/img,,xvda,discard=maybe", "disk: expected a boolean for 'discard'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena a = { 0 };
        struct diag d;
        struct disk_spec s;
        diag_init(&d, &a);
        int rc = disk_spec_parse(&a, bad[i][0], &s, &d, "disk");
        bool ok = rc != 0 && d.first && strcmp(d.first->text, bad[i][1]) == 0;
        if (!ok)
            fprintf(stderr, "disk '%s': got %s\n", bad[i][0], d.first ? d.first->text : "success");
        tap_check(ok, "disk spec '%s' is refused", bad[i][0]);
        arena_free(&a);
    }
}

static void vifs(void)
{
    struct arena a = { 0 };
    struct diag d;
    struct vif_spec v;
    diag_init(&d, &a);
    int rc = vif_spec_parse(&a, "mac=00:16:3E:12:23:34, bridge=xenbr0, ip=10.0.0.2 10.0.0.3/24, "
                            "model=e1000, type=vif, vifname=web0, script=vif-route, backend=net1, "
                            "rate=10Mb/s@20ms, devid=3, mtu=9000, gatewaydev=eth0, trusted",
                            &v, &d, "vif");
    tap_check(rc == 0 && strcmp(v.mac, "00:16:3e:12:23:34") == 0 &&
              strcmp(v.bridge, "xenbr0") == 0 && strcmp(v.ip, "10.0.0.2 10.0.0.3/24") == 0 &&
              strcmp(v.model, "e1000") == 0 && !v.ioemu && strcmp(v.vifname, "web0") == 0 &&
              strcmp(v.script, "vif-route") == 0 && strcmp(v.backend, "net1") == 0 &&
              v.devid == 3 && v.mtu == 9000 && strcmp(v.gatewaydev, "eth0") == 0 &&
              v.trusted == 1 && v.rate_interval_usecs == 20000 &&
              v.rate_bytes_per_interval == 25000, "vif with every key");
    rc = vif_spec_parse(&a, "", &v, &d, "vif");
    tap_check(rc == 0 && v.devid == -1 && v.mac == NULL, "empty vif spec is a default vif");
    rc = vif_spec_parse(&a, "rate=1MB/s, untrusted", &v, &d, "vif");
    tap_check(rc == 0 && v.rate_bytes_per_interval == 50000 && v.rate_interval_usecs == 50000 &&
              v.trusted == 0, "rate default interval 50ms, untrusted");
    rc = vif_spec_parse(&a, "rate=1Gb/s@1s", &v, &d, "vif");
    tap_check(rc == 0 && v.rate_bytes_per_interval == 125000000ull, "rate 1Gb/s@1s");
    arena_free(&a);

    static const char *const bad[][2] = {
        { "mac=00:16:3e:12:23", "vif: invalid MAC address '00:16:3e:12:23'" },
        { "mac=01:16:3e:12:23:34", "vif: invalid MAC address '01:16:3e:12:23:34'" },
        { "ip=10.0.0.256", "vif: invalid IPv4 address list '10.0.0.256'" },
        { "rate=fast", "vif: invalid rate (e.g. 10Mb/s or 1MB/s@20ms) 'fast'" },
        { "rate=10Mb", "vif: invalid rate (e.g. 10Mb/s or 1MB/s@20ms) '10Mb'" },
        { "mtu=20", "vif: invalid mtu '20'" },
        { "devid=-1", "vif: invalid devid '-1'" },
        { "type=tap", "vif: type must be vif or ioemu, not 'tap'" },
        { "bridge", "vif: expected key=value, got 'bridge'" },
        { "bridge=", "vif: empty value for 'bridge'" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena b = { 0 };
        diag_init(&d, &b);
        rc = vif_spec_parse(&b, bad[i][0], &v, &d, "vif");
        bool ok = rc != 0 && d.first && strcmp(d.first->text, bad[i][1]) == 0;
        if (!ok)
            fprintf(stderr, "vif '%s': got %s\n", bad[i][0], d.first ? d.first->text : "success");
        tap_check(ok, "vif spec '%s' is refused", bad[i][0]);
        arena_free(&b);
    }
    struct arena c = { 0 };
    diag_init(&d, &c);
    rc = vif_spec_parse(&c, "bridge=br0,accel=x", &v, &d, "vif");
    tap_check(rc == 0 && d.warnings == 1 && strstr(d.first->text, "unknown vif parameter 'accel'"),
              "unknown vif parameter warns");
    arena_free(&c);
    JSON("vif in a config", PV "vif=['mac=00:16:3e:00:00:02,bridge=xenbr1,rate=10Mb/s']",
         "\"mac\": \"00:16:3e:00:00:02\"", "\"bridge\": \"xenbr1\"", "\"nictype\": \"vif\"",
         "\"rate_bytes_per_interval\": 62500", "\"rate_interval_usecs\": 50000");
    JSON("vifs numbered after explicit devids", PV "vif=['devid=2','','']",
         "\"devid\": 2", "\"devid\": 3", "\"devid\": 4");
    expect_error("bad vif in a config", PV "vif=['mac=zz']", "t.cfg:3: vif: invalid MAC address 'zz'");
}

static void legacy(void)
{
    expect_warning("builder is deprecated", "name=\"h\"\nbuilder=\"hvm\"", "t.cfg:2: builder: deprecated, use type=\"pv\" or type=\"hvm\"");
    JSON("builder hvm maps to type hvm", "name=\"h\"\nbuilder='hvm'", "\"type\": \"hvm\"");
    JSON("builder generic maps to pv", PV "builder='generic'", "\"type\": \"pv\"");
    expect_warning("type beats builder", PV "type=\"pvh\"\nbuilder=\"hvm\"", "t.cfg:4: builder: ignored because type= is set");
    expect_warning("kernel=hvmloader", "name=\"h\"\nbuilder='hvm'\nkernel=\"/usr/lib/xen/boot/hvmloader\"",
                   "kernel: kernel=.../hvmloader is a legacy xm form: mapped to firmware_override");
    JSON("kernel=hvmloader maps to firmware_override", "name=\"h\"\ntype='hvm'\nkernel=\"/usr/lib/xen/boot/hvmloader\"",
         "\"firmware_override\": \"/usr/lib/xen/boot/hvmloader\"");
    expect_warning("device_model=", "name=\"h\"\ntype='hvm'\ndevice_model=\"/usr/lib/xen/bin/qemu-dm\"",
                   "device_model: device_model= is a legacy xm key: mapped to device_model_override");
    JSON("device_model maps", "name=\"h\"\ntype='hvm'\ndevice_model=\"/q\"", "\"device_model\": \"/q\"");
    expect_warning("cdrom=", "name=\"h\"\ntype='hvm'\ncdrom=\"/iso\"", "t.cfg:3: cdrom: deprecated xm key: mapped to disk entry");
    JSON("cdrom= maps to hdc", "name=\"h\"\ntype='hvm'\ncdrom=\"/x.iso\"", "\"pdev_path\": \"/x.iso\"",
         "\"vdev\": \"hdc\"", "\"is_cdrom\": 1", "\"readwrite\": 0");
    expect_error("cdrom= clashes with hdc", "name=\"h\"\ntype='hvm'\ndisk=['/a,,hdc']\ncdrom=\"/x.iso\"",
                 "t.cfg:4: cdrom: vdev hdc is already used by disk=");
    expect_warning("nics=", PV "nics=2", "t.cfg:3: nics: deprecated xm key");
    JSON("nics=2 adds interfaces", PV "vif=['bridge=b']\nnics=2", "\"devid\": 0", "\"devid\": 1");
    expect_warning("ioemu: vdev prefix", "name=\"h\"\ntype='hvm'\ndisk=['file:/a.img,ioemu:hda,w']",
                   "disk: the ioemu: vdev prefix is deprecated and ignored");
    JSON("ioemu: vdev maps to hda", "name=\"h\"\ntype='hvm'\ndisk=['file:/a.img,ioemu:hda,w']", "\"vdev\": \"hda\"");
    expect_warning("type=ioemu vif", "name=\"h\"\ntype='hvm'\nvif=['type=ioemu, bridge=xenbr0']",
                   "vif: type=ioemu is a legacy xm form");
    JSON("type=ioemu maps to vif_ioemu", "name=\"h\"\ntype='hvm'\nvif=['type=ioemu']", "\"nictype\": \"vif_ioemu\"");
    expect_warning("loader=", "name=\"h\"\ntype='hvm'\nloader=\"/hvmloader\"", "t.cfg:3: loader: deprecated, mapped to firmware_override");
}

/* Configurations from the user stories and from xl's own examples. */
static void examples(void)
{
    JSON("user story: PV debian1",
         "name = \"debian1\"\nkernel = \"/boot/vmlinuz-xen\"\nramdisk = \"/boot/initrd.img-xen\"\n"
         "memory = 512\nvcpus = 2\nvif = ['mac=00:16:3e:12:23:34, bridge=xenbr0']\n"
         "disk = ['phy:/dev/vg0/debian1,xvda1,w', 'file:/srv/swap.img,xvda2,w']\n"
         "root = \"/dev/xvda1 ro\"\nextra = \"console=hvc0\"\non_poweroff = \"destroy\"\n",
         "\"name\": \"debian1\"", "\"cmdline\": \"root=/dev/xvda1 ro console=hvc0\"",
         "\"pdev_path\": \"/dev/vg0/debian1\"", "\"backend\": \"phy\"", "\"vdev\": \"xvda2\"",
         "\"mac\": \"00:16:3e:12:23:34\"", "\"target_memkb\": 524288");
    JSON("user story: pygrub", "name=\"d\"\nbootloader = \"pygrub\"\ndisk=['phy:/dev/vg0/d,xvda,w']",
         "\"bootloader\": \"pygrub\"");
    JSON("user story: HVM win1",
         "builder = 'hvm'            # or type = \"hvm\"\nmemory = 4096\nvcpus = 4\nname = \"win1\"\n"
         "vif = ['bridge=xenbr0']\ndisk = ['phy:/dev/vg0/windows,hda,w', 'file:/root/windows.iso,hdc:cdrom,r']\n"
         "boot = \"d\"                 # d = CD first, c = disk\nacpi = 1\nvnc = 1\nserial = 'pty'\n",
         "\"type\": \"hvm\"", "\"name\": \"win1\"", "\"boot\": \"d\"", "\"is_cdrom\": 1",
         "\"serial_list\"", "\"target_memkb\": 4194304");
    JSON("user story: legacy HVM",
         "kernel = \"/usr/lib/xen/boot/hvmloader\"\nbuilder = 'hvm'\nmemory = 512\nname = \"old\"\n"
         "device_model = \"/usr/lib/xen/bin/qemu-dm\"\ndisk = ['file:/xen/old.img,ioemu:hda,w']\n"
         "vif = ['type=ioemu, bridge=xenbr0']\ncdrom = \"/dev/cdrom\"\n",
         "\"firmware_override\": \"/usr/lib/xen/boot/hvmloader\"", "\"nictype\": \"vif_ioemu\"",
         "\"vdev\": \"hdc\"", "\"vdev\": \"hda\"");
    JSON("xl example: xlexample.pvlinux",
         "name = \"example.pvlinux\"\nkernel = \"/boot/vmlinuz\"\nramdisk = \"/boot/initrd.gz\"\n"
         "extra = \"root=/dev/xvda1\"\nmemory = 128\nvcpus = 2\nvif = [ '' ]\n"
         "disk = [ '/dev/vg/guest-volume,raw,xvda,rw' ]\n",
         "\"name\": \"example.pvlinux\"", "\"cmdline\": \"root=/dev/xvda1\"", "\"devid\": 0");
    JSON("xl example: xlexample.pvhlinux",
         "type = \"pvh\"\nname = \"example.pvhlinux\"\nkernel = \"/boot/vmlinuz\"\n"
         "ramdisk = \"/boot/initrd.gz\"\nextra = \"root=/dev/xvda1\"\nmemory = 512\nvcpus = 4\n"
         "vif = [ '' ]\ndisk = [ '/dev/vg/guest-volume,raw,xvda,rw' ]\n",
         "\"type\": \"pvh\"", "\"max_vcpus\": 4");
    JSON("xl example: xlexample.hvm",
         "type = \"hvm\"\nname = \"example.hvm\"\nmemory = 128\nvcpus = 2\nvif = [ '' ]\n"
         "disk = [ '/dev/vg/guest-volume,raw,xvda,rw' ]\nsdl = 1\n",
         "\"name\": \"example.hvm\"", "\"sdl\"");
    JSON("reference: hold-pvh style",
         "name = \"hold1\"\ntype = \"pvh\"\nkernel = \"/root/guest/vmlinuz\"\n"
         "ramdisk = \"/root/guest/initrd.gz\"\ncmdline = \"console=hvc0 quiet marker=hold hold=1\"\n"
         "memory = 256\nvcpus = 1\non_crash = \"preserve\"\n",
         "\"max_memkb\": 262144", "\"cmdline\": \"console=hvc0 quiet marker=hold hold=1\"");
}

int main(void)
{
    syntax();
    keys();
    disks();
    vifs();
    legacy();
    examples();
    return tap_done();
}
