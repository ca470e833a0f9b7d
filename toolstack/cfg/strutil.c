#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *trim_left(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

void trim_right(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r'))
        s[--n] = '\0';
}

int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int parse_int(const char *s, long long *out)
{
    if (*s == '\0' || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int parse_bool_word(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "yes", "true", "on" };
    static const char *const no[] = { "0", "no", "false", "off" };
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) { *out = true; return 0; }
        if (strcasecmp(s, no[i]) == 0) { *out = false; return 0; }
    }
    return -1;
}

bool cpu_set_valid(const char *s)
{
    if (strcmp(s, "all") == 0)
        return true;
    if (strncmp(s, "nodes:", 6) == 0)
        s += 6;
    if (*s == '\0')
        return false;
    while (*s) {
        if (*s == '^')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        unsigned long lo = 0, hi;
        while (isdigit((unsigned char)*s) && lo < 100000)
            lo = lo * 10 + (unsigned long)(*s++ - '0');
        hi = lo;
        if (*s == '-') {
            s++;
            if (!isdigit((unsigned char)*s))
                return false;
            hi = 0;
            while (isdigit((unsigned char)*s) && hi < 100000)
                hi = hi * 10 + (unsigned long)(*s++ - '0');
        }
        if (hi < lo || hi >= 100000)
            return false;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return false;
    }
    return true;
}
