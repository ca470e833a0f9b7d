/*
 * Host unit tests (TAP) of the parts of libtessera that need no kernel:
 * the formatter, command-line parsing and ELF validation.
 */
#include <stdio.h>
#include <string.h>
#include <tessera/abi.h>
#include <ts/cmdline.h>
#include <ts/elf.h>
#include <ts/print.h>

static int count, failed;

static void check(int cond, const char *name)
{
	count++;
	failed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", count, name);
}

static void check_format(const char *want, const char *fmt, ...)
{
	char buf[128], name[200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ts_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(name, sizeof(name), "format \"%s\" gives \"%s\"", fmt, want);
	check(strcmp(buf, want) == 0 && n == (int)strlen(want), name);
}

static void test_format(void)
{
	char small[4];

	check_format("-42", "%d", -42);
	check_format("   42|", "%5d|", 42);
	check_format("42   |", "%-5d|", 42);
	check_format("-0042", "%05d", -42);
	check_format("ff FF", "%x %X", 255, 255);
	check_format("18446744073709551615", "%lu", ~0ul);
	check_format("-9223372036854775808", "%ld", (long)(1ul << 63));
	check_format("8000000000000000", "%lx", 1ul << 63);
	check_format("0x1000", "%p", (void *)0x1000);
	check_format("(null) x %", "%s %c %%", (char *)NULL, 'x');
	check_format("[ab  ]", "[%-4s]", "ab");
	check_format("%q", "%q");
	check(ts_snprintf(small, sizeof(small), "%d", 123456) == 6 && strcmp(small, "123") == 0,
	      "snprintf cuts the output, NUL-terminates and returns the full length");
	check(ts_snprintf(NULL, 0, "abc") == 3, "snprintf with size 0 writes nothing");
}

static void test_cmdline(void)
{
	const char *s = "123 rest", *h = "0x1F", *w = "abc", *x = "0xg";
	char v[8];

	check(ts_parse_u64(&s) == 123 && strcmp(s, " rest") == 0, "parse a decimal, advance past it");
	check(ts_parse_u64(&h) == 31 && *h == 0, "parse a hex number");
	check(ts_parse_u64(&w) == 0 && strcmp(w, "abc") == 0, "no digit: 0, nothing consumed");
	check(ts_parse_u64(&x) == 0 && strcmp(x, "xg") == 0, "0x without hex digits is the number 0");
	check(ts_cmdline_get("name=demo domid=1", "domid", v, sizeof(v)) && strcmp(v, "1") == 0,
	      "cmdline: find a later key");
	check(ts_cmdline_get("name=demo domid=1", "name", v, sizeof(v)) && strcmp(v, "demo") == 0,
	      "cmdline: find the first key");
	check(!ts_cmdline_get("name=demo domid=1", "dom", v, sizeof(v)), "cmdline: a prefix of a key is not the key");
	check(!ts_cmdline_get("xname=demo", "name", v, sizeof(v)), "cmdline: nor is a suffix");
	check(ts_cmdline_get("name=averylongvalue", "name", v, sizeof(v)) && strcmp(v, "averylo") == 0,
	      "cmdline: a long value is cut to the buffer");
	check(ts_cmdline_get("  empty= x=1", "empty", v, sizeof(v)) && v[0] == 0, "cmdline: an empty value");
}

/* A valid image: header, two program headers, one page of contents. */
struct image {
	struct ts_elf64_ehdr eh;
	struct ts_elf64_phdr ph[2];
	unsigned char data[4096];
};

static void make_image(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, "\177ELF\2\1\1", 7);
	im->eh.e_type = TS_ET_EXEC;
	im->eh.e_machine = TS_EM_X86_64;
	im->eh.e_entry = 0x400000;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_phentsize = sizeof(struct ts_elf64_phdr);
	im->eh.e_phnum = 2;
	im->ph[0] = (struct ts_elf64_phdr){ .p_type = TS_PT_LOAD, .p_flags = 5, .p_offset = offsetof(struct image, data),
					    .p_vaddr = 0x400000, .p_filesz = 4096, .p_memsz = 4096 };
	im->ph[1] = (struct ts_elf64_phdr){ .p_type = TS_PT_LOAD, .p_flags = 6, .p_vaddr = 0x401000,
					    .p_memsz = 0x10000 };
}

static void check_rejects(void (*mutate)(struct image *), const char *name)
{
	struct image im;

	make_image(&im);
	mutate(&im);
	check(ts_elf_check(&im, sizeof(im), TS_USER_TOP) == NULL, name);
}

static void bad_magic(struct image *im) { im->eh.e_ident[1] = 'X'; }
static void elf32(struct image *im) { im->eh.e_ident[4] = 1; }
static void big_endian(struct image *im) { im->eh.e_ident[5] = 2; }
static void shared_object(struct image *im) { im->eh.e_type = 3; }
static void i386(struct image *im) { im->eh.e_machine = 3; }
static void phentsize(struct image *im) { im->eh.e_phentsize = 32; }
static void phoff_outside(struct image *im) { im->eh.e_phoff = sizeof(*im) + 8; }
static void too_many_phdrs(struct image *im) { im->eh.e_phnum = 200; }
static void offset_outside(struct image *im) { im->ph[0].p_offset = sizeof(*im) + 1; }
static void filesz_outside(struct image *im) { im->ph[0].p_filesz = im->ph[0].p_memsz = 8192; }
static void filesz_over_memsz(struct image *im) { im->ph[0].p_memsz = 100; }
static void unaligned(struct image *im) { im->ph[1].p_vaddr = 0x401010; }
static void kernel_half(struct image *im) { im->ph[1].p_vaddr = 0xffff800000000000ull; }
static void wraps(struct image *im) { im->ph[1].p_memsz = ~0ull - 0x1000; }

static void test_elf(void)
{
	struct image im;

	make_image(&im);
	check(ts_elf_check(&im, sizeof(im), TS_USER_TOP) == im.ph, "elf: a valid image passes");
	check(ts_elf_check(&im, sizeof(im.eh) - 1, TS_USER_TOP) == NULL, "elf: a truncated header is refused");
	im.ph[1].p_type = 4;	/* a note: not loaded, not checked */
	im.ph[1].p_vaddr = 0x123;
	check(ts_elf_check(&im, sizeof(im), TS_USER_TOP) != NULL, "elf: segments other than PT_LOAD are ignored");
	check_rejects(bad_magic, "elf: bad magic is refused");
	check_rejects(elf32, "elf: ELFCLASS32 is refused");
	check_rejects(big_endian, "elf: big endian is refused");
	check_rejects(shared_object, "elf: ET_DYN is refused");
	check_rejects(i386, "elf: EM_386 is refused");
	check_rejects(phentsize, "elf: a program header size other than 56 is refused");
	check_rejects(phoff_outside, "elf: program headers past the end are refused");
	check_rejects(too_many_phdrs, "elf: more program headers than the file holds are refused");
	check_rejects(offset_outside, "elf: a segment starting past the end is refused");
	check_rejects(filesz_outside, "elf: a segment running past the end is refused");
	check_rejects(filesz_over_memsz, "elf: file size above memory size is refused");
	check_rejects(unaligned, "elf: an unaligned load address is refused");
	check_rejects(kernel_half, "elf: a load address above the user range is refused");
	check_rejects(wraps, "elf: a segment wrapping around the address space is refused");
}

int main(void)
{
	test_format();
	test_cmdline();
	test_elf();
	printf("1..%d\n", count);
	return failed != 0;
}
