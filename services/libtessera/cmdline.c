/* Command-line parsing: numbers and key=value words. */
#include <ts/cmdline.h>
#include <ts/string.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

uint64_t ts_parse_u64(const char **s)
{
	const char *p = *s;
	unsigned base = 10;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) >= (int)base)
		return 0;
	while (digit_value(*p) < (int)base)
		v = v * base + (uint64_t)digit_value(*p++);
	*s = p;
	return v;
}

int ts_cmdline_get(const char *cmdline, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (p[n] && p[n] != ' ' && n + 1 < size) {
				out[n] = p[n];
				n++;
			}
			out[n] = 0;
			return 1;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}
