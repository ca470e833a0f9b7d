/* NO_SYS=1: lwIP needs no semaphores, mailboxes or threads from the port. */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H
#endif
