/* The domain builder: from a decoded configuration to a build plan
 * (kernel loaded from its ELF or bzImage, initrd, start-of-day info). */
#ifndef TS_BUILD_H
#define TS_BUILD_H
#include <stddef.h>

#include "../cfg/domcfg.h"
#include "plan.h"

/* Returns 0, or -1 with a one-line reason in ERR. */
int build_domain_plan(const struct domain_config *dc, struct build_plan *plan,
                      char *err, size_t errlen);

#endif
