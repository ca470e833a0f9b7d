/* Shared state and helpers of the xl commands. */
#ifndef TS_XL_H
#define TS_XL_H
#include <stdbool.h>
#include <stdint.h>

#include "../libctl/libctl.h"

struct xl {
    struct ctl ctl;
    int verbose;
    bool dryrun;                    /* -N */
    bool force;                     /* -f */
};

struct xl_cmd {
    const char *name;
    int (*run)(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv);
    const char *summary;
    const char *usage;              /* after "xl [-FLAGS] NAME " */
    const char *flags;              /* global flags shown in the usage line */
    const char *options;            /* option lines, or NULL */
};

/* Exit codes, as xl uses them. */
#define XL_OK 0
#define XL_FAIL 1
#define XL_USAGE 2

/* Short/long option scanning over argv[1..]. */
struct xl_longopt {
    const char *name;
    bool has_arg;
    int val;
};

struct xl_opts {
    int argc;
    char **argv;
    int index;              /* next argv element */
    const char *rest;       /* remaining letters of a "-abc" group */
    const char *arg;        /* argument of the last option */
};

void xl_opts_init(struct xl_opts *o, int argc, char **argv);
/* Returns the option letter (or longopt val), -1 at the end of options,
 * '?' on an unknown option or missing argument (after a message). */
int xl_getopt(struct xl_opts *o, const char *cmd, const char *shortopts,
              const struct xl_longopt *longopts);

void xl_help_cmd(const struct xl_cmd *cmd);
/* "'xl CMD' requires at least N argument(s)." + the command's help; XL_USAGE */
int xl_need_args(const struct xl_cmd *cmd, int have, int need);
/* Reports a control library error for CMD and returns XL_FAIL. */
int xl_report(struct xl *xl, const char *cmd, int err);
/* Resolves a domain name or id. XL_OK, or XL_FAIL after a message. */
int xl_find_domain(struct xl *xl, const char *cmd, const char *spec,
                   uint32_t *domid);
/* Polls the backend once a second until DOMID no longer exists. */
int xl_wait_gone(struct xl *xl, uint32_t domid);
/* Parses "256m", "1g", "1024k", "2t", "512" (MiB) into KiB. */
int xl_parse_mem_kb(const char *s, uint64_t *kb);

/* Command groups */
int xl_cmd_create(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_list(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_info(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_dmesg(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_top(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_vcpu_list(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_uptime(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_domid(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_domname(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_destroy(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_shutdown(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_pause(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_rename(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_console(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_vcpu_pin(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_vcpu_set(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_mem(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_sched_credit(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_save(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_restore(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_migrate(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_block_attach(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_block_detach(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_network_attach(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_network_detach(struct xl *, const struct xl_cmd *, int, char **);
int xl_cmd_device_list(struct xl *, const struct xl_cmd *, int, char **);

#endif
