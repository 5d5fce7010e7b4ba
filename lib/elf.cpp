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

ElfCheck elf32_check_header(const void* data, size_t size, uint64_t file_size)
{
    if (size < sizeof(Elf32_Ehdr))
        return ElfCheck::NotElf;
    auto* eh = static_cast<const Elf32_Ehdr*>(data);
    for (int i = 0; i < 4; i++)
        if (eh->e_ident[i] != ELFMAG[i])
            return ElfCheck::NotElf;
    if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_386)
        return ElfCheck::WrongArch;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return ElfCheck::WrongType;
    if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 65536 / sizeof(Elf32_Phdr))
        return ElfCheck::BadHeaders;
    uint64_t table = static_cast<uint64_t>(eh->e_phnum) * sizeof(Elf32_Phdr);
    if (eh->e_phoff > file_size || table > file_size - eh->e_phoff)
        return ElfCheck::BadHeaders;
    return ElfCheck::Ok;
}

bool elf_is_ia32(const void* data, size_t size)
{
    auto* b = static_cast<const unsigned char*>(data);
    if (size < sizeof(Elf32_Ehdr))
        return false;
    for (int i = 0; i < 4; i++)
        if (b[i] != ELFMAG[i])
            return false;
    auto* eh = static_cast<const Elf32_Ehdr*>(data);
    return eh->e_ident[4] == ELFCLASS32 && eh->e_machine == EM_386;
}

Elf64_Ehdr elf32_widen(const Elf32_Ehdr& e)
{
    Elf64_Ehdr w{};
    for (int i = 0; i < 16; i++)
        w.e_ident[i] = e.e_ident[i];
    w.e_type = e.e_type;
    w.e_machine = e.e_machine;
    w.e_version = e.e_version;
    w.e_entry = e.e_entry;
    w.e_phoff = e.e_phoff;
    w.e_shoff = e.e_shoff;
    w.e_flags = e.e_flags;
    w.e_ehsize = e.e_ehsize;
    w.e_phentsize = e.e_phentsize;
    w.e_phnum = e.e_phnum;
    w.e_shentsize = e.e_shentsize;
    w.e_shnum = e.e_shnum;
    w.e_shstrndx = e.e_shstrndx;
    return w;
}

Elf64_Phdr elf32_widen(const Elf32_Phdr& p)
{
    return Elf64_Phdr{p.p_type, p.p_flags, p.p_offset, p.p_vaddr, p.p_paddr, p.p_filesz, p.p_memsz, p.p_align};
}

ElfCheck elf_check_phdr(const Elf64_Phdr& ph, uint64_t file_size, uint64_t user_top)
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
    if (ph.p_vaddr >= user_top || ph.p_memsz > user_top - ph.p_vaddr)
        return ElfCheck::BadHeaders;
    return ElfCheck::Ok;
}
