/*
 * File descriptors: 0, 1 and 2 are the console (output through the
 * Console cap; input is always at its end), 3 and up are read-only files
 * of the cpio archive the builder mapped (the cpio key).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libos/cpio.h>
#include <ts/methods.h>
#include <ts/print.h>
#include "internal.h"

#define MAX_FILES	32
#define FIRST_FILE	3

struct file {
	int used;
	const char *data;
	size_t size;
	size_t pos;
	uint32_t mode;
	uint32_t mtime;
};

static struct file files[MAX_FILES];
static struct libos_lock files_lock;
static const void *archive;
static size_t archive_size;

void libos_files_init(void)
{
	archive = (const void *)(uintptr_t)libos_args.cpio_addr;
	archive_size = archive ? libos_args.cpio_size : 0;
}

static struct file *lookup(int fd)
{
	if (fd < FIRST_FILE || fd >= MAX_FILES || !files[fd].used) {
		errno = EBADF;
		return NULL;
	}
	return &files[fd];
}

static int is_console(int fd)
{
	return fd >= 0 && fd < FIRST_FILE;
}

static int find(const char *path, struct cpio_entry *e)
{
	int r = archive ? cpio_find(archive, archive_size, path, e) : CPIO_NOT_FOUND;

	if (r == CPIO_OK)
		return 0;
	errno = r == CPIO_MALFORMED ? EIO : ENOENT;
	return -1;
}

int open(const char *path, int flags, ...)
{
	struct cpio_entry e;
	int fd = -1;

	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND))) {
		errno = EROFS;
		return -1;
	}
	if (find(path, &e) != 0)
		return -1;
	if ((e.mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR) {
		errno = EISDIR;
		return -1;
	}
	libos_lock(&files_lock);
	for (int i = FIRST_FILE; i < MAX_FILES && fd < 0; i++) {
		if (!files[i].used) {
			files[i] = (struct file){ 1, e.data, e.size, 0, e.mode, e.mtime };
			fd = i;
		}
	}
	libos_unlock(&files_lock);
	if (fd < 0)
		errno = EMFILE;
	return fd;
}

int close(int fd)
{
	struct file *f;

	if (is_console(fd))
		return 0;
	if (!(f = lookup(fd)))
		return -1;
	f->used = 0;
	return 0;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	struct file *f;
	size_t n;

	if (is_console(fd))	/* console input only on a PV console ring */
		return libos_pvconsole_active() ? libos_pvconsole_read(buf, len) : 0;
	if (!(f = lookup(fd)))
		return -1;
	n = f->pos < f->size ? f->size - f->pos : 0;
	if (n > len)
		n = len;
	if (n) {
		memcpy(buf, f->data + f->pos, n);
		f->pos += n;
	}
	return (_READ_WRITE_RETURN_TYPE)n;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	if (!is_console(fd)) {
		errno = EBADF;	/* files are read-only */
		return -1;
	}
	if (libos_pvconsole_active())
		return libos_pvconsole_write(p, len);
	for (size_t done = 0; done < len;) {
		size_t n = len - done < TS_CONSOLE_WRITE_MAX ? len - done : TS_CONSOLE_WRITE_MAX;

		if (ts_console && ts_console_write(ts_console, p + done, n) != TS_OK) {
			errno = EIO;
			return done ? (_READ_WRITE_RETURN_TYPE)done : -1;
		}
		done += n;
	}
	return (_READ_WRITE_RETURN_TYPE)len;
}

off_t lseek(int fd, off_t offset, int whence)
{
	struct file *f;
	off_t base;

	if (is_console(fd)) {
		errno = ESPIPE;
		return -1;
	}
	if (!(f = lookup(fd)))
		return -1;
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)f->pos :
	       whence == SEEK_END ? (off_t)f->size : -1;
	if (base < 0 || (offset < 0 && -offset > base) ||
	    (offset > 0 && offset > (off_t)(~(size_t)0 >> 1) - base)) {
		errno = EINVAL;
		return -1;
	}
	f->pos = (size_t)(base + offset);
	return base + offset;
}

static void fill_stat(struct stat *st, uint32_t mode, size_t size, uint32_t mtime)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = mode;
	st->st_size = (off_t)size;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
	st->st_mtime = (time_t)mtime;
}

int fstat(int fd, struct stat *st)
{
	struct file *f;

	if (is_console(fd)) {
		fill_stat(st, S_IFCHR | 0620, 0, 0);
		return 0;
	}
	if (!(f = lookup(fd)))
		return -1;
	fill_stat(st, f->mode, f->size, f->mtime);
	return 0;
}

int stat(const char *path, struct stat *st)
{
	struct cpio_entry e;

	if (find(path, &e) != 0)
		return -1;
	fill_stat(st, e.mode, e.size, e.mtime);
	return 0;
}

int isatty(int fd)
{
	if (is_console(fd))
		return 1;
	if (lookup(fd))
		errno = ENOTTY;
	return 0;
}
