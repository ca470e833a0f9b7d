/* PVH guests (xl.cfg type="pvh"), and HVM guests running their firmware
 * without a device model (type="hvm", the same plan), on the kernel's
 * vCPUs. Everything the guest has comes from Untypeds of the guest pool, so that destroy is a
 * revoke of each: power-of-two blocks that add up to its RAM (its frames,
 * 2 MiB where aligned, retyped in bulk, the largest blocks first) and a
 * small one for its kernel objects (Domain, guest space and its paging
 * structures, vCPUs, a thread per vCPU, the ring notifications).
 *
 * The build plan's bytes are copied into the frames through a window of
 * our own VSpace before the frames are mapped into the guest space. The
 * guest's XenStore and console rings are the two special pages of the
 * plan (the end of RAM below 4 GiB, reserved in its e820 map), shared
 * with the xenstore and console stub domains as native guests' rings are;
 * event channels link them (TS_DOMAIN_EVTCHN_LINK) and HVM params tell
 * the guest where they are. */
#include <stdio.h>
#include <string.h>

#include <libos/server.h>
#include <libos/service.h>
#include <ts/alloc.h>
#include <ts/domain.h>
#include <ts/methods.h>
#include <tessera/object.h>

#include "../../stubdoms/builder/service.h"
#include "../builder/pvh.h"
#include "tessera_guest.h"
#include "tessera_xs.h"

#define PAGE 4096ull
#define LARGE_PAGE (2ull << 20)
/* Where frames are mapped in our VSpace while the plan is copied in. */
#define WINDOW_LARGE (TS_SCRATCH_VADDR + (1ull << 30))
#define WINDOW_SMALL (WINDOW_LARGE + LARGE_PAGE)

/* HVM params (xen/include/public/hvm/params.h). */
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18

#define RW (TS_RIGHT_READ | TS_RIGHT_WRITE)
/* Of the TS_XEN_MAP_TABLES pool tables, page directories (the rest: page tables). */
#define GRANT_MAP_PDS 2
/* Pool frames for the grant table where the guest has no memory (Linux
 * places it so): 4 frames, 2048 grant entries. */
#define GRANT_POOL_FRAMES 4

/* The frames backing the guest's RAM: run i's frames are in consecutive
 * slots from first[i]. */
struct backing {
    struct pvh_run runs[PVH_RUNS_MAX];
    uint64_t first[PVH_RUNS_MAX];
    unsigned nruns;
    uint64_t store, console;    /* the special pages' frames */
};

static unsigned log2_ceil(uint64_t v)
{
    unsigned b = 0;
    while ((1ull << b) < v)
        b++;
    return b;
}

static uint64_t frame_count(const struct pvh_layout *l)
{
    struct pvh_run runs[PVH_RUNS_MAX];
    unsigned n = pvh_backing(l, runs);
    uint64_t count = PVH_SPECIAL_PAGES;
    for (unsigned i = 0; i < n; i++)
        count += runs[i].count;
    return count;
}

uint64_t guest_pvh_slots(uint64_t memory, unsigned vcpus)
{
    struct pvh_layout l;
    if (pvh_layout(memory, &l) != 0)
        return GUEST_SLOTS;
    /* The RAM blocks and the objects Untyped, the frames, then objects:
     * Domain, guest space, its paging structures (one per GiB and a few),
     * the threads' CNode and VSpace, two notifications, the badged caps,
     * the grant-mapping tables; per vCPU: the vCPU, its thread and its
     * badged endpoint. */
    return PVH_BLOCKS_MAX + 1 + frame_count(&l) + 24 + TS_XEN_MAP_TABLES + GRANT_POOL_FRAMES +
           (memory >> 30) + 3 * vcpus;
}

/* Bytes of the objects Untyped: paging structures (4 KiB each: PDPT, a
 * page directory per GiB, page tables around the 2 MiB frames, the
 * pool's tables and grant frames), the Domain, the vCPUs and their threads, with
 * room for alignment. */
static unsigned objects_bits(uint64_t memory, unsigned vcpus)
{
    uint64_t bytes = (96ull << 10) + (1ull << TS_DOMAIN_BITS) +
                     (TS_XEN_MAP_TABLES + GRANT_POOL_FRAMES) * PAGE +
                     vcpus * ((1ull << TS_VCPU_BITS) + (1ull << TS_TCB_BITS)) +
                     (memory >> 30) * PAGE;
    return log2_ceil(bytes);
}

/* The frame holding GPA and GPA's offset in it (false: not RAM). */
static bool frame_at(const struct backing *b, uint64_t gpa, uint64_t *slot, uint64_t *offset,
                     unsigned *bits)
{
    for (unsigned i = 0; i < b->nruns; i++) {
        const struct pvh_run *r = &b->runs[i];
        if (gpa >= r->gpa && gpa - r->gpa < r->count << r->page_bits) {
            *slot = b->first[i] + ((gpa - r->gpa) >> r->page_bits);
            *offset = (gpa - r->gpa) & ((1ull << r->page_bits) - 1);
            *bits = r->page_bits;
            return true;
        }
    }
    return false;
}

/* Copies one placement's bytes into the frames, a frame at a time
 * through our window (the rest of each frame stays as retyped: zero). */
static int copy_in(const struct backing *b, const struct placement *p)
{
    for (uint64_t done = 0; done < p->len;) {
        uint64_t slot, offset;
        unsigned bits;
        if (!frame_at(b, p->gpa + done, &slot, &offset, &bits))
            return TS_ERR_RANGE;
        uint64_t window = bits == 21 ? WINDOW_LARGE : WINDOW_SMALL;
        uint64_t n = (1ull << bits) - offset;
        if (n > p->len - done)
            n = p->len - done;
        int err = ts_map_frame(slot, TS_CHILD_VSPACE, window, RW, 0);
        if (err != TS_OK)
            return err;
        memcpy((char *)(uintptr_t)(window + offset), p->data + done, n);
        ts_frame_unmap(slot);
        done += n;
    }
    return TS_OK;
}

/* Where the next frame comes from: a RAM block and the bytes of it used. */
struct cursor {
    unsigned block;
    uint64_t used;
};

/* Retypes COUNT frames of 2^BITS bytes from the RAM blocks into our slots
 * from *slot on (the blocks add up to exactly these frames, largest
 * first: pvh_ram_blocks). */
static int retype_frames(const struct guest *g, struct cursor *c, const unsigned *block_bits,
                         unsigned bits, uint64_t count, uint64_t *slot)
{
    int err = TS_OK;
    while (count > 0 && err == TS_OK && c->block < g->nr_untyped) {
        uint64_t left = (1ull << block_bits[c->block]) - c->used;
        uint64_t n = left >> bits < count ? left >> bits : count;
        if (n > 0)
            err = ts_untyped_retype(g->untyped + c->block, bits == 21 ? TS_OBJ_FRAME_2M
                                    : TS_OBJ_FRAME_4K, 0, TS_CHILD_CNODE, *slot, n);
        *slot += n;
        count -= n;
        c->used += n << bits;
        if (((1ull << block_bits[c->block]) - c->used) >> bits == 0) {
            c->block++;         /* no room for another frame of this size */
            c->used = 0;
        }
    }
    return err == TS_OK && count > 0 ? TS_ERR_NOT_ENOUGH_MEMORY : err;
}

/* The RAM frames and the special pages, retyped in bulk from the RAM
 * blocks into our slots from *slot on. */
static int make_frames(const struct guest *g, const unsigned *block_bits, struct backing *b,
                       uint64_t *slot)
{
    struct cursor c = { 0, 0 };
    int err = TS_OK;
    for (unsigned i = 0; i < b->nruns && err == TS_OK; i++) {
        b->first[i] = *slot;
        err = retype_frames(g, &c, block_bits, b->runs[i].page_bits, b->runs[i].count, slot);
    }
    b->store = *slot;
    b->console = *slot + 1;
    return err == TS_OK ? retype_frames(g, &c, block_bits, 12, PVH_SPECIAL_PAGES, slot) : err;
}

/* Maps every frame into the guest space (paging structures from ts_alloc). */
static int map_frames(const struct backing *b, const struct pvh_layout *l, uint64_t space)
{
    int err = TS_OK;
    for (unsigned i = 0; i < b->nruns && err == TS_OK; i++) {
        const struct pvh_run *r = &b->runs[i];
        for (uint64_t k = 0; k < r->count && err == TS_OK; k++)
            err = ts_map_frame(b->first[i] + k, space, r->gpa + (k << r->page_bits), RW,
                               TS_MAP_EXECUTE);
    }
    if (err == TS_OK)
        err = ts_map_frame(b->store, space, l->store_gpa, RW, 0);
    if (err == TS_OK)
        err = ts_map_frame(b->console, space, l->console_gpa, RW, 0);
    return err;
}

/* vCPU 0's registers at the PVH entry: the kernel made it 32-bit flat
 * protected mode; %ebx = hvm_start_info, other GPRs 0. */
static int set_entry(uint64_t vcpu, const struct build_plan *plan)
{
    uint64_t gprs[2 + 16] = { TS_VREG_RAX, 16 };
    gprs[2 + TS_VREG_RBX] = plan->regs.rbx;
    int err = ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 18, gprs, 0, NULL);
    if (err == TS_OK)
        err = ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3,
                        (const uint64_t[]){ TS_VREG_RIP, 1, plan->regs.rip }, 0, NULL);
    return err;
}

/* The thread that runs vCPU V (CNODE and VSPACE: empty ones, as it never
 * makes a system call): our endpoint for its exits, badged as the guest
 * and V, on its physical CPU. Every vCPU's thread starts with the guest:
 * the kernel keeps a secondary one waiting for the boot vCPU's INIT/SIPI. */
static int make_thread(struct guest *g, unsigned v, uint64_t cnode, uint64_t vspace)
{
    uint64_t badge = TESSERA_FAULT_BADGE | (uint64_t)v << TESSERA_VCPU_BADGE_SHIFT |
                     ((uint64_t)(g - guests) + 1);
    uint64_t tcb, ep;
    int err = ts_object_alloc(TS_OBJ_TCB, 0, &tcb);
    if (err == TS_OK)
        err = (ep = ts_slot_alloc()) ? TS_OK : TS_ERR_RANGE;
    if (err != TS_OK)
        return err;
    err = ts_cnode_mint(TS_CHILD_CNODE, ep, TS_CHILD_CNODE, tessera_ctl_endpoint(), TS_RIGHTS_ALL,
                        badge);
    if (err != TS_OK)
        return err;
    g->vcpu_tcb[v] = tcb;
    g->vcpu_ep[v] = ep;
    err = ts_tcb_configure(tcb, ep, cnode, vspace, 0, 0);
    if (err == TS_OK)
        err = ts_tcb_set_domain(tcb, g->d.domain);
    if (err == TS_OK)
        err = ts_tcb_set_priority(tcb, tessera.guest_priority);
    if (err == TS_OK)
        err = ts_tcb_set_affinity(tcb, guest_vcpu_cpu(g, v));
    if (err == TS_OK)
        err = ts_invoke(tcb, TS_TCB_BIND_VCPU, 1, (const uint64_t[]){ g->vcpu[v] }, 0, NULL);
    return err;
}

/* A thread per vCPU, sharing an empty CNode and VSpace. */
static int make_threads(struct guest *g)
{
    uint64_t cnode, vspace;
    int err = ts_object_alloc(TS_OBJ_CNODE, TS_CNODE_MIN_RADIX, &cnode);
    if (err == TS_OK)
        err = ts_object_alloc(TS_OBJ_VSPACE, 0, &vspace);
    for (unsigned v = 0; v < g->spec.vcpus && err == TS_OK; v++)
        err = make_thread(g, v, cnode, vspace);
    return err;
}

/* The Xen ABI for the domain: its guest space and memory, its vCPUs.
 * A kernel without it (TS_ERR_ILLEGAL_OPERATION) still runs the guest,
 * with every exit coming to our VMM: said once per guest, not hidden. */
static int xen_setup(struct guest *g, uint64_t space, const uint64_t *vcpus, unsigned n)
{
    uint64_t max_pages = (g->spec.memory_mb << 20) / PAGE;
    int err = ts_invoke(g->d.domain, TS_DOMAIN_XEN_SETUP, 3,
                        (const uint64_t[]){ space, max_pages, 0 }, 0, NULL);
    if (err == TS_ERR_ILLEGAL_OPERATION) {
        printf("xl: create: %s: this kernel has no Xen ABI for guests (TS_DOMAIN_XEN_SETUP: %s):"
               " no hypercalls, event channels or HVM params\n", g->spec.name, ts_error_name(err));
        return TS_OK;
    }
    for (unsigned i = 0; i < n && err == TS_OK; i++)
        err = ts_invoke(g->d.domain, TS_DOMAIN_XEN_ADD_VCPU, 2, (const uint64_t[]){ vcpus[i], i },
                        0, NULL);
    if (err == TS_OK)
        err = guest_vmm_claim_ports(g);
    /* The domain's pool (moved into it): the nested tables that pages
     * placed where it has no memory need (Xen's paging pool): page
     * directories for a GiB beyond its RAM, page tables for the 2 MiB
     * around such pages; and the frames of its grant table there. */
    for (unsigned i = 0; i < TS_XEN_MAP_TABLES + GRANT_POOL_FRAMES && err == TS_OK; i++) {
        bool table = i < TS_XEN_MAP_TABLES;
        uint64_t obj;
        err = ts_object_alloc(!table ? TS_OBJ_FRAME_4K : i < GRANT_MAP_PDS ? TS_OBJ_PAGE_DIRECTORY
                                                                         : TS_OBJ_PAGE_TABLE,
                              0, &obj);
        if (err == TS_OK)
            err = ts_invoke(g->d.domain, table ? TS_DOMAIN_XEN_ADD_TABLE
                                               : TS_DOMAIN_XEN_ADD_GRANT_FRAME,
                            1, (const uint64_t[]){ obj }, 0, NULL);
    }
    g->xen_abi = err == TS_OK;
    return err;
}

static int set_param(const struct guest *g, uint64_t index, uint64_t value)
{
    return ts_invoke(g->d.domain, TS_DOMAIN_XEN_SET_PARAM, 2, (const uint64_t[]){ index, value },
                     0, NULL);
}

/* A ring's event channel: the guest's EVTCHNOP_send signals the service
 * (its notification badged for this domain, as native guests' kick caps
 * are); the service's signal of NTFN makes the port pending. */
static int link_ring(struct guest *g, uint64_t events, uint64_t ntfn, uint64_t *minted,
                     uint64_t *port)
{
    uint64_t kick = ts_slot_alloc();
    int err = kick ? ts_cnode_mint(TS_CHILD_CNODE, kick, TS_CHILD_CNODE, events, TS_RIGHT_WRITE,
                                   svc_kick_badge(g->domid))
                   : TS_ERR_RANGE;
    if (err != TS_OK)
        return err;
    *minted = kick;
    return ts_invoke(g->d.domain, TS_DOMAIN_EVTCHN_LINK, 2, (const uint64_t[]){ kick, ntfn }, 1,
                     port);
}

/* The rings' event channels and the HVM params that point at them. */
static int wire_rings(struct guest *g, uint64_t store_ntfn, uint64_t cons_ntfn)
{
    int err = TS_OK;
    if (store_ntfn != 0) {
        err = link_ring(g, tessera.xs_events, store_ntfn, &g->minted[0], &g->store_port);
        if (err == TS_OK)
            err = set_param(g, HVM_PARAM_STORE_PFN, g->store_pfn);
        if (err == TS_OK)
            err = set_param(g, HVM_PARAM_STORE_EVTCHN, g->store_port);
    }
    if (err == TS_OK && cons_ntfn != 0) {
        err = link_ring(g, tessera.cons_events, cons_ntfn, &g->minted[1], &g->console_port);
        if (err == TS_OK)
            err = set_param(g, HVM_PARAM_CONSOLE_PFN, g->console_pfn);
        if (err == TS_OK)
            err = set_param(g, HVM_PARAM_CONSOLE_EVTCHN, g->console_port);
    }
    return err;
}

/* The guest's kernel objects and its memory map, from the objects
 * Untyped (ts_alloc set to it). */
static int make_domain(struct guest *g, const struct backing *b, const struct pvh_layout *l,
                       const struct build_plan *plan, uint64_t *store_ntfn, uint64_t *cons_ntfn)
{
    uint64_t space;
    /* The largest objects first: no room lost to their alignment. */
    int err = ts_object_alloc(TS_OBJ_DOMAIN, 0, &g->d.domain);
    for (unsigned i = 0; i < g->spec.vcpus && err == TS_OK; i++)
        err = ts_object_alloc(TS_OBJ_VCPU, 0, &g->vcpu[i]);
    if (err == TS_OK)
        err = ts_domain_set_id(g->d.domain, g->domid);
    if (err == TS_OK)
        err = ts_object_alloc(TS_OBJ_GUEST_SPACE, 0, &space);
    if (err == TS_OK)
        err = map_frames(b, l, space);
    for (unsigned i = 0; i < g->spec.vcpus && err == TS_OK; i++)
        err = ts_invoke(g->vcpu[i], TS_VCPU_SET_SPACE, 1, (const uint64_t[]){ space }, 0, NULL);
    /* vCPU 0 starts at the PVH entry; the others where INIT/SIPI say. */
    if (err == TS_OK)
        err = set_entry(g->vcpu[0], plan);
    if (err == TS_OK)
        err = make_threads(g);
    if (err == TS_OK)
        err = xen_setup(g, space, g->vcpu, g->spec.vcpus);
    if (err == TS_OK && tessera_xs_connected())
        err = ts_object_alloc(TS_OBJ_NOTIFICATION, 0, store_ntfn);
    if (err == TS_OK && tessera.cons_ctl != 0)
        err = ts_object_alloc(TS_OBJ_NOTIFICATION, 0, cons_ntfn);
    if (err == TS_OK && g->xen_abi)
        err = wire_rings(g, *store_ntfn, *cons_ntfn);
    return err;
}

/* The rings handed to the console and xenstore stub domains. */
static int introduce(struct guest *g, const struct backing *b, uint64_t store_ntfn,
                     uint64_t cons_ntfn)
{
    char name[SVC_NAME_MAX + 1];
    service_name(g->spec.name, name);
    if (cons_ntfn != 0) {
        const struct stubdom_service cons = { .ctl = tessera.cons_ctl };
        unsigned status = stubdom_service_introduce(&cons, g->domid, name, b->console, cons_ntfn);
        if (status != SVC_OK) {
            fprintf(stderr, "xl: create: the console stub domain refused domain %u (status %u)\n",
                    (unsigned)g->domid, status);
            return TS_ERR_INVALID_ARGUMENT;
        }
        g->console_introduced = true;
    }
    if (store_ntfn != 0) {
        g->introduced = true;
        if (tessera_xs_introduce(g, b->store, store_ntfn) != 0)
            return TS_ERR_INVALID_ARGUMENT;
    }
    return TS_OK;
}

int guest_build_pvh(struct guest *g, const struct build_plan *plan, bool paused)
{
    struct pvh_layout l;
    struct backing b;
    if (pvh_layout(plan->memory_bytes, &l) != 0)
        return TS_ERR_INVALID_ARGUMENT;
    b.nruns = pvh_backing(&l, b.runs);
    unsigned blocks[PVH_BLOCKS_MAX];
    unsigned nr_blocks = pvh_ram_blocks(&l, blocks);
    uint64_t slot = g->slots_first;
    int err = TS_OK;
    g->untyped = slot;
    for (unsigned i = 0; i < nr_blocks && err == TS_OK; i++) {
        err = guest_take_untyped(blocks[i], slot++);
        g->nr_untyped += err == TS_OK;
    }
    if (err == TS_OK)
        err = guest_take_untyped(objects_bits(plan->memory_bytes, g->spec.vcpus), slot);
    if (err != TS_OK)
        return err;
    g->objects = slot++;
    err = make_frames(g, blocks, &b, &slot);
    for (size_t i = 0; i < plan->nplacements && err == TS_OK; i++)
        err = copy_in(&b, &plan->placements[i]);
    if (err != TS_OK)
        return err;
    g->store_pfn = l.store_gpa / PAGE;
    g->console_pfn = l.console_gpa / PAGE;

    uint64_t store_ntfn = 0, cons_ntfn = 0;
    struct ts_allocator ours = ts_alloc;
    ts_alloc_init(TS_CHILD_CNODE, slot, g->slots_end, g->objects, 1);
    err = make_domain(g, &b, &l, plan, &store_ntfn, &cons_ntfn);
    ts_alloc = ours;
    if (err == TS_OK)
        err = introduce(g, &b, store_ntfn, cons_ntfn);
    if (err == TS_OK && !paused)
        err = guest_set_running(g, true);
    return err;
}
