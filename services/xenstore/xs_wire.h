/*
 * The XenStore wire protocol as Xen's public io/xs_wire.h defines it:
 * message types, the 16-byte message header, payload and path limits,
 * and the shared ring page of a domain connection.
 */
#ifndef XS_WIRE_H
#define XS_WIRE_H

#include <stdint.h>

enum xs_msg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, removed from the protocol: invalid. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT = 27,
	XS_INVALID = 0xffff,
};

struct xs_msg_header {
	uint32_t type;
	uint32_t req_id;	/* echoed in the reply */
	uint32_t tx_id;		/* 0 outside transactions */
	uint32_t len;		/* payload bytes after the header */
};

#define XS_HEADER_SIZE 16u
#define XENSTORE_PAYLOAD_MAX 4096u
#define XENSTORE_ABS_PATH_MAX 3072u
#define XENSTORE_REL_PATH_MAX 2048u

/* The shared page between a domain and xenstored. */
#define XENSTORE_RING_SIZE 1024u
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];	/* requests to xenstored */
	char rsp[XENSTORE_RING_SIZE];	/* replies and watch events */
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
	uint32_t evtchn_port;
};

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1u
#define XENSTORE_SERVER_FEATURE_ERROR 2u
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4u
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8u

#define XENSTORE_CONNECTED 0u
#define XENSTORE_RECONNECT 1u

#define XENSTORE_ERROR_NONE 0u
#define XENSTORE_ERROR_COMM 1u
#define XENSTORE_ERROR_RINGIDX 2u
#define XENSTORE_ERROR_PROTO 3u

#endif
