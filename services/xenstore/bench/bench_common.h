/* What both xenstored benchmarks share: the clock and the layout of the
 * benchmark store, /bench/dD/nN with 100 nodes per directory. */
#ifndef XS_BENCH_COMMON_H
#define XS_BENCH_COMMON_H

#include <stddef.h>

/* Seconds on the monotonic clock. */
double bench_now(void);

/* The path of node I: /bench/d<I / 100>/n<I % 100>. */
void bench_node_path(char *out, size_t cap, unsigned i);

/* The path of directory D, which holds nodes 100 * D to 100 * D + 99. */
void bench_dir_path(char *out, size_t cap, unsigned d);

#endif
