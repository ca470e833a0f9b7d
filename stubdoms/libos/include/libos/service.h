/*
 * The IPC protocol of the xenstore and console stub domains (see
 * docs/stubdoms.md "Services"). Each serves one endpoint; the badge of
 * the caller's endpoint cap says who it is: SVC_BADGE_CONTROL is the
 * control domain, any other badge a client (e.g. `xl console`). The
 * reply's label is an enum svc_status. The decoders are pure code.
 */
#ifndef LIBOS_SERVICE_H
#define LIBOS_SERVICE_H

#include <stddef.h>
#include <stdint.h>

enum svc_label {
	/*
	 * Control domain only. MR0 = domid (1..0x7fef), MR1 = name length
	 * (0..SVC_NAME_MAX), MR2.. = the name, 8 bytes per MR; two caps: the
	 * domain's ring frame (READ|WRITE) and a notification (WRITE) that
	 * kicks the domain. The service maps the ring and serves it.
	 */
	SVC_INTRODUCE = 1,
	SVC_RELEASE = 2,	/* control only; MR0 = domid: stop serving, drop its caps */
	/* Console service, any client: */
	CONS_ATTACH = 16,	/* MR0 = domid: the caller's output position starts at the replay;
				   optional MR1 = CONS_ATTACH_* flags; optional cap: a
				   notification (WRITE, badged) signalled on output */
	CONS_READ = 17,		/* reply MR0 = bytes of output from there, then the bytes */
	CONS_WRITE = 18,	/* MR0 = count, then the bytes: input; reply MR0 = 1 if Ctrl-]
				   detached, MR1 = bytes the ring took */
	CONS_DETACH = 19,
	/* Only in a service started with the word "selftest" (<libos/server.h>): */
	SVC_SELFTEST = 0x7d,	/* MR0 = a slot to try; reply MR0..2: errors seen */
	SVC_PROBE_READ = 0x7e,	/* MR0 = an address to read */
};

enum svc_status {
	SVC_OK, SVC_EINVAL, SVC_EPERM, SVC_EEXIST, SVC_ENOENT, SVC_ENOMEM, SVC_ENOTCONN,
};

#define SVC_BADGE_CONTROL	1
#define SVC_NAME_MAX		32
#define SVC_DOMID_MAX		0x7fef
#define SVC_BYTES_MAX		(8 * 100)	/* bytes one message carries */
#define CONS_DETACH_CHAR	0x1d		/* Ctrl-] */
/* The client shows the output on the serial line itself (Domain-0's xl):
 * the service's `[name] line` copy pauses while it is attached. */
#define CONS_ATTACH_ON_SERIAL	1

struct svc_introduce {
	uint32_t domid;
	char name[SVC_NAME_MAX + 1];	/* NUL-terminated; letters, digits, "-_." */
};

/*
 * Checks an INTRODUCE of nr_mrs MRs that brought nr_caps caps and fills
 * *out. Returns SVC_OK or SVC_EINVAL.
 */
int svc_decode_introduce(const uint64_t *mr, unsigned nr_mrs, unsigned nr_caps,
			 struct svc_introduce *out);
/* A message whose MR0 is a domid (RELEASE, ATTACH): SVC_OK or SVC_EINVAL. */
int svc_decode_domid(const uint64_t *mr, unsigned nr_mrs, uint32_t *domid);

/* Bytes in MRs, 8 per MR: how many MRs n bytes take, packing and unpacking. */
static inline unsigned svc_bytes_mrs(size_t n) { return (unsigned)((n + 7) / 8); }
void svc_pack(uint64_t *mr, const char *src, size_t n);
void svc_unpack(char *dst, const uint64_t *mr, size_t n);

/*
 * A byte count in MR0 followed by the bytes (WRITE, READ replies):
 * SVC_OK with *n set, or SVC_EINVAL if the count exceeds SVC_BYTES_MAX or
 * the MRs that came.
 */
int svc_decode_bytes(const uint64_t *mr, unsigned nr_mrs, size_t *n);

#endif
