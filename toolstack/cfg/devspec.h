/* The xl disk spec (xl-disk-configuration(5)) and vif spec
 * (xl-network-configuration(5)) parsers. */
#ifndef TS_DEVSPEC_H
#define TS_DEVSPEC_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

enum disk_format { FMT_UNKNOWN, FMT_RAW, FMT_QCOW, FMT_QCOW2, FMT_VHD,
                   FMT_QED, FMT_EMPTY };
enum disk_backend { BK_UNKNOWN, BK_PHY, BK_TAP, BK_QDISK, BK_STANDALONE };

struct disk_spec {
    const char *target;             /* "" for an empty cdrom drive */
    enum disk_format format;
    const char *vdev;
    bool readwrite;
    bool cdrom;
    enum disk_backend backendtype;
    const char *backend;            /* backend domain name, NULL = dom0 */
    const char *script;
    int discard;                    /* -1 default, 0 no-discard, 1 discard */
    int trusted;                    /* -1 default, 0 untrusted, 1 trusted */
    bool direct_io_safe;
};

struct vif_spec {
    int devid;                      /* -1: next free */
    const char *mac;                /* canonical xx:xx:xx:xx:xx:xx or NULL */
    const char *bridge, *ip, *model, *vifname, *script, *backend, *gatewaydev;
    bool ioemu;                     /* type=ioemu: emulated NIC + PV */
    const char *rate;               /* as written, e.g. "10Mb/s@20ms" */
    unsigned long long rate_bytes_per_interval;
    unsigned rate_interval_usecs;
    unsigned mtu;                   /* 0: default */
    int trusted;
};

/* Each returns 0, or -1 after adding an error "PREFIX: reason" to D. */
int disk_spec_parse(struct arena *a, const char *spec, struct disk_spec *out,
                    struct diag *d, const char *prefix);
int vif_spec_parse(struct arena *a, const char *spec, struct vif_spec *out,
                   struct diag *d, const char *prefix);

/* A vdev name such as "xvda1" or "hdc:cdrom". */
bool valid_vdev_with_suffix(const char *v);

const char *disk_format_name(enum disk_format f);
const char *disk_backend_name(enum disk_backend b);

#endif
