/*
 * The bytes of the instruction a vCPU is at (guest_insn.c), for exits
 * whose handler must decode it.
 */
#ifndef ARCH_GUEST_INSN_H
#define ARCH_GUEST_INSN_H

#include <kernel/objects.h>

#define GUEST_INSN_MAX	15	/* the longest x86 instruction */

/* Up to GUEST_INSN_MAX bytes from the vCPU's CS:RIP into bytes; how many. */
unsigned guest_insn_fetch(struct vcpu *v, uint8_t bytes[GUEST_INSN_MAX]);

#endif
