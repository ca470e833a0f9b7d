/* The host daemon's front end: Unix sockets and a poll loop. */
#ifndef XS_DAEMON_UNIX_H
#define XS_DAEMON_UNIX_H

#include <signal.h>

#include "xenstore.h"

struct xsd_listener {
	const char *path;
	uint32_t domid;		/* 0: the privileged control domain */
	int fd;
};

/* Creates the listening sockets; returns 0 or -1 with a message printed. */
int xsd_listen(struct xsd_listener *ls, int n);
/* Serves clients until *stop becomes non-zero; removes the sockets. */
int xsd_serve(struct xs_store *st, struct xsd_listener *ls, int n,
	      volatile sig_atomic_t *stop);

#endif
