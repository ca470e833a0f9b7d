/* Kernel command line: loglvl=err|warn|info|debug, console=com1|none. */
#include <kernel/boot.h>
#include <kernel/printk.h>
#include <kernel/string.h>

extern bool serial_enabled;

static bool option(const char *word, size_t len, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (len <= n || strncmp(word, name, n) || word[n] != '=')
		return false;
	*value = word + n + 1;
	return true;
}

static bool value_is(const char *value, const char *end, const char *s)
{
	return (size_t)(end - value) == strlen(s) && !strncmp(value, s, end - value);
}

void cmdline_parse(const char *cmdline)
{
	static const char *const levels[] = { "err", "warn", "info", "debug" };
	const char *p = cmdline;

	while (*p) {
		const char *word, *end, *value;
		while (*p == ' ')
			p++;
		word = p;
		while (*p && *p != ' ')
			p++;
		end = p;
		if (word == end)
			break;
		if (option(word, end - word, "loglvl", &value)) {
			for (unsigned i = 0; i < ARRAY_SIZE(levels); i++)
				if (value_is(value, end, levels[i]) || (end - value == 1 && *value == '1' + (char)i))
					log_level = LOG_ERR + i;
		} else if (option(word, end - word, "console", &value)) {
			serial_enabled = !value_is(value, end, "none");
		}
	}
}
