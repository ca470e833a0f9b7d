/*
 * What init gives the control domain's xl shell (services/init/dom0),
 * beyond what stubdom_create gives every Newlib domain (TCB, CNode,
 * VSpace, Console in slot 4, heap Untyped in 5, exit endpoint in 6): the
 * caps below, in these slots of its CNode, and on its command line
 * "ram=BYTES cpus=N pool=COUNT".
 */
#ifndef INIT_CONTROL_H
#define INIT_CONTROL_H

enum control_slot {
	CONTROL_SLOT_COM1 = 7,		/* I/O ports 0x3f8-0x3ff */
	CONTROL_SLOT_COM1_IRQ,		/* IRQ 4 handler */
	CONTROL_SLOT_DEBUG,		/* free bytes of the guest memory pool */
	CONTROL_SLOT_WAKE,		/* the notification bound to the shell's thread */
	CONTROL_SLOT_XS_RING,		/* domain 0's XenStore ring frame (RW) */
	CONTROL_SLOT_XS_DOMAIN,		/* the xenstore stub domain's Domain object */
	CONTROL_SLOT_CONS_DOMAIN,	/* the console stub domain's Domain object */
	CONTROL_SLOT_XS_CTL,		/* xenstore service endpoint: WRITE|GRANT, SVC_BADGE_CONTROL */
	CONTROL_SLOT_XS_EVENTS,		/* its notification, WRITE unbadged: mint guests' kick caps */
	CONTROL_SLOT_CONS_CTL,		/* console service endpoint: WRITE|GRANT, SVC_BADGE_CONTROL */
	CONTROL_SLOT_CONS_EVENTS,	/* its notification, WRITE unbadged */
	CONTROL_SLOT_CONS_CLIENT,	/* console endpoint as `xl console`: WRITE|GRANT, CONTROL_CONS_CLIENT_BADGE */
	CONTROL_SLOT_POOL,		/* the guest memory pool: pool=COUNT Untyped caps */
};

/* At most this many Untyped caps go to the pool (a child gets 16 caps). */
#define CONTROL_POOL_MAX	11

/* log2 of the shell's CNode: its own heap below half, guests above. */
#define CONTROL_CNODE_RADIX	18	/* room for MAX_GUESTS windows of GUEST_SLOTS */
#define CONTROL_HEAP_BITS	27	/* 128 MiB for the toolstack's malloc: a bzImage decompresses there (Debian's kernel: 66 MB) */
#define CONTROL_PRIORITY	90	/* above guests, below init */
#define GUEST_PRIORITY		50

/* The stub domains init starts before the shell (console first). */
#define CONTROL_XS_DOMID	1
#define CONTROL_CONS_DOMID	2
#define CONTROL_FIRST_GUEST_DOMID	3
#define CONTROL_SERVICE_HEAP_BITS	22	/* 4 MiB heap each */
#define CONTROL_SERVICE_PRIORITY	80
/* Badges on CONTROL_SLOT_WAKE: the shell mints 1 and 2 itself; xenstored signals this one. */
#define CONTROL_WAKE_XS_BADGE	4
#define CONTROL_WAKE_CONS_BADGE	8	/* the console service: output for `xl console` */
#define CONTROL_CONS_CLIENT_BADGE	2

#endif
