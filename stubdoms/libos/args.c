/* Command-line words and libos keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libos/args.h>

/* One number followed by the character `end`; -1 if none or it overflows. */
static int number(const char *s, char end_char, uint64_t *out, const char **rest)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != end_char)
		return -1;
	*out = v;
	*rest = end;
	return 0;
}

/* "A,B" */
static int pair(const char *s, uint64_t *a, uint64_t *b)
{
	const char *rest;

	if (number(s, ',', a, &rest) != 0)
		return -1;
	return number(rest + 1, '\0', b, &rest);
}

static int key_value(const char *word, const char *key, const char **value)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) != 0 || word[n] != '=')
		return 0;
	*value = word + n + 1;
	return 1;
}

static int parse_key(const char *word, struct libos_args *a)
{
	const char *v, *rest;

	if (key_value(word, "tsc_khz", &v))
		return number(v, '\0', &a->tsc_khz, &rest);
	if (key_value(word, "heap", &v))
		return pair(v, &a->heap, &a->heap_bits);
	if (key_value(word, "exit", &v))
		return number(v, '\0', &a->exit, &rest);
	if (key_value(word, "prio", &v))
		return number(v, '\0', &a->prio, &rest);
	if (key_value(word, "cpu", &v))
		return number(v, '\0', &a->cpu, &rest);
	if (key_value(word, "cpio", &v))
		return pair(v, &a->cpio_addr, &a->cpio_size);
	return 0;
}

int libos_parse_args(const char *cmdline, struct libos_args *a)
{
	size_t len = strlen(cmdline);
	char *p;

	memset(a, 0, sizeof(*a));
	if (len >= sizeof(a->buf))
		return -1;
	memcpy(a->buf, cmdline, len + 1);
	for (p = a->buf; *p;) {
		char *end = p;

		if (*p == ' ') {
			p++;
			continue;
		}
		while (*end && *end != ' ')
			end++;
		if (*end)
			*end++ = '\0';
		if (a->argc == LIBOS_MAX_ARGS || parse_key(p, a) != 0)
			return -1;
		a->argv[a->argc++] = p;
		p = end;
	}
	a->argv[a->argc] = NULL;
	return 0;
}

int libos_args_number(const struct libos_args *a, const char *key, uint64_t *value)
{
	const char *v, *rest;

	for (int i = 0; i < a->argc; i++) {
		if (key_value(a->argv[i], key, &v))
			return number(v, '\0', value, &rest);
	}
	return -1;
}
