/* Devices at run time: block-attach/-detach/-list, network-attach/-detach/
 * -list. Specs use the same parsers as the config file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cfg/devspec.h"
#include "xl.h"

/* Joins ARGV[0..N) with commas: "phy:/dev/cdrom xvdc r" -> "phy:...,xvdc,r". */
static char *join_spec(struct arena *a, int n, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(argv[i]) + 1;
    char *s = arena_alloc(a, len);
    if (s == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, argv[i]);
    }
    return s;
}

static void print_errors(const struct diag *d)
{
    for (const struct diag_msg *m = d->first; m != NULL; m = m->next)
        fprintf(stderr, "%s%s\n", m->level == DIAG_WARNING ? "warning: " : "", m->text);
}

/* block-attach and network-attach: ARGV[2..] is one device spec of KIND,
 * its parts joined by commas; errors are reported as "CMD: reason". */
static int attach_device(struct xl *xl, const struct xl_cmd *cmd, int argc,
                         char **argv, enum ctl_devkind kind)
{
    struct arena a = { 0 };
    struct diag d;
    union { struct disk_spec disk; struct vif_spec vif; } dev;
    diag_init(&d, &a);
    char *spec = join_spec(&a, argc - 2, argv + 2);
    int parsed = -1;
    if (spec != NULL && kind == CTL_DEV_VIF)
        parsed = vif_spec_parse(&a, spec, &dev.vif, &d, cmd->name);
    else if (spec != NULL)
        parsed = disk_spec_parse(&a, spec, &dev.disk, &d, cmd->name);
    print_errors(&d);
    if (parsed != 0) {
        arena_free(&a);
        return XL_FAIL;
    }
    uint32_t domid;
    int rc = xl_find_domain(xl, cmd->name, argv[1], &domid);
    if (rc == XL_OK) {
        int err = kind == CTL_DEV_VIF
            ? CTL_CALL(&xl->ctl, nic_attach, domid, &dev.vif)
            : CTL_CALL(&xl->ctl, disk_attach, domid, &dev.disk);
        rc = err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
    }
    arena_free(&a);
    return rc;
}

int xl_cmd_block_attach(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc < 3)
        return xl_need_args(cmd, argc - 1, 2);
    return attach_device(xl, cmd, argc, argv, CTL_DEV_VBD);
}

int xl_cmd_block_detach(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    int first = argc > 1 && (strcmp(argv[1], "-f") == 0 ||
                             strcmp(argv[1], "--force") == 0) ? 2 : 1;
    if (argc - first != 2)
        return argc - first < 2 ? xl_need_args(cmd, argc - first, 2)
                                : (xl_help_cmd(cmd), XL_USAGE);
    if (!valid_vdev_with_suffix(argv[first + 1]) && strspn(argv[first + 1], "0123456789") != strlen(argv[first + 1])) {
        fprintf(stderr, "Error: Device %s not connected.\n", argv[first + 1]);
        return XL_FAIL;
    }
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[first], &domid) != XL_OK)
        return XL_FAIL;
    int err = CTL_CALL(&xl->ctl, disk_detach, domid, argv[first + 1], first == 2);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

int xl_cmd_network_attach(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc < 2)
        return xl_need_args(cmd, argc - 1, 1);
    return attach_device(xl, cmd, argc, argv, CTL_DEV_VIF);
}

int xl_cmd_network_detach(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc != 3)
        return argc < 3 ? xl_need_args(cmd, argc - 1, 2) : (xl_help_cmd(cmd), XL_USAGE);
    uint32_t domid;
    if (xl_find_domain(xl, cmd->name, argv[1], &domid) != XL_OK)
        return XL_FAIL;
    int devid = -1;
    if (strchr(argv[2], ':') != NULL) {         /* by MAC address */
        struct ctl_device *devs;
        size_t n;
        int err = CTL_CALL(&xl->ctl, list_devices, domid, CTL_DEV_VIF, &devs, &n);
        if (err != CTL_OK)
            return xl_report(xl, cmd->name, err);
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(devs[i].mac, argv[2]) == 0)
                devid = devs[i].devid;
        free(devs);
    } else {
        char *end;
        long v = strtol(argv[2], &end, 10);
        if (*end == '\0' && v >= 0)
            devid = (int)v;
    }
    if (devid < 0) {
        fprintf(stderr, "Unknown device %s.\n", argv[2]);
        return XL_FAIL;
    }
    int err = CTL_CALL(&xl->ctl, nic_detach, domid, devid);
    return err == CTL_OK ? XL_OK : xl_report(xl, cmd->name, err);
}

/* block-list and network-list */
int xl_cmd_device_list(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    if (argc < 2)
        return xl_need_args(cmd, argc - 1, 1);
    bool vif = strcmp(cmd->name, "network-list") == 0;
    for (int a = 1; a < argc; a++) {
        uint32_t domid;
        if (xl_find_domain(xl, cmd->name, argv[a], &domid) != XL_OK)
            return XL_FAIL;
        struct ctl_device *devs;
        size_t n;
        int err = CTL_CALL(&xl->ctl, list_devices, domid,
                           vif ? CTL_DEV_VIF : CTL_DEV_VBD, &devs, &n);
        if (err != CTL_OK)
            return xl_report(xl, cmd->name, err);
        if (a == 1 && vif)
            printf("Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path\n");
        else if (a == 1)
            printf("Vdev  BE  handle state evt-ch ring-ref BE-path\n");
        for (size_t i = 0; i < n; i++) {
            const struct ctl_device *d = &devs[i];
            if (vif)
                printf("%-3d %-2u %-17s %-6d %-5d %-6d %5d/%-5d     %-30s\n",
                       d->devid, d->backend_domid, d->mac, d->devid, d->state,
                       d->evtch, d->ring_ref, d->rx_ring_ref, d->backend_path);
            else
                printf("%-5d %-3u %-6d %-5d %-6d %-8d %-30s\n", d->devid,
                       d->backend_domid, d->devid, d->state, d->evtch,
                       d->ring_ref, d->backend_path);
        }
        free(devs);
    }
    return XL_OK;
}
