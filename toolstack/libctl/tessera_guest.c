/* Guests of the control domain: each one is made from its own Untyped,
 * retyped from the guest memory pool, so that revoking that one cap takes
 * back everything the guest had. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libos/libos.h>
#include <ts/alloc.h>
#include <ts/methods.h>
#include <tessera/object.h>

#include "../builder/build.h"
#include "../builder/elf.h"
#include "../cfg/load.h"
#include <libos/service.h>
#include "../../stubdoms/builder/service.h"
#include "../../stubdoms/builder/stubdom.h"
#include "tessera_guest.h"
#include "tessera_xs.h"

struct tessera_setup tessera;
struct guest guests[MAX_GUESTS];
static uint32_t next_domid = 1;
static uint64_t pool_total;

/* The Xen ELF note GUEST_OS a Tessera-native (libos) guest carries. */
#define TESSERA_GUEST_OS "Tessera"

struct guest *guest_find(uint32_t domid)
{
    for (unsigned i = 0; i < MAX_GUESTS; i++)
        if (guests[i].used && guests[i].domid == domid)
            return &guests[i];
    return NULL;
}

struct guest *guest_by_name(const char *name)
{
    for (unsigned i = 0; i < MAX_GUESTS; i++)
        if (guests[i].used && strcmp(guests[i].spec.name, name) == 0)
            return &guests[i];
    return NULL;
}

uint64_t guest_pool_free(void)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < tessera.pool_count; i++) {
        uint64_t free_bytes;
        if (ts_debug_untyped_free(tessera.debug, tessera.pool_first + i, &free_bytes) == TS_OK)
            total += free_bytes;
    }
    return total;
}

uint64_t guest_pool_total(void)
{
    if (pool_total == 0)
        pool_total = guest_pool_free();
    return pool_total;
}

static unsigned log2_ceil(uint64_t v)
{
    unsigned b = 0;
    while ((1ull << b) < v)
        b++;
    return b;
}

int guest_take_untyped(unsigned bits, uint64_t slot)
{
    int err = TS_ERR_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < tessera.pool_count && err == TS_ERR_NOT_ENOUGH_MEMORY; i++)
        err = ts_untyped_retype(tessera.pool_first + i, TS_OBJ_UNTYPED, bits,
                                TS_CHILD_CNODE, slot, 1);
    return err;
}

/* The lowest window of COUNT free slots of the guests' part of our CNode:
 * at its start or right after another guest's window (0: none). */
static uint64_t find_window(uint64_t count)
{
    for (unsigned c = 0; c <= MAX_GUESTS; c++) {
        uint64_t at = c == MAX_GUESTS ? tessera.slot_first : guests[c].slots_end;
        bool fits = (c == MAX_GUESTS || guests[c].used) && at >= tessera.slot_first &&
                    at + count <= tessera.slot_end;
        for (unsigned i = 0; i < MAX_GUESTS && fits; i++)
            if (guests[i].used && at < guests[i].slots_end && guests[i].slots_first < at + count)
                fits = false;
        if (fits)
            return at;
    }
    return 0;
}

void guest_console_release(struct guest *g)
{
    const struct stubdom_service cons = { .ctl = tessera.cons_ctl };
    if (g->console_introduced)
        stubdom_service_release(&cons, g->domid);
    g->console_introduced = false;
}

void guest_destroy(struct guest *g)
{
    guest_console_release(g);
    if (g->introduced)
        tessera_xs_release(g);
    /* A PVH guest's vCPUs and thread first, then its RAM. */
    if (g->objects) {
        ts_cnode_revoke(TS_CHILD_CNODE, g->objects);
        ts_cnode_delete(TS_CHILD_CNODE, g->objects);
    }
    for (unsigned i = 0; i < sizeof(g->minted) / sizeof(g->minted[0]); i++)
        if (g->minted[i])
            ts_cnode_delete(TS_CHILD_CNODE, g->minted[i]);
    for (unsigned i = 0; i < g->nr_untyped; i++) {
        ts_cnode_revoke(TS_CHILD_CNODE, g->untyped + i);
        ts_cnode_delete(TS_CHILD_CNODE, g->untyped + i);
    }
    /* The badged fault endpoint copies are ours, not the Untyped's children. */
    if (g->d.fault_ep)
        ts_cnode_delete(TS_CHILD_CNODE, g->d.fault_ep);
    for (unsigned i = 0; i < TS_XEN_MAX_VCPUS; i++)
        if (g->vcpu_ep[i])
            ts_cnode_delete(TS_CHILD_CNODE, g->vcpu_ep[i]);
    memset(g, 0, sizeof(*g));
}

int guest_set_running(struct guest *g, bool run)
{
    if (!g->spec.pvh)
        return run ? ts_tcb_resume(g->d.tcb) : ts_tcb_suspend(g->d.tcb);
    int first = TS_OK;
    for (unsigned i = 0; i < g->spec.vcpus; i++) {
        int err = run ? ts_tcb_resume(g->vcpu_tcb[i]) : ts_tcb_suspend(g->vcpu_tcb[i]);
        if (first == TS_OK)
            first = err;
    }
    return first;
}

unsigned guest_vcpu_cpu(const struct guest *g, unsigned v)
{
    return (g->cpu + v) % tessera.nr_cpus;
}

/* Objects for the guest come from its Untyped, slots from its window. */
/* The services' names for domains: [A-Za-z0-9_.-], at most SVC_NAME_MAX. */
void service_name(const char *name, char *out)
{
    size_t i = 0;
    for (; name[i] != '\0' && i < SVC_NAME_MAX; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

/* A ring frame and its notification, from the current allocator. */
static int new_ring(uint64_t *frame, uint64_t *ntfn)
{
    int err = ts_object_alloc(TS_OBJ_FRAME_4K, 0, frame);
    return err == TS_OK ? ts_object_alloc(TS_OBJ_NOTIFICATION, 0, ntfn) : err;
}

static int build(struct guest *g, const char *image, size_t size, bool paused)
{
    unsigned index = (unsigned)(g - guests);
    uint64_t window = g->slots_first;
    unsigned heap_bits = g->mem_bits - 1;
    unsigned radix = heap_bits - 12 + 1 > 10 ? heap_bits - 12 + 1 : 10;
    char args[96];
    int err = guest_take_untyped(g->mem_bits, window);
    if (err != TS_OK)
        return err;
    g->untyped = window;
    g->nr_untyped = 1;

    snprintf(args, sizeof(args), "%s%s%s", g->spec.name, g->spec.cmdline[0] ? " " : "",
             g->spec.cmdline);
    struct stubdom_config cfg = {
        .image = image, .image_size = size, .args = args,
        .cnode_radix = radix, .heap_bits = heap_bits, .console = tessera.guest_console,
        .fault_ep = tessera_ctl_endpoint(), .fault_badge = TESSERA_FAULT_BADGE | (index + 1),
        .exit_ep = tessera_ctl_endpoint(), .exit_badge = index + 1,
        .priority = tessera.guest_priority, .cpu = g->cpu, .domid = g->domid,
        .tsc_khz = tessera.tsc_khz,
    };
    struct ts_allocator ours = ts_alloc;
    ts_alloc_init(TS_CHILD_CNODE, window + 1, g->slots_end, window, 1);
    /* Its XenStore ring and the notification xenstored wakes it with,
     * made before its heap takes the rest of its Untyped. */
    uint64_t ring = 0, ntfn = 0, cons_ring = 0, cons_ntfn = 0;
    if (tessera_xs_connected())
        err = new_ring(&ring, &ntfn);
    /* Its PV console (then no Console cap: the console service writes its lines). */
    if (err == TS_OK && tessera.cons_ctl != 0) {
        cfg.console = 0;
        err = new_ring(&cons_ring, &cons_ntfn);
    }
    if (err == TS_OK)
        err = stubdom_create(&cfg, &g->d);
    if (err == TS_OK && ring != 0) {
        const struct stubdom_service xs = { .events = tessera.xs_events };
        err = stubdom_give(&g->d, "xsring", ring, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
        if (err == TS_OK)
            err = stubdom_give_kick(&g->d, "xskick", &xs, g->domid);
        if (err == TS_OK)
            err = stubdom_give(&g->d, "xsevent", ntfn, TS_RIGHTS_ALL, 0);
    }
    if (err == TS_OK && cons_ring != 0) {
        const struct stubdom_service cons = { .events = tessera.cons_events };
        err = stubdom_give(&g->d, "pvcons", cons_ring, TS_RIGHT_READ | TS_RIGHT_WRITE, 0);
        if (err == TS_OK)
            err = stubdom_give_kick(&g->d, "pvkick", &cons, g->domid);
        if (err == TS_OK)
            err = stubdom_give(&g->d, "pvevent", cons_ntfn, TS_RIGHTS_ALL, 0);
    }
    ts_alloc = ours;
    if (err == TS_OK && cons_ring != 0) {
        const struct stubdom_service cons = { .ctl = tessera.cons_ctl };
        char name[SVC_NAME_MAX + 1];
        service_name(g->spec.name, name);
        unsigned status = stubdom_service_introduce(&cons, g->domid, name, cons_ring, cons_ntfn);
        if (status != SVC_OK) {
            fprintf(stderr, "xl: create: the console stub domain refused domain %u (status %u)\n",
                    (unsigned)g->domid, status);
            err = TS_ERR_INVALID_ARGUMENT;
        }
        g->console_introduced = status == SVC_OK;
    }
    /* Introduced outside the guest's slot window: the builder keeps a scratch slot. */
    if (err == TS_OK && ring != 0) {
        if (tessera_xs_introduce(g, ring, ntfn) != 0)
            err = TS_ERR_INVALID_ARGUMENT;
        g->introduced = true;
    }
    if (err == TS_OK)
        err = paused ? ts_domain_prepare(&g->d) : ts_domain_start(&g->d);
    return err;
}

/* The ELF must be a Tessera-native program: the PV plan of a Xen kernel
 * needs the kernel's PV support, which does not exist yet. */
static int check_image(const char *path, const char *data, size_t size)
{
    struct elf_image *img = malloc(sizeof(*img));
    char why[200];
    int rc = CTL_OK;
    if (img == NULL)
        return CTL_ENOMEM;
    if (elf_parse((const uint8_t *)data, size, img, why, sizeof(why)) != 0) {
        fprintf(stderr, "xl: create: kernel %s: %s\n", path, why);
        rc = CTL_EINVAL;
    } else if (!img->notes.has[XEN_ELFNOTE_GUEST_OS] ||
               strcmp(img->notes.text[XEN_ELFNOTE_GUEST_OS], TESSERA_GUEST_OS) != 0) {
        rc = CTL_ENOTSUP;
    }
    free(img);
    return rc;
}

/* A native guest's image, read and checked. A CTL error. */
static int read_native(const struct guest_spec *spec, char **image, size_t *size)
{
    if (read_file(spec->kernel, image, size) != 0) {
        fprintf(stderr, "xl: create: kernel %s: cannot read it\n", spec->kernel);
        return CTL_EIO;
    }
    int rc = check_image(spec->kernel, *image, *size);
    if (rc != CTL_OK)
        free(*image);
    return rc;
}

/* A PVH or HVM guest's plan made again from its spec (restarts). A CTL
 * error. */
static int replan(const struct guest_spec *spec, struct build_plan *plan)
{
    struct domain_config dc = {
        .name = spec->name, .type = spec->hvm ? DOM_HVM : DOM_PVH,
        .kernel = spec->hvm ? NULL : spec->kernel,
        .firmware_override = spec->hvm ? spec->kernel : NULL,
        .device_model_version = spec->hvm ? "none" : NULL,
        .ramdisk = spec->ramdisk[0] ? spec->ramdisk : NULL,
        .cmdline = spec->cmdline[0] ? spec->cmdline : NULL, .memory_mb = spec->memory_mb,
        .vcpus = spec->vcpus,
    };
    char err[256];
    if (build_domain_plan(&dc, plan, err, sizeof(err)) != 0) {
        fprintf(stderr, "xl: create: %s\n", err);
        return CTL_EINVAL;
    }
    return CTL_OK;
}

int guest_create(const struct guest_spec *spec, const struct build_plan *plan, bool paused,
                 uint32_t *domid)
{
    struct guest *g = NULL;
    uint64_t slots = spec->pvh ? guest_pvh_slots(spec->memory_mb << 20, spec->vcpus) : GUEST_SLOTS;
    uint64_t window = find_window(slots);
    for (unsigned i = 0; i < MAX_GUESTS && g == NULL; i++)
        if (!guests[i].used)
            g = &guests[i];
    if (g == NULL || window == 0) {
        fprintf(stderr, "xl: create: the control domain runs at most %u guests%s\n", MAX_GUESTS,
                g == NULL ? "" : " (no room left in its CNode for this one's caps)");
        return CTL_ENOMEM;
    }
    char *image = NULL;
    size_t size = 0;
    struct build_plan replanned;
    int rc = CTL_OK;
    if (!spec->pvh)
        rc = read_native(spec, &image, &size);
    else if (plan == NULL && (rc = replan(spec, &replanned)) == CTL_OK)
        plan = &replanned;
    if (rc != CTL_OK)
        return rc;
    memset(g, 0, sizeof(*g));
    g->spec = *spec;
    g->slots_first = window;
    g->slots_end = window + slots;
    if (next_domid < tessera.first_guest_domid)
        next_domid = tessera.first_guest_domid;
    while (guest_find(next_domid) != NULL)
        next_domid = next_domid + 1 < TS_DOMID_FIRST_RESERVED ? next_domid + 1 : tessera.first_guest_domid;
    g->domid = next_domid;
    g->mem_bits = log2_ceil(spec->memory_mb << 20);
    g->cpu = g->domid % tessera.nr_cpus;
    g->state = paused ? GUEST_PAUSED : GUEST_RUNNING;
    g->created_ns = libos_now_ns();
    int err = spec->pvh ? guest_build_pvh(g, plan, paused) : build(g, image, size, paused);
    free(image);
    if (plan == &replanned)
        plan_free(&replanned);
    if (err != TS_OK) {
        guest_destroy(g);
        fprintf(stderr, "xl: create: cannot build the domain: %s\n", ts_error_name(err));
        return err == TS_ERR_NOT_ENOUGH_MEMORY ? CTL_ENOMEM : CTL_EINVAL;
    }
    g->used = true;
    next_domid = next_domid + 1 < TS_DOMID_FIRST_RESERVED ? next_domid + 1 : tessera.first_guest_domid;
    *domid = g->domid;
    return CTL_OK;
}
