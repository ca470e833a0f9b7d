/* Console output through the Console cap. */
#include <ts/methods.h>
#include <ts/print.h>
#include <ts/string.h>

uint64_t ts_console;

static void console_out(const char *s, size_t n)
{
	while (n && ts_console) {
		size_t chunk = n < TS_CONSOLE_WRITE_MAX ? n : TS_CONSOLE_WRITE_MAX;

		if (ts_console_write(ts_console, s, chunk) != TS_OK)
			return;
		s += chunk;
		n -= chunk;
	}
}

int ts_printf(const char *fmt, ...)
{
	char buf[TS_CONSOLE_WRITE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ts_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_out(buf, strlen(buf));
	return n;
}

void ts_puts(const char *s)
{
	console_out(s, strlen(s));
}
