#include "elf.h"

ElfCheck elf_check_header(const void* data, size_t size, uint64_t file_size)
{
    if (size < sizeof(Elf64_Ehdr))
        return ElfCheck::NotElf;
    auto* eh = static_cast<const Elf64_Ehdr*>(data);
    for (int i = 0; i < 4; i++)
        if (eh->e_ident[i] != ELFMAG[i])
            return ElfCheck::NotElf;
    if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
        return ElfCheck::WrongArch;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return ElfCheck::WrongType;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 65536 / sizeof(Elf64_Phdr))
        return ElfCheck::BadHeaders;
    uint64_t table = static_cast<uint64_t>(eh->e_phnum) * sizeof(Elf64_Phdr);
    if (eh->e_phoff > file_size || table > file_size - eh->e_phoff)
        return ElfCheck::BadHeaders;
    return ElfCheck::Ok;
}

ElfCheck elf_check_phdr(const Elf64_Phdr& ph, uint64_t file_size)
{
    if (ph.p_type != PT_LOAD)
        return ElfCheck::Ok;
    const uint64_t page = 4096;
    if (ph.p_filesz > ph.p_memsz)
        return ElfCheck::BadHeaders;
    if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
        return ElfCheck::BadHeaders;
    /* mmap needs file offset and address congruent modulo the page size. */
    if ((ph.p_offset & (page - 1)) != (ph.p_vaddr & (page - 1)))
        return ElfCheck::BadHeaders;
    const uint64_t user_top = (1ULL << 47) - page;
    if (ph.p_vaddr >= user_top || ph.p_memsz > user_top - ph.p_vaddr)
        return ElfCheck::BadHeaders;
    return ElfCheck::Ok;
}
