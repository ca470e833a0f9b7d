/*
 * One domain's console output as the console service keeps it (pure
 * code): the last CONS_REPLAY_SIZE bytes for clients that attach later,
 * and the line being assembled for the serial line, where each line goes
 * out whole behind the domain's prefix.
 */
#ifndef CONSOLE_LOG_H
#define CONSOLE_LOG_H

#include <stddef.h>
#include <stdint.h>

#define CONS_REPLAY_SIZE	4096	/* a power of two */
#define CONS_LINE_MAX		160	/* a longer line is cut into pieces */

struct cons_log {
	char replay[CONS_REPLAY_SIZE];
	uint64_t total;			/* bytes ever added: the position of the next one */
	char line[CONS_LINE_MAX];
	size_t line_len;
};

typedef void cons_emit_fn(void *arg, const char *line, size_t len);

/*
 * Adds n bytes of output: keeps them for replay as they are, and calls
 * emit for every line completed (without its newline; '\r' is dropped,
 * other control bytes but tab become '.') or when CONS_LINE_MAX bytes
 * wait without a newline.
 */
void cons_log_add(struct cons_log *l, const char *buf, size_t n, cons_emit_fn *emit, void *arg);

/* The position of the oldest byte still kept. */
uint64_t cons_log_oldest(const struct cons_log *l);

/*
 * Copies at most n bytes from position *pos on (a position older than
 * the oldest byte kept starts there instead) and advances *pos. Returns
 * the count.
 */
size_t cons_log_since(const struct cons_log *l, uint64_t *pos, char *dst, size_t n);

#endif
