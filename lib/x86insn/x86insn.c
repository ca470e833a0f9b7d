/*
 * The decoder of x86insn.h: prefixes, then the opcode, then its ModRM
 * memory operand (SIB and displacement) and immediate; each step only
 * consumes bytes, so a truncated or overlong encoding fails wherever it
 * runs out. Facts are from the AMD64 Architecture Programmer's Manual,
 * volume 3 (instruction formats, opcode map).
 */
#include "x86insn.h"

#define REX_W		0x8
#define REX_R		0x4

#define OP_MOV_RM_REG	0x88	/* 88/89: store reg; 8A/8B: load reg */
#define OP_MOV_RM_IMM	0xc6	/* C6/C7 /0 */
#define OP_MOV_MOFFS	0xa0	/* A0/A1: load AL/eAX; A2/A3: store it */
#define OP_ESCAPE	0x0f	/* then MOVZX (B6, B7) or MOVSX (BE, BF); odd: from 16 bits */
#define OP_MOVZX	0xb6
#define OP_MOVSX	0xbe

/* The bytes still to read: never past count, nor past 15. */
struct cursor {
	const uint8_t *bytes;
	unsigned end, at;
};

/* The next n bytes as a little-endian number; false if they are not there. */
static bool take(struct cursor *c, unsigned n, uint64_t *value)
{
	if (n > c->end - c->at)
		return false;
	*value = 0;
	for (unsigned i = 0; i < n; i++)
		*value |= (uint64_t)c->bytes[c->at + i] << (8 * i);
	c->at += n;
	return true;
}

static bool take_byte(struct cursor *c, uint8_t *b)
{
	uint64_t v;

	if (!take(c, 1, &v))
		return false;
	*b = (uint8_t)v;
	return true;
}

static bool is_segment_override(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/*
 * The memory operand after ModRM: a SIB byte and a displacement, by the
 * address size. False for a register operand (mod 3) or missing bytes.
 */
static bool memory_operand(struct cursor *c, uint8_t modrm, unsigned addr_bits)
{
	unsigned mod = modrm >> 6, rm = modrm & 7, disp;
	uint64_t ignored;
	uint8_t sib;

	if (mod == 3)
		return false;
	if (addr_bits == 16) {
		/* [BX+SI] .. [BX]; mod 0 with rm 6 is a bare 16-bit displacement. */
		disp = mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0;
		return take(c, disp, &ignored);
	}
	/* rm 4: a SIB byte; mod 0 with rm 5 (RIP-relative in 64-bit code) or SIB base 5: disp32. */
	if (rm == 4 && !take_byte(c, &sib))
		return false;
	if (mod == 0)
		disp = rm == 5 || (rm == 4 && (sib & 7) == 5) ? 4 : 0;
	else
		disp = mod == 1 ? 1 : 4;
	return take(c, disp, &ignored);
}

/* The register in ModRM.reg (REX.R extends it), an 8-bit one naming AH..BH without REX. */
static void set_reg(struct x86_mem_access *a, uint8_t modrm, uint8_t rex)
{
	a->reg = (modrm >> 3 & 7) | (rex & REX_R ? 8 : 0);
	a->high_byte = a->reg_size == 1 && !rex && a->reg >= 4;
	if (a->high_byte)
		a->reg -= 4;
}

bool x86_decode_mem_access(const uint8_t *bytes, unsigned count, unsigned mode_bits,
			   struct x86_mem_access *out)
{
	struct cursor c = { bytes, count < X86_INSN_MAX ? count : X86_INSN_MAX, 0 };
	struct x86_mem_access a = { 0 };
	bool opsize = false, addrsize = false;
	unsigned operand_bytes, addr_bits;
	uint8_t b, modrm, rex = 0;
	uint64_t offset;

	if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
		return false;
	for (;;) {
		if (!take_byte(&c, &b))
			return false;
		/* A REX prefix counts only right before the opcode. */
		if (b == 0x66)
			opsize = true, rex = 0;
		else if (b == 0x67)
			addrsize = true, rex = 0;
		else if (is_segment_override(b))
			rex = 0;
		else if (mode_bits == 64 && (b & 0xf0) == 0x40)
			rex = b;
		else
			break;
	}
	operand_bytes = rex & REX_W ? 8 : (mode_bits == 16) != opsize ? 2 : 4;
	addr_bits = mode_bits == 64 ? (addrsize ? 32 : 64) : (mode_bits == 16) != addrsize ? 16 : 32;

	switch (b) {
	case OP_MOV_RM_REG:
	case OP_MOV_RM_REG + 1:
	case OP_MOV_RM_REG + 2:
	case OP_MOV_RM_REG + 3:
		a.size = a.reg_size = b & 1 ? operand_bytes : 1;
		a.store = !(b & 2);
		if (!take_byte(&c, &modrm) || !memory_operand(&c, modrm, addr_bits))
			return false;
		set_reg(&a, modrm, rex);
		break;
	case OP_MOV_RM_IMM:
	case OP_MOV_RM_IMM + 1:
		a.size = a.reg_size = b & 1 ? operand_bytes : 1;
		a.store = a.from_imm = true;
		/* ModRM.reg other than 0 is another instruction or none. */
		if (!take_byte(&c, &modrm) || (modrm >> 3 & 7) || !memory_operand(&c, modrm, addr_bits) ||
		    !take(&c, a.size < 4 ? a.size : 4, &a.imm))
			return false;
		if (a.size == 8)
			a.imm = (uint64_t)(int64_t)(int32_t)a.imm;
		break;
	case OP_MOV_MOFFS:
	case OP_MOV_MOFFS + 1:
	case OP_MOV_MOFFS + 2:
	case OP_MOV_MOFFS + 3:
		a.size = a.reg_size = b & 1 ? operand_bytes : 1;
		a.store = b & 2;
		if (!take(&c, addr_bits / 8, &offset))
			return false;
		break;
	case OP_ESCAPE:
		if (!take_byte(&c, &b) || ((b & ~1) != OP_MOVZX && (b & ~1) != OP_MOVSX))
			return false;
		a.size = b & 1 ? 2 : 1;
		a.reg_size = operand_bytes;
		a.sign_extend = (b & ~1) == OP_MOVSX;
		if (!take_byte(&c, &modrm) || !memory_operand(&c, modrm, addr_bits))
			return false;
		set_reg(&a, modrm, rex);
		break;
	default:
		return false;
	}
	a.length = c.at;
	*out = a;
	return true;
}

uint64_t x86_load_result(const struct x86_mem_access *a, uint64_t old, uint64_t value)
{
	unsigned bits = 8 * a->size;

	if (bits < 64) {
		value &= (1ull << bits) - 1;
		if (a->sign_extend && value >> (bits - 1))
			value |= ~0ull << bits;
	}
	switch (a->reg_size) {
	case 1:
		return a->high_byte ? (old & ~0xff00ull) | (value & 0xff) << 8 : (old & ~0xffull) | (value & 0xff);
	case 2:
		return (old & ~0xffffull) | (value & 0xffff);
	case 4:
		return value & 0xffffffffull;
	default:
		return value;
	}
}
