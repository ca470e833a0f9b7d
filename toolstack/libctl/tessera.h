/* The Tessera backend of the control library: what the control domain's
 * program (the xl shell, services/init/dom0) tells it at start-up and how
 * it hands guest events to it. The backend keeps the table of guests
 * between xl commands; ctl_open() only points a struct ctl at it. */
#ifndef TS_LIBCTL_TESSERA_H
#define TS_LIBCTL_TESSERA_H
#include <stdbool.h>
#include <stdint.h>

#include <ts/syscall.h>

/* A stub domain the control domain's init started (xenstore, console):
 * listed next to Domain-0, never built or destroyed by xl. */
struct tessera_service {
    const char *name;
    uint32_t domid;
    uint64_t domain;            /* its Domain object (threads: running or gone) */
    uint64_t memory_bytes;      /* its heap Untyped */
};
#define TESSERA_MAX_SERVICES 2

struct tessera_setup {
    unsigned nr_cpus;
    uint64_t tsc_khz;
    uint64_t ram_bytes;         /* all RAM the kernel handed out at boot */
    uint64_t console;           /* Console cap (READ for dmesg, WRITE) */
    uint64_t debug;             /* Debug cap: free bytes of the pool */
    uint64_t pool_first;        /* guest memory: Untyped caps in these slots */
    unsigned pool_count;
    /* slots of the control domain's CNode the backend may use for guests
     * (its own allocator keeps below slot_first) */
    uint64_t slot_first, slot_end;
    unsigned guest_priority;
    struct tessera_service services[TESSERA_MAX_SERVICES];
    unsigned nr_services;
    uint32_t first_guest_domid; /* guests' domids start above the services' */
    /* The xenstore stub domain (0: none): domain 0's ring frame, the
     * service's control endpoint and a WRITE copy of its notification. */
    uint64_t xs_ring, xs_ctl, xs_events;
    /* The console service (0: none): its control endpoint and a WRITE copy
     * of its notification. Guests then write to a PV console ring. */
    uint64_t cons_ctl, cons_events;
    /* `xl console`: a client cap of the console endpoint (WRITE|GRANT,
     * its own badge), the badge output signals carry on `wake`, and the
     * program's terminal: the next input byte (-1: none) and a wait for
     * input, output or a guest message (which it handles). */
    uint64_t cons_client, wake_cons_badge;
    int (*term_getc)(void);
    void (*term_wait)(void);
    /* Our bound notification, the copy our timer signals, and the badge
     * xenstored signals it with. */
    uint64_t wake, wake_timer, wake_xs_badge;
    uint64_t guest_console;     /* set by tessera_ctl_setup: a WRITE-only copy */
    bool has_vcpus;             /* set by tessera_ctl_setup: the kernel makes vCPUs (SVM) */
};

/* Badges of guest messages on the endpoint: slot index + 1, with this bit
 * for faults. A guest's exit status says why it stopped, as Xen's
 * SHUTDOWN_* codes: 0 poweroff, 1 reboot; anything else is a crash. */
#define TESSERA_FAULT_BADGE 0x10000ull
#define TESSERA_EXIT_POWEROFF 0
#define TESSERA_EXIT_REBOOT 1

/* Makes the guests' endpoint and records the setup. A ts_error. */
int tessera_ctl_setup(const struct tessera_setup *s);

/* The endpoint guests' exit and fault messages arrive on; the program may
 * wait on it (with a notification bound to its thread). */
uint64_t tessera_ctl_endpoint(void);

/* Acts on one message received from tessera_ctl_endpoint() (label != 0):
 * a guest's exit or fault, handled by its on_poweroff / on_reboot /
 * on_crash action. */
void tessera_ctl_handle(const struct ts_msg *m);

/* Receives and handles every message already waiting (never blocks). */
void tessera_ctl_poll(void);

#endif
