/* The typed domain configuration decoded from an xl.cfg tree. */
#ifndef TS_DOMCFG_H
#define TS_DOMCFG_H
#include <stdbool.h>
#include <stdint.h>

#include "cfgfile.h"
#include "devspec.h"

enum dom_type { DOM_PV, DOM_PVH, DOM_HVM };

/* What happens when the guest powers off, reboots, crashes, ... */
enum dom_action {
    ACT_DESTROY, ACT_RESTART, ACT_RENAME_RESTART, ACT_PRESERVE,
    ACT_COREDUMP_DESTROY, ACT_COREDUMP_RESTART, ACT_SOFT_RESET,
};

/* Tri-state flags: UNSET keeps the default of the guest type. */
enum tristate { TRI_UNSET = -1, TRI_FALSE = 0, TRI_TRUE = 1 };

struct string_list {
    unsigned n;
    const char **items;
};

struct pci_spec {
    unsigned domain, bus, dev, func;
    bool all_functions;                     /* BB:DD.* */
    const char *options;                    /* ",permissive=1,..." as given */
};

struct domain_config {
    const char *name;
    enum dom_type type;
    const char *uuid;                       /* canonical form, or NULL */
    uint64_t memory_mb, maxmem_mb;
    unsigned vcpus, maxvcpus;
    const char *cpus;                       /* affinity as written */
    int cpu_weight, cap;                    /* -1: scheduler default */
    const char *kernel, *ramdisk, *cmdline, *root, *extra;
    const char *bootloader;
    struct string_list bootloader_args;
    const char *firmware, *firmware_override, *loader;
    enum tristate hap, viridian, nestedhvm, acpi, vnc, sdl, usb,
                  driver_domain, device_model_stubdomain;
    int64_t max_event_channels, max_grant_frames;   /* -1: default */
    enum dom_action on_poweroff, on_reboot, on_crash, on_watchdog;
    const char *boot;
    struct string_list serial, usbdevice;
    const char *vnclisten, *vncpasswd;
    const char *device_model_version, *device_model_override;
    const char *hostname;
    const char *tsc_mode;
    unsigned ndisks, nvifs, npcis;
    struct disk_spec *disks;
    struct vif_spec *vifs;
    struct pci_spec *pcis;
};

/* Decodes every setting of C into OUT. Unknown keys and deprecated forms
 * warn; invalid values add "FILE:LINE: KEY: reason" errors. Returns 0, or
 * -1 when D holds at least one error. */
int domcfg_decode(struct cfg *c, struct domain_config *out, struct diag *d);

const char *dom_type_name(enum dom_type t);
const char *dom_action_name(enum dom_action a);

#endif
