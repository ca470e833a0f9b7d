/*
 * x86 decoding of the instructions a guest accesses MMIO with: enough of
 * an instruction to know its length, the memory access it makes and the
 * register or immediate on the other side, so that whoever emulates the
 * access can move the guest past it (under QEMU's TCG there are neither
 * decode assists nor NRIPS to say where the instruction ends).
 *
 * Decoded: MOV r/m,reg and reg,r/m (88, 89, 8A, 8B), MOV r/m,imm (C6 /0,
 * C7 /0), MOV between the accumulator and a direct offset (A0-A3), MOVZX
 * and MOVSX (0F B6, B7, BE, BF), each with a memory operand; the prefixes
 * 66, 67, the six segment overrides and, in 64-bit code, REX; ModRM with
 * SIB, 8-, 16- and 32-bit displacements and RIP-relative addressing; 16-,
 * 32- and 64-bit code. Everything else is refused: other opcodes
 * (arithmetic on memory needs flags emulated), register operands, LOCK,
 * REP, and encodings longer than 15 bytes.
 *
 * It is in lib/, not in toolstack/ or kernel/, because both are meant to
 * compile it: the control domain's VMM (toolstack/libctl/tessera_vmm.c)
 * does now, and the kernel can for an emulated xAPIC page. So it is
 * freestanding: it includes only the compiler's own headers, allocates
 * nothing and calls no library function.
 */
#ifndef X86INSN_H
#define X86INSN_H

#include <stdbool.h>
#include <stdint.h>

#define X86_INSN_MAX	15	/* bytes in the longest valid instruction */

/* What a decoded instruction does to memory. */
struct x86_mem_access {
	uint8_t length;		/* of the instruction, in bytes */
	uint8_t size;		/* bytes of memory accessed: 1, 2, 4 or 8 */
	bool store;		/* writes memory (reg or imm); else reads it into reg */
	bool from_imm;		/* a store of imm, not of reg */
	uint64_t imm;		/* that immediate, extended to size bytes */
	uint8_t reg;		/* 0-15 in encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	bool high_byte;		/* reg is AH, CH, DH or BH: bits 15:8 of register 0-3 */
	uint8_t reg_size;	/* bytes of reg a load writes: size, more for MOVZX/MOVSX */
	bool sign_extend;	/* MOVSX: such a load is sign-extended (else zero-extended) */
};

/*
 * Decodes the instruction at bytes[0..count) as code of mode_bits (16, 32
 * or 64) would run it. False if it is not one of the instructions above
 * with a memory operand, is not a valid encoding, or does not end within
 * count bytes.
 */
bool x86_decode_mem_access(const uint8_t *bytes, unsigned count, unsigned mode_bits,
			   struct x86_mem_access *out);

/*
 * Register reg after a load of value (its low size bytes count) into it,
 * given its old contents: extended to reg_size as MOVZX/MOVSX do, then
 * written as x86 writes a register of that size: 1 or 2 bytes keep the
 * rest of it (AH..BH replace bits 15:8), 4 bytes zero the upper half, 8
 * bytes replace it all.
 */
uint64_t x86_load_result(const struct x86_mem_access *a, uint64_t old, uint64_t value);

#endif
