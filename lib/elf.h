/*
 * Checking an ELF64 executable's headers before anything is mapped: the rules
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
/* Checks one program header of a file of file_size bytes. */
ElfCheck elf_check_phdr(const Elf64_Phdr& ph, uint64_t file_size);
