#include "format.h"

#include <inttypes.h>
#include <string.h>

/* The state letters of D in ORDER, a permutation of "rbpscd": each letter
 * where its flag is set, '-' where not. */
static void state_letters(const struct ctl_domain *d, const char *order,
                          char s[7])
{
    static const char letters[] = "rbpscd";
    const bool set[] = { d->running, d->blocked, d->paused, d->shutdown,
                         d->crashed, d->dying };
    for (int i = 0; i < 6; i++)
        s[i] = set[strchr(letters, order[i]) - letters] ? order[i] : '-';
    s[6] = '\0';
}

void fmt_list_header(FILE *out, bool verbose)
{
    fprintf(out, "Name                                        ID   Mem VCPUs\tState\tTime(s)");
    if (verbose)
        fprintf(out, "   UUID                            Reason-Code\tSecurity Label");
    fprintf(out, "\n");
}

void fmt_list_row(FILE *out, const struct ctl_domain *d, bool verbose)
{
    char state[7];
    state_letters(d, "rbpscd", state);
    fprintf(out, "%-40s %5" PRIu32 " %5" PRIu64 " %5u     %s %9.1f", d->name,
            d->domid, d->current_memkb / 1024, d->vcpus_online, state,
            (double)d->cpu_time_ns / 1e9);
    if (verbose)
        fprintf(out, " %s        -                -", d->uuid);
    fprintf(out, "\n");
}

void fmt_vcpu_list_header(FILE *out)
{
    fprintf(out, "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n");
}

void fmt_vcpu_list_row(FILE *out, const char *name, const struct ctl_vcpu *v)
{
    fprintf(out, "%-32s %5" PRIu32 " %5u %4u   %c%c%c %9.1f  all / all\n",
            name, v->domid, v->vcpu, v->cpu, v->running ? 'r' : '-',
            v->blocked ? 'b' : '-', v->online ? '-' : 'p',
            (double)v->cpu_time_ns / 1e9);
}

void fmt_uptime_header(FILE *out)
{
    fprintf(out, "Name                                ID Uptime\n");
}

void fmt_uptime_row(FILE *out, const struct ctl_domain *d)
{
    uint64_t s = d->uptime_s, days = s / 86400;
    fprintf(out, "%-32s %5" PRIu32 " ", d->name, d->domid);
    if (days)
        fprintf(out, "%" PRIu64 " day%s, ", days, days == 1 ? "" : "s");
    fprintf(out, "%2" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", s / 3600 % 24,
            s / 60 % 60, s % 60);
}

void fmt_uptime_short(FILE *out, const struct ctl_domain *d, const struct tm *now)
{
    uint64_t s = d->uptime_s, days = s / 86400;
    fprintf(out, "%02d:%02d:%02d up ", now->tm_hour, now->tm_min, now->tm_sec);
    if (days)
        fprintf(out, "%" PRIu64 " day%s, ", days, days == 1 ? "" : "s");
    fprintf(out, "%2" PRIu64 ":%02" PRIu64 ", %s (%" PRIu32 ")\n", s / 3600 % 24,
            s / 60 % 60, d->name, d->domid);
}

void fmt_sched_credit_pool(FILE *out, const struct ctl_sched_pool *p)
{
    fprintf(out, "Cpupool %s: tslice=%ums ratelimit=%uus migration-delay=%uus\n",
            p->name, p->tslice_ms, p->ratelimit_us, p->migration_delay_us);
}

void fmt_sched_credit_header(FILE *out)
{
    fprintf(out, "Name                                ID Weight  Cap\n");
}

void fmt_sched_credit_row(FILE *out, const struct ctl_domain *d,
                          const struct ctl_sched_credit *s)
{
    fprintf(out, "%-33s %4" PRIu32 " %6d %4d\n", d->name, d->domid, s->weight,
            s->cap);
}

void fmt_info(FILE *out, const struct ctl_host *h)
{
    fprintf(out, "host                   : %s\n", h->host);
    fprintf(out, "release                : %s\n", h->release);
    fprintf(out, "version                : %s\n", h->version);
    fprintf(out, "machine                : %s\n", h->machine);
    fprintf(out, "nr_cpus                : %u\n", h->nr_cpus);
    fprintf(out, "max_cpu_id             : %u\n", h->max_cpu_id);
    fprintf(out, "nr_nodes               : %u\n", h->nr_nodes);
    fprintf(out, "cores_per_socket       : %u\n", h->cores_per_socket);
    fprintf(out, "threads_per_core       : %u\n", h->threads_per_core);
    fprintf(out, "cpu_mhz                : %u.%03u\n", h->cpu_khz / 1000,
            h->cpu_khz % 1000);
    fprintf(out, "hw_caps                : ");
    for (int i = 0; i < 8; i++)
        fprintf(out, "%08" PRIx32 "%s", h->hw_caps[i], i < 7 ? ":" : "\n");
    fprintf(out, "virt_caps              : %s\n", h->virt_caps);
    fprintf(out, "total_memory           : %" PRIu64 "\n", h->total_memory_mb);
    fprintf(out, "free_memory            : %" PRIu64 "\n", h->free_memory_mb);
    fprintf(out, "sharing_freed_memory   : 0\n");
    fprintf(out, "sharing_used_memory    : 0\n");
    fprintf(out, "outstanding_claims     : 0\n");
    fprintf(out, "free_cpus              : 0\n");
    fprintf(out, "xen_major              : %u\n", h->xen_major);
    fprintf(out, "xen_minor              : %u\n", h->xen_minor);
    fprintf(out, "xen_extra              : %s\n", h->xen_extra);
    fprintf(out, "xen_version            : %u.%u%s\n", h->xen_major,
            h->xen_minor, h->xen_extra);
    fprintf(out, "xen_caps               : %s\n", h->xen_caps);
    fprintf(out, "xen_scheduler          : %s\n", h->xen_scheduler);
    fprintf(out, "xen_pagesize           : %u\n", h->pagesize);
    fprintf(out, "platform_params        : %s\n", h->platform_params);
    fprintf(out, "xen_changeset          : %s\n", h->changeset);
    fprintf(out, "xen_commandline        : %s\n", h->commandline);
    fprintf(out, "cc_compiler            : %s\n", h->cc_compiler);
    fprintf(out, "cc_compile_by          : %s\n", h->cc_compile_by);
    fprintf(out, "cc_compile_domain      : %s\n", h->cc_compile_domain);
    fprintf(out, "cc_compile_date        : %s\n", h->cc_compile_date);
    fprintf(out, "build_id               : %s\n", h->build_id);
    fprintf(out, "xend_config_format     : 4\n");
}

void fmt_top_header(FILE *out)
{
    fprintf(out, "      NAME  STATE   CPU(sec) CPU(%%)     MEM(k) MEM(%%)  MAXMEM(k) MAXMEM(%%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n");
}

void fmt_top_row(FILE *out, const struct ctl_domain *d, uint64_t total_kb,
                 double cpu_pct)
{
    char state[7];
    state_letters(d, "dsbcpr", state);    /* xentop's order, unlike xl list */
    double mem_pct = total_kb ? 100.0 * (double)d->current_memkb / (double)total_kb : 0;
    double max_pct = total_kb ? 100.0 * (double)d->max_memkb / (double)total_kb : 0;
    fprintf(out, "%10s %s %10" PRIu64 " %6.1f %10" PRIu64 " %6.1f %10" PRIu64
            " %9.1f %5u %4u %8" PRIu64 " %8" PRIu64 " %4u %8" PRIu64 " %8" PRIu64
            " %8" PRIu64 " %10" PRIu64 " %10" PRIu64 " %4u\n",
            d->name, state, d->cpu_time_ns / 1000000000u, cpu_pct,
            d->current_memkb, mem_pct, d->max_memkb, max_pct, d->vcpus_online,
            d->nr_nets, d->net_tx_kb, d->net_rx_kb, d->nr_vbds, d->vbd_oo,
            d->vbd_rd, d->vbd_wr, d->vbd_rsect, d->vbd_wsect, 0u);
}
