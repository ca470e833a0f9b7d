/* Small string helpers shared by the config decoders. */
#ifndef TS_STRUTIL_H
#define TS_STRUTIL_H
#include <stdbool.h>

char *trim_left(char *s);
void trim_right(char *s);
int hex_digit(char ch);                         /* -1 if not hex */
int parse_int(const char *s, long long *out);   /* decimal or 0x; whole string */
int parse_bool_word(const char *s, bool *out);  /* 1/0 yes/no true/false on/off */
/* A cpu set as cpus= and vcpu-pin take it: "all", "3", "0-3,^2", "nodes:0". */
bool cpu_set_valid(const char *s);

#endif
