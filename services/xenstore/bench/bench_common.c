#include "bench_common.h"

#include <stdio.h>
#include <time.h>

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_node_path(char *out, size_t cap, unsigned i)
{
	snprintf(out, cap, "/bench/d%u/n%u", i / 100, i % 100);
}

void bench_dir_path(char *out, size_t cap, unsigned d)
{
	snprintf(out, cap, "/bench/d%u", d);
}
