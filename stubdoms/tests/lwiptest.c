/*
 * lwiptest: lwIP 2.1.3 (NO_SYS=1) in a Newlib stub domain. UDP and TCP
 * over the loopback interface, and an Ethernet interface whose frames go
 * to memory: ARP requests on the way up and for an unknown peer, and the
 * queued packet sent once a reply is fed back in.
 */
#include <stdio.h>
#include <string.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/prot/ethernet.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>
#include <netif/ethernet.h>
#include "tap.h"

/* Drives lwIP (loopback queue and timers) until *done or a bound on rounds. */
static void run_until(volatile int *done)
{
	for (int i = 0; i < 2000 && !*done; i++) {
		netif_poll_all();
		sys_check_timeouts();
	}
}

static struct {
	char data[32];
	ip_addr_t from;
	u16_t port;
	volatile int got;
} udp_rx;

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	(void)pcb;
	memset(udp_rx.data, 0, sizeof(udp_rx.data));
	pbuf_copy_partial(p, udp_rx.data, sizeof(udp_rx.data) - 1, 0);
	ip_addr_copy(udp_rx.from, *addr);
	udp_rx.port = port;
	udp_rx.got = 1;
	pbuf_free(p);
}

static void test_udp(void)
{
	struct udp_pcb *server = udp_new(), *client = udp_new();
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 5, PBUF_RAM);
	ip_addr_t lo;
	err_t err;

	IP_ADDR4(&lo, 127, 0, 0, 1);
	if (!tap_check(server && client && p && udp_bind(server, &lo, 7000) == ERR_OK &&
		       udp_bind(client, IP_ADDR_ANY, 7001) == ERR_OK, "udp: two pcbs bound"))
		return;
	udp_recv(server, udp_received, NULL);
	memcpy(p->payload, "hello", 5);
	err = udp_sendto(client, p, &lo, 7000);
	pbuf_free(p);
	run_until(&udp_rx.got);
	tap_check(err == ERR_OK && udp_rx.got && strcmp(udp_rx.data, "hello") == 0 &&
		  ip_addr_cmp(&udp_rx.from, &lo) && udp_rx.port == 7001,
		  "udp: 'hello' sent to 127.0.0.1:7000 arrived from %s:%u", ipaddr_ntoa(&udp_rx.from),
		  udp_rx.port);
	udp_remove(server);
	udp_remove(client);
}

static struct {
	char server_got[16], client_got[16];
	volatile int connected, accepted, replied, server_closed;
} tcp_state;

/* Appends a received pbuf to a buffer and acknowledges it. */
static void take(struct tcp_pcb *pcb, struct pbuf *p, char *buf, size_t size)
{
	size_t len = strlen(buf);

	pbuf_copy_partial(p, buf + len, (u16_t)(size - 1 - len), 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
}

static err_t server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p) {
		tcp_state.server_closed = 1;
		tcp_close(pcb);
		return ERR_OK;
	}
	take(pcb, p, tcp_state.server_got, sizeof(tcp_state.server_got));
	if (strcmp(tcp_state.server_got, "ping") == 0) {
		tcp_write(pcb, "pong", 4, TCP_WRITE_FLAG_COPY);
		tcp_output(pcb);
	}
	return ERR_OK;
}

static err_t server_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_state.accepted = 1;
	tcp_recv(pcb, server_recv);
	return ERR_OK;
}

static err_t client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p)
		return ERR_OK;
	take(pcb, p, tcp_state.client_got, sizeof(tcp_state.client_got));
	tcp_state.replied = strcmp(tcp_state.client_got, "pong") == 0;
	return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	tcp_state.connected = err == ERR_OK;
	tcp_write(pcb, "ping", 4, TCP_WRITE_FLAG_COPY);
	tcp_output(pcb);
	return ERR_OK;
}

static void test_tcp(void)
{
	struct tcp_pcb *listener = tcp_new(), *client = tcp_new();
	ip_addr_t lo;

	IP_ADDR4(&lo, 127, 0, 0, 1);
	if (!tap_check(listener && client && tcp_bind(listener, IP_ADDR_ANY, 8000) == ERR_OK &&
		       (listener = tcp_listen(listener)) != NULL, "tcp: listening on port 8000"))
		return;
	tcp_accept(listener, server_accept);
	tcp_recv(client, client_recv);
	tap_check(tcp_connect(client, &lo, 8000, client_connected) == ERR_OK, "tcp: connect to 127.0.0.1:8000");
	run_until(&tcp_state.replied);
	tap_check(tcp_state.connected && tcp_state.accepted, "tcp: connected and accepted");
	tap_check(strcmp(tcp_state.server_got, "ping") == 0 && tcp_state.replied,
		  "tcp: server got '%s', client got '%s' back", tcp_state.server_got, tcp_state.client_got);
	tap_check(tcp_close(client) == ERR_OK, "tcp: client closes");
	run_until(&tcp_state.server_closed);
	tap_check(tcp_state.server_closed, "tcp: the server saw the end of the stream");
	tcp_close(listener);
}

#define MAX_FRAMES 8
static struct {
	u8_t data[MAX_FRAMES][128];
	u16_t len[MAX_FRAMES];
	int count;
} wire;
static const u8_t our_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
static const u8_t peer_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x09 };

static err_t wire_output(struct netif *netif, struct pbuf *p)
{
	(void)netif;
	if (wire.count < MAX_FRAMES) {
		wire.len[wire.count] = pbuf_copy_partial(p, wire.data[wire.count], 128, 0);
		wire.count++;
	}
	return ERR_OK;
}

static err_t eth_init(struct netif *netif)
{
	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->output = etharp_output;
	netif->linkoutput = wire_output;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, our_mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

static unsigned be16(const u8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* An ARP frame: opcode, sender and target protocol addresses. */
static int is_arp(int i, unsigned op, const ip4_addr_t *sender, const ip4_addr_t *target)
{
	const u8_t *f = wire.data[i];

	return wire.len[i] >= 42 && be16(f + 12) == ETHTYPE_ARP && be16(f + 20) == op &&
	       memcmp(f + 28, &sender->addr, 4) == 0 && memcmp(f + 38, &target->addr, 4) == 0;
}

static void test_ethernet(void)
{
	static struct netif eth;
	ip4_addr_t ip, mask, gw, peer;
	struct udp_pcb *pcb = udp_new();
	struct pbuf *p, *reply;
	u8_t frame[42];

	IP4_ADDR(&ip, 169, 254, 1, 2);
	IP4_ADDR(&mask, 255, 255, 0, 0);
	IP4_ADDR(&gw, 0, 0, 0, 0);
	IP4_ADDR(&peer, 169, 254, 1, 9);
	if (!tap_check(netif_add(&eth, &ip, &mask, &gw, NULL, eth_init, ethernet_input) != NULL,
		       "eth: an Ethernet netif with an in-memory link"))
		return;
	netif_set_up(&eth);
	tap_check(wire.count >= 1 && is_arp(0, 1, &ip, &ip) && memcmp(wire.data[0], "\xff\xff\xff\xff\xff\xff", 6) == 0,
		  "eth: going up broadcast a gratuitous ARP (%d frame(s), %u bytes)", wire.count, wire.len[0]);

	/* A datagram to an unknown neighbour waits for ARP. */
	int before = wire.count;
	p = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
	memcpy(p->payload, "data", 4);
	udp_bind(pcb, IP_ADDR_ANY, 5000);
	udp_sendto(pcb, p, (ip_addr_t *)&peer, 9999);
	pbuf_free(p);
	tap_check(wire.count == before + 1 && is_arp(before, 1, &ip, &peer),
		  "eth: sending to 169.254.1.9 asked who has it (ARP request)");

	/* The peer answers; the queued datagram leaves with its MAC. */
	memcpy(frame, our_mac, 6);
	memcpy(frame + 6, peer_mac, 6);
	memcpy(frame + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
	memcpy(frame + 22, peer_mac, 6);
	memcpy(frame + 28, &peer.addr, 4);
	memcpy(frame + 32, our_mac, 6);
	memcpy(frame + 38, &ip.addr, 4);
	before = wire.count;
	reply = pbuf_alloc(PBUF_RAW, sizeof(frame), PBUF_POOL);
	if (reply && pbuf_take(reply, frame, sizeof(frame)) == ERR_OK)
		eth.input(reply, &eth);
	tap_check(wire.count == before + 1 && be16(wire.data[before] + 12) == ETHTYPE_IP &&
		  memcmp(wire.data[before], peer_mac, 6) == 0 &&
		  memcmp(wire.data[before] + 42, "data", 4) == 0,
		  "eth: after the ARP reply the queued UDP datagram went out to the peer's MAC");
	udp_remove(pcb);
	netif_remove(&eth);
}

int main(int argc, char **argv)
{
	(void)argc;
	lwip_init();
	printf("%s: lwIP %s initialised (NO_SYS=1)\n", argv[0], LWIP_VERSION_STRING);
	tap_check(netif_find("lo0") != NULL, "lwip: the loopback netif exists");
	test_udp();
	test_tcp();
	test_ethernet();
	return tap_done(argv[0]);
}
