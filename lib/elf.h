/*
 * Checking an ELF64 (x86-64) or ELF32 (i386) executable's headers before anything is mapped: the rules
 * execve applies (Linux's load_elf_binary and elf_check_arch). Pure logic,
 * tested on the host.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <uapi/linux/elf.h>

enum class ElfCheck {
    Ok,
    NotElf,        /* ENOEXEC: not ELF at all (maybe a script) */
    WrongArch,     /* ENOEXEC: not x86-64 little-endian ELF64 */
    WrongType,     /* ENOEXEC: not ET_EXEC / ET_DYN */
    BadHeaders,    /* ENOEXEC: program headers out of range or malformed */
};

/* Checks the ELF header in the first bytes of a file of file_size bytes. */
ElfCheck elf_check_header(const void* data, size_t size, uint64_t file_size);
/* The same for an i386 program (ELFCLASS32, EM_386). */
ElfCheck elf32_check_header(const void* data, size_t size, uint64_t file_size);
/* Is this the start of an i386 ELF file (class and machine only)? */
bool elf_is_ia32(const void* data, size_t size);
/* Checks one program header of a file of file_size bytes, for an address
 * space ending at user_top. */
ElfCheck elf_check_phdr(const Elf64_Phdr& ph, uint64_t file_size, uint64_t user_top = (1ULL << 47) - 4096);
/* An ELF32 header or program header in ELF64's shape (the fields widened),
 * so that one loader reads both. */
Elf64_Ehdr elf32_widen(const Elf32_Ehdr& e);
Elf64_Phdr elf32_widen(const Elf32_Phdr& p);
