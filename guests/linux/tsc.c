/*
 * tsc: prints the time-stamp counter. The guest's /init prints it next to
 * its marker, so that the benchmark can place the marker on the same clock
 * as Domain-0's `time` (which counts TSC ticks, too).
 */
#include <stdio.h>
#include <x86intrin.h>

int main(void)
{
	printf("%llu\n", (unsigned long long)__rdtsc());
	return 0;
}
