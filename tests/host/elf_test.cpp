// Tests of lib/elf (elf_check_header, elf_check_phdr): real static x86-64
// executables pass; each rule execve applies rejects the header or program
// header that breaks it, with the boundary value on each side.
//
// Built with ELF_SAMPLE (a musl-gcc -static build of elf_sample.c, or "") and
// BUSYBOX (a static busybox, or "") defined as string literals.
#include "lib/elf.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef ELF_SAMPLE
#error "ELF_SAMPLE must name a static x86-64 executable (or be empty)"
#endif
#ifndef BUSYBOX
#define BUSYBOX "/bin/busybox"
#endif

namespace {

constexpr uint64_t kUserTop = (1ULL << 47) - 4096;

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "";
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A 64-byte ELF header taken from a real executable, to mutate.
class ElfHeader : public ::testing::Test {
protected:
    void SetUp() override
    {
        file_ = slurp(ELF_SAMPLE);
        if (file_.empty())
            file_ = slurp(BUSYBOX);
        if (file_.size() < sizeof(Elf64_Ehdr))
            GTEST_SKIP() << "no static x86-64 executable to read";
        std::memcpy(&eh_, file_.data(), sizeof eh_);
        size_ = file_.size();
    }
    ElfCheck check() const { return elf_check_header(&eh_, sizeof eh_, size_); }

    std::string file_;
    Elf64_Ehdr eh_;
    uint64_t size_ = 0;
};

// Every program header of a real static executable.
std::vector<Elf64_Phdr> phdrs(const std::string& file)
{
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    std::vector<Elf64_Phdr> out(eh.e_phnum);
    for (size_t i = 0; i < out.size(); i++)
        std::memcpy(&out[i], file.data() + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof(Elf64_Phdr));
    return out;
}

// A real static executable (musl build, busybox) passes every check.
TEST(Elf, RealExecutablesPass)
{
    int seen = 0;
    for (const char* path : {ELF_SAMPLE, BUSYBOX}) {
        std::string file = slurp(path);
        if (file.empty())
            continue;
        SCOPED_TRACE(path);
        seen++;
        ASSERT_EQ(elf_check_header(file.data(), file.size(), file.size()), ElfCheck::Ok);
        // The check needs only the header itself, not the whole file in memory.
        EXPECT_EQ(elf_check_header(file.data(), sizeof(Elf64_Ehdr), file.size()), ElfCheck::Ok);
        int loads = 0;
        for (auto& ph : phdrs(file)) {
            EXPECT_EQ(elf_check_phdr(ph, file.size()), ElfCheck::Ok) << "type " << ph.p_type;
            loads += ph.p_type == PT_LOAD;
        }
        EXPECT_GT(loads, 0);
    }
    if (!seen)
        GTEST_SKIP() << "no static x86-64 executable to read";
}

// The real file cut short of its program headers is rejected.
TEST_F(ElfHeader, FileTooShortForPhdrs)
{
    uint64_t table_end = eh_.e_phoff + eh_.e_phnum * sizeof(Elf64_Phdr);
    size_ = table_end;
    EXPECT_EQ(check(), ElfCheck::Ok);
    size_ = table_end - 1;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
}

// Fewer than 64 bytes, or any wrong magic byte, is not ELF.
TEST_F(ElfHeader, NotElf)
{
    EXPECT_EQ(elf_check_header(&eh_, sizeof eh_ - 1, size_), ElfCheck::NotElf);
    EXPECT_EQ(elf_check_header(&eh_, 0, size_), ElfCheck::NotElf);
    for (int i = 0; i < 4; i++) {
        Elf64_Ehdr saved = eh_;
        eh_.e_ident[i] ^= 0x20;
        EXPECT_EQ(check(), ElfCheck::NotElf) << "byte " << i;
        eh_ = saved;
    }
    char script[64] = "#!/bin/sh\necho not an executable\n";
    EXPECT_EQ(elf_check_header(script, sizeof script, sizeof script), ElfCheck::NotElf);
}

// ELF32, big endian, an unknown class, or another machine is the wrong architecture.
TEST_F(ElfHeader, WrongArch)
{
    Elf64_Ehdr saved = eh_;
    for (unsigned char cls : {0, 1, 3}) {
        eh_.e_ident[4] = cls;
        EXPECT_EQ(check(), ElfCheck::WrongArch) << "class " << int(cls);
    }
    eh_ = saved;
    for (unsigned char data : {0, 2}) {
        eh_.e_ident[5] = data;
        EXPECT_EQ(check(), ElfCheck::WrongArch) << "data " << int(data);
    }
    eh_ = saved;
    for (uint16_t machine : {0, 3, 40, 183, 243, 62 + 256}) {
        eh_.e_machine = machine;
        EXPECT_EQ(check(), ElfCheck::WrongArch) << "machine " << machine;
    }
}

// Only ET_EXEC and ET_DYN are executable.
TEST_F(ElfHeader, Types)
{
    for (uint16_t type : {0, 1, 4, 0xfe00, 0xff00}) {
        eh_.e_type = type;
        EXPECT_EQ(check(), ElfCheck::WrongType) << "type " << type;
    }
    eh_.e_type = ET_EXEC;
    EXPECT_EQ(check(), ElfCheck::Ok);
    eh_.e_type = ET_DYN;
    EXPECT_EQ(check(), ElfCheck::Ok);
}

// The checks come in order: magic, then architecture, then type, then program headers.
TEST_F(ElfHeader, FirstFailureWins)
{
    eh_.e_phnum = 0;
    eh_.e_type = 1;
    EXPECT_EQ(check(), ElfCheck::WrongType);
    eh_.e_machine = 3;
    EXPECT_EQ(check(), ElfCheck::WrongArch);
    eh_.e_ident[0] = 0;
    EXPECT_EQ(check(), ElfCheck::NotElf);
}

// Program header entries must be 56 bytes, at least one, at most 64 KiB of them.
TEST_F(ElfHeader, PhdrTableShape)
{
    for (uint16_t entsize : {0, 32, 55, 57, 64}) {
        eh_.e_phentsize = entsize;
        EXPECT_EQ(check(), ElfCheck::BadHeaders) << "phentsize " << entsize;
    }
    eh_.e_phentsize = sizeof(Elf64_Phdr);
    eh_.e_phnum = 0;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);

    size_ = 1 << 20;
    eh_.e_phoff = 64;
    eh_.e_phnum = 65536 / sizeof(Elf64_Phdr); // 1170: 65520 bytes
    EXPECT_EQ(check(), ElfCheck::Ok);
    eh_.e_phnum = 65536 / sizeof(Elf64_Phdr) + 1;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
    eh_.e_phnum = 0xffff; // PN_XNUM: extended numbering is not supported
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
}

// The program header table must lie inside the file, without wrapping.
TEST_F(ElfHeader, PhdrTableInFile)
{
    eh_.e_phnum = 2;
    size_ = 4096;
    eh_.e_phoff = 4096 - 112;
    EXPECT_EQ(check(), ElfCheck::Ok);
    eh_.e_phoff = 4096 - 111;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
    eh_.e_phoff = 4096;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
    eh_.e_phoff = 1ULL << 40;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
    eh_.e_phoff = ~0ULL - 8; // + 112 wraps to a small number
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
    size_ = 0;
    eh_.e_phoff = 0;
    EXPECT_EQ(check(), ElfCheck::BadHeaders);
}

// ---- elf_check_phdr ----

Elf64_Phdr load(uint64_t offset, uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_offset = offset;
    ph.p_vaddr = ph.p_paddr = vaddr;
    ph.p_filesz = filesz;
    ph.p_memsz = memsz;
    ph.p_align = 4096;
    return ph;
}

constexpr uint64_t kFile = 0x10000;

// A segment may have bss (memsz > filesz) but never more file bytes than memory.
TEST(ElfPhdr, FileszVsMemsz)
{
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, 0x2000, 0x3000), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, 0x2000, 0x2000), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, 0x2001, 0x2000), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, 0, 0x100000), kFile), ElfCheck::Ok);
}

// The file bytes of a segment must lie inside the file, without wrapping.
TEST(ElfPhdr, InsideFile)
{
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, kFile - 0x1000, kFile), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x401000, kFile - 0x1000 + 1, kFile), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(kFile, 0x400000 + kFile, 0, 0x1000), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(kFile + 0x1000, 0x401000, 0, 0x1000), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(~0ULL - 0xfff, 0x401000, 0x2000, 0x2000), kFile), ElfCheck::BadHeaders);
}

// mmap needs offset and address congruent modulo the page size.
TEST(ElfPhdr, Congruence)
{
    EXPECT_EQ(elf_check_phdr(load(0x1234, 0x7fff1234, 0x10, 0x10), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(0x1234, 0x7fff1235, 0x10, 0x10), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0x1000, 0x400800, 0x10, 0x10), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0x0, 0x400000, 0x10, 0x10), kFile), ElfCheck::Ok);
}

// [vaddr, vaddr + memsz) must end at or below the user top, 2^47 - 4096, without wrapping.
TEST(ElfPhdr, UserRange)
{
    EXPECT_EQ(elf_check_phdr(load(0, kUserTop - 0x3000, 0x1000, 0x3000), kFile), ElfCheck::Ok);
    EXPECT_EQ(elf_check_phdr(load(0, kUserTop - 0x3000, 0x1000, 0x3001), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0, kUserTop, 0, 0), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0, kUserTop + 0x1000, 0, 0x1000), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0, 1ULL << 47, 0, 0x1000), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0, 0xffffffff80000000, 0x10, 0x10), kFile), ElfCheck::BadHeaders);
    EXPECT_EQ(elf_check_phdr(load(0, 0x1000, 0x10, ~0ULL - 0x800), kFile), ElfCheck::BadHeaders);
}

// Headers other than PT_LOAD are not checked, however odd their fields.
TEST(ElfPhdr, NonLoadIgnored)
{
    for (uint32_t type : {PT_NULL, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_STACK}) {
        Elf64_Phdr ph = load(~0ULL, 0xffffffff80001234, ~0ULL, 1);
        ph.p_type = type;
        EXPECT_EQ(elf_check_phdr(ph, kFile), ElfCheck::Ok) << "type " << type;
        ph.p_type = PT_LOAD;
        EXPECT_EQ(elf_check_phdr(ph, kFile), ElfCheck::BadHeaders);
    }
}

} // namespace
