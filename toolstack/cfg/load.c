#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int (*file_view_hook)(const char *path, const char **data, size_t *len);

int file_view(const char *path, const char **data, size_t *len, char **owned)
{
    *owned = NULL;
    if (file_view_hook != NULL && file_view_hook(path, data, len) == 0)
        return 0;
    if (read_file(path, owned, len) != 0)
        return -1;
    *data = *owned;
    return 0;
}

int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2 + 1);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = buf == NULL || ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int domcfg_load(struct arena *a, const char *file, const char *text,
                char *const *overrides, int noverrides,
                struct domain_config *out, struct diag *d)
{
    struct cfg cfg;
    cfg_init(&cfg, a);
    char *data = NULL;
    size_t len;
    if (text == NULL) {
        if (read_file(file, &data, &len) != 0) {
            diag_add(d, DIAG_ERROR, "Failed to read config file: %s: %s", file,
                     strerror(errno));
            return -1;
        }
        text = data;
    } else {
        len = strlen(text);
    }
    int rc = cfg_parse(&cfg, file, text, len, d);
    free(data);
    for (int i = 0; rc == 0 && i < noverrides; i++) {
        if (strchr(overrides[i], '=') == NULL) {
            diag_add(d, DIAG_ERROR, "<command line>: '%s' is not KEY=VALUE",
                     overrides[i]);
            return -1;
        }
        rc = cfg_parse(&cfg, "<command line>", overrides[i],
                       strlen(overrides[i]), d);
    }
    if (rc != 0)
        return -1;
    if (cfg.first == NULL) {
        diag_add(d, DIAG_ERROR, "%s: the configuration is empty", file);
        return -1;
    }
    return domcfg_decode(&cfg, out, d);
}
