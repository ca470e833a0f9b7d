/* Commands that report: list, info, vcpu-list, uptime, domid, domname,
 * dmesg, top. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cfg/domcfg_json.h"
#include "format.h"
#include "xl.h"

/* The domains named in ARGV (all if none), in the backend's order. */
static int select_domains(struct xl *xl, const char *cmd, int argc, char **argv,
                          struct ctl_domain **out, size_t *n)
{
    struct ctl_domain *doms = NULL;
    size_t count = 0;
    int err = CTL_CALL(&xl->ctl, list_domains, &doms, &count);
    if (err != CTL_OK)
        return xl_report(xl, cmd, err);
    if (argc == 0) {
        *out = doms;
        *n = count;
        return XL_OK;
    }
    struct ctl_domain *sel = calloc((size_t)argc, sizeof(*sel));
    if (sel == NULL) {
        free(doms);
        return xl_report(xl, cmd, CTL_ENOMEM);
    }
    size_t k = 0;
    for (int a = 0; a < argc; a++) {
        char *end;
        unsigned long id = strtoul(argv[a], &end, 10);
        bool numeric = *end == '\0' && argv[a][0] >= '0' && argv[a][0] <= '9';
        size_t i;
        for (i = 0; i < count; i++)
            if ((numeric && doms[i].domid == id) ||
                (!numeric && strcmp(doms[i].name, argv[a]) == 0))
                break;
        if (i == count) {
            fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", argv[a]);
            free(doms);
            free(sel);
            return XL_FAIL;
        }
        sel[k++] = doms[i];
    }
    free(doms);
    *out = sel;
    *n = k;
    return XL_OK;
}

static int list_long(struct xl *xl, struct ctl_domain *doms, size_t n)
{
    struct json j;
    json_init(&j);
    json_begin_array(&j, NULL);
    for (size_t i = 0; i < n; i++) {
        struct arena a = { 0 };
        struct domain_config dc;
        int err = CTL_CALL(&xl->ctl, domain_config, doms[i].domid, &a, &dc);
        if (err != CTL_OK) {
            arena_free(&a);
            json_free(&j);
            return xl_report(xl, "list", err);
        }
        json_begin_object(&j, NULL);
        json_int(&j, "domid", doms[i].domid);
        domcfg_to_json(&dc, "config", &j);
        json_end_object(&j);
        arena_free(&a);
    }
    json_end_array(&j);
    const char *text = json_text(&j);
    if (text != NULL)
        fputs(text, stdout);
    json_free(&j);
    return text ? XL_OK : xl_report(xl, "list", CTL_ENOMEM);
}

int xl_cmd_list(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "long", false, 'l' }, { "verbose", false, 'v' },
        { "help", false, 'h' }, { NULL, false, 0 },
    };
    bool details = false, verbose = false;
    struct xl_opts o;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "lvh", longopts)) != -1;) {
        switch (c) {
        case 'l': details = true; break;
        case 'v': verbose = true; break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    struct ctl_domain *doms;
    size_t n;
    if (select_domains(xl, cmd->name, argc - o.index, argv + o.index, &doms, &n) != XL_OK)
        return XL_FAIL;
    int rc = XL_OK;
    if (details) {
        rc = list_long(xl, doms, n);
    } else {
        fmt_list_header(stdout, verbose);
        for (size_t i = 0; i < n; i++)
            fmt_list_row(stdout, &doms[i], verbose);
    }
    free(doms);
    return rc;
}

int xl_cmd_info(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-n") != 0 && strcmp(argv[1], "--numa") != 0) {
        xl_help_cmd(cmd);
        return XL_USAGE;
    }
    struct ctl_host h;
    int err = CTL_CALL(&xl->ctl, host_info, &h);
    if (err != CTL_OK)
        return xl_report(xl, cmd->name, err);
    fmt_info(stdout, &h);
    return XL_OK;
}

int xl_cmd_vcpu_list(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    struct ctl_domain *doms;
    size_t n;
    if (select_domains(xl, cmd->name, argc - 1, argv + 1, &doms, &n) != XL_OK)
        return XL_FAIL;
    fmt_vcpu_list_header(stdout);
    for (size_t i = 0; i < n; i++) {
        struct ctl_vcpu *v;
        size_t nv;
        int err = CTL_CALL(&xl->ctl, list_vcpus, doms[i].domid, &v, &nv);
        if (err != CTL_OK) {
            free(doms);
            return xl_report(xl, cmd->name, err);
        }
        for (size_t k = 0; k < nv; k++)
            fmt_vcpu_list_row(stdout, doms[i].name, &v[k]);
        free(v);
    }
    free(doms);
    return XL_OK;
}

int xl_cmd_uptime(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int first = 1;
    bool short_form = argc > 1 && strcmp(argv[1], "-s") == 0;
    if (short_form)
        first = 2;
    struct ctl_domain *doms;
    size_t n;
    if (select_domains(xl, cmd->name, argc - first, argv + first, &doms, &n) != XL_OK)
        return XL_FAIL;
    if (!short_form)
        fmt_uptime_header(stdout);
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        if (short_form)
            fmt_uptime_short(stdout, &doms[i], localtime(&now));
        else
            fmt_uptime_row(stdout, &doms[i]);
    }
    free(doms);
    return XL_OK;
}

/* domid and domname take exactly one argument: XL_OK, or the usage result. */
static int one_argument(const struct xl_cmd *cmd, int argc)
{
    if (argc < 2)
        return xl_need_args(cmd, argc - 1, 1);
    if (argc > 2) {
        xl_help_cmd(cmd);
        return XL_USAGE;
    }
    return XL_OK;
}

/* domid and domname: prints the id of the domain called NAME or, when NAME
 * is NULL, the name of domain ID. */
static int print_domain_id_or_name(struct xl *xl, const struct xl_cmd *cmd,
                                   const char *name, unsigned long id)
{
    struct ctl_domain *doms;
    size_t n;
    int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
    if (err != CTL_OK)
        return xl_report(xl, cmd->name, err);
    for (size_t i = 0; i < n; i++) {
        if (name != NULL && strcmp(doms[i].name, name) == 0)
            printf("%u\n", doms[i].domid);
        else if (name == NULL && doms[i].domid == id)
            printf("%s\n", doms[i].name);
        else
            continue;
        free(doms);
        return XL_OK;
    }
    free(doms);
    if (name != NULL)
        fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain "
                "does not exist.\n", name);
    else
        fprintf(stderr, "Can't get domain name of domain id '%lu', maybe this "
                "domain does not exist.\n", id);
    return XL_FAIL;
}

int xl_cmd_domid(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int rc = one_argument(cmd, argc);
    if (rc != XL_OK)
        return rc;
    return print_domain_id_or_name(xl, cmd, argv[1], 0);
}

int xl_cmd_domname(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int rc = one_argument(cmd, argc);
    if (rc != XL_OK)
        return rc;
    char *end;
    unsigned long id = strtoul(argv[1], &end, 10);
    if (*end != '\0' || argv[1][0] < '0' || argv[1][0] > '9') {
        fprintf(stderr, "Invalid domain id.\n\n");
        return XL_FAIL;
    }
    return print_domain_id_or_name(xl, cmd, NULL, id);
}

int xl_cmd_dmesg(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    bool clear = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") != 0) {
            xl_help_cmd(cmd);
            return XL_USAGE;
        }
        clear = true;
    }
    char *text;
    int err = CTL_CALL(&xl->ctl, read_dmesg, clear, &text);
    if (err != CTL_OK)
        return xl_report(xl, cmd->name, err);
    fputs(text, stdout);
    free(text);
    return XL_OK;
}

/* Batch mode only (-b): plain tables, as `xentop -b` prints them. */
int xl_cmd_top(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    struct xl_opts o;
    bool batch = false;
    long iterations = 1, delay = 3;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "bi:d:h", NULL)) != -1;) {
        switch (c) {
        case 'b': batch = true; break;
        case 'i': iterations = strtol(o.arg, NULL, 10); break;
        case 'd': delay = strtol(o.arg, NULL, 10); break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    if (!batch) {
        fprintf(stderr, "xl: top: only batch mode (-b) is available\n");
        return XL_FAIL;
    }
    if (iterations < 1 || delay < 0) {
        xl_help_cmd(cmd);
        return XL_USAGE;
    }
    struct ctl_domain *prev = NULL;
    size_t nprev = 0;
    for (long it = 0; it < iterations; it++) {
        struct ctl_domain *doms;
        size_t n;
        struct ctl_host h;
        int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
        if (err == CTL_OK)
            err = CTL_CALL(&xl->ctl, host_info, &h);
        if (err != CTL_OK) {
            free(prev);
            return xl_report(xl, cmd->name, err);
        }
        fmt_top_header(stdout);
        for (size_t i = 0; i < n; i++) {
            double pct = 0;
            for (size_t k = 0; k < nprev && delay > 0; k++)
                if (prev[k].domid == doms[i].domid)
                    pct = 100.0 * (double)(doms[i].cpu_time_ns - prev[k].cpu_time_ns) /
                          ((double)delay * 1e9);
            fmt_top_row(stdout, &doms[i], h.total_memory_mb * 1024, pct);
        }
        fflush(stdout);
        free(prev);
        prev = doms;
        nprev = n;
        if (it + 1 < iterations) {
            sleep((unsigned)delay);
        }
    }
    free(prev);
    return XL_OK;
}
