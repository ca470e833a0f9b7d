/* XenStore in the control domain (tessera_xs.c): domain 0's ring to the
 * xenstore stub domain, guests' layouts, introduction and release. */
#ifndef TS_LIBCTL_TESSERA_XS_H
#define TS_LIBCTL_TESSERA_XS_H
#include <stdbool.h>
#include <stdint.h>

#include "tessera_guest.h"

/* Connects to xenstored as domain 0 (nothing without tessera.xs_ring):
 * 0 or -errno. */
int tessera_xs_setup(void);
bool tessera_xs_connected(void);

/* Writes g's /local/domain/N and /vm/UUID and introduces it to xenstored
 * with its ring frame and the notification that wakes it: 0 or -errno
 * (printed). */
int tessera_xs_introduce(const struct guest *g, uint64_t ring, uint64_t ntfn);

/* Writes REASON ("poweroff", "reboot") to g's control/shutdown: 0 or -errno. */
int tessera_xs_shutdown(const struct guest *g, const char *reason);

/* Releases g from xenstored and removes its nodes. */
void tessera_xs_release(const struct guest *g);

#endif
