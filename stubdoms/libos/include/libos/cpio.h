/*
 * A reader of "newc" cpio archives (the format of `cpio -o -H newc`),
 * for read-only files from a boot module. Pure code: it never reads
 * outside [archive, archive + size), whatever the archive contains.
 */
#ifndef LIBOS_CPIO_H
#define LIBOS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE	110
#define CPIO_MODE_TYPE		0170000u
#define CPIO_MODE_DIR		0040000u
#define CPIO_MODE_REG		0100000u

struct cpio_entry {
	const char *name;	/* as stored (NUL-terminated inside the archive) */
	const void *data;
	size_t size;
	uint32_t mode;		/* st_mode: type and permission bits */
	uint32_t mtime;
};

enum cpio_result {
	CPIO_OK = 0,
	CPIO_END = 1,		/* the trailer (or the exact end of the archive) */
	CPIO_MALFORMED = -1,	/* bad magic, number, name or a size past the end */
	CPIO_NOT_FOUND = -2,
};

/*
 * Reads the entry whose header is at *offset and advances *offset to the
 * next one. Returns CPIO_OK, CPIO_END or CPIO_MALFORMED.
 */
int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *e);

/*
 * Finds path ("/etc/x", "etc/x" and "./etc/x" are the same file) and
 * fills *e. Returns CPIO_OK, CPIO_NOT_FOUND or CPIO_MALFORMED (a damaged
 * archive before the entry was found).
 */
int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e);

#endif
