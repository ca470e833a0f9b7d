/* The services part of the stub-domain system test (services.c). */
#ifndef STUBDOM_TEST_SERVICES_H
#define STUBDOM_TEST_SERVICES_H

#include <stdint.h>

/* Where the root maps the control domain's XenStore ring. */
#define SERVICES_DOM0_RING_VADDR	0x8000200000ull

/* Runs the services test; faults and exits arrive on root_ep. */
void test_services(uint64_t root_ep);

#endif
