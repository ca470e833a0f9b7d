/* xl: the command line an operator of Xen knows, over Tessera's control
 * library. */
#include <stdio.h>
#include <string.h>

#include "xl.h"

static int cmd_help(struct xl *, const struct xl_cmd *, int, char **);

static const struct xl_cmd commands[] = {
    { "create", xl_cmd_create, "Create a domain from config file <filename>",
      "<ConfigFile> [options] [vars]", "vtTfN",
      "-c                      Connect to the console after the domain is created.\n"
      "-d                      Enable debug messages.\n"
      "-e                      Do not wait in the background for the death of the domain.\n"
      "-F                      Run in foreground until death of the domain.\n"
      "-f FILE, --defconfig=FILE\n"
      "                     Use the given configuration file.\n"
      "-h                      Print this help.\n"
      "-n, --dryrun            Dry run - prints the resulting configuration\n"
      "                         (deprecated in favour of global -N option).\n"
      "-p                      Leave the domain paused after it is created.\n"
      "-q, --quiet             Quiet.\n" },
    { "list", xl_cmd_list, "List information about all/some domains",
      "[options] [Domain]\n", "vtT",
      "-l, --long              Output all VM details\n"
      "-v, --verbose           Prints out UUIDs and security context\n" },
    { "destroy", xl_cmd_destroy, "Terminate a domain immediately",
      "[options] <Domain>\n", "vtTf",
      "-f                      Permit destroying domain 0, which will only succeed\n"
      "                        when run from disaggregated toolstack domain with a\n"
      "                        hardware domain distinct from domain 0.\n" },
    { "shutdown", xl_cmd_shutdown, "Issue a shutdown signal to a domain",
      "[options] <-a|Domain>", "vtT",
      "-a, --all               Shutdown all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI power event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to shutdown.\n" },
    { "reboot", xl_cmd_shutdown, "Issue a reboot signal to a domain",
      "[options] <-a|Domain>", "vtT",
      "-a, --all               Reboot all guest domains.\n"
      "-h                      Print this help.\n"
      "-F                      Fallback to ACPI reset event for HVM guests with\n"
      "                        no PV drivers.\n"
      "-w, --wait              Wait for guest(s) to reboot.\n" },
    { "pause", xl_cmd_pause, "Pause execution of a domain", "<Domain>", "vtT", NULL },
    { "unpause", xl_cmd_pause, "Unpause a paused domain", "<Domain>", "vtT", NULL },
    { "console", xl_cmd_console, "Attach to domain's console",
      "[options] <Domain>\n-t <type>       console type, pv , serial or vuart\n"
      "-n <number>     console number", "vtT", NULL },
    { "save", xl_cmd_save, "Save a domain state to restore later",
      "[options] <Domain> <CheckpointFile> [<ConfigFile>]", "vtT",
      "-h  Print this help.\n"
      "-c  Leave domain running after creating the snapshot.\n"
      "-p  Leave domain paused after creating the snapshot.\n" },
    { "migrate", xl_cmd_migrate, "Migrate a domain to another host",
      "[options] <Domain> <host>", "vtT",
      "-h              Print this help.\n"
      "-C <config>     Send <config> instead of config file from creation.\n" },
    { "restore", xl_cmd_restore, "Restore a domain from a saved state",
      "[options] [<ConfigFile>] <CheckpointFile>", "vtT",
      "-h                       Print this help.\n"
      "-p                       Do not unpause domain after restoring it.\n"
      "-e                       Do not wait in the background for the death of the domain.\n"
      "-d                       Enable debug messages.\n" },
    { "mem-max", xl_cmd_mem, "Set the maximum amount reservation for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", "vtT", NULL },
    { "mem-set", xl_cmd_mem, "Set the current memory usage for a domain",
      "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", "vtT", NULL },
    { "vcpu-list", xl_cmd_vcpu_list, "List the VCPUs for all/some domains",
      "[Domain, ...]", "vtT", NULL },
    { "vcpu-pin", xl_cmd_vcpu_pin, "Set which CPUs a VCPU can use",
      "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
      "vtT", "-f, --force        undo an override pinning done by the kernel\n" },
    { "vcpu-set", xl_cmd_vcpu_set,
      "Set the number of active VCPUs allowed for the domain",
      "[option] <Domain> <vCPUs>", "vtT",
      "-i, --ignore-host  Don't limit the vCPU based on the host CPU count\n" },
    { "info", xl_cmd_info, "Get information about Xen host", "[-n|--numa]",
      "vtT", NULL },
    { "sched-credit", xl_cmd_sched_credit, "Get/set credit scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p CPUPOOL]",
      "vtT",
      "-d DOMAIN, --domain=DOMAIN        Domain to modify\n"
      "-w WEIGHT, --weight=WEIGHT        Weight (int)\n"
      "-c CAP,    --cap=CAP              Cap (int)\n" },
    { "domid", xl_cmd_domid, "Convert a domain name to domain id",
      "<DomainName>", "vtT", NULL },
    { "domname", xl_cmd_domname, "Convert a domain id to domain name",
      "<DomainId>", "vtT", NULL },
    { "rename", xl_cmd_rename, "Rename a domain", "<Domain> <NewDomainName>",
      "vtT", NULL },
    { "dmesg", xl_cmd_dmesg, "Read and/or clear dmesg buffer", "[-c]", "vtT",
      "  -c                        Clear dmesg buffer as well as printing it\n" },
    { "top", xl_cmd_top, "Monitor a host and the domains in real time",
      "[-b] [-i ITERATIONS] [-d DELAY]", "vtT",
      "-b                      Batch mode: print plain tables, no screen control.\n"
      "-i ITERATIONS           Number of tables to print (batch mode; default 1).\n"
      "-d DELAY                Seconds between tables (default 3).\n" },
    { "network-attach", xl_cmd_network_attach,
      "Create a new virtual network device",
      "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] "
      "[script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] "
      "[model=<model>] [mtu=<mtu>] [devid=<devid>]", "vtT", NULL },
    { "network-list", xl_cmd_device_list,
      "List virtual network interfaces for a domain", "<Domain(s)>", "vtT", NULL },
    { "network-detach", xl_cmd_network_detach,
      "Destroy a domain's virtual network device", "<Domain> <DevId|mac>",
      "vtT", NULL },
    { "block-attach", xl_cmd_block_attach, "Create a new virtual block device",
      "<Domain> <disk-spec-component(s)>...", "vtT", NULL },
    { "block-list", xl_cmd_device_list, "List virtual block devices for a domain",
      "<Domain(s)>", "vtT", NULL },
    { "block-detach", xl_cmd_block_detach, "Destroy a domain's virtual block device",
      "[option] <Domain> <DevId>", "vtT",
      "-f, --force        Force detach even if the guest doesn't respond\n" },
    { "uptime", xl_cmd_uptime, "Print uptime for all/some domains",
      "[-s] [Domain]", "vtT", "-s                      Uptime in short format\n" },
    { "help", cmd_help, "Print the list of commands or the help of one",
      "[command]", "vtT", NULL },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct xl_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void help_all(FILE *out)
{
    fprintf(out, "Usage xl [-vfN] <subcommand> [args]\n\n"
            "xl full list of subcommands:\n\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strlen(commands[i].name) > 19)
            fprintf(out, " %s\n %-20s%s\n", commands[i].name, "", commands[i].summary);
        else
            fprintf(out, " %-20s%s\n", commands[i].name, commands[i].summary);
    }
}

static int cmd_help(struct xl *xl, const struct xl_cmd *cmd, int argc, char **argv)
{
    (void)xl;
    (void)cmd;
    if (argc < 2) {
        help_all(stdout);
        return XL_OK;
    }
    const struct xl_cmd *c = find_command(argv[1]);
    if (c == NULL) {
        fprintf(stderr, "command \"%s\" not implemented\n", argv[1]);
        help_all(stderr);
        return XL_USAGE;
    }
    xl_help_cmd(c);
    return XL_OK;
}

int main(int argc, char **argv)
{
    struct xl xl = { 0 };
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *f = argv[i] + 1; *f; f++) {
            switch (*f) {
            case 'v': xl.verbose++; break;
            case 'N': xl.dryrun = true; break;
            case 'f': xl.force = true; break;
            case 't': case 'T': break;   /* timestamps in xl's own logs: none here */
            case 'h':
                help_all(stdout);
                return XL_OK;
            default:
                fprintf(stderr, "xl: invalid option -- '%c'\n", *f);
                help_all(stderr);
                return XL_USAGE;
            }
        }
    }
    if (i >= argc) {
        help_all(stderr);
        return XL_USAGE;
    }
    const struct xl_cmd *cmd = find_command(argv[i]);
    if (cmd == NULL) {
        fprintf(stderr, "command \"%s\" not implemented\n", argv[i]);
        help_all(stderr);
        return XL_USAGE;
    }
    if (ctl_open(&xl.ctl) != CTL_OK) {
        fprintf(stderr, "xl: cannot open the control library\n");
        return XL_FAIL;
    }
    int rc = cmd->run(&xl, cmd, argc - i, argv + i);
    ctl_close(&xl.ctl);
    return rc;
}
