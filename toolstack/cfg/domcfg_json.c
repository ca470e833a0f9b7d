#include "domcfg_json.h"

#include <string.h>

static void opt_string(struct json *j, const char *key, const char *v)
{
    if (v != NULL)
        json_string(j, key, v);
}

static void opt_defbool(struct json *j, const char *key, enum tristate t)
{
    if (t != TRI_UNSET)
        json_defbool(j, key, t == TRI_TRUE);
}

static void string_list(struct json *j, const char *key,
                        const struct string_list *l)
{
    if (l->n == 0)
        return;
    json_begin_array(j, key);
    for (unsigned i = 0; i < l->n; i++)
        json_string(j, NULL, l->items[i]);
    json_end_array(j);
}

/* libxl's name of a device_model_version (its enumeration, lower case):
 * "qemu-xen" is qemu_xen, "qemu-xen-traditional" qemu_xen_traditional,
 * "none" none. */
static const char *dm_version_name(const char *v)
{
    if (strcmp(v, "qemu-xen") == 0)
        return "qemu_xen";
    if (strcmp(v, "qemu-xen-traditional") == 0)
        return "qemu_xen_traditional";
    return v;
}

static void c_info(const struct domain_config *dc, struct json *j)
{
    json_begin_object(j, "c_info");
    json_string(j, "type", dom_type_name(dc->type));
    opt_defbool(j, "hap", dc->hap);
    opt_defbool(j, "driver_domain", dc->driver_domain);
    json_string(j, "name", dc->name);
    opt_string(j, "uuid", dc->uuid);
    opt_string(j, "hostname", dc->hostname);
    json_end_object(j);
}

static void type_specific(const struct domain_config *dc, struct json *j)
{
    switch (dc->type) {
    case DOM_PV:
        json_begin_object(j, "type.pv");
        opt_string(j, "bootloader", dc->bootloader);
        string_list(j, "bootloader_args", &dc->bootloader_args);
        json_end_object(j);
        break;
    case DOM_PVH:
        json_begin_object(j, "type.pvh");
        json_end_object(j);
        break;
    case DOM_HVM:
        json_begin_object(j, "type.hvm");
        opt_string(j, "firmware", dc->firmware);
        opt_defbool(j, "acpi", dc->acpi);
        opt_defbool(j, "viridian", dc->viridian);
        opt_defbool(j, "nested_hvm", dc->nestedhvm);
        opt_string(j, "boot", dc->boot);
        if (dc->vnc != TRI_UNSET || dc->vnclisten || dc->vncpasswd) {
            json_begin_object(j, "vnc");
            opt_defbool(j, "enable", dc->vnc);
            opt_string(j, "listen", dc->vnclisten);
            opt_string(j, "passwd", dc->vncpasswd);
            json_end_object(j);
        }
        if (dc->sdl != TRI_UNSET) {
            json_begin_object(j, "sdl");
            opt_defbool(j, "enable", dc->sdl);
            json_end_object(j);
        }
        string_list(j, "serial_list", &dc->serial);
        opt_defbool(j, "usb", dc->usb);
        string_list(j, "usbdevice_list", &dc->usbdevice);
        json_end_object(j);
        break;
    }
}

static void b_info(const struct domain_config *dc, struct json *j)
{
    json_begin_object(j, "b_info");
    json_int(j, "max_vcpus", dc->maxvcpus);
    json_begin_array(j, "avail_vcpus");
    for (unsigned i = 0; i < dc->vcpus; i++)
        json_int(j, NULL, i);
    json_end_array(j);
    opt_string(j, "vcpu_hard_affinity", dc->cpus);
    opt_string(j, "tsc_mode", dc->tsc_mode);
    json_int(j, "max_memkb", (long long)dc->maxmem_mb * 1024);
    json_int(j, "target_memkb", (long long)dc->memory_mb * 1024);
    if (dc->cpu_weight >= 0 || dc->cap >= 0) {
        json_begin_object(j, "sched_params");
        if (dc->cpu_weight >= 0)
            json_int(j, "weight", dc->cpu_weight);
        if (dc->cap >= 0)
            json_int(j, "cap", dc->cap);
        json_end_object(j);
    }
    if (dc->max_grant_frames >= 0)
        json_int(j, "max_grant_frames", dc->max_grant_frames);
    if (dc->max_event_channels >= 0)
        json_int(j, "event_channels", dc->max_event_channels);
    if (dc->device_model_version != NULL)
        json_string(j, "device_model_version", dm_version_name(dc->device_model_version));
    opt_defbool(j, "device_model_stubdomain", dc->device_model_stubdomain);
    opt_string(j, "device_model", dc->device_model_override);
    opt_string(j, "kernel", dc->kernel);
    opt_string(j, "cmdline", dc->cmdline);
    opt_string(j, "ramdisk", dc->ramdisk);
    if (dc->type != DOM_HVM)
        opt_string(j, "firmware", dc->firmware);
    opt_string(j, "firmware_override", dc->firmware_override);
    if (dc->type != DOM_HVM)
        opt_defbool(j, "acpi", dc->acpi);
    type_specific(dc, j);
    json_begin_object(j, "arch_arm");
    json_end_object(j);
    json_begin_object(j, "arch_x86");
    json_end_object(j);
    json_end_object(j);
}

static void disks(const struct domain_config *dc, struct json *j)
{
    if (dc->ndisks == 0)
        return;
    json_begin_array(j, "disks");
    for (unsigned i = 0; i < dc->ndisks; i++) {
        const struct disk_spec *d = &dc->disks[i];
        json_begin_object(j, NULL);
        opt_string(j, "backend_domname", d->backend);
        json_string(j, "pdev_path", d->target);
        json_string(j, "vdev", d->vdev);
        json_string(j, "backend", disk_backend_name(d->backendtype));
        json_string(j, "format", disk_format_name(d->format));
        opt_string(j, "script", d->script);
        json_int(j, "removable", d->cdrom);
        json_int(j, "readwrite", d->readwrite);
        json_int(j, "is_cdrom", d->cdrom);
        if (d->direct_io_safe)
            json_int(j, "direct_io_safe", 1);
        if (d->discard >= 0)
            json_defbool(j, "discard_enable", d->discard);
        if (d->trusted >= 0)
            json_defbool(j, "trusted", d->trusted);
        json_end_object(j);
    }
    json_end_array(j);
}

static void nics(const struct domain_config *dc, struct json *j)
{
    if (dc->nvifs == 0)
        return;
    json_begin_array(j, "nics");
    for (unsigned i = 0; i < dc->nvifs; i++) {
        const struct vif_spec *v = &dc->vifs[i];
        json_begin_object(j, NULL);
        opt_string(j, "backend_domname", v->backend);
        json_int(j, "devid", v->devid);
        if (v->mtu)
            json_int(j, "mtu", v->mtu);
        opt_string(j, "model", v->model);
        opt_string(j, "mac", v->mac);
        opt_string(j, "ip", v->ip);
        opt_string(j, "bridge", v->bridge);
        opt_string(j, "ifname", v->vifname);
        opt_string(j, "script", v->script);
        json_string(j, "nictype", v->ioemu ? "vif_ioemu" : "vif");
        if (v->rate != NULL) {
            json_int(j, "rate_bytes_per_interval", (long long)v->rate_bytes_per_interval);
            json_int(j, "rate_interval_usecs", v->rate_interval_usecs);
        }
        opt_string(j, "gatewaydev", v->gatewaydev);
        if (v->trusted >= 0)
            json_defbool(j, "trusted", v->trusted);
        json_end_object(j);
    }
    json_end_array(j);
}

static void pcidevs(const struct domain_config *dc, struct json *j)
{
    if (dc->npcis == 0)
        return;
    json_begin_array(j, "pcidevs");
    for (unsigned i = 0; i < dc->npcis; i++) {
        const struct pci_spec *p = &dc->pcis[i];
        json_begin_object(j, NULL);
        if (!p->all_functions)
            json_int(j, "func", p->func);
        json_int(j, "dev", p->dev);
        json_int(j, "bus", p->bus);
        json_int(j, "domain", p->domain);
        if (p->options[0] != '\0')
            json_string(j, "options", p->options + 1);
        json_end_object(j);
    }
    json_end_array(j);
}

void domcfg_to_json(const struct domain_config *dc, const char *key,
                    struct json *j)
{
    json_begin_object(j, key);
    c_info(dc, j);
    b_info(dc, j);
    disks(dc, j);
    nics(dc, j);
    pcidevs(dc, j);
    json_string(j, "on_poweroff", dom_action_name(dc->on_poweroff));
    json_string(j, "on_reboot", dom_action_name(dc->on_reboot));
    json_string(j, "on_watchdog", dom_action_name(dc->on_watchdog));
    json_string(j, "on_crash", dom_action_name(dc->on_crash));
    json_end_object(j);
}
