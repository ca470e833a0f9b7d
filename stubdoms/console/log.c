/* A domain's console output: replay buffer and line assembly. */
#include "log.h"

void cons_log_add(struct cons_log *l, const char *buf, size_t n, cons_emit_fn *emit, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		l->replay[l->total++ & (CONS_REPLAY_SIZE - 1)] = c;
		if (c == '\r')
			continue;
		/* Control bytes could move a terminal's cursor over other domains' lines. */
		if (c != '\n')
			l->line[l->line_len++] = ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f ? '.' : c;
		if (c == '\n' || l->line_len == CONS_LINE_MAX) {
			emit(arg, l->line, l->line_len);
			l->line_len = 0;
		}
	}
}

uint64_t cons_log_oldest(const struct cons_log *l)
{
	return l->total > CONS_REPLAY_SIZE ? l->total - CONS_REPLAY_SIZE : 0;
}

size_t cons_log_since(const struct cons_log *l, uint64_t *pos, char *dst, size_t n)
{
	uint64_t from = *pos < cons_log_oldest(l) ? cons_log_oldest(l) : *pos;
	size_t count = 0;

	if (from > l->total)
		from = l->total;
	while (from < l->total && count < n)
		dst[count++] = l->replay[from++ & (CONS_REPLAY_SIZE - 1)];
	*pos = from;
	return count;
}
