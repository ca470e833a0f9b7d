#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"

void xl_opts_init(struct xl_opts *o, int argc, char **argv)
{
    o->argc = argc;
    o->argv = argv;
    o->index = 1;
    o->rest = NULL;
    o->arg = NULL;
}

int xl_getopt(struct xl_opts *o, const char *cmd, const char *shortopts,
              const struct xl_longopt *longopts)
{
    o->arg = NULL;
    if (o->rest == NULL || *o->rest == '\0') {
        if (o->index >= o->argc)
            return -1;
        const char *a = o->argv[o->index];
        if (a[0] != '-' || a[1] == '\0')
            return -1;
        o->index++;
        if (strcmp(a, "--") == 0)
            return -1;
        if (a[1] == '-') {
            const char *name = a + 2;
            size_t n = strcspn(name, "=");
            for (const struct xl_longopt *l = longopts; l && l->name; l++) {
                if (strlen(l->name) != n || strncmp(l->name, name, n) != 0)
                    continue;
                if (l->has_arg) {
                    if (name[n] == '=') {
                        o->arg = name + n + 1;
                    } else if (o->index < o->argc) {
                        o->arg = o->argv[o->index++];
                    } else {
                        fprintf(stderr, "xl %s: option '--%s' requires an argument\n",
                                cmd, l->name);
                        return '?';
                    }
                } else if (name[n] == '=') {
                    break;
                }
                return l->val;
            }
            fprintf(stderr, "xl %s: unrecognized option '%s'\n", cmd, a);
            return '?';
        }
        o->rest = a + 1;
    }
    char c = *o->rest++;
    const char *spec = strchr(shortopts, c);
    if (c == ':' || spec == NULL) {
        fprintf(stderr, "xl %s: invalid option -- '%c'\n", cmd, c);
        return '?';
    }
    if (spec[1] == ':') {
        if (*o->rest != '\0') {
            o->arg = o->rest;
        } else if (o->index < o->argc) {
            o->arg = o->argv[o->index++];
        } else {
            fprintf(stderr, "xl %s: option requires an argument -- '%c'\n", cmd, c);
            return '?';
        }
        o->rest = NULL;
    }
    return (unsigned char)c;
}

void xl_help_cmd(const struct xl_cmd *cmd)
{
    printf("Usage: xl [-%s] %s %s\n\n%s.\n", cmd->flags, cmd->name, cmd->usage,
           cmd->summary);
    if (cmd->options != NULL)
        printf("\nOptions:\n\n%s", cmd->options);
}

int xl_need_args(const struct xl_cmd *cmd, int have, int need)
{
    if (have >= need)
        return XL_OK;
    fprintf(stderr, "'xl %s' requires at least %d argument%s.\n\n", cmd->name,
            need, need == 1 ? "" : "s");
    xl_help_cmd(cmd);
    return XL_USAGE;
}

int xl_report(struct xl *xl, const char *cmd, int err)
{
    if (err == CTL_ENOTSUP)
        fprintf(stderr, "xl: %s: not supported yet on this host (%s)\n", cmd,
                xl->ctl.unavailable_reason ? xl->ctl.unavailable_reason
                                           : xl->ctl.backend_name);
    else
        fprintf(stderr, "xl: %s: %s\n", cmd, ctl_strerror(err));
    return XL_FAIL;
}

int xl_find_domain(struct xl *xl, const char *cmd, const char *spec,
                   uint32_t *domid)
{
    struct ctl_domain *doms = NULL;
    size_t n = 0;
    int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
    if (err != CTL_OK)
        return xl_report(xl, cmd, err);
    char *end;
    errno = 0;
    unsigned long id = strtoul(spec, &end, 10);
    bool numeric = spec[0] != '\0' && *end == '\0' && errno == 0 && isdigit((unsigned char)spec[0]);
    int rc = XL_FAIL;
    for (size_t i = 0; i < n; i++) {
        if ((numeric && doms[i].domid == id) ||
            (!numeric && strcmp(doms[i].name, spec) == 0)) {
            *domid = doms[i].domid;
            rc = XL_OK;
            break;
        }
    }
    free(doms);
    if (rc != XL_OK)
        fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", spec);
    return rc;
}

int xl_parse_mem_kb(const char *s, uint64_t *kb)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || (end[0] != '\0' && end[1] != '\0'))
        return -1;
    int shift;
    switch (tolower((unsigned char)end[0])) {
    case 't': shift = 30; break;
    case 'g': shift = 20; break;
    case '\0':
    case 'm': shift = 10; break;
    case 'k': shift = 0; break;
    case 'b': *kb = v >> 10; return 0;
    default: return -1;
    }
    if (v > (UINT64_MAX >> shift))
        return -1;
    *kb = (uint64_t)v << shift;
    return 0;
}

int xl_wait_gone(struct xl *xl, uint32_t domid)
{
    for (;;) {
        struct ctl_domain *doms;
        size_t n;
        int err = CTL_CALL(&xl->ctl, list_domains, &doms, &n);
        if (err != CTL_OK)
            return err;
        bool present = false;
        for (size_t i = 0; i < n; i++)
            present = present || doms[i].domid == domid;
        free(doms);
        if (!present)
            return CTL_OK;
        sleep(1);
    }
}
