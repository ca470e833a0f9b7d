/* newc cpio archives: headers of 13 eight-digit hex fields after "070701". */
#include <string.h>
#include <libos/cpio.h>

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NR_FIELDS };

static int hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *e)
{
	const char *base = archive, *h;
	uint32_t f[NR_FIELDS];
	size_t off = *offset, name_end, data_end;

	if (off == size)
		return CPIO_END;
	if (off > size || size - off < CPIO_HEADER_SIZE)
		return CPIO_MALFORMED;
	h = base + off;
	if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
		return CPIO_MALFORMED;
	for (int i = 0; i < NR_FIELDS; i++) {
		if (hex8(h + 6 + 8 * i, &f[i]) != 0)
			return CPIO_MALFORMED;
	}
	/* The name, with its NUL, must fit; then the data, each padded to 4. */
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > size - off - CPIO_HEADER_SIZE)
		return CPIO_MALFORMED;
	name_end = off + CPIO_HEADER_SIZE + f[F_NAMESIZE];
	if (h[CPIO_HEADER_SIZE + f[F_NAMESIZE] - 1] != '\0' ||
	    memchr(h + CPIO_HEADER_SIZE, '\0', f[F_NAMESIZE]) != h + CPIO_HEADER_SIZE + f[F_NAMESIZE] - 1)
		return CPIO_MALFORMED;
	if (strcmp(h + CPIO_HEADER_SIZE, "TRAILER!!!") == 0)
		return CPIO_END;
	if (align4(name_end) > size || f[F_FILESIZE] > size - align4(name_end))
		return CPIO_MALFORMED;
	data_end = align4(name_end) + f[F_FILESIZE];
	e->name = h + CPIO_HEADER_SIZE;
	e->data = base + align4(name_end);
	e->size = f[F_FILESIZE];
	e->mode = f[F_MODE];
	e->mtime = f[F_MTIME];
	/* The last entry's padding may be cut off at the very end. */
	*offset = align4(data_end) <= size ? align4(data_end) : size;
	return CPIO_OK;
}

/* The path without leading "/" and "./" components. */
static const char *strip_root(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			return p;
	}
}

int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e)
{
	const char *want = strip_root(path);
	size_t offset = 0;
	int r;

	while ((r = cpio_next(archive, size, &offset, e)) == CPIO_OK) {
		if (strcmp(strip_root(e->name), want) == 0)
			return CPIO_OK;
	}
	return r == CPIO_END ? CPIO_NOT_FOUND : CPIO_MALFORMED;
}
