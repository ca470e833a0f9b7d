/* The xl.cfg file syntax: KEY = VALUE assignments (also KEY += VALUE),
 * separated by newlines or ';'. A value is a number, a string in single or
 * double quotes, a bare true/false, or a [list, of, values] that may span
 * lines. '#' starts a comment; a backslash before a newline continues the
 * line. The parser builds a generic tree; cfg/domcfg.c gives it meaning. */
#ifndef TS_CFGFILE_H
#define TS_CFGFILE_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

enum cfg_kind { CFG_NUMBER, CFG_STRING, CFG_BOOL, CFG_LIST };

struct cfg_value {
    enum cfg_kind kind;
    const char *text;           /* string contents, number or bool as written */
    size_t nitems;              /* CFG_LIST */
    struct cfg_value **items;
    const char *file;
    int line;
};

struct cfg_setting {
    const char *key;
    struct cfg_value *value;
    const char *file;
    int line;
    bool used;                  /* set by the decoder; unused keys warn */
    struct cfg_setting *next;
};

struct cfg {
    struct arena *arena;
    struct cfg_setting *first, **tail;
};

void cfg_init(struct cfg *c, struct arena *a);
/* Parses TEXT (LEN bytes, need not be NUL-terminated) and appends its
 * assignments. Returns 0, or -1 after adding errors to D. */
int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len,
              struct diag *d);
/* The last assignment of KEY, or NULL. */
struct cfg_setting *cfg_lookup(struct cfg *c, const char *key);
const char *cfg_kind_name(enum cfg_kind kind);

#endif
