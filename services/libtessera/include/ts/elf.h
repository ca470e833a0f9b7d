/* The parts of ELF64 a loader of static x86_64 executables needs. */
#ifndef TS_ELF_H
#define TS_ELF_H

#include <stddef.h>
#include <stdint.h>

struct ts_elf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct ts_elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

#define TS_ET_EXEC	2
#define TS_EM_X86_64	62
#define TS_PT_LOAD	1
#define TS_PF_X		1
#define TS_PF_W		2

/*
 * Checks that image is a static x86_64 ELF64 executable whose program
 * headers and PT_LOAD contents lie inside it, with page-aligned load
 * addresses below limit. Returns the first program header or NULL.
 */
const struct ts_elf64_phdr *ts_elf_check(const void *image, size_t size, uint64_t limit);

#endif
