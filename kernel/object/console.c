/* Console capability: write to the kernel log (and serial line), read the log back. */
#include <kernel/invoke.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define CONSOLE_MAX_WRITE	(8 * (TS_MSG_MAX_LENGTH - 1))

static int console_write(struct invocation *inv)
{
	char bytes[CONSOLE_MAX_WRITE];
	word_t length, words;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	length = inv_arg(inv, 0);
	if (length > CONSOLE_MAX_WRITE)
		return TS_ERR_RANGE;
	words = (length + 7) / 8;
	if (!inv_has_args(inv, 1 + words))
		return TS_ERR_TRUNCATED_MESSAGE;
	for (word_t i = 0; i < words; i++) {
		word_t w = inv_arg(inv, 1 + i);
		memcpy(&bytes[i * 8], &w, 8);
	}
	log_write(bytes, length);
	return TS_OK;
}

static int console_read_log(struct invocation *inv)
{
	char bytes[8 * (TS_MSG_MAX_LENGTH - 2)];
	word_t next, n, words;
	unsigned room = inv_result_capacity(inv) - 2;

	if (!inv_has_args(inv, 1))
		return TS_ERR_TRUNCATED_MESSAGE;
	n = log_read(inv_arg(inv, 0), bytes, room * 8, &next);
	words = (n + 7) / 8;
	memset(bytes + n, 0, words * 8 - n);
	inv_set_result(inv, 0, next);
	inv_set_result(inv, 1, n);
	for (word_t i = 0; i < words; i++) {
		word_t w;
		memcpy(&w, &bytes[i * 8], 8);
		inv_set_result(inv, 2 + i, w);
	}
	return TS_OK;
}

/* Writing needs WRITE; reading the log (everyone's output) needs READ. */
int console_invoke(struct invocation *inv)
{
	unsigned rights = inv->slot->cap.rights;

	switch (inv->label) {
	case TS_CONSOLE_WRITE:
		return rights & TS_RIGHT_WRITE ? console_write(inv) : TS_ERR_INSUFFICIENT_RIGHTS;
	case TS_CONSOLE_READ_LOG:
		return rights & TS_RIGHT_READ ? console_read_log(inv) : TS_ERR_INSUFFICIENT_RIGHTS;
	default:
		return TS_ERR_ILLEGAL_OPERATION;
	}
}
