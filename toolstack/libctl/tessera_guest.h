/* The control domain's table of guests: building them from the guest
 * memory pool, destroying them (every object and page goes back), and what
 * happens when they stop. Used by tessera_backend.c. */
#ifndef TS_LIBCTL_TESSERA_GUEST_H
#define TS_LIBCTL_TESSERA_GUEST_H
#include <stdbool.h>
#include <stdint.h>

#include <ts/domain.h>

#include "../cfg/domcfg.h"
#include "libctl.h"
#include "tessera.h"

#define MAX_GUESTS 128
#define GUEST_SLOTS 1024        /* slots of the control domain's CNode per guest */

/* What a guest is made from; kept to restart it. */
struct guest_spec {
    char name[CTL_NAME_MAX + 1];
    char kernel[256];
    char cmdline[64];
    char uuid[37];
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
    uint64_t untyped;           /* slot of its Untyped in our CNode */
    struct ts_domain d;
    unsigned cpu;
    uint64_t created_ns;
    bool introduced;            /* to xenstored: release it on destroy */
    bool console_introduced;    /* to the console service */
};

extern struct tessera_setup tessera;
extern struct guest guests[MAX_GUESTS];

struct guest *guest_find(uint32_t domid);
struct guest *guest_by_name(const char *name);

/* Builds and (unless PAUSED) starts a guest from SPEC; the ELF image is
 * read from spec->kernel. A CTL error; on failure nothing is left. */
int guest_create(const struct guest_spec *spec, bool paused, uint32_t *domid);

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
