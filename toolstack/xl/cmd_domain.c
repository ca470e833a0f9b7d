/* Commands that act on one domain's lifecycle and resources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cfg/strutil.h"
#include "format.h"
#include "xl.h"

/* Scans options with no meaning beyond -h; returns the index of the first
 * argument, or -1 after printing help (with *rc set). */
static int plain_args(const struct xl_cmd *cmd, int argc, char **argv,
                      const char *shortopts, int *rc)
{
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, shortopts, NULL)) != -1;) {
        if (c == 'h') {
            xl_help_cmd(cmd);
            *rc = XL_OK;
            return -1;
        }
        if (c == '?') {
            xl_help_cmd(cmd);
            *rc = XL_USAGE;
            return -1;
        }
    }
    return o.index;
}

int xl_cmd_destroy(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int rc, i = plain_args(cmd, argc, argv, "fh", &rc);
    if (i < 0)
        return rc;
    if (argc - i < 1)
        return xl_need_args(cmd, argc - i, 1);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[i], &domid) != XL_OK)
        return XL_FAIL;
    bool force = xl->force;
    for (int k = 1; k < i; k++)
        force = force || strcmp(argv[k], "-f") == 0;
    if (domid == 0 && !force) {
        fprintf(stderr, "xl: destroy: refusing to destroy domain 0 without -f\n");
        return XL_FAIL;
    }
    int err = CTL_CALL(&xl->ctl, destroy, domid);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_shutdown(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "all", false, 'a' }, { "wait", false, 'w' }, { NULL, false, 0 },
    };
    bool all = false, wait = false, fallback = false;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "awFh", longopts)) != -1;) {
        switch (c) {
        case 'a': all = true; break;
        case 'w': wait = true; break;
        case 'F': fallback = true; break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    enum ctl_shutdown how = strcmp(cmd->name, "reboot") == 0 ? CTL_REBOOT : CTL_POWEROFF;
    uint32_t one;
    uint32_t *ids = &one;
    size_t n = 1;
    struct ctl_domain *doms = NULL;
    if (all) {
        if (o.index != argc) {
            xl_help_cmd(cmd);
            return XL_USAGE;
        }
        int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
        if (err != CTL_OK)
            return xl_report(xl, cmd->name, err);
        ids = calloc(n ? n : 1, sizeof(*ids));
        size_t k = 0;
        for (size_t i = 0; ids != NULL && i < n; i++)
            if (doms[i].domid != 0)
                ids[k++] = doms[i].domid;
        free(doms);
        if (ids == NULL)
            return xl_report(xl, cmd->name, CTL_ENOMEM);
        n = k;
    } else {
        if (argc - o.index != 1)
            return argc - o.index < 1 ? xl_need_args(cmd, 0, 1) : (xl_help_cmd(cmd), XL_USAGE);
        if (xl_find_domain(xl, cmd->name, argv[o.index], &one) != XL_OK)
            return XL_FAIL;
    }
    int err = CTL_OK;
    for (size_t i = 0; err == CTL_OK && i < n; i++)
        err = CTL_CALL(&xl->ctl, shutdown, ids[i], how, fallback);
    /* A reboot ends the old domain too: -w waits for each to go away. */
    for (size_t i = 0; err == CTL_OK && wait && i < n; i++)
        err = xl_wait_gone(xl, ids[i]);
    if (ids != &one)
        free(ids);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_pause(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc != 2)
        return argc < 2 ? xl_need_args(cmd, 0, 1) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[1], &domid) != XL_OK)
        return XL_FAIL;
    int err = strcmp(cmd->name, "pause") == 0 ? CTL_CALL(&xl->ctl, pause, domid)
                                              : CTL_CALL(&xl->ctl, unpause, domid);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_rename(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc != 3)
        return argc < 3 ? xl_need_args(cmd, argc - 1, 2) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[1], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, rename, domid, argv[2]);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_console(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    struct xl_opts o;
    int num = 0;
    enum ctl_console type = CTL_CONSOLE_DEFAULT;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "t:n:h", NULL)) != -1;) {
        switch (c) {
        case 't':
            if (strcmp(o.arg, "pv") == 0) {
                type = CTL_CONSOLE_PV;
            } else if (strcmp(o.arg, "serial") == 0) {
                type = CTL_CONSOLE_SERIAL;
            } else if (strcmp(o.arg, "vuart") == 0) {
                type = CTL_CONSOLE_VUART;
            } else {
                fprintf(stderr, "console type supported are: pv, serial, vuart\n");
                return XL_USAGE;
            }
            break;
        case 'n': num = atoi(o.arg); break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    if (argc - o.index != 1)
        return argc - o.index < 1 ? xl_need_args(cmd, 0, 1) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[o.index], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, console_attach, domid, num, type);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_vcpu_pin(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int rc, i = plain_args(cmd, argc, argv, "fh", &rc);
    if (i < 0)
        return rc;
    if (argc - i < 3 || argc - i > 4)
        return argc - i < 3 ? xl_need_args(cmd, argc - i, 3) : (xl_help_cmd(cmd), XL_USAGE);
    unsigned vcpu = ~0u;
    if (strcmp(argv[i + 1], "all") != 0) {
        char *end;
        unsigned long v = strtoul(argv[i + 1], &end, 10);
        if (*end != '\0' || argv[i + 1][0] < '0' || argv[i + 1][0] > '9' || v >= 4096) {
            fprintf(stderr, "Invalid vcpu %s\n", argv[i + 1]);
            return XL_FAIL;
        }
        vcpu = (unsigned)v;
    }
    /* "-" leaves that affinity as it is */
    const char *hard = strcmp(argv[i + 2], "-") == 0 ? NULL : argv[i + 2];
    const char *soft = argc - i == 4 && strcmp(argv[i + 3], "-") != 0 ? argv[i + 3] : NULL;
    if ((hard && !cpu_set_valid(hard)) || (soft && !cpu_set_valid(soft))) {
        fprintf(stderr, "Invalid cpu set %s\n", hard && !cpu_set_valid(hard) ? hard : soft);
        return XL_FAIL;
    }
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[i], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, vcpu_pin, domid, vcpu, hard, soft);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_vcpu_set(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int rc, i = plain_args(cmd, argc, argv, "ih", &rc);
    if (i < 0)
        return rc;
    if (argc - i < 2)
        return xl_need_args(cmd, argc - i, 2);
    bool ignore_host = false;
    for (int k = 1; k < i; k++)
        ignore_host = ignore_host || strcmp(argv[k], "-i") == 0;
    char *end;
    unsigned long n = strtoul(argv[i + 1], &end, 10);
    if (*end != '\0' || n == 0 || n > 4096) {
        fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", argv[i + 1]);
        return XL_FAIL;
    }
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[i], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, vcpu_set, domid, (unsigned)n, ignore_host);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

/* mem-set and mem-max */
int xl_cmd_mem(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc != 3)
        return argc < 3 ? xl_need_args(cmd, argc - 1, 2) : (xl_help_cmd(cmd), XL_USAGE);
    uint64_t kb;
    if (xl_parse_mem_kb(argv[2], &kb) != 0) {
        fprintf(stderr, "invalid memory size: %s\n", argv[2]);
        return XL_FAIL;
    }
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[1], &domid) != XL_OK)
        return XL_FAIL;
    int err = strcmp(cmd->name, "mem-set") == 0 ? CTL_CALL(&xl->ctl, mem_set, domid, kb)
                                                : CTL_CALL(&xl->ctl, mem_max, domid, kb);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_sched_credit(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "domain", true, 'd' }, { "weight", true, 'w' }, { "cap", true, 'c' },
        { NULL, false, 0 },
    };
    const char *dom = NULL;
    long weight = -1, cap = -1;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "d:w:c:h", longopts)) != -1;) {
        char *end;
        switch (c) {
        case 'd': dom = o.arg; break;
        case 'w':
            weight = strtol(o.arg, &end, 10);
            if (*end != '\0' || weight < 1 || weight > 65535) {
                fprintf(stderr, "Invalid weight %s (1..65535)\n", o.arg);
                return XL_FAIL;
            }
            break;
        case 'c':
            cap = strtol(o.arg, &end, 10);
            if (*end != '\0' || cap < 0) {
                fprintf(stderr, "Invalid cap %s\n", o.arg);
                return XL_FAIL;
            }
            break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    if (dom == NULL && (weight >= 0 || cap >= 0)) {
        fprintf(stderr, "Must specify a domain.\n");
        return XL_FAIL;
    }
    struct ctl_domain *doms;
    size_t n;
    int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
    if (err != CTL_OK)
        return xl_report(xl, cmd->name, err);
    uint32_t domid = 0;
    if (dom != NULL && xl_find_domain(xl, cmd->name, dom, &domid) != XL_OK) {
        free(doms);
        return XL_FAIL;
    }
    if (weight >= 0 || cap >= 0) {
        struct ctl_sched_credit s;
        err = CTL_CALL(&xl->ctl, sched_credit_get, domid, &s);
        if (err == CTL_OK) {
            if (weight >= 0)
                s.weight = (int)weight;
            if (cap >= 0)
                s.cap = (int)cap;
            err = CTL_CALL(&xl->ctl, sched_credit_set, domid, &s);
        }
        free(doms);
        return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
    }
    struct ctl_sched_pool pool;
    err = CTL_CALL(&xl->ctl, sched_credit_pool, &pool);
    if (err != CTL_OK) {
        free(doms);
        return xl_report(xl, cmd->name, err);
    }
    fmt_sched_credit_pool(stdout, &pool);
    fmt_sched_credit_header(stdout);
    for (size_t i = 0; i < n && err == CTL_OK; i++) {
        struct ctl_sched_credit s;
        if (dom != NULL && doms[i].domid != domid)
            continue;
        err = CTL_CALL(&xl->ctl, sched_credit_get, doms[i].domid, &s);
        if (err == CTL_OK)
            fmt_sched_credit_row(stdout, &doms[i], &s);
    }
    free(doms);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_save(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    bool leave_running = false, leave_paused = false;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "cph", NULL)) != -1;) {
        switch (c) {
        case 'c': leave_running = true; break;
        case 'p': leave_paused = true; break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    int i = o.index;
    if (argc - i < 2 || argc - i > 3)
        return argc - i < 2 ? xl_need_args(cmd, argc - i, 2) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[i], &domid) != XL_OK)
        return XL_FAIL;
    const char *config = argc - i == 3 ? argv[i + 2] : NULL;
    int err = CTL_CALL(&xl->ctl, save, domid, argv[i + 1], config, leave_running,
                       leave_paused);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_restore(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    bool paused = false;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "pedh", NULL)) != -1;) {
        switch (c) {
        case 'p': paused = true; break;
        case 'e': case 'd': break;      /* xl never daemonises here; no debug log */
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    int i = o.index;
    if (argc - i < 1 || argc - i > 2)
        return argc - i < 1 ? xl_need_args(cmd, 0, 1) : (xl_help_cmd(cmd), XL_USAGE);
    const char *config = argc - i == 2 ? argv[i] : NULL;
    uint32_t domid;
    int err = CTL_CALL(&xl->ctl, restore, argv[argc - 1], config, paused, &domid);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_migrate(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    const char *config = NULL;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "C:h", NULL)) != -1;) {
        switch (c) {
        case 'C': config = o.arg; break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    int i = o.index;
    if (argc - i != 2)
        return argc - i < 2 ? xl_need_args(cmd, argc - i, 2) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[i], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, migrate, domid, argv[i + 1], config);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}
