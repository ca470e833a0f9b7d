/* The control domain's VMM for PVH guests: the exits the kernel passes on
 * (TS_FAULT_VMEXIT) and the guests' SCHEDOP_shutdown
 * (TS_FAULT_GUEST_SHUTDOWN), handled in the shell's event loop while the
 * vCPU waits for our reply.
 *
 * There are no emulated devices: an IN reads all ones, an OUT is dropped,
 * except bytes written to port 0xe9 (Xen's HVM debug console, Linux's
 * earlyprintk=xen), which become "[NAME] line" lines of Domain-0's
 * console (the serial line and xl dmesg). String OUTs are skipped (their
 * bytes are not read); a string IN, a nested page fault outside RAM, a
 * triple fault or any other exit crashes the guest, and its on_crash
 * applies. */
#include <stdio.h>

#include <ts/methods.h>
#include <ts/syscall.h>
#include <tessera/object.h>

#include "tessera_guest.h"
#include "vmexit.h"

#define RFLAGS_DF (1ull << 10)

/* Xen's SHUTDOWN_* reasons. */
enum { SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT, SHUTDOWN_SUSPEND, SHUTDOWN_CRASH, SHUTDOWN_WATCHDOG };

static int get_reg(const struct guest *g, unsigned reg, uint64_t *value)
{
    return ts_invoke(g->vcpu0, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ reg, 1 }, 1, value);
}

static int set_reg(const struct guest *g, unsigned reg, uint64_t value)
{
    return ts_invoke(g->vcpu0, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ reg, 1, value }, 0,
                     NULL);
}

/* Label 0 resumes the vCPU; any other leaves its thread stopped. */
static void reply(bool resume)
{
    struct ts_msg m = { .info = ts_msginfo_new(resume ? 0 : 1, 0, 0) };
    ts_reply(&m);
}

static void debug_flush(struct guest *g)
{
    if (g->debug.len > 0)
        printf("[%s] %s\n", g->spec.name, g->debug.text);
    debug_line_clear(&g->debug);
}

static void debug_byte(struct guest *g, char c)
{
    if (debug_line_put(&g->debug, c)) {
        printf("[%s] %s\n", g->spec.name, g->debug.text);
        debug_line_clear(&g->debug);
    }
}

/* A string OUT: nothing reads its bytes; RSI moves past them, a REP
 * prefix's count is used up. */
static int skip_outs(struct guest *g, const struct ioio *io)
{
    uint64_t count = 1, rsi, rflags;
    int err = io->rep ? get_reg(g, TS_VREG_RCX, &count) : TS_OK;
    if (err == TS_OK)
        err = get_reg(g, TS_VREG_RSI, &rsi);
    if (err == TS_OK)
        err = get_reg(g, TS_VREG_RFLAGS, &rflags);
    uint64_t bytes = count * io->size;
    if (err == TS_OK)
        err = set_reg(g, TS_VREG_RSI, rflags & RFLAGS_DF ? rsi - bytes : rsi + bytes);
    if (err == TS_OK && io->rep)
        err = set_reg(g, TS_VREG_RCX, 0);
    return err;
}

/* Emulates the port access; false: the guest cannot go on (said why). */
static bool emulate_io(struct guest *g, const struct ioio *io, uint64_t next_rip)
{
    uint64_t rax = 0;
    int err;
    if (io->string && io->in) {
        printf("xl: guest %s (domid %u): string IN from port %#x is not emulated\n",
               g->spec.name, g->domid, io->port);
        return false;
    }
    if (io->string)
        err = skip_outs(g, io);
    else if (io->in)
        err = get_reg(g, TS_VREG_RAX, &rax) == TS_OK
                  ? set_reg(g, TS_VREG_RAX, ioio_in_absent(rax, io->size)) : TS_ERR_INVALID_ARGUMENT;
    else if (io->port == XEN_DEBUG_PORT && (err = get_reg(g, TS_VREG_RAX, &rax)) == TS_OK)
        debug_byte(g, (char)(rax & 0xff));
    else
        err = TS_OK;
    if (err == TS_OK)
        err = set_reg(g, TS_VREG_RIP, next_rip);
    if (err != TS_OK)
        printf("xl: guest %s (domid %u): its vCPU registers: %s\n", g->spec.name, g->domid,
               ts_error_name(err));
    return err == TS_OK;
}

/* The guest stops: its last lines first, then its on_* action. */
static void stop(struct guest *g, enum stop_reason why)
{
    reply(false);
    debug_flush(g);
    guest_console_release(g);
    guest_act(g, why, why == STOP_CRASH ? GUEST_CRASHED : GUEST_SHUTDOWN);
}

static void shutdown_request(struct guest *g, uint64_t reason)
{
    switch (reason) {
    case SHUTDOWN_POWEROFF:
        stop(g, STOP_POWEROFF);
        break;
    case SHUTDOWN_REBOOT:
        stop(g, STOP_REBOOT);
        break;
    case SHUTDOWN_SUSPEND:
        printf("xl: guest %s (domid %u): suspend is not supported; it resumes\n", g->spec.name,
               g->domid);
        reply(true);
        break;
    default:
        printf("xl: guest %s (domid %u): shut down for %s\n", g->spec.name, g->domid,
               reason == SHUTDOWN_WATCHDOG ? "its watchdog" : reason == SHUTDOWN_CRASH
               ? "a crash" : "an unknown reason");
        stop(g, STOP_CRASH);
        break;
    }
}

static void report_exit(const struct guest *g, const struct ts_msg *m)
{
    printf("xl: guest %s (domid %u): unhandled exit %#llx at rip %#llx (info1 %#llx, "
           "info2 %#llx)%s\n", g->spec.name, g->domid, (unsigned long long)m->mr[0],
           (unsigned long long)m->mr[3], (unsigned long long)m->mr[1],
           (unsigned long long)m->mr[2],
           m->mr[0] == SVM_EXIT_SHUTDOWN ? ": triple fault"
           : m->mr[0] == SVM_EXIT_NPF ? ": guest-physical address outside its RAM" : "");
}

void guest_vmm_handle(struct guest *g, const struct ts_msg *m)
{
    uint64_t label = ts_msginfo_label(m->info);
    struct ioio io;
    if (label == TS_FAULT_GUEST_SHUTDOWN) {
        shutdown_request(g, m->mr[0]);
        return;
    }
    if (label == TS_FAULT_VMEXIT && m->mr[0] == SVM_EXIT_IOIO && ioio_decode(m->mr[1], &io)) {
        if (emulate_io(g, &io, m->mr[2])) {
            reply(true);
            return;
        }
    } else if (label == TS_FAULT_VMEXIT) {
        report_exit(g, m);
    } else {
        printf("xl: guest %s (domid %u): fault %llu of its vCPU thread\n", g->spec.name, g->domid,
               (unsigned long long)label);
    }
    stop(g, STOP_CRASH);
}
