/*
 * lwIP configuration of Tessera's stub domains: the raw API without an
 * OS (NO_SYS=1, one thread drives lwIP), IPv4 with ARP over Ethernet,
 * UDP and TCP, and the loopback interface.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS			1
#define SYS_LIGHTWEIGHT_PROT	0
#define LWIP_TIMERS		1
#define LWIP_SOCKET		0
#define LWIP_NETCONN		0

#define LWIP_IPV4		1
#define LWIP_IPV6		0
#define LWIP_ARP		1
#define LWIP_ETHERNET		1
#define LWIP_ICMP		1
#define LWIP_UDP		1
#define LWIP_TCP		1
#define LWIP_DHCP		1
#define LWIP_RAW		1
#define LWIP_HAVE_LOOPIF	1
#define LWIP_NETIF_LOOPBACK	1
#define ARP_QUEUEING		1

#define MEM_ALIGNMENT		8
#define MEM_SIZE		65536
#define PBUF_POOL_SIZE		32
#define MEMP_NUM_TCP_PCB	8
#define TCP_MSS			1460
#define TCP_WND			(4 * TCP_MSS)
#define TCP_SND_BUF		(4 * TCP_MSS)
#define LWIP_STATS		0

#endif
