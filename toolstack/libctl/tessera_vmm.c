/* The control domain's VMM for PVH guests: the exits the kernel passes on
 * (TS_FAULT_VMEXIT) and the guests' SCHEDOP_shutdown
 * (TS_FAULT_GUEST_SHUTDOWN), handled in the shell's event loop while the
 * vCPU waits for our reply.
 *
 * There are no emulated devices: an IN reads all ones, an OUT is dropped,
 * except bytes written to port 0xe9 (Xen's HVM debug console, Linux's
 * earlyprintk=xen), which become "[NAME] line" lines of Domain-0's
 * console (the serial line and xl dmesg), and the ACPI fixed hardware
 * its tables describe (builder/acpi.h): a sleep to S5 is a poweroff and
 * the reset value a reboot, exactly as SCHEDOP_shutdown's; the sleep
 * status register reads WAK_STS. Only those ports are claimed: the
 * kernel answers plain INs and OUTs elsewhere itself, in the same way
 * and without a round trip to us. String OUTs are skipped (their
 * bytes are not read). Unbacked MMIO, a guest-physical address outside
 * the guest's RAM, is treated the same way: a load reads all ones, a
 * store is dropped, decoding the instruction from the bytes the kernel
 * sends with the nested page fault (lib/x86insn). A string IN, a nested
 * page fault in RAM or by an instruction not decoded, a triple fault or
 * any other exit crashes the guest, and its on_crash applies. */
#include <stdio.h>

#include <ts/methods.h>
#include <ts/syscall.h>
#include <tessera/object.h>

#include "../../lib/x86insn/x86insn.h"
#include "../builder/acpi.h"
#include "../builder/pvh.h"
#include "tessera_guest.h"
#include "vmexit.h"

#define RFLAGS_DF (1ull << 10)

/* Xen's SHUTDOWN_* reasons. */
enum { SHUTDOWN_POWEROFF, SHUTDOWN_REBOOT, SHUTDOWN_SUSPEND, SHUTDOWN_CRASH, SHUTDOWN_WATCHDOG };

/* Registers first.. of the vCPU that exited (its cap), in enum ts_vcpu_reg order. */
static int get_regs(uint64_t vcpu, unsigned first, unsigned count, uint64_t *values)
{
    return ts_invoke(vcpu, TS_VCPU_READ_REGS, 2, (const uint64_t[]){ first, count }, count, values);
}

static int get_reg(uint64_t vcpu, unsigned reg, uint64_t *value)
{
    return get_regs(vcpu, reg, 1, value);
}

static int set_reg(uint64_t vcpu, unsigned reg, uint64_t value)
{
    return ts_invoke(vcpu, TS_VCPU_WRITE_REGS, 3, (const uint64_t[]){ reg, 1, value }, 0, NULL);
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
static int skip_outs(uint64_t vcpu, const struct ioio *io)
{
    uint64_t count = 1, rsi, rflags;
    int err = io->rep ? get_reg(vcpu, TS_VREG_RCX, &count) : TS_OK;
    if (err == TS_OK)
        err = get_reg(vcpu, TS_VREG_RSI, &rsi);
    if (err == TS_OK)
        err = get_reg(vcpu, TS_VREG_RFLAGS, &rflags);
    uint64_t bytes = count * io->size;
    if (err == TS_OK)
        err = set_reg(vcpu, TS_VREG_RSI, rflags & RFLAGS_DF ? rsi - bytes : rsi + bytes);
    if (err == TS_OK && io->rep)
        err = set_reg(vcpu, TS_VREG_RCX, 0);
    return err;
}

/* A plain IN: all ones, or WAK_STS from the ACPI sleep status register. */
static int emulate_in(uint64_t vcpu, const struct ioio *io)
{
    uint64_t rax;
    int err = get_reg(vcpu, TS_VREG_RAX, &rax);
    if (err != TS_OK)
        return err;
    if (io->port == ACPI_SLEEP_STATUS_PORT && io->size == 1)
        return set_reg(vcpu, TS_VREG_RAX, (rax & ~0xffull) | ACPI_WAK_STS);
    return set_reg(vcpu, TS_VREG_RAX, ioio_in_absent(rax, io->size));
}

/* A plain OUT: the debug console's byte, or an ACPI poweroff or reset
 * (*ACTION; the guest then stops instead of going on). */
static int emulate_out(struct guest *g, uint64_t vcpu, const struct ioio *io,
                       enum acpi_port_action *action)
{
    uint64_t rax;
    int err = get_reg(vcpu, TS_VREG_RAX, &rax);
    if (err != TS_OK)
        return err;
    if (io->port == XEN_DEBUG_PORT)
        debug_byte(g, (char)(rax & 0xff));
    else
        *action = acpi_port_write(io->port, io->size, (uint32_t)rax);
    return TS_OK;
}

int guest_vmm_claim_ports(const struct guest *g)
{
    static const uint16_t claimed[][2] = {
        { XEN_DEBUG_PORT, XEN_DEBUG_PORT },
        { ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_STATUS_PORT },
        { ACPI_RESET_PORT, ACPI_RESET_PORT },
    };
    int err = TS_OK;
    for (unsigned i = 0; i < sizeof(claimed) / sizeof(claimed[0]) && err == TS_OK; i++)
        err = ts_invoke(g->d.domain, TS_DOMAIN_XEN_CLAIM_PORTS, 2,
                        (const uint64_t[]){ claimed[i][0], claimed[i][1] }, 0, NULL);
    return err;
}

/* Whether the vCPU register accesses of an emulation went through (err);
 * if not, says so: the guest cannot go on. */
static bool registers_ok(const struct guest *g, int err)
{
    if (err != TS_OK)
        printf("xl: guest %s (domid %u): its vCPU registers: %s\n", g->spec.name, g->domid,
               ts_error_name(err));
    return err == TS_OK;
}

/* Emulates the port access; false: the guest cannot go on (said why).
 * *ACTION: a poweroff or reboot it asked for. */
static bool emulate_io(struct guest *g, uint64_t vcpu, const struct ioio *io, uint64_t next_rip,
                       enum acpi_port_action *action)
{
    int err;
    if (io->string && io->in) {
        printf("xl: guest %s (domid %u): string IN from port %#x is not emulated\n",
               g->spec.name, g->domid, io->port);
        return false;
    }
    if (io->string)
        err = skip_outs(vcpu, io);
    else if (io->in)
        err = emulate_in(vcpu, io);
    else
        err = emulate_out(g, vcpu, io, action);
    if (err == TS_OK)
        err = set_reg(vcpu, TS_VREG_RIP, next_rip);
    return registers_ok(g, err);
}

static const unsigned x86_gpr[16] = TS_VREG_BY_X86_NUMBER;

/* Whether G has RAM at guest-physical address GPA. */
static bool in_ram(const struct guest *g, uint64_t gpa)
{
    struct pvh_layout l;
    return pvh_layout(g->spec.memory_mb << 20, &l) == 0 && pvh_is_ram(&l, gpa);
}

/* Unbacked MMIO, as on a PC where no device decodes the address: a load
 * reads all ones, a store goes nowhere, and the vCPU continues after the
 * instruction. False if it cannot (said why). The first access a guest
 * makes is logged, later ones are not (a driver may poll). */
static bool emulate_unbacked_mmio(struct guest *g, unsigned v, const struct ts_msg *m)
{
    uint64_t vcpu = g->vcpu[v], gpa = m->mr[2], rip = m->mr[3], efer, cs[2], reg;
    struct x86_mem_access a;
    uint8_t bytes[X86_INSN_MAX];
    /* MR4-MR5 are in our IPC buffer until our next call overwrites it. */
    unsigned count = ts_msginfo_length(m->info) >= TS_VMEXIT_NPF_LENGTH
                     ? npf_insn_bytes(ts_ipc()->msg[4], ts_ipc()->msg[5], bytes) : 0, bits = 0;
    int err = get_reg(vcpu, TS_VREG_EFER, &efer);
    if (err == TS_OK)
        err = get_regs(vcpu, TS_VREG_CS, 2, cs);
    if (err == TS_OK) {
        bits = vcpu_code_bits(efer, cs[1]);
        if (!x86_decode_mem_access(bytes, count, bits, &a)) {
            printf("xl: guest %s (domid %u): an access to %#llx, where it has no RAM and no "
                   "device, by an instruction that is not emulated (%u-bit code; %u bytes at rip:",
                   g->spec.name, g->domid, (unsigned long long)gpa, bits, count);
            for (unsigned i = 0; i < count; i++)
                printf(" %02x", bytes[i]);
            printf(")\n");
            return false;
        }
    }
    if (err == TS_OK && !a.store) {
        err = get_reg(vcpu, x86_gpr[a.reg], &reg);
        if (err == TS_OK)
            err = set_reg(vcpu, x86_gpr[a.reg], x86_load_result(&a, reg, ~0ull));
    }
    if (err == TS_OK)
        err = set_reg(vcpu, TS_VREG_RIP, vcpu_next_rip(rip, a.length, bits));
    if (!registers_ok(g, err))
        return false;
    if (!g->mmio_reported)
        printf("xl: guest %s (domid %u): a %u-byte %s at %#llx (rip %#llx), where it has no RAM "
               "and no device: reads return all ones, writes are dropped (only the first such "
               "access is reported)\n", g->spec.name, g->domid, a.size,
               a.store ? "write" : "read", (unsigned long long)gpa, (unsigned long long)rip);
    g->mmio_reported = true;
    return true;
}

/* The guest stops (every vCPU): its last lines first, then its on_*
 * action. */
static void stop(struct guest *g, enum stop_reason why)
{
    reply(false);
    guest_set_running(g, false);
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

static void report_exit(const struct guest *g, unsigned v, const struct ts_msg *m)
{
    printf("xl: guest %s (domid %u): unhandled exit %#llx at rip %#llx (info1 %#llx, "
           "info2 %#llx)%s on vCPU %u\n", g->spec.name, g->domid, (unsigned long long)m->mr[0],
           (unsigned long long)m->mr[3], (unsigned long long)m->mr[1],
           (unsigned long long)m->mr[2],
           m->mr[0] == SVM_EXIT_SHUTDOWN ? ": triple fault"
           : m->mr[0] != SVM_EXIT_NPF ? ""
           : in_ram(g, m->mr[2]) ? ": guest-physical address in its RAM"
           : ": guest-physical address outside its RAM", v);
}

/* The state a crash report needs: the mode, the stack and the page tables. */
static void report_registers(const struct guest *g, unsigned v)
{
    /* RFLAGS CR0 CR2 CR3 CR4 EFER; the CS selector and attributes. */
    uint64_t r[TS_VREG_EFER - TS_VREG_RFLAGS + 1], rsp, cs[2];

    if (get_regs(g->vcpu[v], TS_VREG_RFLAGS, sizeof(r) / sizeof(r[0]), r) ||
        get_reg(g->vcpu[v], TS_VREG_RSP, &rsp) ||
        get_regs(g->vcpu[v], TS_VREG_CS, sizeof(cs) / sizeof(cs[0]), cs))
        return;
    printf("xl: guest %s (domid %u) vCPU %u: rsp %#llx rflags %#llx cr0 %#llx cr2 %#llx cr3 %#llx "
           "cr4 %#llx efer %#llx cs %#llx (attributes %#llx)\n", g->spec.name, g->domid, v,
           (unsigned long long)rsp, (unsigned long long)r[0], (unsigned long long)r[1],
           (unsigned long long)r[2], (unsigned long long)r[3], (unsigned long long)r[4],
           (unsigned long long)r[5], (unsigned long long)cs[0], (unsigned long long)cs[1]);
}

void guest_vmm_handle(struct guest *g, const struct ts_msg *m)
{
    uint64_t label = ts_msginfo_label(m->info);
    /* The badge says which vCPU's thread this is (make_thread). */
    unsigned v = (unsigned)(m->badge >> TESSERA_VCPU_BADGE_SHIFT) % TS_XEN_MAX_VCPUS;
    struct ioio io;
    if (label == TS_FAULT_GUEST_SHUTDOWN) {
        shutdown_request(g, m->mr[0]);
        return;
    }
    if (label == TS_FAULT_VMEXIT && m->mr[0] == SVM_EXIT_NPF && npf_unbacked_data(m->mr[1]) &&
        !in_ram(g, m->mr[2]) && emulate_unbacked_mmio(g, v, m)) {
        reply(true);
        return;
    }
    if (label == TS_FAULT_VMEXIT && m->mr[0] == SVM_EXIT_IOIO && ioio_decode(m->mr[1], &io)) {
        enum acpi_port_action action = ACPI_NONE;
        if (emulate_io(g, g->vcpu[v], &io, m->mr[2], &action)) {
            if (action == ACPI_POWEROFF)
                shutdown_request(g, SHUTDOWN_POWEROFF);
            else if (action == ACPI_REBOOT)
                shutdown_request(g, SHUTDOWN_REBOOT);
            else
                reply(true);
            return;
        }
    } else if (label == TS_FAULT_VMEXIT) {
        report_exit(g, v, m);
        report_registers(g, v);
    } else {
        printf("xl: guest %s (domid %u): fault %llu of its vCPU thread\n", g->spec.name, g->domid,
               (unsigned long long)label);
    }
    stop(g, STOP_CRASH);
}
