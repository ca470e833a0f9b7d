/* xl create: read and check the configuration, print it (-N), build the
 * domain's memory plan and hand it to the control library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builder/build.h"
#include "../cfg/domcfg_json.h"
#include "../cfg/load.h"
#include "xl.h"

static void print_diags(const struct diag *d)
{
    for (const struct diag_msg *m = d->first; m != NULL; m = m->next)
        fprintf(stderr, "%s%s\n", m->level == DIAG_WARNING ? "warning: " : "",
                m->text);
}

int xl_cmd_create(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "dryrun", false, 'n' }, { "quiet", false, 'q' },
        { "defconfig", true, 'f' }, { "help", false, 'h' }, { NULL, false, 0 },
    };
    struct xl_opts o;
    const char *file = NULL;
    bool dryrun = xl->dryrun, paused = false, console = false, quiet = false,
         foreground = false;
    xl_opts_init(&o, argc, argv);
    for (int c; (c = xl_getopt(&o, cmd->name, "cdeFf:hnpqVA", longopts)) != -1;) {
        switch (c) {
        case 'c': console = true; break;
        case 'f': file = o.arg; break;
        case 'h': xl_help_cmd(cmd); return XL_OK;
        case 'n': dryrun = true; break;
        case 'p': paused = true; break;
        case 'q': quiet = true; break;
        case 'd': xl->verbose++; break;
        case 'e': break;        /* xl never waits in the background here */
        case 'F': foreground = true; break;
        case 'V': case 'A':
            fprintf(stderr, "xl: create: no VNC viewer on Tessera's control domain\n");
            return XL_FAIL;
        default: xl_help_cmd(cmd); return XL_USAGE;
        }
    }
    int i = o.index;
    /* The first non-option argument without '=' is the config file. */
    if (file == NULL && i < argc && strchr(argv[i], '=') == NULL)
        file = argv[i++];
    if (file == NULL) {
        fprintf(stderr, "Config file not specified and none in save file\n");
        return 6;
    }

    if (!quiet)
        fprintf(stderr, "Parsing config from %s\n", file);
    struct arena arena = { 0 };
    struct diag diag;
    struct domain_config dc;
    diag_init(&diag, &arena);
    int rc = domcfg_load(&arena, file, NULL, argv + i, argc - i, &dc, &diag);
    print_diags(&diag);
    if (rc != 0) {
        arena_free(&arena);
        return XL_FAIL;
    }

    if (dryrun) {
        struct json j;
        json_init(&j);
        domcfg_to_json(&dc, NULL, &j);
        const char *text = json_text(&j);
        if (text != NULL)
            fputs(text, stdout);
        json_free(&j);
        arena_free(&arena);
        return text != NULL ? XL_OK : XL_FAIL;
    }

    struct build_plan plan;
    char err[256];
    if (build_domain_plan(&dc, &plan, err, sizeof(err)) != 0) {
        fprintf(stderr, "xl: create: %s\n", err);
        arena_free(&arena);
        return XL_FAIL;
    }
    uint32_t domid;
    int e = CTL_CALL(&xl->ctl, create, &dc, &plan, paused, &domid);
    plan_free(&plan);
    if (e != CTL_OK) {
        arena_free(&arena);
        return xl_report(xl, "create", e);
    }
    if (xl->verbose)
        fprintf(stderr, "Domain %u (%s) created\n", domid, dc.name);
    arena_free(&arena);
    if (console) {
        e = CTL_CALL(&xl->ctl, console_attach, domid, 0, CTL_CONSOLE_DEFAULT);
        if (e != CTL_OK)
            return xl_report(xl, "console", e);
    }
    if (foreground) {
        e = xl_wait_gone(xl, domid);
        if (e != CTL_OK)
            return xl_report(xl, "create", e);
    }
    return XL_OK;
}
