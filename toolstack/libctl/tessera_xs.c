/* XenStore in the control domain: domain 0's connection to the xenstore
 * stub domain (its ring, libos's xenbus client), each guest's layout under
 * /local/domain/N and /vm/UUID as xl writes it, and the guest's
 * introduction to xenstored (SVC_INTRODUCE with its ring) and release. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libos/libos.h>
#include <libos/server.h>
#include <libos/service.h>
#include <libos/xenbus.h>
#include <ts/methods.h>
#include <ts/runtime.h>
#include <ts/syscall.h>

#include "../../stubdoms/builder/service.h"
#include "tessera_xs.h"
#include "xs_wire.h"

#define XS_TIMEOUT_MS 2000

static struct xenbus xb;
static bool connected;
static uint64_t kick_cap;       /* xenstored's notification, badged for domain 0 */

static void kick(void *arg)
{
    (void)arg;
    ts_signal(kick_cap);
}

/* Waits on our bound notification until xenstored signals it (0) or the
 * timeout (1). Serial and tick signals that arrive meanwhile are dropped:
 * the shell's tick covers them. */
static int wait_xenstored(void *arg)
{
    (void)arg;
    uint64_t deadline = ts_rdtsc() + tessera.tsc_khz * XS_TIMEOUT_MS;
    for (;;) {
        ts_tcb_set_timeout(TS_CHILD_TCB, tessera.wake_timer, deadline);
        uint64_t word = ts_wait(tessera.wake);
        if (word & tessera.wake_xs_badge)
            return 0;
        if (ts_rdtsc() >= deadline)
            return 1;
    }
}

bool tessera_xs_connected(void)
{
    return connected;
}

int tessera_xs_setup(void)
{
    if (tessera.xs_ring == 0)
        return 0;
    volatile void *page = libos_map_shared(tessera.xs_ring, 1, 1);
    if (page == NULL || libos_cap_mint(tessera.xs_events, TS_RIGHT_WRITE, svc_kick_badge(0),
                                       &kick_cap) != TS_OK)
        return -ENOMEM;
    xenbus_init(&xb, page, kick, wait_xenstored, NULL);
    int err = xenbus_write(&xb, "/local/domain/0/name", "Domain-0");
    if (err == 0)
        err = xenbus_write(&xb, "/local/domain/0/domid", "0");
    connected = err == 0;
    return err;
}

/* Permissions of path: its owner ("n0": others have no access), and one
 * more domain's ("r3") or NULL. */
static int set_perms(const char *path, const char *owner, const char *other)
{
    char perms[32], reply[8];
    size_t n = (size_t)snprintf(perms, sizeof(perms), "%s", owner) + 1;
    if (other != NULL)
        n += (size_t)snprintf(perms + n, sizeof(perms) - n, "%s", other) + 1;
    long rc = xenbus_request(&xb, XS_SET_PERMS, 0, path, strlen(path) + 1, perms, n, reply,
                             sizeof(reply));
    return rc < 0 ? (int)rc : 0;
}

static int write_at(const char *base, const char *key, const char *value)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", base, key);
    return xenbus_write(&xb, path, value);
}

static const char *home_key(const char *home, const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", home, key);
    return buf;
}

static int write_number(const char *base, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
    return write_at(base, key, text);
}

/* What xl writes besides for a PVH guest (xenstore-ls of a Xen 4.17 PVH
 * guest): its rings as pfns and ports (ports only when the kernel made
 * event channels), its vCPUs, the features its toolstack offers. */
static int write_pvh(const struct guest *g, const char *home)
{
    char key[64];
    int err = write_at(home, "memory/videoram", "0");
    for (unsigned i = 0; i < g->spec.vcpus && err == 0; i++) {
        snprintf(key, sizeof(key), "cpu/%u/availability", i);
        err = write_at(home, key, "online");
    }
    if (err == 0)
        err = write_number(home, "store/ring-ref", g->store_pfn);
    if (err == 0 && g->store_port)
        err = write_number(home, "store/port", g->store_port);
    if (err == 0)
        err = write_number(home, "console/ring-ref", g->console_pfn);
    if (err == 0 && g->console_port)
        err = write_number(home, "console/port", g->console_port);
    if (err == 0)
        err = write_at(home, "console/limit", "1048576");
    if (err == 0)
        err = write_at(home, "control/platform-feature-xs_reset_watches", "1");
    if (err == 0)
        err = xenbus_mkdir(&xb, home_key(home, "device", key, sizeof(key)));
    return err;
}

/* The layout of xl's domain creation (xenstore-ls of a Xen 4.17 guest),
 * as far as Tessera has it: no grant references nor event-channel ports
 * yet (rings are given as caps). */
static int write_layout(const struct guest *g)
{
    char home[40], vm[48], value[64], guest_rw[16], dom0[] = "n0";
    snprintf(home, sizeof(home), "/local/domain/%u", (unsigned)g->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", g->spec.uuid);
    snprintf(guest_rw, sizeof(guest_rw), "n%u", (unsigned)g->domid);
    snprintf(value, sizeof(value), "r%u", (unsigned)g->domid);

    int err = xenbus_mkdir(&xb, home);
    if (err == 0)
        err = set_perms(home, dom0, value);       /* the guest reads its home */
    if (err == 0)
        err = write_at(home, "vm", vm);
    if (err == 0)
        err = write_at(home, "name", g->spec.name);
    snprintf(value, sizeof(value), "%u", (unsigned)g->domid);
    if (err == 0)
        err = write_at(home, "domid", value);
    snprintf(value, sizeof(value), "%llu", (unsigned long long)(g->spec.memory_mb << 10));
    if (err == 0)
        err = write_at(home, "memory/static-max", value);
    if (err == 0)
        err = write_at(home, "memory/target", value);
    if (err == 0)
        err = write_at(home, "console/type", "xenconsoled");
    if (err == 0)
        err = write_at(home, "console/backend-id", "2");
    /* The guest's own, as xl leaves them: its acknowledgement of
     * control/shutdown, the control features it announces (Linux writes
     * feature-poweroff and friends), sysrq, and the data/ drivers/
     * feature/ attr/ error/ directories. */
    static const char *const guest_owned[] = {
        "control/shutdown", "control/feature-poweroff", "control/feature-reboot",
        "control/feature-suspend", "control/sysrq", "data", "drivers", "feature", "attr", "error",
    };
    for (size_t i = 0; i < sizeof(guest_owned) / sizeof(guest_owned[0]) && err == 0; i++) {
        snprintf(value, sizeof(value), "%s/%s", home, guest_owned[i]);
        err = xenbus_mkdir(&xb, value);
        if (err == 0)
            err = set_perms(value, guest_rw, NULL);
    }
    if (err == 0 && g->spec.pvh)
        err = write_pvh(g, home);
    if (err == 0)
        err = write_at(vm, "name", g->spec.name);
    if (err == 0)
        err = write_at(vm, "uuid", g->spec.uuid);
    return err;
}

int tessera_xs_introduce(const struct guest *g, uint64_t ring, uint64_t ntfn)
{
    const struct stubdom_service xs = { .ctl = tessera.xs_ctl, .events = tessera.xs_events };
    char name[SVC_NAME_MAX + 1];
    int err = write_layout(g);
    if (err != 0) {
        fprintf(stderr, "xl: create: writing /local/domain/%u in XenStore: %s\n",
                (unsigned)g->domid, strerror(-err));
        return err;
    }
    service_name(g->spec.name, name);
    unsigned status = stubdom_service_introduce(&xs, g->domid, name, ring, ntfn);
    if (status != SVC_OK) {
        fprintf(stderr, "xl: create: the xenstore stub domain refused domain %u (status %u)\n",
                (unsigned)g->domid, status);
        return -EIO;
    }
    return 0;
}

void tessera_xs_release(const struct guest *g)
{
    const struct stubdom_service xs = { .ctl = tessera.xs_ctl, .events = tessera.xs_events };
    char path[48];
    stubdom_service_release(&xs, g->domid);
    snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)g->domid);
    xenbus_rm(&xb, path);
    snprintf(path, sizeof(path), "/vm/%s", g->spec.uuid);
    xenbus_rm(&xb, path);
}

int tessera_xs_shutdown(const struct guest *g, const char *reason)
{
    char path[48];
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", (unsigned)g->domid);
    return xenbus_write(&xb, path, reason);
}
