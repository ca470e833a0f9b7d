/* What the host architecture layer records, for the unit tests to check. */
#ifndef HOST_ARCH_H
#define HOST_ARCH_H

#include <kernel/types.h>

struct host_counters {
	unsigned reschedules, remote_requests, vspace_releases, unmaps;
	uint32_t irq_masked;
	uint32_t last_port_value;
	bool vcpu_supported;
	bool vcpu_state_refused;	/* arch_vcpu_set_state: the CPU cannot run it */
	unsigned vcpu_cpl;
	uint64_t tsc;
	char console[4096];
	size_t console_len;
};

extern struct host_counters host;

/* Physical address va maps to in the page-table model (0 if unmapped). */
paddr_t host_translate(void *pml4, vaddr_t va);

#endif
