/* Validation of ELF64 executables before anything is built from them. */
#include <tessera/abi.h>
#include <ts/elf.h>
#include <ts/string.h>

const struct ts_elf64_phdr *ts_elf_check(const void *image, size_t size, uint64_t limit)
{
	const struct ts_elf64_ehdr *eh = image;
	const struct ts_elf64_phdr *ph;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4) != 0 ||
	    eh->e_ident[4] != 2 /* 64-bit */ || eh->e_ident[5] != 1 /* little endian */ ||
	    eh->e_type != TS_ET_EXEC || eh->e_machine != TS_EM_X86_64 ||
	    eh->e_phentsize != sizeof(*ph) || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(*ph) < eh->e_phnum)
		return NULL;
	ph = (const struct ts_elf64_phdr *)((const char *)image + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != TS_PT_LOAD)
			continue;
		if (ph[i].p_offset > size || ph[i].p_filesz > size - ph[i].p_offset ||
		    ph[i].p_filesz > ph[i].p_memsz || ph[i].p_vaddr % TS_PAGE_SIZE != 0 ||
		    ph[i].p_vaddr >= limit || ph[i].p_memsz > limit - ph[i].p_vaddr)
			return NULL;
	}
	return ph;
}
