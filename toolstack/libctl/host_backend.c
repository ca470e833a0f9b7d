/* The backend on a machine without the Tessera control interface: it has
 * no operations, so every call reports CTL_ENOTSUP. It never pretends to
 * run domains. */
#include "libctl.h"

static const struct ctl_ops host_ops = { 0 };

int ctl_open(struct ctl *ctl)
{
    ctl->backend_name = "host";
    ctl->unavailable_reason = "no Tessera control interface";
    ctl->ops = &host_ops;
    ctl->self = NULL;
    return CTL_OK;
}

void ctl_close(struct ctl *ctl)
{
    ctl->ops = &host_ops;
}
