/*
 * Xen's struct vcpu_hvm_context (public/hvm/hvm_vcpu.h), the argument of
 * VCPUOP_initialise, as the host unit tests and the system tests write it
 * for the kernel: written out from the ABI here, not shared with the
 * kernel's own decoding.
 */
#ifndef TESTS_HVM_CONTEXT_H
#define TESTS_HVM_CONTEXT_H

#include <stdint.h>

/* Segments in the order CS, DS, SS, ES, TR. */
struct hvm_ctx32 {
	uint32_t mode, pad;		/* mode 0 */
	uint32_t gpr[8];		/* eax ecx edx ebx esp ebp esi edi */
	uint32_t eip, eflags, cr0, cr3, cr4, pad1;
	uint64_t efer;
	uint32_t base[5], limit[5];
	uint16_t ar[5], pad2[3];
};
struct hvm_ctx64 {
	uint32_t mode, pad;		/* mode 1 */
	uint64_t gpr[8];		/* rax rcx rdx rbx rsp rbp rsi rdi */
	uint64_t rip, rflags, cr0, cr3, cr4, efer;
};
union hvm_ctx {
	struct hvm_ctx32 c32;
	struct hvm_ctx64 c64;
	uint8_t bytes[128];
};

#endif
