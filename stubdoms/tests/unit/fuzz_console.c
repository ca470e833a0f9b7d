/*
 * libFuzzer target: a hostile guest against the console service's side
 * of the PV console ring and its log. Each input byte pair is one step:
 * the guest writes bytes into the page, sets any index to any value, or
 * the service drains the out ring into the log, writes input, or reads
 * a client's position. ASan sees the page as its own allocation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libos/xencons.h>
#include "../../console/log.h"

static void emit(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (len > CONS_LINE_MAX)
		abort();
	(void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xencons_interface *page = calloc(1, sizeof(*page));
	struct cons_log *log = calloc(1, sizeof(*log));
	struct xencons_dir out, in;
	uint32_t out_cons = 0, in_prod = 0;
	uint64_t pos = 0;
	char buf[4096];

	xencons_guest_dirs(page, &out, &in);
	for (size_t i = 0; i + 5 <= size; i += 5) {
		uint32_t v;
		long n;

		memcpy(&v, data + i + 1, 4);
		switch (data[i] % 7) {
		case 0: page->out_prod = v; break;
		case 1: page->out_cons = v; break;
		case 2: page->in_cons = v; break;
		case 3: page->in_prod = v; break;
		case 4: page->out[v % sizeof(page->out)] = (char)(v >> 24); break;
		case 5:
			n = xencons_read(&out, &out_cons, buf, v % sizeof(buf));
			if (n > (long)sizeof(page->out))
				abort();
			if (n > 0)
				cons_log_add(log, buf, (size_t)n, emit, NULL);
			n = xencons_write(&in, &in_prod, buf, v % 2000);
			if (n > (long)sizeof(page->in))
				abort();
			break;
		default:
			if (cons_log_since(log, &pos, buf, v % sizeof(buf)) > sizeof(buf) ||
			    pos > log->total)
				abort();
			break;
		}
	}
	free(page);
	free(log);
	return 0;
}
