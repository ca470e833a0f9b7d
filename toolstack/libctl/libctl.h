/* The control library the xl CLI calls. A backend is a table of
 * operations; an operation a backend does not provide is NULL and the call
 * fails with CTL_ENOTSUP. The Tessera backend (kernel invocations from the
 * control domain) fills this table; on a plain host no operation that needs
 * a hypervisor exists, so every such call reports "not supported yet". */
#ifndef TS_LIBCTL_H
#define TS_LIBCTL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../builder/plan.h"
#include "../cfg/domcfg.h"

enum ctl_error {
    CTL_OK = 0,
    CTL_ENOTSUP = 1,        /* the backend cannot do this (yet) */
    CTL_ENOENT = 2,         /* no such domain */
    CTL_EINVAL = 3,
    CTL_ENOMEM = 4,
    CTL_EIO = 5,
};

#define CTL_NAME_MAX 64

struct ctl_domain {
    uint32_t domid;
    char name[CTL_NAME_MAX + 1];
    uint64_t current_memkb, max_memkb;
    unsigned vcpus_online;
    /* state letters as xl prints them: r b p s c d */
    bool running, blocked, paused, shutdown, crashed, dying;
    uint64_t cpu_time_ns;
    uint64_t uptime_s;
    char uuid[37];
    /* device statistics shown by `xl top` */
    unsigned nr_nets, nr_vbds;
    uint64_t net_tx_kb, net_rx_kb;
    uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
};

struct ctl_vcpu {
    uint32_t domid;
    unsigned vcpu, cpu;
    bool online, running, blocked;
    uint64_t cpu_time_ns;
};

struct ctl_host {
    char host[65], release[65], version[128], machine[32];
    unsigned nr_cpus, max_cpu_id, nr_nodes, cores_per_socket, threads_per_core;
    unsigned cpu_khz;
    uint32_t hw_caps[8];
    char virt_caps[128];
    uint64_t total_memory_mb, free_memory_mb;
    unsigned xen_major, xen_minor;
    char xen_extra[16], xen_caps[256], xen_scheduler[32];
    unsigned pagesize;
    char platform_params[64], changeset[64], commandline[256];
    char cc_compiler[128], cc_compile_by[64], cc_compile_domain[64],
         cc_compile_date[64], build_id[64];
};

struct ctl_sched_credit {
    int weight, cap;
};

/* The credit scheduler's pool-wide parameters (first line of sched-credit). */
struct ctl_sched_pool {
    char name[CTL_NAME_MAX + 1];
    unsigned tslice_ms, ratelimit_us, migration_delay_us;
};

enum ctl_shutdown { CTL_POWEROFF, CTL_REBOOT };

/* xl console -t: the default for the guest type, or one asked for. */
enum ctl_console { CTL_CONSOLE_DEFAULT, CTL_CONSOLE_PV, CTL_CONSOLE_SERIAL, CTL_CONSOLE_VUART };

enum ctl_devkind { CTL_DEV_VBD, CTL_DEV_VIF };

/* A frontend/backend device pair as block-list and network-list show it. */
struct ctl_device {
    int devid;
    uint32_t backend_domid;
    int state, evtch, ring_ref, rx_ring_ref;
    char mac[18];
    char backend_path[128];
};

struct ctl_ops {
    int (*list_domains)(void *self, struct ctl_domain **out, size_t *n);
    int (*host_info)(void *self, struct ctl_host *out);
    /* The configuration a domain was created with; strings live in A. */
    int (*domain_config)(void *self, uint32_t domid, struct arena *a,
                         struct domain_config *out);
    int (*list_vcpus)(void *self, uint32_t domid, struct ctl_vcpu **out, size_t *n);
    int (*create)(void *self, const struct domain_config *dc,
                  const struct build_plan *plan, bool paused, uint32_t *domid);
    int (*destroy)(void *self, uint32_t domid);
    /* ACPI_FALLBACK: send an ACPI event to HVM guests without PV drivers */
    int (*shutdown)(void *self, uint32_t domid, enum ctl_shutdown how,
                    bool acpi_fallback);
    int (*pause)(void *self, uint32_t domid);
    int (*unpause)(void *self, uint32_t domid);
    int (*rename)(void *self, uint32_t domid, const char *name);
    /* Connects the terminal to the domain's console until Ctrl-] (returns
     * CTL_OK) or until the domain goes away (CTL_OK as well). */
    int (*console_attach)(void *self, uint32_t domid, int console_num, enum ctl_console type);
    int (*read_dmesg)(void *self, bool clear, char **text);
    /* VCPU ~0u: all; HARD/SOFT: cpu sets as in cpus= ("all"), SOFT may be NULL */
    int (*vcpu_pin)(void *self, uint32_t domid, unsigned vcpu, const char *hard,
                    const char *soft);
    /* IGNORE_HOST: allow more vCPUs than the host has CPUs */
    int (*vcpu_set)(void *self, uint32_t domid, unsigned count, bool ignore_host);
    int (*mem_set)(void *self, uint32_t domid, uint64_t kb);
    int (*mem_max)(void *self, uint32_t domid, uint64_t kb);
    int (*sched_credit_get)(void *self, uint32_t domid, struct ctl_sched_credit *out);
    int (*sched_credit_set)(void *self, uint32_t domid, const struct ctl_sched_credit *in);
    int (*sched_credit_pool)(void *self, struct ctl_sched_pool *out);
    int (*disk_attach)(void *self, uint32_t domid, const struct disk_spec *d);
    int (*disk_detach)(void *self, uint32_t domid, const char *vdev, bool force);
    int (*nic_attach)(void *self, uint32_t domid, const struct vif_spec *v);
    int (*nic_detach)(void *self, uint32_t domid, int devid);
    int (*list_devices)(void *self, uint32_t domid, enum ctl_devkind kind,
                        struct ctl_device **out, size_t *n);
    /* after saving, the domain is destroyed unless LEAVE_RUNNING or
     * LEAVE_PAUSED; CONFIG (may be NULL) replaces the saved configuration */
    int (*save)(void *self, uint32_t domid, const char *path, const char *config,
                bool leave_running, bool leave_paused);
    int (*restore)(void *self, const char *path, const char *config, bool paused,
                   uint32_t *domid);
    /* CONFIG (may be NULL) replaces the domain's configuration on HOST */
    int (*migrate)(void *self, uint32_t domid, const char *host, const char *config);
};

struct ctl {
    const char *backend_name;
    const char *unavailable_reason;     /* why ops are missing, for messages */
    const struct ctl_ops *ops;
    void *self;
};

/* Opens the backend for this machine. */
int ctl_open(struct ctl *ctl);
void ctl_close(struct ctl *ctl);
const char *ctl_strerror(int err);

/* Calls OP if the backend has it, else CTL_ENOTSUP. */
#define CTL_CALL(ctl, op, ...) \
    ((ctl)->ops->op ? (ctl)->ops->op((ctl)->self, __VA_ARGS__) : CTL_ENOTSUP)

#endif
