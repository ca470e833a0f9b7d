/* The control library on Tessera, inside the control domain: the table of
 * guests (tessera_guest.c) plus the kernel's view of them (Domain objects,
 * threads, the kernel log). What needs the xenstore and console stub
 * domains (shutdown requests, consoles, devices, memory ballooning) stays
 * NULL, so xl reports it as not supported yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libos/cpio.h>
#include <libos/libos.h>
#include <libos/protocol.h>
#include <ts/alloc.h>
#include <ts/methods.h>

#include <libos/service.h>

#include "../../stubdoms/builder/service.h"
#include "tessera.h"
#include "tessera_guest.h"
#include "tessera_xs.h"
#include "../builder/pvh.h"
#include "../cfg/load.h"

#define DEFAULT_REASON "Tessera control domain: needs the xenstore and console stub domains"

static uint64_t guest_ep;
static uint64_t dmesg_from;             /* "xl dmesg -c" hides what was read */

/* Files of the boot archive, read in place (no copy of a 60 MB kernel). */
static int archive_view(const char *path, const char **data, size_t *len)
{
    const void *archive = (const void *)(uintptr_t)libos_args.cpio_addr;
    struct cpio_entry e;
    if (archive == NULL || cpio_find(archive, libos_args.cpio_size, path, &e) != CPIO_OK ||
        (e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG)
        return -1;
    *data = e.data;
    *len = e.size;
    return 0;
}

/* Whether the kernel makes vCPUs (AMD SVM with nested paging): retyping
 * one fails with TS_ERR_ILLEGAL_OPERATION without them. The probe's 8 KiB
 * of our heap stay used. */
static bool probe_vcpus(void)
{
    uint64_t vcpu;
    if (libos_object_alloc(TS_OBJ_VCPU, 0, &vcpu) != TS_OK)
        return false;
    ts_cnode_delete(TS_CHILD_CNODE, vcpu);
    return true;
}

int tessera_ctl_setup(const struct tessera_setup *s)
{
    tessera = *s;
    tessera.has_vcpus = probe_vcpus();
    file_view_hook = archive_view;
    int err = libos_object_alloc(TS_OBJ_ENDPOINT, 0, &guest_ep);
    if (err == TS_OK)
        err = libos_cap_mint(s->console, TS_RIGHT_WRITE, 0, &tessera.guest_console);
    guest_pool_total();
    /* Without XenStore the shell still runs guests, without their homes. */
    int xs = err == TS_OK ? tessera_xs_setup() : 0;
    if (xs != 0)
        fprintf(stderr, "xl: cannot reach the xenstore stub domain: %s\n", strerror(-xs));
    return err;
}

uint64_t tessera_ctl_endpoint(void)
{
    return guest_ep;
}

static uint64_t now_s(const struct guest *g)
{
    return (libos_now_ns() - g->created_ns) / 1000000000ull;
}

/* Memory Domain-0 keeps: everything not in the guest pool nor the stub
 * domains' heaps. */
static uint64_t dom0_bytes(void)
{
    uint64_t bytes = tessera.ram_bytes - guest_pool_total();
    for (unsigned i = 0; i < tessera.nr_services; i++)
        bytes -= tessera.services[i].memory_bytes;
    return bytes;
}

/* A name xl may not give a guest: Domain-0's or a stub domain's. */
static bool reserved_name(const char *name)
{
    for (unsigned i = 0; i < tessera.nr_services; i++)
        if (strcmp(name, tessera.services[i].name) == 0)
            return true;
    return strcmp(name, "Domain-0") == 0;
}

static int list_domains(void *self, struct ctl_domain **out, size_t *n)
{
    (void)self;
    tessera_ctl_poll();
    struct ctl_domain *d = calloc(1 + TESSERA_MAX_SERVICES + MAX_GUESTS, sizeof(*d));
    if (d == NULL)
        return CTL_ENOMEM;
    size_t k = 0;
    d[k].domid = 0;
    strcpy(d[k].name, "Domain-0");
    d[k].current_memkb = d[k].max_memkb = dom0_bytes() >> 10;
    d[k].vcpus_online = 1;
    d[k].running = true;        /* it is running this command */
    d[k].uptime_s = libos_now_ns() / 1000000000ull;
    strcpy(d[k].uuid, "00000000-0000-0000-0000-000000000000");
    k++;
    for (unsigned i = 0; i < tessera.nr_services; i++) {
        const struct tessera_service *s = &tessera.services[i];
        uint64_t domid, threads;
        d[k].domid = s->domid;
        snprintf(d[k].name, sizeof(d[k].name), "%s", s->name);
        d[k].current_memkb = d[k].max_memkb = s->memory_bytes >> 10;
        d[k].vcpus_online = 1;
        d[k].dying = ts_domain_get_info(s->domain, &domid, &threads) != TS_OK || threads == 0;
        /* A service waits on its endpoint between requests (this one's
         * included: we are running). */
        d[k].blocked = !d[k].dying;
        d[k].uptime_s = libos_now_ns() / 1000000000ull;
        snprintf(d[k].uuid, sizeof(d[k].uuid), "00000000-0000-0000-0000-%012x", (unsigned)s->domid);
        k++;
    }
    for (unsigned i = 0; i < MAX_GUESTS; i++) {
        const struct guest *g = &guests[i];
        uint64_t domid, threads;
        if (!g->used)
            continue;
        d[k].domid = g->domid;
        strcpy(d[k].name, g->spec.name);
        /* A native guest has its whole Untyped; a PVH guest its RAM. */
        d[k].current_memkb = g->spec.pvh ? g->spec.memory_mb << 10 : (1ull << g->mem_bits) >> 10;
        d[k].max_memkb = g->spec.memory_mb << 10;
        d[k].vcpus_online = g->spec.vcpus;
        d[k].paused = g->state == GUEST_PAUSED;
        d[k].shutdown = g->state == GUEST_SHUTDOWN;
        d[k].crashed = g->state == GUEST_CRASHED;
        /* A Domain object with no thread bound any more is dying. */
        d[k].dying = ts_domain_get_info(g->d.domain, &domid, &threads) != TS_OK || threads == 0;
        d[k].uptime_s = now_s(g);
        strcpy(d[k].uuid, g->spec.uuid);
        k++;
    }
    *out = d;
    *n = k;
    return CTL_OK;
}

static int host_info(void *self, struct ctl_host *h)
{
    (void)self;
    memset(h, 0, sizeof(*h));
    strcpy(h->host, "tessera");
    strcpy(h->release, "tessera");
    strcpy(h->version, "Tessera capability microkernel");
    strcpy(h->machine, "x86_64");
    h->nr_cpus = tessera.nr_cpus;
    h->max_cpu_id = tessera.nr_cpus - 1;
    h->nr_nodes = 1;
    h->cores_per_socket = tessera.nr_cpus;
    h->threads_per_core = 1;
    h->cpu_khz = (unsigned)tessera.tsc_khz;
    /* With SVM and nested paging: HVM containers (PVH guests, and HVM
     * guests running their firmware without a device model) with hap and
     * version 1 grant tables; no Xen PV, no shadow paging. Their code
     * may be 32-bit (HVM firmware starts so, as hvmloader does on Xen),
     * 32-bit with PAE or 64-bit: the guest owns its paging under nested
     * paging, and the kernel takes hypercalls in either width. */
    strcpy(h->virt_caps, tessera.has_vcpus ? "hvm hap gnttab-v1" : "");
    strcpy(h->xen_caps,
           tessera.has_vcpus ? "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64" : "");
    h->total_memory_mb = tessera.ram_bytes >> 20;
    h->free_memory_mb = guest_pool_free() >> 20;
    h->xen_major = 4;
    h->xen_minor = 17;
    strcpy(h->xen_extra, "-tessera");
    strcpy(h->xen_scheduler, "tessera");
    h->pagesize = 4096;
    strcpy(h->cc_compiler, __VERSION__);
    return CTL_OK;
}

static int list_vcpus(void *self, uint32_t domid, struct ctl_vcpu **out, size_t *n)
{
    (void)self;
    tessera_ctl_poll();
    const struct guest *g = domid ? guest_find(domid) : NULL;
    bool service = false;
    for (unsigned i = 0; i < tessera.nr_services; i++)
        service = service || tessera.services[i].domid == domid;
    if (domid != 0 && g == NULL && !service)
        return CTL_ENOENT;
    unsigned count = g ? g->spec.vcpus : 1;
    struct ctl_vcpu *v = calloc(count, sizeof(*v));
    if (v == NULL)
        return CTL_ENOMEM;
    for (unsigned i = 0; i < count; i++) {
        v[i].domid = domid;
        v[i].vcpu = i;
        v[i].cpu = g ? guest_vcpu_cpu(g, i) : 0;
        /* Each vCPU of a PVH guest has its thread (a secondary one waits
         * for the guest's INIT/SIPI in the kernel). */
        v[i].online = true;
        v[i].running = domid == 0;
    }
    *out = v;
    *n = count;
    return CTL_OK;
}

/* What the guest is made from, kept to restart it. A CTL error. */
static int make_spec(struct ctl *ctl, const struct domain_config *dc, bool pvh,
                     struct guest_spec *spec)
{
    size_t cmdline_max = pvh ? sizeof(spec->cmdline) : NATIVE_CMDLINE_MAX;
    /* An HVM guest is rebuilt from its firmware (build_domain_plan took
     * it only with device_model_version="none", without kernel=). */
    const char *image = dc->type == DOM_HVM ? dc->firmware_override : dc->kernel;
    if (strlen(image) >= sizeof(spec->kernel) ||
        (dc->ramdisk && strlen(dc->ramdisk) >= sizeof(spec->ramdisk)) ||
        (dc->cmdline && strlen(dc->cmdline) >= cmdline_max)) {
        fprintf(stderr, "xl: create: kernel, firmware or ramdisk path or command line "
                "too long\n");
        return CTL_EINVAL;
    }
    if (!pvh && dc->ramdisk) {
        ctl->unavailable_reason = "Tessera-native guests take no ramdisk";
        return CTL_ENOTSUP;
    }
    strcpy(spec->name, dc->name);
    strcpy(spec->kernel, image);
    if (dc->ramdisk)
        strcpy(spec->ramdisk, dc->ramdisk);
    if (dc->cmdline)
        strcpy(spec->cmdline, dc->cmdline);
    if (dc->uuid)
        snprintf(spec->uuid, sizeof(spec->uuid), "%s", dc->uuid);
    else
        strcpy(spec->uuid, "00000000-0000-0000-0000-000000000000");
    spec->pvh = pvh;
    spec->hvm = dc->type == DOM_HVM;
    spec->vcpus = dc->vcpus ? dc->vcpus : 1;
    spec->memory_mb = dc->memory_mb;
    spec->on_poweroff = dc->on_poweroff;
    spec->on_reboot = dc->on_reboot;
    spec->on_crash = dc->on_crash;
    return CTL_OK;
}

/* xl create: a Tessera-native guest (type="pv" with a libos image) or a
 * PVH guest (type="pvh", or type="hvm" running its firmware) from the
 * builder's plan (tessera_hvm.c). */
static int create(void *self, const struct domain_config *dc, const struct build_plan *plan,
                  bool paused, uint32_t *domid)
{
    struct ctl *ctl = self;
    struct guest_spec spec = { 0 };
    bool pvh = plan->mode == BOOT_PVH;
    if (pvh && !tessera.has_vcpus) {
        ctl->unavailable_reason = "PVH and HVM guests need AMD SVM with nested paging, "
                                  "which this machine's kernel does not offer";
        return CTL_ENOTSUP;
    }
    if (dc->vcpus > (pvh ? TS_XEN_MAX_VCPUS : 1)) {
        ctl->unavailable_reason = pvh ? "at most 16 vCPUs per PVH guest"
                                      : "one vCPU per Tessera-native guest";
        return CTL_ENOTSUP;
    }
    if (dc->memory_mb < 4 || (pvh && (dc->memory_mb << 20) > PVH_LOWMEM_END)) {
        fprintf(stderr, "xl: create: memory = %llu: a guest needs at least 4 MiB%s\n",
                (unsigned long long)dc->memory_mb,
                pvh ? ", and a PVH guest at most 3840 MiB (RAM below the MMIO hole) for now" : "");
        return CTL_EINVAL;
    }
    tessera_ctl_poll();
    if (guest_by_name(dc->name) != NULL || reserved_name(dc->name)) {
        fprintf(stderr, "xl: create: domain with name \"%s\" already exists\n", dc->name);
        return CTL_EINVAL;
    }
    int rc = make_spec(ctl, dc, pvh, &spec);
    if (rc == CTL_OK)
        rc = guest_create(&spec, pvh ? plan : NULL, paused, domid);
    if (rc == CTL_ENOTSUP && !pvh)
        ctl->unavailable_reason = "Xen PV kernels need the kernel's PV support; "
                                  "this control domain runs Tessera-native (libos) and PVH guests";
    return rc;
}

static int destroy(void *self, uint32_t domid)
{
    (void)self;
    tessera_ctl_poll();
    struct guest *g = guest_find(domid);
    if (g == NULL)
        return domid == 0 ? CTL_EINVAL : CTL_ENOENT;
    guest_destroy(g);
    return CTL_OK;
}

/* A shutdown request, as Xen's: the guest is asked through
 * control/shutdown and stops by itself (then its on_poweroff / on_reboot
 * applies). */
static int shutdown_domain(void *self, uint32_t domid, enum ctl_shutdown how, bool acpi_fallback)
{
    struct ctl *ctl = self;
    (void)acpi_fallback;            /* no ACPI power button to press yet */
    tessera_ctl_poll();
    struct guest *g = guest_find(domid);
    if (g == NULL && domid < tessera.first_guest_domid) {
        ctl->unavailable_reason = "Domain-0 and its stub domains stop with the machine";
        return CTL_ENOTSUP;
    }
    if (g == NULL)
        return CTL_ENOENT;
    if (!g->introduced) {
        ctl->unavailable_reason = "the guest has no XenStore connection";
        return CTL_ENOTSUP;
    }
    int err = tessera_xs_shutdown(g, how == CTL_REBOOT ? "reboot" : "poweroff");
    if (err != 0) {
        fprintf(stderr, "xl: shutdown: writing control/shutdown of domain %u: %s\n",
                (unsigned)domid, strerror(-err));
        return CTL_EIO;
    }
    return CTL_OK;
}

#define CTRL_RBRACKET 0x1d

/* Prints the domain's output from our position on; false when it is gone. */
static bool console_output(void)
{
    char buf[SVC_BYTES_MAX];
    long n;
    while ((n = stubdom_console_read(tessera.cons_client, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    return n == 0;
}

/* The terminal to the guest's PV console through the console service:
 * the replay of its recent output first, then output as it comes and our
 * input into its ring, until Ctrl-] or until the guest stops. */
static int console_attach(void *self, uint32_t domid, int console_num, enum ctl_console type)
{
    struct ctl *ctl = self;
    if (type == CTL_CONSOLE_SERIAL || type == CTL_CONSOLE_VUART) {
        ctl->unavailable_reason = "guests have no emulated UART: use the PV console (-t pv)";
        return CTL_ENOTSUP;
    }
    if (console_num != 0 || tessera.cons_client == 0) {
        ctl->unavailable_reason = "one PV console per guest";
        return CTL_ENOTSUP;
    }
    tessera_ctl_poll();
    const struct guest *g = guest_find(domid);
    if (g == NULL || !g->console_introduced) {
        if (g == NULL && domid >= tessera.first_guest_domid)
            return CTL_ENOENT;
        ctl->unavailable_reason = "the domain has no console session (Domain-0, a stub domain, "
                                  "or a guest that stopped)";
        return CTL_ENOTSUP;
    }
    /* Domain-0's terminal is the serial line, where the console service
     * would otherwise print a second, interleaved copy of each line. */
    if (stubdom_console_attach(tessera.cons_client, domid, tessera.wake,
                               tessera.wake_cons_badge, CONS_ATTACH_ON_SERIAL) != SVC_OK)
        return CTL_EIO;
    for (;;) {
        if (!console_output())
            return CTL_OK;              /* the guest stopped: released */
        char in[SVC_BYTES_MAX];
        size_t n = 0;
        int c;
        while (n < sizeof(in) && (c = tessera.term_getc()) >= 0)
            in[n++] = (char)c;
        if (n > 0) {
            int detached = 0;
            long took = stubdom_console_write(tessera.cons_client, in, n, &detached);
            if (detached || took < 0) {
                if (!detached)
                    stubdom_service_call(tessera.cons_client, CONS_DETACH, NULL, 0, NULL, 0, NULL);
                printf("\n");
                return CTL_OK;
            }
            continue;
        }
        tessera.term_wait();
    }
}

static int pause_or_unpause(uint32_t domid, bool pause)
{
    tessera_ctl_poll();
    struct guest *g = guest_find(domid);
    if (g == NULL)
        return domid == 0 ? CTL_EINVAL : CTL_ENOENT;
    if (g->state != (pause ? GUEST_RUNNING : GUEST_PAUSED))
        return CTL_EINVAL;
    int err = guest_set_running(g, !pause);
    if (err != TS_OK)
        return CTL_EIO;
    g->state = pause ? GUEST_PAUSED : GUEST_RUNNING;
    return CTL_OK;
}

static int pause(void *self, uint32_t domid)
{
    (void)self;
    return pause_or_unpause(domid, true);
}

static int unpause(void *self, uint32_t domid)
{
    (void)self;
    return pause_or_unpause(domid, false);
}

static int rename_domain(void *self, uint32_t domid, const char *name)
{
    (void)self;
    struct guest *g = guest_find(domid);
    if (g == NULL)
        return domid == 0 ? CTL_EINVAL : CTL_ENOENT;
    if (strlen(name) > CTL_NAME_MAX || reserved_name(name) ||
        (guest_by_name(name) != NULL && guest_by_name(name) != g))
        return CTL_EINVAL;
    strcpy(g->spec.name, name);
    return CTL_OK;
}

/* The kernel log holds every domain's console output and the kernel's
 * messages; it is read in pieces from an offset. */
static int read_dmesg(void *self, bool clear, char **text)
{
    (void)self;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap + 1);
    uint64_t offset = dmesg_from;
    for (;;) {
        char piece[1024];
        uint64_t next, count;
        if (buf == NULL)
            return CTL_ENOMEM;
        if (ts_console_read_log(tessera.console, offset, piece, sizeof(piece), &next,
                                &count) != TS_OK) {
            free(buf);
            return CTL_EIO;
        }
        if (count == 0)
            break;
        if (len + count > cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (bigger == NULL)
                free(buf);
            buf = bigger;
            cap *= 2;
            continue;
        }
        memcpy(buf + len, piece, count);
        len += count;
        offset = next;
    }
    buf[len] = '\0';
    if (clear)
        dmesg_from = offset;
    *text = buf;
    return CTL_OK;
}

static const struct ctl_ops tessera_ops = {
    .list_domains = list_domains,
    .shutdown = shutdown_domain,
    .console_attach = console_attach,
    .host_info = host_info,
    .list_vcpus = list_vcpus,
    .create = create,
    .destroy = destroy,
    .pause = pause,
    .unpause = unpause,
    .rename = rename_domain,
    .read_dmesg = read_dmesg,
};

int ctl_open(struct ctl *ctl)
{
    ctl->backend_name = "tessera";
    ctl->unavailable_reason = DEFAULT_REASON;
    ctl->ops = &tessera_ops;
    ctl->self = ctl;            /* lets an operation say why it cannot act */
    return CTL_OK;
}

void ctl_close(struct ctl *ctl)
{
    ctl->ops = &tessera_ops;
}
