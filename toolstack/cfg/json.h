/* A JSON writer that lays output out the way libxl's generator does:
 * 4-space indents, "key": value, empty objects as "{\n\n}". */
#ifndef TS_JSON_H
#define TS_JSON_H
#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 16

struct json {
    char *buf;
    size_t len, cap;
    bool oom;
    int depth;
    bool has_items[JSON_MAX_DEPTH];
};

void json_init(struct json *j);
void json_free(struct json *j);
/* KEY is NULL inside arrays and for the top-level value. */
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_int(struct json *j, const char *key, long long value);
/* libxl prints its defbool values as the strings "True" / "False". */
void json_defbool(struct json *j, const char *key, bool value);
/* The finished text (NUL-terminated), or NULL after running out of memory. */
const char *json_text(struct json *j);

#endif
