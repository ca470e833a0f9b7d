#include "cfgfile.h"

#include <string.h>

struct lexer {
    struct cfg *cfg;
    struct diag *diag;
    const char *file;
    const char *p, *end;
    int line;
    int depth;                  /* list nesting, bounded against deep input */
};

#define MAX_LIST_DEPTH 8

void cfg_init(struct cfg *c, struct arena *a)
{
    c->arena = a;
    c->first = NULL;
    c->tail = &c->first;
}

const char *cfg_kind_name(enum cfg_kind kind)
{
    switch (kind) {
    case CFG_NUMBER: return "number";
    case CFG_STRING: return "string";
    case CFG_BOOL: return "boolean";
    case CFG_LIST: return "list";
    }
    return "value";
}

static int fail(struct lexer *lx, const char *what)
{
    diag_add(lx->diag, DIAG_ERROR, "%s:%d: syntax error: %s", lx->file,
             lx->line, what);
    return -1;
}

static bool is_key_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_key_char(char ch)
{
    return is_key_start(ch) || (ch >= '0' && ch <= '9');
}

/* Skips blanks, comments and backslash-newline continuations; newlines too
 * when NEWLINES is set (inside a list). */
static void skip_space(struct lexer *lx, bool newlines)
{
    while (lx->p < lx->end) {
        char ch = *lx->p;
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            lx->p++;
        } else if (ch == '#') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else if (ch == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
            lx->p += 2;
            lx->line++;
        } else if (ch == '\\' && lx->p + 2 < lx->end && lx->p[1] == '\r' &&
                   lx->p[2] == '\n') {
            lx->p += 3;
            lx->line++;
        } else if (ch == '\n' && newlines) {
            lx->p++;
            lx->line++;
        } else {
            break;
        }
    }
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* A quoted string. Escapes: \n \t \r \\ \' \" \xHH \OOO. Strings do not
 * span lines. */
static struct cfg_value *parse_string(struct lexer *lx)
{
    char quote = *lx->p++;
    const char *start = lx->p;
    size_t cap = 0;
    while (start + cap < lx->end && start[cap] != quote && start[cap] != '\n') {
        if (start[cap] == '\\' && start + cap + 1 < lx->end)
            cap++;
        cap++;
    }
    char *out = arena_alloc(lx->cfg->arena, cap + 1);
    if (out == NULL) {
        fail(lx, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n') {
            fail(lx, "unterminated string");
            return NULL;
        }
        char ch = *lx->p++;
        if (ch == quote)
            break;
        if (ch != '\\') {
            out[n++] = ch;
            continue;
        }
        if (lx->p >= lx->end) {
            fail(lx, "unterminated string");
            return NULL;
        }
        ch = *lx->p++;
        switch (ch) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'x': {
            int hi = lx->p < lx->end ? hexval(lx->p[0]) : -1;
            int lo = lx->p + 1 < lx->end ? hexval(lx->p[1]) : -1;
            if (hi < 0 || lo < 0) {
                fail(lx, "bad \\x escape in string");
                return NULL;
            }
            lx->p += 2;
            out[n++] = (char)(hi * 16 + lo);
            break;
        }
        default:
            if (ch >= '0' && ch <= '7') {
                int v = ch - '0';
                for (int i = 0; i < 2 && lx->p < lx->end && *lx->p >= '0' &&
                                *lx->p <= '7'; i++)
                    v = v * 8 + (*lx->p++ - '0');
                if (v == 0 || v > 255) {
                    fail(lx, "bad octal escape in string");
                    return NULL;
                }
                out[n++] = (char)v;
            } else {
                out[n++] = ch;      /* \\ \' \" and any other char as itself */
            }
        }
    }
    out[n] = '\0';
    struct cfg_value *v = arena_alloc(lx->cfg->arena, sizeof(*v));
    if (v == NULL) {
        fail(lx, "out of memory");
        return NULL;
    }
    v->kind = CFG_STRING;
    v->text = out;
    return v;
}

static struct cfg_value *parse_value(struct lexer *lx);

static struct cfg_value *parse_list(struct lexer *lx)
{
    int line = lx->line;
    if (++lx->depth > MAX_LIST_DEPTH) {
        fail(lx, "lists nested too deeply");
        return NULL;
    }
    lx->p++;                                    /* '[' */
    struct cfg_value *list = arena_alloc(lx->cfg->arena, sizeof(*list));
    if (list == NULL) {
        fail(lx, "out of memory");
        return NULL;
    }
    list->kind = CFG_LIST;
    size_t cap = 0;
    for (;;) {
        skip_space(lx, true);
        if (lx->p >= lx->end) {
            diag_add(lx->diag, DIAG_ERROR,
                     "%s:%d: syntax error: list opened here is not closed",
                     lx->file, line);
            return NULL;
        }
        if (*lx->p == ']') {
            lx->p++;
            break;
        }
        struct cfg_value *item = parse_value(lx);
        if (item == NULL)
            return NULL;
        if (list->nitems == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct cfg_value **items = arena_alloc(lx->cfg->arena,
                                                   ncap * sizeof(*items));
            if (items == NULL) {
                fail(lx, "out of memory");
                return NULL;
            }
            if (cap)
                memcpy(items, list->items, cap * sizeof(*items));
            list->items = items;
            cap = ncap;
        }
        list->items[list->nitems++] = item;
        skip_space(lx, true);
        if (lx->p < lx->end && *lx->p == ',')
            lx->p++;
        else if (lx->p < lx->end && *lx->p != ']')
            return fail(lx, "expected ',' or ']' in list"), NULL;
    }
    lx->depth--;
    return list;
}

static struct cfg_value *parse_atom(struct lexer *lx)
{
    const char *start = lx->p;
    while (lx->p < lx->end && (is_key_char(*lx->p) || *lx->p == '-' ||
                               *lx->p == '.' || *lx->p == '+'))
        lx->p++;
    size_t n = (size_t)(lx->p - start);
    struct cfg_value *v = arena_alloc(lx->cfg->arena, sizeof(*v));
    if (v == NULL)
        return fail(lx, "out of memory"), NULL;
    v->text = arena_strndup(lx->cfg->arena, start, n);
    if (v->text == NULL)
        return fail(lx, "out of memory"), NULL;
    if ((n == 4 && memcmp(start, "true", 4) == 0) ||
        (n == 5 && memcmp(start, "false", 5) == 0)) {
        v->kind = CFG_BOOL;
        return v;
    }
    size_t i = start[0] == '-' ? 1 : 0;
    bool hex = n > i + 2 && start[i] == '0' && (start[i + 1] == 'x' ||
                                                 start[i + 1] == 'X');
    if (hex)
        i += 2;
    if (i >= n)
        return fail(lx, "expected a value"), NULL;
    for (; i < n; i++) {
        bool digit = hex ? hexval(start[i]) >= 0
                         : start[i] >= '0' && start[i] <= '9';
        if (!digit) {
            diag_add(lx->diag, DIAG_ERROR,
                     "%s:%d: syntax error: '%.40s' is not a number (quote strings)",
                     lx->file, lx->line, v->text);
            return NULL;
        }
    }
    v->kind = CFG_NUMBER;
    return v;
}

static struct cfg_value *parse_value(struct lexer *lx)
{
    int line = lx->line;
    struct cfg_value *v;
    if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == ';')
        return fail(lx, "expected a value"), NULL;
    if (*lx->p == '"' || *lx->p == '\'')
        v = parse_string(lx);
    else if (*lx->p == '[')
        v = parse_list(lx);
    else
        v = parse_atom(lx);
    if (v != NULL) {
        v->file = lx->file;
        v->line = line;
    }
    return v;
}

/* KEY += VALUE: a string appends text, a list appends items. */
static struct cfg_value *append_value(struct lexer *lx, const char *key,
                                      struct cfg_value *old,
                                      struct cfg_value *add)
{
    struct arena *a = lx->cfg->arena;
    if (old->kind != add->kind || (old->kind != CFG_STRING &&
                                   old->kind != CFG_LIST)) {
        diag_add(lx->diag, DIAG_ERROR,
                 "%s:%d: %s: += needs two strings or two lists", lx->file,
                 lx->line, key);
        return NULL;
    }
    struct cfg_value *v = arena_alloc(a, sizeof(*v));
    if (v == NULL)
        return fail(lx, "out of memory"), NULL;
    *v = *add;
    if (old->kind == CFG_STRING) {
        size_t n1 = strlen(old->text), n2 = strlen(add->text);
        char *s = arena_alloc(a, n1 + n2 + 1);
        if (s == NULL)
            return fail(lx, "out of memory"), NULL;
        memcpy(s, old->text, n1);
        memcpy(s + n1, add->text, n2 + 1);
        v->text = s;
    } else {
        v->nitems = old->nitems + add->nitems;
        v->items = arena_alloc(a, (v->nitems + 1) * sizeof(*v->items));
        if (v->items == NULL)
            return fail(lx, "out of memory"), NULL;
        for (size_t i = 0; i < old->nitems; i++)
            v->items[i] = old->items[i];
        for (size_t i = 0; i < add->nitems; i++)
            v->items[old->nitems + i] = add->items[i];
    }
    return v;
}

static int parse_assignment(struct lexer *lx)
{
    struct cfg *c = lx->cfg;
    int line = lx->line;
    const char *start = lx->p;
    if (!is_key_start(*lx->p))
        return fail(lx, "expected KEY = VALUE");
    while (lx->p < lx->end && is_key_char(*lx->p))
        lx->p++;
    char *key = arena_strndup(c->arena, start, (size_t)(lx->p - start));
    if (key == NULL)
        return fail(lx, "out of memory");
    skip_space(lx, false);
    bool append = false;
    if (lx->p < lx->end && *lx->p == '+') {
        append = true;
        lx->p++;
    }
    if (lx->p >= lx->end || *lx->p != '=')
        return fail(lx, "expected '=' after key");
    lx->p++;
    skip_space(lx, false);
    struct cfg_value *v = parse_value(lx);
    if (v == NULL)
        return -1;
    if (append) {
        struct cfg_setting *old = cfg_lookup(c, key);
        if (old != NULL && (v = append_value(lx, key, old->value, v)) == NULL)
            return -1;
    }
    skip_space(lx, false);
    if (lx->p < lx->end && *lx->p != '\n' && *lx->p != ';')
        return fail(lx, "unexpected text after value");

    struct cfg_setting *s = arena_alloc(c->arena, sizeof(*s));
    if (s == NULL)
        return fail(lx, "out of memory");
    s->key = key;
    s->value = v;
    s->file = lx->file;
    s->line = line;
    *c->tail = s;
    c->tail = &s->next;
    return 0;
}

int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len,
              struct diag *d)
{
    struct lexer lx = {
        .cfg = c, .diag = d, .p = text, .end = text + len, .line = 1,
    };
    lx.file = arena_strdup(c->arena, file);
    if (lx.file == NULL)
        return -1;
    if (memchr(text, '\0', len) != NULL) {
        diag_add(d, DIAG_ERROR, "%s: file contains a NUL byte", file);
        return -1;
    }
    for (;;) {
        skip_space(&lx, false);
        if (lx.p >= lx.end)
            return 0;
        if (*lx.p == '\n') {
            lx.p++;
            lx.line++;
            continue;
        }
        if (*lx.p == ';') {
            lx.p++;
            continue;
        }
        if (parse_assignment(&lx) != 0)
            return -1;
    }
}

struct cfg_setting *cfg_lookup(struct cfg *c, const char *key)
{
    struct cfg_setting *found = NULL;
    for (struct cfg_setting *s = c->first; s != NULL; s = s->next)
        if (strcmp(s->key, key) == 0)
            found = s;
    return found;
}
