/* xl's output layouts against lines printed by real xl 4.17 (from
 * /work/shared/xen-reference/ref/, copied here as expected text) (TAP). */
#include "../xl/format.h"
#include "tap.h"

static char buf[8192];

static FILE *open_buf(void)
{
    memset(buf, 0, sizeof(buf));
    return fmemopen(buf, sizeof(buf) - 1, "w");
}

static void expect(const char *what, const char *want)
{
    tap_check(strcmp(buf, want) == 0, "%s", what);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "%s:\nwant [%s]\ngot  [%s]\n", what, want, buf);
}

static struct ctl_domain dom(const char *name, uint32_t id, uint64_t mb, unsigned vcpus,
                             double secs)
{
    struct ctl_domain d = { .domid = id, .current_memkb = mb * 1024,
                            .max_memkb = mb * 1024, .vcpus_online = vcpus,
                            .cpu_time_ns = (uint64_t)(secs * 1e9) };
    snprintf(d.name, sizeof(d.name), "%s", name);
    return d;
}

int main(void)
{
    struct ctl_domain d0 = dom("Domain-0", 0, 1024, 2, 82.2);
    d0.running = true;
    struct ctl_domain h1 = dom("hold1", 3, 256, 1, 14.4);
    h1.blocked = true;
    FILE *f = open_buf();
    fmt_list_header(f, false);
    fmt_list_row(f, &d0, false);
    fmt_list_row(f, &h1, false);
    fclose(f);
    expect("xl list", "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
           "Domain-0                                     0  1024     2     r-----      82.2\n"
           "hold1                                        3   256     1     -b----      14.4\n");

    struct ctl_domain p = dom("hold1", 3, 225, 1, 18.1);
    p.paused = true;
    f = open_buf();
    fmt_list_row(f, &p, false);
    fclose(f);
    expect("xl list, paused", "hold1                                        3   225     1     --p---      18.1\n");

    d0.cpu_time_ns = 84100000000ull;
    strcpy(d0.uuid, "00000000-0000-0000-0000-000000000000");
    f = open_buf();
    fmt_list_header(f, true);
    fmt_list_row(f, &d0, true);
    fclose(f);
    expect("xl list -v", "Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n"
           "Domain-0                                     0  1024     2     r-----      84.1 00000000-0000-0000-0000-000000000000        -                -\n");

    struct ctl_vcpu v0 = { .domid = 0, .vcpu = 0, .cpu = 1, .online = true, .blocked = true,
                           .cpu_time_ns = 54000000000ull };
    struct ctl_vcpu v1 = { .domid = 0, .vcpu = 1, .cpu = 0, .online = true, .running = true,
                           .cpu_time_ns = 31700000000ull };
    struct ctl_vcpu v3 = { .domid = 3, .vcpu = 0, .cpu = 1, .online = true, .blocked = true,
                           .cpu_time_ns = 14500000000ull };
    f = open_buf();
    fmt_vcpu_list_header(f);
    fmt_vcpu_list_row(f, "Domain-0", &v0);
    fmt_vcpu_list_row(f, "Domain-0", &v1);
    fmt_vcpu_list_row(f, "hold1", &v3);
    fclose(f);
    expect("xl vcpu-list", "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n"
           "Domain-0                             0     0    1   -b-      54.0  all / all\n"
           "Domain-0                             0     1    0   r--      31.7  all / all\n"
           "hold1                                3     0    1   -b-      14.5  all / all\n");

    d0.uptime_s = 119;
    h1.uptime_s = 44;
    f = open_buf();
    fmt_uptime_header(f);
    fmt_uptime_row(f, &d0);
    fmt_uptime_row(f, &h1);
    fclose(f);
    expect("xl uptime", "Name                                ID Uptime\n"
           "Domain-0                             0  0:01:59\n"
           "hold1                                3  0:00:44\n");
    h1.uptime_s = 2 * 86400 + 3600 + 1;
    f = open_buf();
    fmt_uptime_row(f, &h1);
    fclose(f);
    expect("xl uptime, days", "hold1                                3 2 days,  1:00:01\n");

    struct tm at = { .tm_hour = 8, .tm_min = 5, .tm_sec = 9 };
    f = open_buf();
    fmt_uptime_short(f, &h1, &at);
    fclose(f);
    expect("xl uptime -s", "08:05:09 up 2 days,  1:00, hold1 (3)\n");

    struct ctl_domain c1 = dom("hold1", 1, 256, 1, 0);
    struct ctl_sched_credit s = { .weight = 256, .cap = 0 };
    struct ctl_sched_pool pool = { .name = "Pool-0", .tslice_ms = 30, .ratelimit_us = 1000 };
    f = open_buf();
    fmt_sched_credit_pool(f, &pool);
    fmt_sched_credit_header(f);
    fmt_sched_credit_row(f, &d0, &s);
    fmt_sched_credit_row(f, &c1, &s);
    fclose(f);
    expect("xl sched-credit", "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n"
           "Name                                ID Weight  Cap\n"
           "Domain-0                             0    256    0\n"
           "hold1                                1    256    0\n");

    struct ctl_host h = {
        .host = "(none)", .release = "6.1.0-56-amd64",
        .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)", .machine = "x86_64",
        .nr_cpus = 2, .max_cpu_id = 1, .nr_nodes = 1, .cores_per_socket = 2,
        .threads_per_core = 1, .cpu_khz = 2499997,
        .hw_caps = { 0x178bf3fd, 0xf6d83203, 0x2c500800, 0x77, 5, 0x008801a9, 0, 0 },
        .virt_caps = "pv hvm hap gnttab-v1 gnttab-v2", .total_memory_mb = 2047,
        .free_memory_mb = 742, .xen_major = 4, .xen_minor = 17, .xen_extra = ".7",
        .xen_caps = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ",
        .xen_scheduler = "credit2", .pagesize = 4096,
        .platform_params = "virt_start=0xffff800000000000", .changeset = "",
        .commandline = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M dom0_max_vcpus=2 noreboot smap=0",
        .cc_compiler = "x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0",
        .cc_compile_by = "pkg-xen-devel", .cc_compile_domain = "lists.alioth.debian.org",
        .cc_compile_date = "Wed Nov  4 16:52:28 UTC 2026",
        .build_id = "151b373fd64b321593bf987fd923cd10dabadac4",
    };
    f = open_buf();
    fmt_info(f, &h);
    fclose(f);
    expect("xl info",
           "host                   : (none)\n"
           "release                : 6.1.0-56-amd64\n"
           "version                : #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"
           "machine                : x86_64\n"
           "nr_cpus                : 2\n"
           "max_cpu_id             : 1\n"
           "nr_nodes               : 1\n"
           "cores_per_socket       : 2\n"
           "threads_per_core       : 1\n"
           "cpu_mhz                : 2499.997\n"
           "hw_caps                : 178bf3fd:f6d83203:2c500800:00000077:00000005:008801a9:00000000:00000000\n"
           "virt_caps              : pv hvm hap gnttab-v1 gnttab-v2\n"
           "total_memory           : 2047\n"
           "free_memory            : 742\n"
           "sharing_freed_memory   : 0\n"
           "sharing_used_memory    : 0\n"
           "outstanding_claims     : 0\n"
           "free_cpus              : 0\n"
           "xen_major              : 4\n"
           "xen_minor              : 17\n"
           "xen_extra              : .7\n"
           "xen_version            : 4.17.7\n"
           "xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 \n"
           "xen_scheduler          : credit2\n"
           "xen_pagesize           : 4096\n"
           "platform_params        : virt_start=0xffff800000000000\n"
           "xen_changeset          : \n"
           "xen_commandline        : console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M dom0_max_vcpus=2 noreboot smap=0\n"
           "cc_compiler            : x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0\n"
           "cc_compile_by          : pkg-xen-devel\n"
           "cc_compile_domain      : lists.alioth.debian.org\n"
           "cc_compile_date        : Wed Nov  4 16:52:28 UTC 2026\n"
           "build_id               : 151b373fd64b321593bf987fd923cd10dabadac4\n"
           "xend_config_format     : 4\n");

    struct ctl_domain t0 = dom("Domain-0", 0, 1024, 2, 106.4);
    t0.running = true;
    struct ctl_domain t1 = dom("hold1", 3, 0, 1, 18.9);
    t1.current_memkb = 262208;
    t1.max_memkb = 263168;
    t1.blocked = true;
    f = open_buf();
    fmt_top_header(f);
    fmt_top_row(f, &t0, 2047 * 1024, 0);
    fmt_top_row(f, &t1, 2047 * 1024, 0);
    fclose(f);
    expect("xl top -b (xentop batch)",
           "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
           "  Domain-0 -----r        106    0.0    1048576   50.0    1048576      50.0     2    0        0        0    0        0        0        0          0          0    0\n"
           "     hold1 --b---         18    0.0     262208   12.5     263168      12.6     1    0        0        0    0        0        0        0          0          0    0\n");
    return tap_done();
}
