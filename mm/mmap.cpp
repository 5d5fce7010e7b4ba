/*
 * Address-space areas, and the system calls that shape them: brk, mmap,
 * munmap, mprotect, msync (mremap and madvise have files of their own).
 * Areas are in a range tree (find_vma, free gaps: O(log n)) and a sorted
 * list (in-order walks); every change goes through vma_link, vma_unlink and
 * vma_set_range, which keep both and the counts. Adjacent areas that differ
 * in nothing but their addresses merge, as Linux's vma_merge does.
 */
#include <asm/ia32.h>
#include <asm/pgtable.h>
#include <linux/aio.h>
#include <linux/cred.h>
#include <linux/elf-randomize.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/aio.h>
#include <linux/mm.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/mman.h>

/* The pages are released only after every CPU has flushed the entries that
 * mapped them (a thread on another CPU could still write through a stale
 * one): a batch at a time, Linux's mmu_gather in small. */
void zap_page_range(mm_struct* mm, unsigned long start, unsigned long end)
{
    constexpr int BATCH = 64;
    page* gathered[BATCH];
    int n = 0;
    auto release = [&] {
        flush_tlb_mm_others(mm);
        for (int i = 0; i < n; i++)
            put_page(gathered[i]);
        n = 0;
    };
    for_each_present_pte(mm->pgd, start, end, [&](pteval_t* pte, unsigned long va) {
        gathered[n++] = phys_to_page(pte_phys(*pte));
        *pte = 0;
        flush_tlb_one(va);
        mm->rss--;
        if (n == BATCH)
            release();
    });
    if (n)
        release();
}

namespace {

void free_vma(vm_area_struct* vma)
{
    if (vma->vm_file && vma->vm_file->i_vm_ops && vma->vm_file->i_vm_ops->close)
        vma->vm_file->i_vm_ops->close(vma);
    if (vma->vm_file)
        iput(vma->vm_file);
    delete vma;
}

vm_area_struct* new_vma(unsigned long start, unsigned long end, unsigned long flags, inode* file, unsigned long pgoff)
{
    auto* vma = new vm_area_struct{};
    if (!vma)
        return nullptr;
    vma->vm_start = start;
    vma->vm_end = end;
    vma->vm_flags = flags;
    vma->vm_file = file;
    vma->vm_pgoff = pgoff;
    if (file)
        ihold(file);
    if (file && file->i_vm_ops && file->i_vm_ops->open)
        file->i_vm_ops->open(vma);
    return vma;
}

unsigned long vma_pages(const vm_area_struct* v) { return (v->vm_end - v->vm_start) >> PAGE_SHIFT; }

/* Puts an area (clear of all others) into the tree and the list. */
void vma_link(mm_struct* mm, vm_area_struct* vma)
{
    rb_node* before = mm->mm_rb.find_prev(vma->vm_start);
    vm_area_struct* prev = before ? vma_range_traits::vma(before) : nullptr;
    vm_area_struct* next = prev ? prev->vm_next : mm->mmap;
    vma->vm_prev = prev;
    vma->vm_next = next;
    if (prev)
        prev->vm_next = vma;
    else
        mm->mmap = vma;
    if (next)
        next->vm_prev = vma;
    mm->mm_rb.insert(&vma->vm_rb);
    mm->total_vm += vma_pages(vma);
    mm->map_count++;
}

void vma_unlink(mm_struct* mm, vm_area_struct* vma)
{
    if (vma->vm_prev)
        vma->vm_prev->vm_next = vma->vm_next;
    else
        mm->mmap = vma->vm_next;
    if (vma->vm_next)
        vma->vm_next->vm_prev = vma->vm_prev;
    mm->mm_rb.erase(&vma->vm_rb);
    mm->total_vm -= vma_pages(vma);
    mm->map_count--;
}

/* Can b, starting where a ends, become part of a? The same flags and file,
 * the file's pages continuing (anonymous memory has none to continue). */
bool can_merge(const vm_area_struct* a, const vm_area_struct* b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
        return false;
    if (a->vm_file && a->vm_file->i_vm_ops && a->vm_file->i_vm_ops->close)
        return false; /* each area was counted open by its object (shm_nattch) */
    return !a->vm_file || a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/* Linux's heuristic overcommit (mode 0): private writable memory may be
 * promised beyond what is free, but not a single request larger than all of
 * RAM (there is no swap). */
bool vm_enough_memory(unsigned long len, unsigned long vm_flags)
{
    if (!(vm_flags & VM_WRITE) || (vm_flags & VM_SHARED))
        return true;
    return (len >> PAGE_SHIFT) <= totalram_pages();
}

} // namespace

vm_area_struct* vma_merge(mm_struct* mm, vm_area_struct* vma)
{
    if (vm_area_struct* next = vma->vm_next; next && can_merge(vma, next)) {
        unsigned long end = next->vm_end;
        vma_unlink(mm, next);
        free_vma(next);
        vma_set_range(mm, vma, vma->vm_start, end);
    }
    if (vm_area_struct* prev = vma->vm_prev; prev && can_merge(prev, vma)) {
        unsigned long end = vma->vm_end;
        vma_unlink(mm, vma);
        free_vma(vma);
        vma_set_range(mm, prev, prev->vm_start, end);
        return prev;
    }
    return vma;
}

Result<void> split_vma(mm_struct* mm, vm_area_struct* vma, unsigned long addr)
{
    unsigned long pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
    auto* high = new_vma(addr, vma->vm_end, vma->vm_flags, vma->vm_file, pgoff);
    if (!high)
        return Errno::ENOMEM;
    vma_set_range(mm, vma, vma->vm_start, addr);
    vma_link(mm, high);
    return {};
}

bool may_expand_vm(mm_struct* mm, unsigned long len)
{
    unsigned long limit = rlimit(RLIMIT_AS);
    if (limit == RLIM_INFINITY)
        return true;
    return (mm->total_vm << PAGE_SHIFT) + len <= limit;
}

bool range_is_free(mm_struct* mm, unsigned long start, unsigned long end)
{
    return !mm->mm_rb.overlaps(start, end);
}

bool range_is_mapped(mm_struct* mm, unsigned long start, unsigned long end)
{
    unsigned long covered = start;
    for (auto* v = find_vma(mm, start); v && covered < end; v = v->vm_next) {
        if (v->vm_start > covered)
            break;
        covered = v->vm_end;
    }
    return covered >= end;
}

void unmap_mapping_range(inode* file, unsigned long first_index)
{
    /* Every address space once (threads share theirs), every area of the file. */
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        mm_struct* mm = t->mm;
        if (!mm || !thread_group_leader(t))
            continue;
        for (auto* v = mm->mmap; v; v = v->vm_next) {
            if (v->vm_file != file)
                continue;
            unsigned long pages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;
            if (v->vm_pgoff + pages <= first_index)
                continue;
            unsigned long from = first_index > v->vm_pgoff ? v->vm_start + ((first_index - v->vm_pgoff) << PAGE_SHIFT)
                                                           : v->vm_start;
            zap_page_range(mm, from, v->vm_end);
        }
    }
}

mm_struct* mm_alloc()
{
    auto* mm = static_cast<mm_struct*>(kzalloc(sizeof(mm_struct)));
    if (!mm)
        return nullptr;
    mm->task_size = TASK_SIZE;
    mm->pgd = pgd_alloc();
    if (!mm->pgd) {
        kfree(mm);
        return nullptr;
    }
    mm->users = 1;
    return mm;
}

void mmput(mm_struct* mm)
{
    if (--mm->users > 0)
        return;
    exit_aio(mm);
    for (auto* v = mm->mmap; v;) {
        auto* next = v->vm_next;
        zap_page_range(mm, v->vm_start, v->vm_end);
        free_vma(v); /* the whole tree goes: no need to unlink one by one */
        v = next;
    }
    if (mm->exe_file) {
        allow_write_access(mm->exe_file);
        iput(mm->exe_file);
    }
    destroy_context_ldt(mm);
    if (read_cr3() == mm->pgd)
        write_cr3(init_pgd);
    pgd_free(mm->pgd);
    kfree(mm);
}

mm_struct* dup_mm(mm_struct* old)
{
    mm_struct* mm = mm_alloc();
    if (!mm)
        return nullptr;
    phys_addr_t pgd = mm->pgd;
    *mm = *old;
    mm->pgd = pgd;
    mm->users = 1;
    mm->mmap = nullptr;
    mm->mm_rb = {};
    mm->total_vm = 0;
    mm->map_count = 0;
    mm->rss = mm->hiwater_rss = 0;
    mm->def_flags = 0; /* mlockall(MCL_FUTURE) is not inherited */
    if (!ldt_dup_context(old, mm)) {
        mm->exe_file = nullptr;
        mmput(mm);
        return nullptr;
    }
    if (mm->exe_file) {
        ihold(mm->exe_file);
        deny_write_access(mm->exe_file);
    }
    for (auto* v = old->mmap; v; v = v->vm_next) {
        if (v->vm_flags & VM_DONTCOPY)
            continue; /* MADV_DONTFORK: not in the child at all */
        /* Locks are not inherited (Linux's dup_mmap). */
        auto* copy = new_vma(v->vm_start, v->vm_end, v->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT), v->vm_file,
                             v->vm_pgoff);
        if (!copy) {
            mmput(mm);
            return nullptr;
        }
        vma_link(mm, copy);
        if (v->vm_flags & VM_WIPEONFORK)
            continue; /* the child's copy starts empty: zero pages on demand */
        bool cow = !(v->vm_flags & VM_SHARED);
        bool failed = false;
        for_each_present_pte(old->pgd, v->vm_start, v->vm_end, [&](pteval_t* src, unsigned long va) {
            pteval_t* dst = failed ? nullptr : alloc_pte(mm->pgd, va);
            if (!dst) {
                failed = true;
                return;
            }
            if (cow && (*src & _PAGE_RW)) {
                *src &= ~_PAGE_RW; /* both copies fault on write and get their own page */
                flush_tlb_one(va);
            }
            *dst = *src;
            get_page(phys_to_page(pte_phys(*src)));
            mm_rss_add(mm, 1);
        });
        if (failed) {
            flush_tlb_mm_others(old);
            mmput(mm);
            return nullptr;
        }
    }
    flush_tlb_mm_others(old); /* the parent's other threads lose write access too */
    return mm;
}

vm_area_struct* find_vma(mm_struct* mm, unsigned long addr)
{
    rb_node* n = mm->mm_rb.find(addr);
    return n ? vma_range_traits::vma(n) : nullptr;
}

void vma_set_range(mm_struct* mm, vm_area_struct* vma, unsigned long start, unsigned long end)
{
    mm->total_vm -= vma_pages(vma);
    vma->vm_start = start;
    vma->vm_end = end;
    mm->total_vm += vma_pages(vma);
    range_tree<vma_range_traits>::update(&vma->vm_rb);
}

unsigned long get_unmapped_area(mm_struct* mm, unsigned long len)
{
    /* Top-down below mmap_base, as Linux lays out 64-bit processes: the
     * highest gap that fits, found in the tree. A call through int $0x80
     * gets an address an i386 caller can hold: below 4 GiB, under the top
     * of a 32-bit address space (Linux's mmap_compat_base, whose exact
     * place, below the 32-bit stack, the 32-bit loader's layout decides). */
    constexpr unsigned long IA32_PAGE_OFFSET = 0xffffe000UL;
    unsigned long top = in_compat_syscall() ? min(mm->mmap_base, IA32_PAGE_OFFSET) : mm->mmap_base;
    unsigned long addr;
    return mm->mm_rb.gap_topdown(len, MMAP_MIN_ADDR, min(top, mm->task_size), &addr) ? addr : 0;
}

/* MAP_32BIT in a 64-bit program: bottom-up in [1 GiB, 2 GiB), from a random
 * page in its first 32 MiB when the layout is randomized (Linux's
 * find_start_end). An i386 program's mappings are all below 4 GiB anyway. */
unsigned long get_unmapped_area_32bit(mm_struct* mm, unsigned long len)
{
    unsigned long begin = 0x40000000UL, end = 0x80000000UL;
    if (exec_randomizes(current->personality))
        begin = randomize_page(begin, 0x02000000UL);
    unsigned long addr;
    return mm->mm_rb.gap_bottomup(len, begin, end, &addr) ? addr : 0;
}

/* mmap with the offset in pages (i386's mmap2, the old mmap's arguments). */
SyscallResult ksys_mmap_pgoff(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
                              int fd, unsigned long pgoff);

Result<void> do_munmap(mm_struct* mm, unsigned long start, unsigned long len)
{
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    TRY(check_user_range(start, len, Errno::EINVAL));
    unsigned long end = start + PAGE_ALIGN(len);
    if (end == start)
        return Errno::EINVAL;
    TRY(for_each_vma_in(mm, start, end, [](vm_area_struct*) -> Result<void> { return {}; }));
    for (auto* v = find_vma(mm, start); v && v->vm_start < end;) {
        auto* next = v->vm_next;
        zap_page_range(mm, v->vm_start, v->vm_end);
        vma_unlink(mm, v);
        free_vma(v);
        v = next;
    }
    return {};
}

Result<void> mmap_region(mm_struct* mm, unsigned long addr, unsigned long len, unsigned long vm_flags, inode* file,
                         unsigned long pgoff)
{
    TRY(do_munmap(mm, addr, len));
    vm_flags |= mm->def_flags; /* mlockall(MCL_FUTURE) */
    if (!(vm_flags & VM_SHARED))
        vm_flags |= VM_MAY_ALL; /* private memory may always be made writable (it is copied first) */
    auto* vma = new_vma(addr, addr + PAGE_ALIGN(len), vm_flags, file, pgoff);
    if (!vma)
        return Errno::ENOMEM;
    vma_link(mm, vma);
    vma_merge(mm, vma);
    return {};
}

unsigned long calc_vm_prot_bits(unsigned long prot)
{
    return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* ---- brk ---- */

SYSCALL_DEFINE1(brk, UserAddr, brk)
{
    mm_struct* mm = current->mm;
    /* Linux answers every failure with the current break. */
    if (brk < mm->start_brk)
        return mm->brk;
    unsigned long old_end = PAGE_ALIGN(mm->brk);
    unsigned long new_end = PAGE_ALIGN(brk); /* 0 when brk is in the last page of the address space */
    if (new_end == old_end) {
        mm->brk = brk;
        return brk;
    }
    if (brk <= mm->brk) {
        /* Shrinking is always allowed. */
        if (!do_munmap(mm, new_end, old_end - new_end).ok())
            return mm->brk;
        mm->brk = brk;
        return brk;
    }
    /* Growing: the new part must be user space (Linux's check_brk_limits),
     * free, below the mmap area, and within the memory limits. */
    unsigned long grow = new_end - old_end;
    if (!range_in_user_space(old_end, grow) || new_end > mm->mmap_base || !range_is_free(mm, old_end, new_end) ||
        !vm_enough_memory(new_end - mm->start_brk, VM_WRITE) || !may_expand_vm(mm, grow))
        return mm->brk;
    /* Grow the heap area if it ends where we start; else a new one. */
    vm_area_struct* heap = find_vma(mm, old_end - 1);
    /* As mmap_region makes it; locked after mlockall(MCL_FUTURE). */
    unsigned long flags = VM_READ | VM_WRITE | VM_MAY_ALL | mm->def_flags;
    if (!mlock_future_ok(mm, flags, grow))
        return mm->brk;
    if (heap && heap->vm_end == old_end && !heap->vm_file && heap->vm_flags == flags && old_end > mm->start_brk)
        vma_set_range(mm, heap, heap->vm_start, new_end);
    else if (!mmap_region(mm, old_end, grow, flags, nullptr, 0).ok())
        return mm->brk;
    mm->brk = brk;
    if ((mm->def_flags & (VM_LOCKED | VM_LOCKONFAULT)) == VM_LOCKED)
        mm_populate(mm, old_end, grow);
    return brk;
}

/* ---- mmap, munmap, mprotect ---- */

namespace {

/*
 * Where a mapping of len (page-aligned, non-zero) bytes goes, as Linux's
 * get_unmapped_area decides: MAP_FIXED takes addr as it is; otherwise a hint
 * is used when the whole range is user space and free, and else the search
 * picks a place. Then the range must be user space (ENOMEM), aligned
 * (EINVAL), and at or above mmap_min_addr unless CAP_SYS_RAWIO (EPERM).
 */
Result<unsigned long> mmap_address(mm_struct* mm, unsigned long addr, unsigned long len, unsigned long flags)
{
    /* An i386 program's space ends at 4 GiB (mm->task_size). */
    unsigned long task_size = mm->task_size;
    if (len > task_size)
        return Errno::ENOMEM;
    if (!(flags & MAP_FIXED)) {
        /* Linux's round_hint_to_min: a low hint means the lowest allowed address. */
        addr &= PAGE_MASK;
        if (addr && addr < MMAP_MIN_ADDR)
            addr = MMAP_MIN_ADDR;
        /* MAP_32BIT in a 64-bit program: a hint only below 2 GiB (Linux's bottom-up search). */
        bool map32 = (flags & MAP_32BIT) && task_size == TASK_SIZE;
        if (map32 && addr + len > 0x80000000UL)
            addr = 0;
        if (!addr || addr > task_size - len || !range_is_free(mm, addr, addr + len))
            addr = map32 ? get_unmapped_area_32bit(mm, len) : get_unmapped_area(mm, len);
        if (!addr)
            return Errno::ENOMEM;
    }
    TRY(check_user_range(addr, len, Errno::ENOMEM));
    if (addr > task_size - len)
        return Errno::ENOMEM;
    if (addr & ~PAGE_MASK)
        return Errno::EINVAL;
    if (addr < MMAP_MIN_ADDR && !capable(CAP_SYS_RAWIO))
        return Errno::EPERM;
    return addr;
}

/* The file side of mmap (Linux's order of checks): the area's flags, or why not. */
/* Linux's file_mmap_ok: the mapping's last byte must be a file offset the
 * file can have (LLONG_MAX for a regular file), else EOVERFLOW. */
bool file_mmap_ok(file* f, unsigned long pgoff, unsigned long len)
{
    unsigned long maxsize = S_ISREG(f->f_inode->i_mode) || S_ISSOCK(f->f_inode->i_mode) ? ~0UL >> 1 : ~0UL;
    if (len > maxsize)
        return false;
    return pgoff <= (maxsize - len) >> PAGE_SHIFT;
}

Result<unsigned long> mmap_file_flags(file* f, unsigned long flags, unsigned long prot, unsigned long vm_flags)
{
    /* The flags MAP_SHARED has always ignored when unknown; MAP_SHARED_VALIDATE
     * refuses anything else (Linux's LEGACY_MAP_MASK). */
    constexpr unsigned long MAP_UNINITIALIZED = 0x4000000;
    constexpr unsigned long LEGACY_MAP_MASK = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
                                              MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |
                                              MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB;
    bool readable = f->f_mode & FMODE_READ, writable = f->f_mode & FMODE_WRITE;
    switch (flags & MAP_TYPE) {
    case MAP_SHARED_VALIDATE:
        if (flags & ~LEGACY_MAP_MASK)
            return Errno::EOPNOTSUPP;
        [[fallthrough]];
    case MAP_SHARED:
        if ((prot & PROT_WRITE) && !writable)
            return Errno::EACCES;
        /* A memfd sealed against writes: no writable shared mapping (EPERM),
         * and a read-only one that mprotect cannot make writable (Linux's
         * memfd_check_seals_mmap). */
        if ((prot & PROT_WRITE) && (f->f_inode->i_seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
            return Errno::EPERM;
        vm_flags |= VM_SHARED;
        if (!writable || (f->f_inode->i_seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
            vm_flags &= ~VM_MAYWRITE;
        [[fallthrough]];
    case MAP_PRIVATE:
        if (!readable)
            return Errno::EACCES;
        if (!f->f_inode->i_mapping_ok)
            return Errno::ENODEV;
        if (flags & MAP_GROWSDOWN)
            return Errno::EINVAL; /* only anonymous private memory grows */
        return vm_flags;
    default:
        return Errno::EINVAL;
    }
}

} // namespace

SYSCALL_DEFINE6(mmap, UserAddr, addr, unsigned long, len, ProtFlags, prot, MapFlags, flags,
                int, fd, unsigned long, off)
{
    mm_struct* mm = current->mm;
    if (off & ~PAGE_MASK)
        return Errno::EINVAL;
    file* f = nullptr;
    if (!(flags & MAP_ANONYMOUS) && !(f = fget(fd)))
        return Errno::EBADF;
    /* The rest in do_mmap's order: length, address, then the kind of mapping. */
    Result<unsigned long> where = Errno::EINVAL;
    unsigned long type = flags & MAP_TYPE;
    if ((prot & PROT_READ) && (current->personality & READ_IMPLIES_EXEC))
        prot |= PROT_EXEC; /* personality(2): what may be read may be run */
    unsigned long vm_flags = calc_vm_prot_bits(prot) | VM_MAY_ALL;
    inode* file_inode = nullptr;
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    if (len == 0) {
        where = Errno::EINVAL;
    } else if (!(len = PAGE_ALIGN(len))) {
        where = Errno::ENOMEM;
    } else if ((where = mmap_address(mm, addr, len, flags)).ok()) {
        addr = where.value();
        if ((flags & MAP_FIXED_NOREPLACE) && !range_is_free(mm, addr, addr + len)) {
            where = Errno::EEXIST;
        } else if (f && !file_mmap_ok(f, off >> PAGE_SHIFT, len)) {
            where = Errno::EOVERFLOW;
        } else if (f) {
            auto fl = mmap_file_flags(f, flags, prot, vm_flags);
            if (fl.ok()) {
                vm_flags = fl.value();
                file_inode = f->f_inode;
            } else {
                where = fl.error();
            }
        } else if (type == MAP_SHARED) { /* MAP_SHARED_VALIDATE is for files only (EINVAL), as in 6.1 */
            /* Shared anonymous memory is an unnamed file, so fork shares its pages. */
            vm_flags |= VM_SHARED;
            off = 0;
            if (flags & MAP_GROWSDOWN)
                where = Errno::EINVAL;
        } else if (type != MAP_PRIVATE) {
            where = Errno::EINVAL;
        }
    }
    if (where.ok() && (flags & MAP_LOCKED)) {
        vm_flags |= VM_LOCKED;
        if (!mlock_future_ok(mm, vm_flags, len))
            where = Errno::EAGAIN;
    }
    if (where.ok() && (!may_expand_vm(mm, len) || (!(flags & MAP_NORESERVE) && !vm_enough_memory(len, vm_flags))))
        where = Errno::ENOMEM;
    if (where.ok() && !f && (vm_flags & VM_SHARED)) {
        auto shm = shmem_file_setup(len);
        if (shm.ok())
            file_inode = shm.value();
        else
            where = shm.error();
    }
    if (where.ok()) {
        auto r = mmap_region(mm, addr, len, vm_flags, file_inode, off >> PAGE_SHIFT);
        if (!r.ok())
            where = r.error();
        else if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE ||
                 ((vm_flags | mm->def_flags) & (VM_LOCKED | VM_LOCKONFAULT)) == VM_LOCKED)
            mm_populate(mm, addr, len); /* MAP_NONBLOCK cancels MAP_POPULATE, as in Linux */
    }
    if (f)
        fput(f);
    else if (file_inode)
        iput(file_inode); /* the area holds its own reference */
    if (!where.ok())
        return where.error();
    return addr;
}

/* The offset in pages: mmap2's, whose 32-bit page number reaches past 4 GiB. */
SyscallResult ksys_mmap_pgoff(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
                              int fd, unsigned long pgoff)
{
    if (pgoff > (~0UL >> PAGE_SHIFT))
        return Errno::EOVERFLOW;
    return __do_sys_mmap(UserAddr(addr), len, ProtFlags(prot), MapFlags(flags), fd, pgoff << PAGE_SHIFT);
}

SYSCALL_DEFINE2(munmap, UserAddr, addr, size_t, len)
{
    return do_munmap(current->mm, addr, len);
}

SYSCALL_DEFINE3(mprotect, UserAddr, start, size_t, len, ProtFlags, prot)
{
    mm_struct* mm = current->mm;
    /* Linux's order: both growth directions, alignment, an empty range, a
     * range that wraps, the protection bits, then the areas. */
    unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
        return Errno::EINVAL;
    prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    if (len == 0)
        return 0;
    len = PAGE_ALIGN(len);
    unsigned long end = start + len;
    if (end <= start)
        return Errno::ENOMEM;
    constexpr unsigned long PROT_SEM = 0x8; /* accepted and meaningless on x86, as on Linux */
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
        return Errno::EINVAL;
    /* Every page in the range must be mapped (so in user space). */
    TRY(check_user_range(start, len, Errno::ENOMEM));
    if (!range_is_mapped(mm, start, end))
        return Errno::ENOMEM;
    /* PROT_GROWSDOWN extends the change down a stack area: only such an
     * area takes it, and x86 has no area that grows up (EINVAL, as Linux). */
    if ((grows & PROT_GROWSUP) || ((grows & PROT_GROWSDOWN) && !(find_vma(mm, start)->vm_flags & VM_GROWSDOWN)))
        return Errno::EINVAL;
    /* READ_IMPLIES_EXEC: readable areas that may be executable become so (Linux's rier). */
    bool rier = (prot & PROT_READ) && (current->personality & READ_IMPLIES_EXEC);
    unsigned long new_bits = calc_vm_prot_bits(prot);
    for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
        if ((new_bits & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE))
            return Errno::EACCES;
    auto r = for_each_vma_in(mm, start, end, [&](vm_area_struct* v) -> Result<void> {
        unsigned long bits = new_bits | ((rier && (v->vm_flags & VM_MAYEXEC)) ? VM_EXEC : 0);
        v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | bits;
        for_each_present_pte(mm->pgd, v->vm_start, v->vm_end, [&](pteval_t* pte, unsigned long va) {
            /* Dropping write or exec takes effect now; gaining write waits for
             * the fault, which decides whether the page must be copied first.
             * PROT_NONE keeps the page (its contents must survive) but takes it
             * away from user mode. */
            if (!(new_bits & VM_WRITE))
                *pte &= ~_PAGE_RW;
            if (bits & VM_EXEC)
                *pte &= ~_PAGE_NX;
            else
                *pte |= _PAGE_NX;
            if (new_bits)
                *pte |= _PAGE_USER;
            else
                *pte &= ~_PAGE_USER;
            flush_tlb_one(va);
        });
        return {};
    });
    flush_tlb_mm_others(mm);
    /* Areas that now differ from their neighbours in nothing but addresses merge. */
    for (auto* v = find_vma(mm, start ? start - 1 : 0); v && v->vm_start <= end;)
        v = vma_merge(mm, v)->vm_next;
    return r;
}
