/* When a guest stops: its exit message (libos's _exit) or a fault of its
 * thread arrives on the guests' endpoint, and the control domain carries
 * out the guest's on_poweroff / on_reboot / on_crash action, as xl's
 * per-domain daemon does on Xen. */
#include <stdio.h>
#include <string.h>

#include <libos/libos.h>
#include <libos/protocol.h>
#include <tessera/object.h>

#include "tessera.h"
#include "tessera_guest.h"

/* A guest that crashes this often within the window is not restarted. */
#define CRASH_LOOP_COUNT 3
#define CRASH_LOOP_WINDOW_NS (10 * 1000000000ull)

static const char *const reason_names[] = { "poweroff", "reboot", "crash" };

static bool crash_loop(struct guest_spec *s)
{
    uint64_t now = libos_now_ns();
    if (s->crashes == 0 || now - s->first_crash_ns > CRASH_LOOP_WINDOW_NS) {
        s->crashes = 0;
        s->first_crash_ns = now;
    }
    return ++s->crashes >= CRASH_LOOP_COUNT;
}

static void restart(struct guest *g)
{
    struct guest_spec spec = g->spec;
    uint32_t old = g->domid, domid;
    guest_destroy(g);
    if (guest_create(&spec, NULL, false, &domid) == CTL_OK)
        printf("xl: domain %s restarted as domain %u (was %u)\n", spec.name, domid, old);
    else
        printf("xl: domain %s could not be restarted\n", spec.name);
}

/* rename-restart: the stopped domain stays (renamed NAME-DOMID), a new one starts. */
static void rename_restart(struct guest *g)
{
    struct guest_spec spec = g->spec;
    uint32_t domid;
    snprintf(g->spec.name, sizeof(g->spec.name), "%.50s-%u", spec.name, g->domid);
    if (guest_create(&spec, NULL, false, &domid) == CTL_OK)
        printf("xl: domain %s kept as %s; restarted as domain %u\n", spec.name,
               g->spec.name, domid);
}

void guest_act(struct guest *g, enum stop_reason why, enum guest_state stopped)
{
    enum dom_action a = why == STOP_POWEROFF ? g->spec.on_poweroff
                      : why == STOP_REBOOT ? g->spec.on_reboot : g->spec.on_crash;
    printf("xl: domain %s (%u) stopped: %s; on_%s=%s\n", g->spec.name, g->domid,
           reason_names[why], why == STOP_CRASH ? "crash" : reason_names[why],
           dom_action_name(a));
    if (why == STOP_CRASH && (a == ACT_RESTART || a == ACT_COREDUMP_RESTART ||
                              a == ACT_RENAME_RESTART) && crash_loop(&g->spec)) {
        printf("xl: domain %s crashed %u times within %llu s: stopped, not restarted\n",
               g->spec.name, g->spec.crashes,
               (unsigned long long)(CRASH_LOOP_WINDOW_NS / 1000000000ull));
        guest_destroy(g);
        return;
    }
    switch (a) {
    case ACT_DESTROY:
        guest_destroy(g);
        break;
    case ACT_RESTART:
        restart(g);
        break;
    case ACT_RENAME_RESTART:
        g->state = stopped;
        rename_restart(g);
        break;
    case ACT_PRESERVE:
        g->state = stopped;
        break;
    case ACT_COREDUMP_DESTROY:
    case ACT_COREDUMP_RESTART:
        printf("xl: domain %s: core dumps are not supported yet\n", g->spec.name);
        if (a == ACT_COREDUMP_RESTART)
            restart(g);
        else
            guest_destroy(g);
        break;
    case ACT_SOFT_RESET:
        printf("xl: domain %s: soft-reset is not supported yet; destroyed\n", g->spec.name);
        guest_destroy(g);
        break;
    }
}

void tessera_ctl_handle(const struct ts_msg *m)
{
    uint64_t index = (m->badge & ~TESSERA_FAULT_BADGE) - 1;
    uint64_t label = ts_msginfo_label(m->info);
    if (index >= MAX_GUESTS || !guests[index].used)
        return;
    struct guest *g = &guests[index];
    if (g->spec.pvh && (m->badge & TESSERA_FAULT_BADGE)) {
        guest_vmm_handle(g, m);
        return;
    }
    /* Its last console output reaches the serial line before our messages. */
    guest_console_release(g);
    if (m->badge & TESSERA_FAULT_BADGE) {
        if (label == TS_FAULT_VM)
            printf("xl: domain %s (%u): page fault at %#llx (rip %#llx)\n", g->spec.name,
                   g->domid, (unsigned long long)m->mr[1], (unsigned long long)m->mr[0]);
        else
            printf("xl: domain %s (%u): exception %llu at rip %#llx\n", g->spec.name,
                   g->domid, (unsigned long long)m->mr[1], (unsigned long long)m->mr[0]);
        guest_act(g, STOP_CRASH, GUEST_CRASHED);
    } else if (label == LIBOS_EXIT) {
        uint64_t status = m->mr[0];
        if (status == TESSERA_EXIT_POWEROFF)
            guest_act(g, STOP_POWEROFF, GUEST_SHUTDOWN);
        else if (status == TESSERA_EXIT_REBOOT)
            guest_act(g, STOP_REBOOT, GUEST_SHUTDOWN);
        else {
            printf("xl: domain %s (%u) exited with status %llu\n", g->spec.name, g->domid,
                   (unsigned long long)status);
            guest_act(g, STOP_CRASH, GUEST_CRASHED);
        }
    }
}

void tessera_ctl_poll(void)
{
    for (;;) {
        struct ts_msg m = { 0 };
        ts_nbrecv(tessera_ctl_endpoint(), &m);
        if (m.badge == 0)       /* nothing waiting (or an error) */
            return;
        if (ts_msginfo_label(m.info) != 0)
            tessera_ctl_handle(&m);
    }
}
