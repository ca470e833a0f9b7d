/* Messages of the control library's errors (every backend). */
#include "libctl.h"

const char *ctl_strerror(int err)
{
    switch (err) {
    case CTL_OK: return "success";
    case CTL_ENOTSUP: return "not supported yet";
    case CTL_ENOENT: return "no such domain";
    case CTL_EINVAL: return "invalid argument";
    case CTL_ENOMEM: return "out of memory";
    case CTL_EIO: return "I/O error";
    }
    return "unknown error";
}
