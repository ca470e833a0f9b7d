/* Reading a domain configuration: the file, then KEY=VALUE overrides from
 * the command line (each parsed as one more line of config), then the
 * decoder. */
#ifndef TS_LOAD_H
#define TS_LOAD_H
#include "domcfg.h"

/* Reads FILE (or, if TEXT is not NULL, TEXT under that name). Returns 0 or
 * -1; diagnostics go to D either way. */
int domcfg_load(struct arena *a, const char *file, const char *text,
                char *const *overrides, int noverrides,
                struct domain_config *out, struct diag *d);

/* Reads a whole file into a malloc'd buffer (NUL-terminated). */
int read_file(const char *path, char **data, size_t *len);

/* A read-only view of a whole file: where the program's files are already
 * in memory (the control domain's boot archive) FILE_VIEW_HOOK gives
 * them without a copy and *owned is NULL; otherwise read_file's buffer,
 * which *owned points at for the caller to free. 0, or -1 with errno. */
int file_view(const char *path, const char **data, size_t *len, char **owned);
extern int (*file_view_hook)(const char *path, const char **data, size_t *len);

#endif
