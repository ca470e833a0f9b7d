#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
    memset(j, 0, sizeof(*j));
}

void json_free(struct json *j)
{
    free(j->buf);
    memset(j, 0, sizeof(*j));
}

static void put(struct json *j, const char *s, size_t n)
{
    if (j->oom)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        while (cap < j->len + n + 1)
            cap *= 2;
        char *b = realloc(j->buf, cap);
        if (b == NULL) {
            j->oom = true;
            return;
        }
        j->buf = b;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void puts_(struct json *j, const char *s)
{
    put(j, s, strlen(s));
}

static void indent(struct json *j, int depth)
{
    for (int i = 0; i < depth; i++)
        put(j, "    ", 4);
}

static void put_quoted(struct json *j, const char *s)
{
    put(j, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            put(j, esc, 2);
        } else if (ch < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", ch);
            puts_(j, esc);
        } else {
            put(j, (const char *)&ch, 1);
        }
    }
    put(j, "\"", 1);
}

/* Separator, indentation and key before a value. */
static void start_value(struct json *j, const char *key)
{
    if (j->depth > 0) {
        put(j, j->has_items[j->depth] ? ",\n" : "\n", j->has_items[j->depth] ? 2 : 1);
        j->has_items[j->depth] = true;
        indent(j, j->depth);
    }
    if (key != NULL) {
        put_quoted(j, key);
        put(j, ": ", 2);
    }
}

static void open_container(struct json *j, const char *key, const char *open)
{
    start_value(j, key);
    puts_(j, open);
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        j->oom = true;          /* deeper than any domain config: a bug */
        return;
    }
    j->depth++;
    j->has_items[j->depth] = false;
}

static void close_container(struct json *j, const char *close)
{
    if (j->depth == 0)
        return;
    bool had = j->has_items[j->depth];
    j->depth--;
    put(j, had ? "\n" : "\n\n", had ? 1 : 2);
    indent(j, j->depth);
    puts_(j, close);
    if (j->depth == 0)
        put(j, "\n", 1);
}

void json_begin_object(struct json *j, const char *key) { open_container(j, key, "{"); }
void json_end_object(struct json *j) { close_container(j, "}"); }
void json_begin_array(struct json *j, const char *key) { open_container(j, key, "["); }
void json_end_array(struct json *j) { close_container(j, "]"); }

void json_string(struct json *j, const char *key, const char *value)
{
    start_value(j, key);
    put_quoted(j, value);
}

void json_int(struct json *j, const char *key, long long value)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", value);
    start_value(j, key);
    puts_(j, num);
}

void json_defbool(struct json *j, const char *key, bool value)
{
    json_string(j, key, value ? "True" : "False");
}

const char *json_text(struct json *j)
{
    return j->oom ? NULL : (j->buf ? j->buf : "");
}
