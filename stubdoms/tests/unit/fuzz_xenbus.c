/*
 * libFuzzer target: libos's xenbus client against a hostile xenstored.
 * Each time the client waits, the input decides what the "server" does
 * to the shared page: append bytes to the response ring, set any index
 * to any value, or consume the requests. The client must never touch
 * memory outside the page, must end every call (the input runs out and
 * wait gives up), and must return a length or -errno.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libos/xenbus.h>
#include "xs_wire.h"

static struct xenstore_domain_interface *page;
static const uint8_t *input;
static size_t input_left;

static int take(void *out, size_t n)
{
	if (input_left < n)
		return -1;
	memcpy(out, input, n);
	input += n;
	input_left -= n;
	return 0;
}

static void kick(void *arg)
{
	(void)arg;
}

static int hostile_server(void *arg)
{
	uint8_t op, len;
	uint32_t v;

	(void)arg;
	if (take(&op, 1) != 0)
		return 1;
	switch (op % 5) {
	case 0:		/* append up to 255 bytes of response */
		if (take(&len, 1) != 0 || input_left < len)
			return 1;
		for (unsigned i = 0; i < len; i++)
			page->rsp[MASK_XENSTORE_IDX(page->rsp_prod + i)] = (char)input[i];
		input += len;
		input_left -= len;
		page->rsp_prod += len;
		return 0;
	case 1:
		return take(&v, 4) != 0 || (page->rsp_prod = v, 0);
	case 2:
		return take(&v, 4) != 0 || (page->req_cons = v, 0);
	case 3:
		page->req_cons = page->req_prod;
		return 0;
	default:
		return take(&v, 4) != 0 || (page->rsp_cons = v, 0);
	}
}

static void check_result(long r, size_t max)
{
	if (r > (long)max || (r < 0 && -r > 200))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static struct xenbus xb;
	char value[64], path[32], token[16];

	page = calloc(1, sizeof(*page));
	input = in;
	input_left = size;
	xenbus_init(&xb, page, kick, hostile_server, NULL);
	check_result(xenbus_write(&xb, "/a", "b"), 0);
	check_result(xenbus_read(&xb, "/a", value, sizeof(value)), XENBUS_MSG_MAX);
	if (strnlen(value, sizeof(value)) == sizeof(value))
		abort();
	check_result(xenbus_directory(&xb, "/", value, sizeof(value)), XENBUS_MSG_MAX);
	check_result(xenbus_watch(&xb, "/w", "t"), 0);
	check_result(xenbus_next_event(&xb, path, sizeof(path), token, sizeof(token)), 0);
	free(page);
	return 0;
}
