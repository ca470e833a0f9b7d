/* The control domain's table of guests: building them from the guest
 * memory pool, destroying them (every object and page goes back), and what
 * happens when they stop. Used by tessera_backend.c. */
#ifndef TS_LIBCTL_TESSERA_GUEST_H
#define TS_LIBCTL_TESSERA_GUEST_H
#include <stdbool.h>
#include <stdint.h>

#include <tessera/object.h>
#include <ts/domain.h>

#include "../builder/plan.h"
#include "../cfg/domcfg.h"
#include "libctl.h"
#include "tessera.h"
#include "vmexit.h"

#define MAX_GUESTS 128
/* Slots of the control domain's CNode for a native guest; a PVH guest's
 * window holds a cap per frame of its RAM (tessera_hvm.c). */
#define GUEST_SLOTS 1024
#define NATIVE_CMDLINE_MAX 64

/* What a guest is made from; kept to restart it. */
struct guest_spec {
    char name[CTL_NAME_MAX + 1];
    char kernel[256];           /* type="hvm": its firmware */
    char ramdisk[256];          /* PVH: "" for none */
    char cmdline[1024];         /* native guests: < NATIVE_CMDLINE_MAX */
    char uuid[37];
    bool pvh;                   /* type="pvh" or "hvm": a Xen guest on vCPUs */
    bool hvm;                   /* type="hvm": KERNEL is firmware_override */
    unsigned vcpus;
    uint64_t memory_mb;
    enum dom_action on_poweroff, on_reboot, on_crash;
    unsigned crashes;           /* crash-restarts in the current window */
    uint64_t first_crash_ns;
};

enum guest_state { GUEST_RUNNING, GUEST_PAUSED, GUEST_SHUTDOWN, GUEST_CRASHED };

struct guest {
    bool used;
    uint32_t domid;
    struct guest_spec spec;
    enum guest_state state;
    unsigned mem_bits;          /* log2 of its Untyped: all memory it has */
    uint64_t untyped;           /* slot of its (first) Untyped in our CNode */
    unsigned nr_untyped;        /* a PVH guest's RAM: Untypeds in consecutive slots */
    struct ts_domain d;
    unsigned cpu;
    uint64_t created_ns;
    bool introduced;            /* to xenstored: release it on destroy */
    bool console_introduced;    /* to the console service */
    uint64_t slots_first, slots_end;    /* its window of our CNode */
    /* PVH guests (tessera_hvm.c, tessera_vmm.c): */
    uint64_t objects;           /* slot of the Untyped its kernel objects come from */
    /* vCPU i, the thread that runs it, and the copy of our endpoint its
     * exits come on, badged with the guest and i (tessera.h). */
    uint64_t vcpu[TS_XEN_MAX_VCPUS], vcpu_tcb[TS_XEN_MAX_VCPUS], vcpu_ep[TS_XEN_MAX_VCPUS];
    uint64_t minted[2];         /* badged caps we made for the kernel (0: none) */
    bool xen_abi;               /* the kernel took TS_DOMAIN_XEN_SETUP */
    uint64_t store_pfn, console_pfn;
    uint64_t store_port, console_port;  /* event channels (0: none) */
    struct debug_line debug;    /* its writes to port 0xe9 */
    bool mmio_reported;         /* its first access to unbacked MMIO was logged */
};

extern struct tessera_setup tessera;
extern struct guest guests[MAX_GUESTS];

struct guest *guest_find(uint32_t domid);
struct guest *guest_by_name(const char *name);

/* Builds and (unless PAUSED) starts a guest from SPEC: a native guest's
 * ELF image is read from spec->kernel; a PVH guest is built from PLAN, or
 * (PLAN NULL, as on restart) from a plan made again from SPEC. A CTL
 * error; on failure nothing is left. */
int guest_create(const struct guest_spec *spec, const struct build_plan *plan, bool paused,
                 uint32_t *domid);

/* Retypes an Untyped of 2^BITS bytes from the guest pool into SLOT of
 * our CNode (the first pool cap with room). A ts_error. */
int guest_take_untyped(unsigned bits, uint64_t slot);

/* Builds a PVH guest in G (domid, spec, window set) from PLAN
 * (tessera_hvm.c); on failure guest_destroy takes back what was made. A
 * ts_error. */
int guest_build_pvh(struct guest *g, const struct build_plan *plan, bool paused);
/* Slots a PVH guest of MEMORY bytes with VCPUS vCPUs needs. */
uint64_t guest_pvh_slots(uint64_t memory, unsigned vcpus);

/* Why a guest stopped, and its on_poweroff / on_reboot / on_crash action
 * carried out (tessera_events.c); STOPPED is the state a kept guest shows. */
enum stop_reason { STOP_POWEROFF, STOP_REBOOT, STOP_CRASH };
void guest_act(struct guest *g, enum stop_reason why, enum guest_state stopped);

/* A fault message of a PVH guest's vCPU thread: an exit the kernel did
 * not handle, or its SCHEDOP_shutdown (tessera_vmm.c). */
void guest_vmm_handle(struct guest *g, const struct ts_msg *m);
/* Claims for the VMM the ports it emulates (TS_DOMAIN_XEN_CLAIM_PORTS):
 * the kernel answers every other plain IN and OUT as no device would. */
int guest_vmm_claim_ports(const struct guest *g);

/* Resumes (RUN) or suspends every thread of G: a native guest's one, a
 * PVH guest's vCPU threads (xl pause stops all its vCPUs). Tries each;
 * the first ts_error. */
int guest_set_running(struct guest *g, bool run);

/* The physical CPU vCPU V of G runs on: its vCPUs spread from g->cpu. */
unsigned guest_vcpu_cpu(const struct guest *g, unsigned v);

/* Revokes the guest's Untyped: its threads stop, every object made for it
 * goes, and its memory returns to the pool (zeroed when next retyped). */
void guest_destroy(struct guest *g);

/* Releases g from the console service, which first writes out what its
 * ring still holds (done when it stops, so that its last lines come
 * before the toolstack's message). */
void guest_console_release(struct guest *g);

/* NAME as the services take it: [A-Za-z0-9_.-] (others become '_'),
 * at most SVC_NAME_MAX (32) characters; OUT has room for 33. */
void service_name(const char *name, char *out);

/* Free bytes of the guest memory pool, as the kernel counts them. */
uint64_t guest_pool_free(void);
uint64_t guest_pool_total(void);

#endif
