/*
 * Loading static ELF64 programs (ET_EXEC, and ET_DYN: static PIE). Segments
 * are file mappings of the page cache, so a program's text is shared, not
 * copied; the initial stack gets argc, argv, envp and the auxiliary vector
 * exactly as Linux lays them out (fs/binfmt_elf.c, create_elf_tables).
 */
#include "../lib/elf.h"
#include <asm/processor.h>
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

constexpr unsigned long ELF_ET_DYN_BASE = 0x555555554000UL;
constexpr unsigned long MMAP_GAP = 128UL << 20;

unsigned long elf_vm_flags(u32 p_flags)
{
    return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) | (p_flags & PF_X ? VM_EXEC : 0);
}

struct elf_layout {
    unsigned long entry;
    unsigned long phdr_addr;
    unsigned long phnum;
};

Result<void> map_segments(linux_binprm& bprm, const Elf64_Ehdr& eh, const Elf64_Phdr* ph, unsigned long bias,
                          elf_layout& out)
{
    mm_struct* mm = bprm.mm;
    inode* file = bprm.file->f_inode;
    unsigned long brk = 0;
    mm->start_code = ~0UL;
    for (int i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr& p = ph[i];
        if (p.p_type != PT_LOAD)
            continue;
        unsigned long flags = elf_vm_flags(p.p_flags);
        unsigned long vaddr = p.p_vaddr + bias;
        unsigned long start = vaddr & PAGE_MASK;
        unsigned long file_end = vaddr + p.p_filesz;
        unsigned long mem_end = vaddr + p.p_memsz;
        if (p.p_filesz)
            TRY(mmap_region(mm, start, PAGE_ALIGN(file_end) - start, flags, file, p.p_offset >> PAGE_SHIFT));
        /* .bss: the rest of the last file page reads as zeroes, then anonymous pages. */
        if (p.p_memsz > p.p_filesz) {
            if (p.p_filesz && (file_end & ~PAGE_MASK) && (flags & VM_WRITE))
                TRY(clear_in_new_mm(mm, file_end, PAGE_ALIGN(file_end) - file_end));
            unsigned long anon_start = p.p_filesz ? PAGE_ALIGN(file_end) : start;
            if (PAGE_ALIGN(mem_end) > anon_start)
                TRY(mmap_region(mm, anon_start, PAGE_ALIGN(mem_end) - anon_start, flags, nullptr, 0));
        }
        if (p.p_flags & PF_X) {
            mm->start_code = min(mm->start_code, start);
            mm->end_code = max(mm->end_code, file_end);
        } else {
            mm->start_data = mm->start_data ? min(mm->start_data, vaddr) : vaddr;
            mm->end_data = max(mm->end_data, file_end);
        }
        brk = max(brk, mem_end);
        /* Where the program headers are in memory, for AT_PHDR. */
        if (!out.phdr_addr && eh.e_phoff >= p.p_offset && eh.e_phoff < p.p_offset + p.p_filesz)
            out.phdr_addr = eh.e_phoff - p.p_offset + vaddr;
    }
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            out.phdr_addr = ph[i].p_vaddr + bias;
    mm->start_brk = mm->brk = PAGE_ALIGN(brk);
    return {};
}

/* argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL, at a 16-byte aligned sp. */
Result<unsigned long> create_elf_tables(linux_binprm& bprm, const elf_layout& layout)
{
    mm_struct* mm = bprm.mm;
    unsigned long p = bprm.p;
    /* Linux puts the platform string and AT_RANDOM's 16 bytes above the tables. */
    static const char platform[] = "x86_64";
    p -= sizeof(platform);
    unsigned long u_platform = p;
    TRY(copy_to_new_mm(mm, p, platform, sizeof(platform)));
    u8 random[16];
    get_random_bytes(random, sizeof(random));
    p -= sizeof(random);
    unsigned long u_random = p;
    TRY(copy_to_new_mm(mm, p, random, sizeof(random)));

    const cred* c = current_cred();
    unsigned long auxv[] = {
        AT_MINSIGSTKSZ, sigframe_size(), /* first, as Linux's ARCH_DLINFO */
        AT_HWCAP, cpuid(1).edx,
        AT_PAGESZ, PAGE_SIZE,
        AT_CLKTCK, 100,
        AT_PHDR, layout.phdr_addr,
        AT_PHENT, sizeof(Elf64_Phdr),
        AT_PHNUM, layout.phnum,
        AT_BASE, 0,
        AT_FLAGS, 0,
        AT_ENTRY, layout.entry,
        AT_UID, c->uid,
        AT_EUID, c->euid,
        AT_GID, c->gid,
        AT_EGID, c->egid,
        AT_SECURE, 0,
        AT_RANDOM, u_random,
        AT_HWCAP2, elf_hwcap2(),
        AT_EXECFN, bprm.exec,
        AT_PLATFORM, u_platform,
        AT_NULL, 0,
    };
    static_assert(sizeof(auxv) <= sizeof(mm->auxv));
    memcpy(mm->auxv, auxv, sizeof(auxv));

    unsigned long items = 1 + bprm.argc + 1 + bprm.envc + 1;
    unsigned long sp = (p - items * sizeof(long) - sizeof(auxv)) & ~15UL;
    unsigned long at = sp;
    auto push = [&](unsigned long v) -> Result<void> {
        TRY(copy_to_new_mm(mm, at, &v, sizeof(v)));
        at += sizeof(v);
        return {};
    };
    TRY(push(bprm.argc));
    /* The strings sit contiguously from bprm.p: argv's, then envp's. */
    unsigned long str = bprm.p;
    mm->arg_start = str;
    for (int i = 0; i < bprm.argc + bprm.envc; i++) {
        if (i == bprm.argc) {
            TRY(push(0));
            mm->arg_end = mm->env_start = str;
        }
        TRY(push(str));
        str += TRY(new_mm_strlen(mm, str)) + 1;
    }
    if (bprm.envc == 0)
        mm->arg_end = mm->env_start = str;
    mm->env_end = str;
    TRY(push(0));
    TRY(copy_to_new_mm(mm, at, auxv, sizeof(auxv)));
    mm->start_stack = sp;
    return sp;
}

} // namespace

Result<void> load_elf_binary(linux_binprm& bprm)
{
    inode* i = bprm.file->f_inode;
    switch (elf_check_header(bprm.buf, sizeof(bprm.buf), i->i_size)) {
    case ElfCheck::Ok:
        break;
    default:
        return Errno::ENOEXEC;
    }
    Elf64_Ehdr eh;
    memcpy(&eh, bprm.buf, sizeof(eh));
    size_t table = eh.e_phnum * sizeof(Elf64_Phdr);
    auto* ph = static_cast<Elf64_Phdr*>(kmalloc(table));
    if (!ph)
        return Errno::ENOMEM;
    Result<void> r;
    do {
        auto n = kernel_read(bprm.file, ph, table, static_cast<loff_t>(eh.e_phoff));
        if (!n.ok() || n.value() != table) {
            r = Errno::EIO;
            break;
        }
        for (int k = 0; k < eh.e_phnum && r.ok(); k++) {
            if (elf_check_phdr(ph[k], i->i_size) != ElfCheck::Ok)
                r = Errno::ENOEXEC;
            else if (ph[k].p_type == PT_INTERP) {
                /* A dynamically linked program: Linux would load its
                 * interpreter; Trapgate runs static programs only. Missing
                 * interpreter: ENOENT, as Linux says. */
                char interp[PATH_MAX];
                size_t len = min<size_t>(ph[k].p_filesz, sizeof(interp) - 1);
                auto got = kernel_read(bprm.file, interp, len, static_cast<loff_t>(ph[k].p_offset));
                interp[got.ok() ? got.value() : 0] = 0;
                auto found = kern_path(interp, LOOKUP_FOLLOW);
                if (found.ok())
                    path_put(found.value());
                r = found.ok() ? Errno::ENOEXEC : Errno::ENOENT;
            }
        }
        if (!r.ok())
            break;
        unsigned long bias = eh.e_type == ET_DYN ? ELF_ET_DYN_BASE : 0;
        elf_layout layout{eh.e_entry + bias, 0, eh.e_phnum};
        if (!(r = map_segments(bprm, eh, ph, bias, layout)).ok())
            break;
        bprm.mm->mmap_base = STACK_TOP - MMAP_GAP - max<unsigned long>(rlimit(RLIMIT_STACK), 8UL << 20);
        auto sp = create_elf_tables(bprm, layout);
        if (!sp.ok()) {
            r = sp.error();
            break;
        }
        begin_new_exec(bprm);
        start_thread(current_pt_regs(), layout.entry, sp.value());
    } while (false);
    kfree(ph);
    return r;
}
