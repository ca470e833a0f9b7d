/*
 * libFuzzer target for x86insn.c: arbitrary bytes as 16-, 32- or 64-bit
 * code (the first input byte chooses). The decoder must read no byte past
 * count (ASan watches), and what it accepts must hold together: a length
 * within the bytes and 15, sizes x86 has, a register 0-15, the same result
 * from exactly the instruction's bytes and none from one byte less.
 */
#include <stdlib.h>
#include "../x86insn.h"

static bool same(const struct x86_mem_access *a, const struct x86_mem_access *b)
{
	return a->length == b->length && a->size == b->size && a->store == b->store &&
	       a->from_imm == b->from_imm && a->imm == b->imm && a->reg == b->reg &&
	       a->high_byte == b->high_byte && a->reg_size == b->reg_size && a->sign_extend == b->sign_extend;
}

static bool is_size(unsigned n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned modes[] = { 16, 32, 64 };
	struct x86_mem_access a, again;
	unsigned mode;

	if (size < 1)
		return 0;
	mode = modes[data[0] % 3];
	data++;
	size--;
	if (!x86_decode_mem_access(data, size, mode, &a))
		return 0;
	if (a.length == 0 || a.length > size || a.length > X86_INSN_MAX || !is_size(a.size) ||
	    !is_size(a.reg_size) || a.reg_size < a.size || a.reg > 15 ||
	    (a.high_byte && (a.reg > 3 || a.reg_size != 1)) || (a.from_imm && !a.store) ||
	    (a.sign_extend && a.store) || (a.store && a.reg_size != a.size))
		abort();
	if (!x86_decode_mem_access(data, a.length, mode, &again) || !same(&a, &again) ||
	    x86_decode_mem_access(data, a.length - 1u, mode, &again))
		abort();
	/* A load into 1 or 2 bytes of a register leaves bits 63:16 alone. */
	if (!a.store && a.reg_size < 4 && (x86_load_result(&a, 0x5a5a5a5a5a5a5a5aull, ~0ull) >> 16) != 0x5a5a5a5a5a5aull)
		abort();
	return 0;
}
