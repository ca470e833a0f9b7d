/* The parsed domain configuration as JSON, shaped like libxl's
 * libxl_domain_config (what `xl -N create` and `xl list -l` print). */
#ifndef TS_DOMCFG_JSON_H
#define TS_DOMCFG_JSON_H
#include "domcfg.h"
#include "json.h"

/* KEY: the member name when nested in an object, else NULL. */
void domcfg_to_json(const struct domain_config *dc, const char *key,
                    struct json *j);

#endif
