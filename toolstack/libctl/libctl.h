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

enum ctl_shutdown { CTL_POWEROFF, CTL_REBOOT };

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
    int (*shutdown)(void *self, uint32_t domid, enum ctl_shutdown how);
    int (*pause)(void *self, uint32_t domid);
    int (*unpause)(void *self, uint32_t domid);
    int (*rename)(void *self, uint32_t domid, const char *name);
    /* Connects the terminal to the domain's console until Ctrl-] (returns
     * CTL_OK) or until the domain goes away (CTL_OK as well). */
    int (*console_attach)(void *self, uint32_t domid, int console_num);
    int (*read_dmesg)(void *self, bool clear, char **text);
    int (*vcpu_pin)(void *self, uint32_t domid, unsigned vcpu, const char *hard);
    int (*vcpu_set)(void *self, uint32_t domid, unsigned count);
    int (*mem_set)(void *self, uint32_t domid, uint64_t kb);
    int (*mem_max)(void *self, uint32_t domid, uint64_t kb);
    int (*sched_credit_get)(void *self, uint32_t domid, struct ctl_sched_credit *out);
    int (*sched_credit_set)(void *self, uint32_t domid, const struct ctl_sched_credit *in);
    int (*disk_attach)(void *self, uint32_t domid, const struct disk_spec *d);
    int (*disk_detach)(void *self, uint32_t domid, const char *vdev);
    int (*nic_attach)(void *self, uint32_t domid, const struct vif_spec *v);
    int (*nic_detach)(void *self, uint32_t domid, int devid);
    int (*list_devices)(void *self, uint32_t domid, enum ctl_devkind kind,
                        struct ctl_device **out, size_t *n);
    int (*save)(void *self, uint32_t domid, const char *path);
    int (*restore)(void *self, const char *path, uint32_t *domid);
    int (*migrate)(void *self, uint32_t domid, const char *host);
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
