/*
 * Host unit tests of x86insn.c (TAP, under ASan and UBSan): lengths,
 * access sizes, directions, registers and immediates of the MMIO
 * instructions in 16-, 32- and 64-bit code, with every prefix and
 * addressing form; encodings it must refuse; and the register a load
 * leaves behind.
 */
#include <stdio.h>
#include <string.h>
#include "../x86insn.h"

static unsigned tests, failures;

static void ok(bool cond, const char *name)
{
	printf("%sok %u - %s\n", cond ? "" : "not ", ++tests, name);
	failures += !cond;
}

#define BYTES(s)	(const uint8_t *)(s), sizeof(s) - 1

struct decodes {
	const char *name;
	unsigned mode;
	const uint8_t *bytes;
	unsigned count;
	struct x86_mem_access want;
};

/* Loads and stores of a register: length, size, store, reg, high byte, register size. */
#define LOAD(len, sz, r, hi, rs)	{ .length = len, .size = sz, .reg = r, .high_byte = hi, .reg_size = rs }
#define STORE(len, sz, r, hi)		{ .length = len, .size = sz, .store = true, .reg = r, .high_byte = hi, .reg_size = sz }
#define STORE_IMM(len, sz, value)	{ .length = len, .size = sz, .store = true, .from_imm = true, .imm = value, .reg_size = sz }
#define EXTEND(len, sz, r, rs, sign)	{ .length = len, .size = sz, .reg = r, .reg_size = rs, .sign_extend = sign }

static const struct decodes cases[] = {
	{ "64: mov (%rax),%eax", 64, BYTES("\x8b\x00"), LOAD(2, 4, 0, false, 4) },
	{ "64: mov 0x10(%rip),%rax (REX.W, RIP-relative)", 64, BYTES("\x48\x8b\x05\x10\x00\x00\x00"), LOAD(7, 8, 0, false, 8) },
	{ "64: mov 0x40002000,%r9d (REX.R, SIB without base)", 64, BYTES("\x44\x8b\x0c\x25\x00\x20\x00\x40"), LOAD(8, 4, 9, false, 4) },
	{ "64: mov %edi,8(%rsp) (SIB, disp8)", 64, BYTES("\x89\x7c\x24\x08"), STORE(4, 4, 7, false) },
	{ "64: mov %cx,(%rax) (66)", 64, BYTES("\x66\x89\x08"), STORE(3, 2, 1, false) },
	{ "64: mov %ah,1(%rax): AH without REX", 64, BYTES("\x88\x60\x01"), STORE(3, 1, 0, true) },
	{ "64: mov %spl,1(%rax): SPL with an empty REX", 64, BYTES("\x40\x88\x60\x01"), STORE(4, 1, 4, false) },
	{ "64: mov (%rbx),%bh", 64, BYTES("\x8a\x3b"), LOAD(2, 1, 3, true, 1) },
	{ "64: mov (%rbx),%r15b", 64, BYTES("\x44\x8a\x3b"), LOAD(3, 1, 15, false, 1) },
	{ "64: movb $0xff,0x100(%rip)", 64, BYTES("\xc6\x05\x00\x01\x00\x00\xff"), STORE_IMM(7, 1, 0xff) },
	{ "64: movl $0x12345678,-0x1300000(%rax) (disp32)", 64, BYTES("\xc7\x80\x00\x00\xd0\xfe\x78\x56\x34\x12"),
	  STORE_IMM(10, 4, 0x12345678) },
	{ "64: movq $-1,(%rax): imm32 sign-extended", 64, BYTES("\x48\xc7\x00\xff\xff\xff\xff"), STORE_IMM(7, 8, ~0ull) },
	{ "64: movq $-0x80000000,(%rax)", 64, BYTES("\x48\xc7\x00\x00\x00\x00\x80"),
	  STORE_IMM(7, 8, 0xffffffff80000000ull) },
	{ "64: movw $0x1234,(%rax): imm16", 64, BYTES("\x66\xc7\x00\x34\x12"), STORE_IMM(5, 2, 0x1234) },
	{ "64: movb $1,(%r12) (REX.B, SIB)", 64, BYTES("\x41\xc6\x04\x24\x01"), STORE_IMM(5, 1, 1) },
	{ "64: movabs 0xfed00000,%eax: 8-byte offset", 64, BYTES("\xa1\x00\x00\xd0\xfe\x00\x00\x00\x00"),
	  LOAD(9, 4, 0, false, 4) },
	{ "64: movabs %rax,0xfed00008", 64, BYTES("\x48\xa3\x08\x00\xd0\xfe\x00\x00\x00\x00"), STORE(10, 8, 0, false) },
	{ "64: mov 0xfed00000,%al with 67: 4-byte offset", 64, BYTES("\x67\xa0\x00\x00\xd0\xfe"), LOAD(6, 1, 0, false, 1) },
	{ "64: movzbl (%rsi),%eax", 64, BYTES("\x0f\xb6\x06"), EXTEND(3, 1, 0, 4, false) },
	{ "64: movswq 0x10(%rbx),%rax", 64, BYTES("\x48\x0f\xbf\x43\x10"), EXTEND(5, 2, 0, 8, true) },
	{ "64: movsbw (%rdx),%cx", 64, BYTES("\x66\x0f\xbe\x0a"), EXTEND(4, 1, 1, 2, true) },
	{ "64: movzwl 0x1000(,%rcx,4),%eax (SIB base 5, mod 0)", 64, BYTES("\x0f\xb7\x04\x8d\x00\x10\x00\x00"),
	  EXTEND(8, 2, 0, 4, false) },
	{ "64: movzbl (%rsp),%r15d", 64, BYTES("\x44\x0f\xb6\x3c\x24"), EXTEND(5, 1, 15, 4, false) },
	{ "64: mov 0x100(%rsp),%eax (SIB, disp32)", 64, BYTES("\x8b\x84\x24\x00\x01\x00\x00"), LOAD(7, 4, 0, false, 4) },
	{ "64: mov 0(%r13),%eax (REX.B, disp8)", 64, BYTES("\x41\x8b\x45\x00"), LOAD(4, 4, 0, false, 4) },
	{ "64: mov 0x1000(,%r13,1),%eax (REX.X)", 64, BYTES("\x42\x8b\x04\x2d\x00\x10\x00\x00"), LOAD(8, 4, 0, false, 4) },
	{ "64: mov %fs:0x28,%eax (segment override)", 64, BYTES("\x64\x8b\x04\x25\x28\x00\x00\x00"),
	  LOAD(8, 4, 0, false, 4) },
	{ "64: REX before 66 does not count", 64, BYTES("\x48\x66\x89\x08"), STORE(4, 2, 1, false) },
	{ "64: REX.W wins over 66", 64, BYTES("\x66\x48\x89\x08"), STORE(4, 8, 1, false) },
	{ "64: of two REX prefixes the last counts", 64, BYTES("\x4c\x41\x8b\x00"), LOAD(4, 4, 0, false, 4) },
	{ "64: mov (%eax),%eax (67)", 64, BYTES("\x67\x8b\x00"), LOAD(3, 4, 0, false, 4) },
	{ "64: 15 bytes (13 prefixes)", 64, BYTES("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x8b\x00"),
	  LOAD(15, 2, 0, false, 2) },
	{ "64: bytes after the instruction are ignored", 64, BYTES("\x8b\x00\x90\x90\x90"), LOAD(2, 4, 0, false, 4) },
	{ "32: mov 0xfed00000,%eax (disp32, no RIP)", 32, BYTES("\x8b\x05\x00\x00\xd0\xfe"), LOAD(6, 4, 0, false, 4) },
	{ "32: mov 0xfed00000,%eax (moffs32)", 32, BYTES("\xa1\x00\x00\xd0\xfe"), LOAD(5, 4, 0, false, 4) },
	{ "32: mov 0xfed00000,%ax", 32, BYTES("\x66\xa1\x00\x00\xd0\xfe"), LOAD(6, 2, 0, false, 2) },
	{ "32: mov (%bx),%eax (67: 16-bit addressing)", 32, BYTES("\x67\x8b\x07"), LOAD(3, 4, 0, false, 4) },
	{ "32: mov 0x1234,%eax (67, disp16)", 32, BYTES("\x67\x8b\x06\x34\x12"), LOAD(5, 4, 0, false, 4) },
	{ "32: mov 0x1234,%eax (67, moffs16)", 32, BYTES("\x67\xa1\x34\x12"), LOAD(4, 4, 0, false, 4) },
	{ "32: movl $0x12345678,0xfed00000", 32, BYTES("\xc7\x05\x00\x00\xd0\xfe\x78\x56\x34\x12"),
	  STORE_IMM(10, 4, 0x12345678) },
	{ "32: mov 0xfed00000,%ah", 32, BYTES("\x8a\x25\x00\x00\xd0\xfe"), LOAD(6, 1, 0, true, 1) },
	{ "32: movzwl 0xfed00000,%ecx", 32, BYTES("\x0f\xb7\x0d\x00\x00\xd0\xfe"), EXTEND(7, 2, 1, 4, false) },
	{ "16: mov (%bx),%ax", 16, BYTES("\x8b\x07"), LOAD(2, 2, 0, false, 2) },
	{ "16: mov 2(%bp),%ax (disp8)", 16, BYTES("\x8b\x46\x02"), LOAD(3, 2, 0, false, 2) },
	{ "16: mov 0x1234(%bp),%ax (disp16)", 16, BYTES("\x8b\x86\x34\x12"), LOAD(4, 2, 0, false, 2) },
	{ "16: mov 0x1234,%ax (mod 0, rm 6)", 16, BYTES("\x8b\x06\x34\x12"), LOAD(4, 2, 0, false, 2) },
	{ "16: mov (%bx),%eax (66)", 16, BYTES("\x66\x8b\x07"), LOAD(3, 4, 0, false, 4) },
	{ "16: mov 0x1234,%ax (moffs16)", 16, BYTES("\xa1\x34\x12"), LOAD(3, 2, 0, false, 2) },
	{ "16: mov (%esp),%ax (67: SIB)", 16, BYTES("\x67\x8b\x04\x24"), LOAD(4, 2, 0, false, 2) },
	{ "16: movb $0xff,0x1234", 16, BYTES("\xc6\x06\x34\x12\xff"), STORE_IMM(5, 1, 0xff) },
	{ "16: movl $0x12345678,0x1234 (66)", 16, BYTES("\x66\xc7\x06\x34\x12\x78\x56\x34\x12"),
	  STORE_IMM(9, 4, 0x12345678) },
};

struct refuses {
	const char *name;
	unsigned mode;
	const uint8_t *bytes;
	unsigned count;
};

static const struct refuses refused[] = {
	{ "LOCK", 64, BYTES("\xf0\x89\x00") },
	{ "REP", 64, BYTES("\xf3\x8b\x00") },
	{ "REPNE", 64, BYTES("\xf2\x8b\x00") },
	{ "a register operand (mod 3)", 64, BYTES("\x8b\xc0") },
	{ "MOV imm to a register through C7", 64, BYTES("\xc7\xc0\x01\x00\x00\x00") },
	{ "C6 /1", 64, BYTES("\xc6\x08\xff") },
	{ "MOVZX from a register", 64, BYTES("\x0f\xb6\xc0") },
	{ "UD2", 64, BYTES("\x0f\x0b") },
	{ "0F B8", 64, BYTES("\x0f\xb8\x00") },
	{ "NOP", 64, BYTES("\x90") },
	{ "ADD (%rax),%eax (arithmetic is not emulated)", 64, BYTES("\x03\x00") },
	{ "VEX", 64, BYTES("\xc5\xf9\x6f\x00") },
	{ "a missing SIB byte", 64, BYTES("\x8b\x04") },
	{ "a missing displacement", 64, BYTES("\x8b\x05\x00\x00") },
	{ "a missing immediate", 64, BYTES("\xc7\x00\x00\x00") },
	{ "a 64-bit offset cut short", 64, BYTES("\xa1\x00\x00\x00\x00") },
	{ "prefixes only", 64, BYTES("\x66\x67\x2e") },
	{ "16 bytes (14 prefixes)", 64, BYTES("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x8b\x00") },
	{ "48 is DEC in 32-bit code, not REX", 32, BYTES("\x48\x8b\x00") },
	{ "16: a missing disp16", 16, BYTES("\x8b\x06\x34") },
	{ "no bytes", 64, BYTES("") },
	{ "mode 8", 8, BYTES("\x8b\x00") },
};

static bool same(const struct x86_mem_access *a, const struct x86_mem_access *b)
{
	return a->length == b->length && a->size == b->size && a->store == b->store &&
	       a->from_imm == b->from_imm && a->imm == b->imm && a->reg == b->reg &&
	       a->high_byte == b->high_byte && a->reg_size == b->reg_size && a->sign_extend == b->sign_extend;
}

static void decoding(void)
{
	struct x86_mem_access got;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decodes *c = &cases[i];
		memset(&got, 0xa5, sizeof(got));
		bool decoded = x86_decode_mem_access(c->bytes, c->count, c->mode, &got);
		ok(decoded && same(&got, &c->want), c->name);
		if (decoded && !same(&got, &c->want))
			printf("# got length %u size %u store %d imm %#llx reg %u high %d reg_size %u sign %d\n",
			       got.length, got.size, got.store, (unsigned long long)got.imm, got.reg,
			       got.high_byte, got.reg_size, got.sign_extend);
	}
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char name[96];
		snprintf(name, sizeof(name), "refused: %s", refused[i].name);
		ok(!x86_decode_mem_access(refused[i].bytes, refused[i].count, refused[i].mode, &got), name);
	}
	ok(!x86_decode_mem_access(BYTES("\x44\x8b\x0c\x25\x00\x20\x00"), 64, &got),
	   "refused: one byte short of the 8-byte instruction");
}

static uint64_t load(const char *bytes, unsigned count, unsigned mode, uint64_t old, uint64_t value)
{
	struct x86_mem_access a;

	if (!x86_decode_mem_access((const uint8_t *)bytes, count, mode, &a))
		return 0x0badull;
	return x86_load_result(&a, old, value);
}

static void loading(void)
{
	const uint64_t old = 0x1122334455667788ull;

	ok(load("\x8a\x00", 2, 64, old, ~0ull) == 0x11223344556677ffull, "load: AL replaces bits 7:0 only");
	ok(load("\x8a\x20", 2, 64, old, ~0ull) == 0x112233445566ff88ull, "load: AH replaces bits 15:8 only");
	ok(load("\x66\x8b\x00", 3, 64, old, ~0ull) == 0x112233445566ffffull, "load: AX keeps bits 63:16");
	ok(load("\x8b\x00", 2, 64, old, ~0ull) == 0xffffffffull, "load: EAX zeroes bits 63:32");
	ok(load("\x48\x8b\x00", 3, 64, old, ~0ull) == ~0ull, "load: RAX is replaced");
	ok(load("\x0f\xb6\x00", 3, 64, old, ~0ull) == 0xffull, "load: MOVZX byte to EAX");
	ok(load("\x66\x0f\xb6\x00", 4, 64, old, ~0ull) == 0x11223344556600ffull, "load: MOVZX byte to AX keeps 63:16");
	ok(load("\x48\x0f\xbe\x00", 4, 64, old, 0xff) == ~0ull && load("\x48\x0f\xbe\x00", 4, 64, old, 0x7f) == 0x7f,
	   "load: MOVSX byte to RAX, negative and positive");
	ok(load("\x0f\xbf\x00", 3, 64, old, 0x8000) == 0xffff8000ull, "load: MOVSX word to EAX zeroes 63:32");
	ok(load("\x8a\x00", 2, 64, old, 0x1234) == 0x1122334455667734ull, "load: only the access size of the value counts");
}

int main(void)
{
	decoding();
	loading();
	printf("1..%u\n", tests);
	return failures != 0;
}
