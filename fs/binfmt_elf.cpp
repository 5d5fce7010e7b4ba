/*
 * Loading ELF64 (x86-64) and ELF32 (i386) programs: static (ET_EXEC),
 * static PIE (ET_DYN without an interpreter) and dynamically linked ones (PT_INTERP: the program and its
 * interpreter, ld.so, are both mapped, and the interpreter starts first with
 * AT_BASE and AT_ENTRY telling it where each is). Segments are file mappings
 * of the page cache, so a program's text is shared, not copied; the initial
 * stack gets argc, argv, envp and the auxiliary vector exactly as Linux lays
 * them out (fs/binfmt_elf.c, create_elf_tables). An i386 image's headers are
 * widened to ELF64's shape as they are read, so one loader serves both (as
 * Linux's compat_binfmt_elf.c compiles binfmt_elf.c a second time); the
 * differences are the layout (4 GiB, fs/compat_binfmt_elf.cpp), the stack's
 * word size and the 32-bit code segment (docs/ia32.md).
 */
#include "../lib/elf.h"
#include <asm/ia32.h>
#include <asm/processor.h>
#include <asm/vdso.h>
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/elf-randomize.h>
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

unsigned long elf_vm_flags(u32 p_flags)
{
    return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) | (p_flags & PF_X ? VM_EXEC : 0);
}

struct elf_layout {
    unsigned long entry;     /* where the program starts (AT_ENTRY) */
    unsigned long phdr_addr;
    unsigned long phnum;
    unsigned long interp_base;  /* AT_BASE: where the interpreter is, or 0 */
    unsigned long vdso_base;    /* AT_SYSINFO_EHDR */
    unsigned long vdso_entry;   /* AT_SYSINFO (i386): __kernel_vsyscall */
    unsigned long start;        /* the first instruction run: the interpreter's entry, if any */
};

/* An ELF image being loaded: its file, header and program headers. */
struct elf_image {
    file* f = nullptr;
    Elf64_Ehdr eh{};
    Elf64_Phdr* ph = nullptr;
    bool ia32 = false; /* an ELF32 i386 image, its headers widened */

    ~elf_image() { kfree(ph); }
    /* Reads and checks the header (from buf, the file's first bytes) and the program headers. */
    Result<void> load_headers(file* from, const void* buf, size_t buf_len)
    {
        f = from;
        inode* i = f->f_inode;
        ia32 = elf_is_ia32(buf, buf_len);
        if (ia32) {
            if (elf32_check_header(buf, buf_len, i->i_size) != ElfCheck::Ok)
                return Errno::ENOEXEC;
            Elf32_Ehdr e32;
            memcpy(&e32, buf, sizeof(e32));
            eh = elf32_widen(e32);
        } else {
            if (elf_check_header(buf, buf_len, i->i_size) != ElfCheck::Ok)
                return Errno::ENOEXEC;
            memcpy(&eh, buf, sizeof(eh));
        }
        size_t entry_size = ia32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
        size_t table = eh.e_phnum * entry_size;
        ph = static_cast<Elf64_Phdr*>(kmalloc(eh.e_phnum * sizeof(Elf64_Phdr)));
        if (!ph)
            return Errno::ENOMEM;
        auto n = kernel_read(f, ph, table, static_cast<loff_t>(eh.e_phoff));
        if (!n.ok() || n.value() != table)
            return Errno::EIO;
        /* Widen in place from the end: each ELF32 entry is below its ELF64 slot. */
        if (ia32)
            for (int k = eh.e_phnum - 1; k >= 0; k--) {
                Elf32_Phdr p32;
                memcpy(&p32, reinterpret_cast<const u8*>(ph) + k * sizeof(Elf32_Phdr), sizeof(p32));
                ph[k] = elf32_widen(p32);
            }
        unsigned long top = ia32 ? IA32_PAGE_OFFSET : TASK_SIZE_MAX;
        for (int k = 0; k < eh.e_phnum; k++)
            if (elf_check_phdr(ph[k], i->i_size, top) != ElfCheck::Ok)
                return Errno::ENOEXEC;
        return {};
    }
    /* The largest power-of-two p_align of the PT_LOAD segments, at least a
     * page, or 0 if none has one (Linux's maximum_alignment). */
    unsigned long max_alignment() const
    {
        unsigned long a = 0;
        for (int k = 0; k < eh.e_phnum; k++)
            if (ph[k].p_type == PT_LOAD && ph[k].p_align && !(ph[k].p_align & (ph[k].p_align - 1)))
                a = max(a, ph[k].p_align);
        return PAGE_ALIGN(a);
    }
    /* The span of the PT_LOAD segments, page-aligned: [lo, hi). */
    void load_span(unsigned long& lo, unsigned long& hi) const
    {
        lo = ~0UL;
        hi = 0;
        for (int k = 0; k < eh.e_phnum; k++) {
            if (ph[k].p_type != PT_LOAD)
                continue;
            lo = min(lo, ph[k].p_vaddr & PAGE_MASK);
            hi = max(hi, PAGE_ALIGN(ph[k].p_vaddr + ph[k].p_memsz));
        }
    }
};

/* Maps an image's PT_LOAD segments at their addresses plus bias. The
 * program's own mapping (not the interpreter's) also sets the code, data and
 * brk boundaries of the address space. */
Result<void> map_segments(mm_struct* mm, const elf_image& img, unsigned long bias, bool is_program, elf_layout& out)
{
    const Elf64_Ehdr& eh = img.eh;
    const Elf64_Phdr* ph = img.ph;
    inode* file = img.f->f_inode;
    unsigned long brk = 0;
    if (is_program)
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
        if (!is_program)
            continue;
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
    if (!is_program)
        return {};
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            out.phdr_addr = ph[i].p_vaddr + bias;
    mm->start_brk = mm->brk = PAGE_ALIGN(brk);
    return {};
}

/*
 * The interpreter named by PT_INTERP, opened for execution as Linux's
 * open_exec does (ENOENT if missing, EACCES without x), and its headers: it
 * must be an ELF image too (ELIBBAD otherwise, as Linux says).
 */
Result<void> open_interpreter(const elf_image& prog, const Elf64_Phdr& interp_ph, elf_image& interp)
{
    if (interp_ph.p_filesz < 2 || interp_ph.p_filesz > PATH_MAX)
        return Errno::ENOEXEC;
    auto* name = static_cast<char*>(kmalloc(interp_ph.p_filesz));
    if (!name)
        return Errno::ENOMEM;
    Result<void> r;
    auto got = kernel_read(prog.f, name, interp_ph.p_filesz, static_cast<loff_t>(interp_ph.p_offset));
    if (!got.ok() || got.value() != interp_ph.p_filesz || name[interp_ph.p_filesz - 1] != 0) {
        r = Errno::ENOEXEC; /* the name must end with its NUL, as Linux checks */
    } else if (auto f = open_exec_file(AT_FDCWD, name, LOOKUP_FOLLOW); !f.ok()) {
        r = f.error();
    } else {
        char buf[sizeof(Elf64_Ehdr)] = {};
        auto n = kernel_read(f.value(), buf, sizeof(buf), 0);
        if (!n.ok())
            r = n.error();
        else if (n.value() != sizeof(buf))
            r = Errno::EIO; /* shorter than an ELF header: Linux's elf_read says EIO */
        else
            r = interp.load_headers(f.value(), buf, n.value());
        if (r.ok() && interp.ia32 != prog.ia32)
            r = Errno::ENOEXEC; /* an interpreter of the other kind: ELIBBAD, as Linux's elf_check_arch */
        if (!interp.f)
            fput(f.value());
        if (!r.ok() && r.error() == Errno::ENOEXEC)
            r = Errno::ELIBBAD;
    }
    kfree(name);
    return r;
}

/* argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL, at a 16-byte aligned
 * sp; in words of 8 bytes, or of 4 for an i386 program. */
Result<unsigned long> create_elf_tables(linux_binprm& bprm, const elf_layout& layout, bool ia32)
{
    mm_struct* mm = bprm.mm;
    /* Randomized, the tables start up to 8 KiB below the strings. */
    unsigned long p = arch_align_stack(bprm.p, bprm.randomize);
    /* Linux puts the platform string and AT_RANDOM's 16 bytes above the tables. */
    const char* platform = ia32 ? "i686" : "x86_64";
    size_t platform_len = strlen(platform) + 1;
    p -= platform_len;
    unsigned long u_platform = p;
    TRY(copy_to_new_mm(mm, p, platform, platform_len));
    u8 random[16];
    get_random_bytes(random, sizeof(random));
    p -= sizeof(random);
    unsigned long u_random = p;
    TRY(copy_to_new_mm(mm, p, random, sizeof(random)));

    const cred* c = bprm.cred;
    unsigned long auxv[] = {
        /* First, as Linux's ARCH_DLINFO (ARCH_DLINFO_IA32: the vDSO's entry
         * too; without an i386 vDSO both pairs are AT_IGNORE, dropped below). */
        ia32 && layout.vdso_base ? AT_SYSINFO : AT_IGNORE, layout.vdso_entry,
        layout.vdso_base ? AT_SYSINFO_EHDR : AT_IGNORE, layout.vdso_base,
        AT_MINSIGSTKSZ, ia32 ? sigframe_size_ia32() : sigframe_size(),
        AT_HWCAP, cpuid(1).edx,
        AT_PAGESZ, PAGE_SIZE,
        AT_CLKTCK, 100,
        AT_PHDR, layout.phdr_addr,
        AT_PHENT, ia32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr),
        AT_PHNUM, layout.phnum,
        AT_BASE, layout.interp_base,
        AT_FLAGS, 0,
        AT_ENTRY, layout.entry,
        AT_UID, c->uid,
        AT_EUID, c->euid,
        AT_GID, c->gid,
        AT_EGID, c->egid,
        AT_SECURE, bprm.secureexec ? 1UL : 0UL,
        AT_RANDOM, u_random,
        AT_HWCAP2, elf_hwcap2(),
        AT_EXECFN, bprm.exec,
        AT_PLATFORM, u_platform,
        AT_NULL, 0,
    };
    static_assert(sizeof(auxv) <= sizeof(mm->auxv));
    /* The pairs that apply, packed; mm->auxv (/proc/PID/auxv) in the
     * program's word size, as Linux saves it. */
    constexpr size_t n_aux = sizeof(auxv) / sizeof(auxv[0]);
    unsigned long packed[n_aux];
    size_t n = 0;
    for (size_t k = 0; k < n_aux; k += 2)
        if (auxv[k] != AT_IGNORE)
            packed[n++] = auxv[k], packed[n++] = auxv[k + 1];
    size_t word = ia32 ? 4 : 8;
    memset(mm->auxv, 0, sizeof(mm->auxv));
    for (size_t k = 0; k < n; k++) {
        if (ia32) {
            u32 v = static_cast<u32>(packed[k]);
            memcpy(reinterpret_cast<u8*>(mm->auxv) + k * 4, &v, 4);
        } else {
            mm->auxv[k] = packed[k];
        }
    }

    unsigned long items = 1 + bprm.argc + 1 + bprm.envc + 1;
    unsigned long sp = (p - (items + n) * word) & ~15UL;
    unsigned long at = sp;
    auto push = [&](unsigned long v) -> Result<void> {
        u32 v32 = static_cast<u32>(v);
        TRY(copy_to_new_mm(mm, at, ia32 ? static_cast<const void*>(&v32) : &v, word));
        at += word;
        return {};
    };
    TRY(push(bprm.argc));
    /* The strings sit contiguously from bprm.p: argv's, then envp's. */
    unsigned long str = bprm.p;
    mm->arg_start = str;
    for (int i = 0; i < bprm.argc; i++) {
        TRY(push(str));
        str += TRY(new_mm_strlen(mm, str)) + 1;
    }
    TRY(push(0)); /* argv's NULL, also when there is no environment */
    mm->arg_end = mm->env_start = str;
    for (int i = 0; i < bprm.envc; i++) {
        TRY(push(str));
        str += TRY(new_mm_strlen(mm, str)) + 1;
    }
    mm->env_end = str;
    TRY(push(0));
    /* The auxiliary vector in one copy: mm->auxv holds it in the program's
     * word size already (a copy per word walked the page tables 40 times:
     * fork + exec + wait cost 28 % more). */
    TRY(copy_to_new_mm(mm, at, mm->auxv, n * word));
    mm->start_stack = sp;
    return sp;
}

} // namespace

Result<void> load_elf_binary(linux_binprm& bprm)
{
    elf_image prog, interp;
    TRY(prog.load_headers(bprm.file, bprm.buf, sizeof(bprm.buf)));
    Result<void> r;
    for (int k = 0; k < prog.eh.e_phnum; k++) {
        if (prog.ph[k].p_type != PT_INTERP)
            continue;
        if (interp.f) {
            fput(interp.f);
            return Errno::EINVAL; /* two interpreters: Linux refuses too */
        }
        r = open_interpreter(prog, prog.ph[k], interp);
        if (!r.ok()) {
            if (interp.f)
                fput(interp.f);
            return r;
        }
    }
    do {
        mm_struct* mm = bprm.mm;
        bool ia32 = prog.ia32;
        /* exec built the stack for the kind it saw in the file's first
         * bytes; a #! script naming an interpreter of the other kind would
         * need it moved (Linux's setup_arg_pages), which Trapgate does not do. */
        if (ia32 != bprm.ia32) {
            r = Errno::ENOEXEC;
            break;
        }
        mm->mmap_base = ia32 ? mmap_base_ia32(rlimit(RLIMIT_STACK), bprm.randomize)
                             : mmap_base(rlimit(RLIMIT_STACK), bprm.randomize);
        /* Where the program goes, as Linux decides: an ET_EXEC at its
         * addresses; a PIE with an interpreter at 2/3 of the address space
         * plus 28 random bits of pages, aligned to its segments' largest
         * alignment; a PIE without one (a static PIE, or ld.so run as a
         * program) in the mmap area, as a library would be. */
        unsigned long bias = 0;
        if (prog.eh.e_type == ET_DYN) {
            unsigned long lo, hi;
            prog.load_span(lo, hi);
            if (interp.f) {
                unsigned long base = ia32 ? IA32_ELF_ET_DYN_BASE + arch_mmap_rnd_ia32(bprm.randomize)
                                          : ELF_ET_DYN_BASE + arch_mmap_rnd(bprm.randomize);
                if (unsigned long align = prog.max_alignment())
                    base &= ~(align - 1);
                bias = (base - lo) & PAGE_MASK;
            } else {
                unsigned long at = hi > lo ? get_unmapped_area(mm, hi - lo) : 0;
                if (!at) {
                    r = Errno::ENOMEM;
                    break;
                }
                bias = at - lo;
            }
        }
        elf_layout layout{prog.eh.e_entry + bias, 0, prog.eh.e_phnum, 0, 0, 0, prog.eh.e_entry + bias};
        if (!(r = map_segments(mm, prog, bias, true, layout)).ok())
            break;
        /* The heap: after the program, or, for a PIE without interpreter
         * (whose end is in the mmap area), at ELF_ET_DYN_BASE; with
         * randomize_va_space 2 a page further and a random page in the next
         * gigabyte. */
        bool brk_moved = prog.eh.e_type == ET_DYN && !interp.f;
        if (brk_moved)
            mm->start_brk = mm->brk = PAGE_ALIGN(ia32 ? IA32_ELF_ET_DYN_BASE : ELF_ET_DYN_BASE);
        if (bprm.randomize_brk) {
            if (!brk_moved)
                mm->start_brk = mm->brk = mm->brk + PAGE_SIZE;
            mm->start_brk = mm->brk = ia32 ? arch_randomize_brk_ia32(mm->brk) : arch_randomize_brk(mm->brk);
        }
        if (interp.f) {
            /* The interpreter, whole, in the first free range below mmap_base. */
            unsigned long lo, hi;
            interp.load_span(lo, hi);
            unsigned long at = hi > lo ? get_unmapped_area(mm, hi - lo) : 0;
            if (!at) {
                r = Errno::ENOMEM;
                break;
            }
            unsigned long ibias = interp.eh.e_type == ET_DYN ? at - lo : 0;
            if (!(r = map_segments(mm, interp, ibias, false, layout)).ok())
                break;
            layout.interp_base = ibias;
            layout.start = interp.eh.e_entry + ibias;
        }
        /* The vDSO, above the stack if there is room (arch/x86_64/kernel/vdso.cpp). */
        mm->start_stack = bprm.p;
        if (ia32)
            ia32_setup_additional_pages(mm, layout.vdso_base, layout.vdso_entry);
        else
            layout.vdso_base = arch_setup_additional_pages(mm);
        /* The ids the program runs with, for the auxiliary vector too. */
        bprm.secureexec = exec_compute_creds(bprm.cred, bprm.file->f_inode);
        auto sp = create_elf_tables(bprm, layout, ia32);
        if (!sp.ok()) {
            r = sp.error();
            break;
        }
        begin_new_exec(bprm);
        if (ia32)
            start_thread_ia32(current_pt_regs(), layout.start, sp.value());
        else
            start_thread(current_pt_regs(), layout.start, sp.value());
    } while (false);
    if (interp.f)
        fput(interp.f);
    return r;
}
