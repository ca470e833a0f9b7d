/*
 * Host front end: every client of a listening Unix socket becomes one
 * connection of the store, acting for the socket's domain. A single
 * poll() loop serves them all; sockets are non-blocking.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon_unix.h"

struct sock_transport {
	struct xs_transport t;
	int fd;
};

static long sock_recv(struct xs_transport *t, void *buf, size_t len)
{
	ssize_t n = recv(((struct sock_transport *)t)->fd, buf, len, 0);
	if (n > 0)
		return (long)n;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return -1;	/* end of stream or error */
}

static long sock_send(struct xs_transport *t, const void *buf, size_t len)
{
	ssize_t n = send(((struct sock_transport *)t)->fd, buf, len,
			 MSG_NOSIGNAL);
	if (n >= 0)
		return (long)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -1;
}

static void sock_close(struct xs_transport *t)
{
	struct sock_transport *s = (struct sock_transport *)t;
	close(s->fd);
	free(s);
}

static const struct xs_transport_ops sock_ops = {
	sock_recv, sock_send, NULL, sock_close, NULL,
};

int xsd_listen(struct xsd_listener *ls, int n)
{
	for (int i = 0; i < n; i++) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		if (strlen(ls[i].path) >= sizeof(a.sun_path)) {
			fprintf(stderr, "xenstored: socket path too long: %s\n",
				ls[i].path);
			return -1;
		}
		strcpy(a.sun_path, ls[i].path);
		unlink(ls[i].path);
		ls[i].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (ls[i].fd < 0 ||
		    bind(ls[i].fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    listen(ls[i].fd, 64) < 0 ||
		    fcntl(ls[i].fd, F_SETFL, O_NONBLOCK) < 0) {
			fprintf(stderr, "xenstored: cannot listen on %s: %s\n",
				ls[i].path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct client {
	struct xs_conn *c;
	int fd;
};

struct clients {
	struct client *v;
	size_t n, cap;
};

static void accept_client(struct xs_store *st, struct xsd_listener *l,
			  struct clients *cl)
{
	int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 16;
		struct client *v = realloc(cl->v, cap * sizeof(*v));
		if (!v) {
			close(fd);
			return;
		}
		cl->v = v;
		cl->cap = cap;
	}
	struct sock_transport *t = malloc(sizeof(*t));
	if (!t) {
		close(fd);
		return;
	}
	t->t.ops = &sock_ops;
	t->fd = fd;
	struct xs_conn *c = xs_conn_new(st, &t->t, l->domid);
	if (!c) {
		sock_close(&t->t);
		return;
	}
	cl->v[cl->n++] = (struct client){ c, fd };
}

int xsd_serve(struct xs_store *st, struct xsd_listener *ls, int n,
	      volatile sig_atomic_t *stop)
{
	struct clients cl = { 0 };
	struct pollfd *pfd = NULL;
	size_t pcap = 0;
	int rc = 0;

	while (!*stop) {
		size_t want = (size_t)n + cl.n;
		if (want > pcap) {
			struct pollfd *p = realloc(pfd, want * sizeof(*p));
			if (!p) {
				rc = -1;
				break;
			}
			pfd = p;
			pcap = want;
		}
		for (int i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ ls[i].fd, POLLIN, 0 };
		for (size_t i = 0; i < cl.n; i++)
			pfd[n + i] = (struct pollfd){
				cl.v[i].fd,
				(short)(POLLIN | (xs_conn_has_output(cl.v[i].c)
							  ? POLLOUT : 0)), 0 };
		if (poll(pfd, want, 500) < 0 && errno != EINTR) {
			perror("xenstored: poll");
			rc = -1;
			break;
		}
		for (size_t i = 0; i < cl.n; i++)
			if (pfd[n + i].revents)
				xs_conn_process(cl.v[i].c);
		/* Events queued for other clients go out on the next round. */
		for (size_t i = 0; i < cl.n;) {
			if (xs_conn_dead(cl.v[i].c)) {
				xs_conn_free(cl.v[i].c);
				cl.v[i] = cl.v[--cl.n];
			} else {
				i++;
			}
		}
		for (int i = 0; i < n; i++)
			if (pfd[i].revents & POLLIN)
				accept_client(st, &ls[i], &cl);
	}
	for (size_t i = 0; i < cl.n; i++)
		xs_conn_free(cl.v[i].c);
	free(cl.v);
	free(pfd);
	for (int i = 0; i < n; i++) {
		close(ls[i].fd);
		unlink(ls[i].path);
	}
	return rc;
}
