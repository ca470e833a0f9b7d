/* Output layouts of xl 4.17 (see /work/shared/xen-reference/ref/). Each
 * writes to OUT. */
#ifndef TS_XL_FORMAT_H
#define TS_XL_FORMAT_H
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "../libctl/libctl.h"

void fmt_list_header(FILE *out, bool verbose);
void fmt_list_row(FILE *out, const struct ctl_domain *d, bool verbose);
void fmt_vcpu_list_header(FILE *out);
void fmt_vcpu_list_row(FILE *out, const char *name, const struct ctl_vcpu *v);
void fmt_uptime_header(FILE *out);
void fmt_uptime_row(FILE *out, const struct ctl_domain *d);
/* "HH:MM:SS up [N days, ]H:MM, NAME (ID)" with NOW the local time */
void fmt_uptime_short(FILE *out, const struct ctl_domain *d, const struct tm *now);
void fmt_sched_credit_pool(FILE *out, const struct ctl_sched_pool *p);
void fmt_sched_credit_header(FILE *out);
void fmt_sched_credit_row(FILE *out, const struct ctl_domain *d,
                          const struct ctl_sched_credit *s);
void fmt_info(FILE *out, const struct ctl_host *h);
void fmt_top_header(FILE *out);
/* CPU_PCT: share of one CPU since the previous sample (0 for the first). */
void fmt_top_row(FILE *out, const struct ctl_domain *d, uint64_t total_kb,
                 double cpu_pct);

#endif
