/* Message registers of an invocation: MR0..3 in registers, the rest in the IPC buffer. */
#include <kernel/invoke.h>

bool inv_has_args(const struct invocation *inv, unsigned n)
{
	return n <= inv->length && (n <= TS_MSG_REG_COUNT || inv->buffer);
}

word_t inv_arg(const struct invocation *inv, unsigned i)
{
	return i < TS_MSG_REG_COUNT ? *ctx_mr(&inv->thread->ctx, i) : inv->buffer[i];
}

unsigned inv_result_capacity(const struct invocation *inv)
{
	return inv->buffer ? TS_MSG_MAX_LENGTH : TS_MSG_REG_COUNT;
}

void inv_set_result(struct invocation *inv, unsigned i, word_t value)
{
	if (i < TS_MSG_REG_COUNT)
		*ctx_mr(&inv->thread->ctx, i) = value;
	else
		inv->buffer[i] = value;
	if (i + 1 > inv->reply_length)
		inv->reply_length = i + 1;
}
