/*
 * libFuzzer target: libos's cpio reader and command-line parser on
 * arbitrary bytes. The archive is a heap copy of exactly the input, so
 * ASan catches any read outside it; every entry returned must lie inside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libos/args.h>
#include <libos/cpio.h>

static void check_entry(const char *archive, size_t size, const struct cpio_entry *e)
{
	const char *data = e->data;

	if (e->name < archive || e->name + strlen(e->name) >= archive + size ||
	    data < archive || e->size > size || data > archive + size - e->size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char *archive = malloc(size ? size : 1);
	static struct libos_args args;
	char line[LIBOS_CMDLINE_MAX + 16];
	struct cpio_entry e;
	size_t offset = 0, n;
	int r;

	memcpy(archive, in, size);
	while ((r = cpio_next(archive, size, &offset, &e)) == CPIO_OK) {
		check_entry(archive, size, &e);
		if (offset > size)
			abort();
	}
	if (cpio_find(archive, size, "etc/motd", &e) == CPIO_OK)
		check_entry(archive, size, &e);
	free(archive);

	/* The same bytes as a command line. */
	n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, in, n);
	line[n] = '\0';
	if (libos_parse_args(line, &args) == 0) {
		uint64_t v;

		if (args.argc > LIBOS_MAX_ARGS || args.argv[args.argc] != NULL)
			abort();
		for (int i = 0; i < args.argc; i++) {
			if (args.argv[i] < args.buf || args.argv[i] >= args.buf + sizeof(args.buf))
				abort();
		}
		libos_args_number(&args, "heap", &v);
	}
	return 0;
}
