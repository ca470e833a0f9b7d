/* Internal structures of the xenstored library, shared by its files. */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include "xenstore.h"
#include "xs_wire.h"

#define XS_ACCESS_READ 1u
#define XS_ACCESS_WRITE 2u
#define XS_ACCESS_ALL (XS_ACCESS_READ | XS_ACCESS_WRITE)

/* Domain ids from DOMID_FIRST_RESERVED on are not real domains. */
#define XS_DOMID_FIRST_RESERVED 0x7ff0u
#define XS_SUPPORTED_FEATURES \
	(XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR | \
	 XENSTORE_SERVER_FEATURE_WATCHDEPTH)

struct xs_perm {
	uint32_t domid;
	uint32_t access;	/* XS_ACCESS_* */
};

/*
 * A node of the tree. The same structure holds a transaction's private
 * copy of a node (its "overlay"), so every operation is written once and
 * works on either through struct xs_view.
 */
struct xs_node {
	struct xs_node *hash_next;
	struct xs_node *owner_prev, *owner_next;	/* tree only */
	struct xs_node *tx_next;	/* overlay only: access order */
	char *path;
	uint32_t pathlen, hash;
	char *value;
	uint32_t vlen;
	char *children;		/* child leaf names, each NUL-terminated */
	uint32_t childlen, childcap;
	struct xs_perm *perms;	/* perms[0] is the owner and default */
	uint32_t nperms;
	uint64_t gen;		/* bumped on every change */
	uint64_t base_gen;	/* overlay: tree generation when first seen, 0 = absent */
	bool deleted;		/* overlay: absent in the transaction */
	bool dirty;		/* overlay: changed by the transaction */
};

/* Hash table of nodes by full path. */
struct xs_table {
	struct xs_node **bucket;
	size_t nbuckets, count;
};

#define XS_HASH_INIT 2166136261u
uint32_t xs_hash(const char *s, size_t len);
uint32_t xs_hash_more(uint32_t h, const char *s, size_t len);
int xs_table_init(struct xs_table *t);
void xs_table_destroy(struct xs_table *t);	/* frees the nodes too */
struct xs_node *xs_table_find(const struct xs_table *t, const char *path,
			      size_t len, uint32_t hash);
void xs_table_insert(struct xs_table *t, struct xs_node *n);
void xs_table_remove(struct xs_table *t, struct xs_node *n);
void xs_node_free(struct xs_node *n);
size_t xs_node_bytes(const struct xs_node *n);

struct xs_domain {
	struct xs_domain *next;	/* hash chain */
	uint32_t domid;
	bool introduced;
	uint64_t gfn;
	uint32_t evtchn;
	uint32_t features;
	bool has_target;
	uint32_t target;
	struct xs_conn *ring_conn;	/* connection made by INTRODUCE */
	size_t nodes;		/* nodes owned */
	size_t watches;
	struct xs_node *owned;	/* list of owned nodes */
	uint32_t quota[XS_Q_COUNT];
};

struct xs_event {
	struct xs_event *next;
	char *path;
	bool recursive;		/* removal of the node and its subtree */
	struct xs_perm *perms;
	uint32_t nperms;
};

struct xs_tx {
	struct xs_tx *next;
	uint32_t id;
	struct xs_conn *conn;
	struct xs_table overlay;
	struct xs_node *first, *last;	/* overlay in access order */
	long own_delta;		/* nodes the connection's domain gains */
	int failed;		/* an operation failed half done: commit fails */
	struct xs_event *events, *events_last;
};

struct xs_out {
	struct xs_out *next;
	uint32_t len;		/* header + payload */
	bool event;
	char data[];
};

struct xs_watch {
	struct xs_watch *conn_next;
	struct xs_watch *wn_prev, *wn_next;
	struct xs_conn *conn;
	struct xs_wnode *wn;
	char *path;		/* as registered: relative or absolute */
	char *token;
	uint32_t rel_off;	/* bytes of the home prefix to strip, or 0 */
	int32_t depth;		/* levels below the path that match; -1: all */
};

/* A node of the watch index: one path prefix holding watches below it. */
struct xs_wnode {
	struct xs_wnode *hash_next;
	struct xs_wnode *parent, *first_child, *next_sibling, *prev_sibling;
	struct xs_watch *watches, *watches_last;	/* registration order */
	uint32_t hash, pathlen, seglen;
	uint32_t refs;		/* watches at or below this prefix */
	char seg[];		/* bytes this prefix adds to its parent */
};

struct xs_windex {
	struct xs_wnode **bucket;
	size_t nbuckets, count;
};

struct xs_conn {
	struct xs_conn *next, *prev;
	struct xs_store *st;
	struct xs_transport *tr;
	struct xs_domain *dom;
	uint32_t id;
	bool dead;
	unsigned char hdr_buf[XS_HEADER_SIZE];
	uint32_t hdr_used;
	char *body;		/* len + 1 bytes, NUL after the payload */
	uint32_t body_used;
	struct xs_msg_header hdr;
	struct xs_out *out_head, *out_tail;
	uint32_t out_off;
	uint32_t out_replies, out_events;
	uint32_t events_dropped;	/* since the watch-events quota was hit */
	struct xs_tx *txs;
	uint32_t ntx, next_txid;
	struct xs_watch *watches;
};

#define XS_DOMAIN_BUCKETS 256

struct xs_store {
	struct xs_config cfg;
	struct xs_table nodes;
	uint64_t gen;
	size_t node_bytes;
	struct xs_node special[2];	/* @introduceDomain, @releaseDomain */
	struct xs_windex windex;
	size_t nwatches, ntx;
	struct xs_domain *domains[XS_DOMAIN_BUCKETS];
	size_t ndomains;
	struct xs_conn *conns;
	uint32_t next_conn_id;
	bool trace_on;
	char reply[XENSTORE_PAYLOAD_MAX];	/* the reply being built */
	uint32_t reply_len;
	char pathbuf[XENSTORE_ABS_PATH_MAX + 1];	/* scratch for rm */
};

/* A way to see the tree: directly, or through one transaction. */
struct xs_view {
	struct xs_store *st;
	struct xs_conn *conn;
	struct xs_tx *tx;	/* NULL: the tree itself */
};

/* store.c: the tree through a view. */
int xs_store_init_tree(struct xs_store *st);
int xs_view_get(struct xs_view *v, const char *path, size_t len,
		struct xs_node **out);
int xs_view_lookup(struct xs_view *v, const char *path, uint32_t need,
		   struct xs_node **out);
int xs_op_write(struct xs_view *v, const char *path, const char *value,
		uint32_t vlen, bool mkdir);
int xs_op_rm(struct xs_view *v, const char *path);
int xs_op_set_perms(struct xs_view *v, const char *path,
		    const struct xs_perm *perms, uint32_t nperms);
void xs_tree_delete(struct xs_store *st, struct xs_node *n);
void xs_tree_set_owner(struct xs_store *st, struct xs_node *n,
		       uint32_t old_owner);
void xs_tree_adopt(struct xs_store *st, struct xs_node *n);
int xs_tree_rm(struct xs_store *st, const char *path);
int xs_special_index(const char *path);

/* perms.c */
bool xs_conn_privileged(const struct xs_conn *c);
uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perm *p,
		     uint32_t n);
int xs_perms_parse(const char *s, uint32_t len, uint32_t count,
		   struct xs_perm *out);
int xs_perms_format(const struct xs_perm *p, uint32_t n, char *out,
		    uint32_t cap, uint32_t *len);
int xs_canon_path(struct xs_conn *c, const char *in, char *out,
		  bool allow_special, uint32_t *rel_off);

/* watch.c */
int xs_windex_init(struct xs_windex *w);
void xs_windex_destroy(struct xs_windex *w);
int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 int32_t depth);
int xs_watch_remove(struct xs_conn *c, const char *path, const char *token);
void xs_watch_remove_all(struct xs_conn *c);
void xs_watch_fire(struct xs_store *st, const char *path, bool recursive,
		   const struct xs_perm *perms, uint32_t nperms);
void xs_view_event(struct xs_view *v, const char *path, bool recursive,
		   const struct xs_perm *perms, uint32_t nperms);
size_t xs_windex_check(struct xs_store *st, char *why, size_t whylen);

/* transaction.c */
int xs_tx_start(struct xs_conn *c, uint32_t *id);
struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id);
int xs_tx_end(struct xs_conn *c, struct xs_tx *tx, bool commit);
void xs_tx_free_all(struct xs_conn *c);
int xs_tx_snapshot(struct xs_view *v, struct xs_node *tree_node,
		   const char *path, size_t len, struct xs_node **out);

/* quota.c */
int xs_quota_refuse(struct xs_conn *c, enum xs_quota q, uint64_t used,
		    const char *what);
bool xs_quota_exceeded(const struct xs_conn *c, enum xs_quota q,
		       uint64_t amount);

/* domain.c */
struct xs_domain *xs_domain_get(struct xs_store *st, uint32_t domid,
				bool create);
void xs_domains_free(struct xs_store *st);
int xs_domid_parse(const char *s, uint32_t *domid);
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out);
int xs_do_introduce(struct xs_conn *c, char **argv);
int xs_do_release(struct xs_conn *c, uint32_t domid);

/* conn.c */
int xs_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
	     uint32_t tx_id, const void *payload, uint32_t len, bool event);
void xs_conn_kill(struct xs_conn *c);

/* proto.c */
void xs_handle_message(struct xs_conn *c, const struct xs_msg_header *h,
		       char *body);
const char *xs_type_name(uint32_t type);

/* trace.c */
void xs_log(struct xs_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xs_trace_msg(struct xs_conn *c, const char *dir,
		  const struct xs_msg_header *h, const char *body);
void xs_trace_conn(struct xs_conn *c, const char *what);

#endif
