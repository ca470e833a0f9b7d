/* lwIP's compiler and platform glue for Newlib stub domains. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* Newlib defines ssize_t but not SSIZE_MAX; without it lwIP typedefs its own. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

#define LWIP_PLATFORM_DIAG(x)	do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	do { printf("lwIP assertion \"%s\" failed at %s:%d\n", \
					    x, __FILE__, __LINE__); fflush(stdout); abort(); } while (0)
#define LWIP_RAND()		((u32_t)rand())

#endif
