/*
 * Address-space areas, and the system calls that shape them: brk, mmap,
 * munmap, mprotect, msync, mremap, madvise. Areas are in a range tree
 * (find_vma, free gaps: O(log n)) and a sorted list (in-order walks); every
 * change goes through vma_link, vma_unlink and vma_set_range, which keep both
 * and the counts. Adjacent areas that differ in nothing but their addresses
 * merge, as Linux's vma_merge does.
 */
#include <asm/pgtable.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/linux/mman.h>

namespace {

void unmap_pages(mm_struct* mm, unsigned long start, unsigned long end)
{
    for_each_present_pte(mm->pgd, start, end, [mm](pteval_t* pte, unsigned long va) {
        put_page(phys_to_page(pte_phys(*pte)));
        *pte = 0;
        flush_tlb_one(va);
        mm->rss--;
    });
}

void free_vma(vm_area_struct* vma)
{
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

/* Splits vma at addr (inside it): vma keeps the low part. */
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

/* Can b, starting where a ends, become part of a? The same flags and file,
 * the file's pages continuing (anonymous memory has none to continue). */
bool can_merge(const vm_area_struct* a, const vm_area_struct* b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
        return false;
    return !a->vm_file || a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/* Merges vma with its neighbours where they are compatible; returns the area that holds vma's range. */
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

/* Linux's heuristic overcommit (mode 0): private writable memory may be
 * promised beyond what is free, but not a single request larger than all of
 * RAM (there is no swap). */
bool vm_enough_memory(unsigned long len, unsigned long vm_flags)
{
    if (!(vm_flags & VM_WRITE) || (vm_flags & VM_SHARED))
        return true;
    return (len >> PAGE_SHIFT) <= totalram_pages();
}

/* RLIMIT_AS: may the address space grow by len bytes? */
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

/* Applies fn to each area piece inside [start, end), splitting areas at the edges. */
template <typename Fn>
Result<void> for_each_vma_in(mm_struct* mm, unsigned long start, unsigned long end, Fn fn)
{
    for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
        if (v->vm_start < start) {
            TRY(split_vma(mm, v, start));
            continue; /* the next iteration sees the part from start */
        }
        if (v->vm_end > end)
            TRY(split_vma(mm, v, end));
        fn(v);
    }
    return {};
}

/* Is [start, end) mapped without a hole? */
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

} // namespace

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
            unmap_pages(mm, from, v->vm_end);
        }
    }
}

mm_struct* mm_alloc()
{
    auto* mm = static_cast<mm_struct*>(kzalloc(sizeof(mm_struct)));
    if (!mm)
        return nullptr;
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
    for (auto* v = mm->mmap; v;) {
        auto* next = v->vm_next;
        unmap_pages(mm, v->vm_start, v->vm_end);
        free_vma(v); /* the whole tree goes: no need to unlink one by one */
        v = next;
    }
    if (mm->exe_file) {
        allow_write_access(mm->exe_file);
        iput(mm->exe_file);
    }
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
    if (mm->exe_file) {
        ihold(mm->exe_file);
        deny_write_access(mm->exe_file);
    }
    for (auto* v = old->mmap; v; v = v->vm_next) {
        auto* copy = new_vma(v->vm_start, v->vm_end, v->vm_flags, v->vm_file, v->vm_pgoff);
        if (!copy) {
            mmput(mm);
            return nullptr;
        }
        vma_link(mm, copy);
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
            mmput(mm);
            return nullptr;
        }
    }
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
     * highest gap that fits, found in the tree. */
    unsigned long addr;
    return mm->mm_rb.gap_topdown(len, MMAP_MIN_ADDR, mm->mmap_base, &addr) ? addr : 0;
}

Result<void> do_munmap(mm_struct* mm, unsigned long start, unsigned long len)
{
    unsigned long end = start + PAGE_ALIGN(len);
    TRY(for_each_vma_in(mm, start, end, [](vm_area_struct*) {}));
    for (auto* v = find_vma(mm, start); v && v->vm_start < end;) {
        auto* next = v->vm_next;
        unmap_pages(mm, v->vm_start, v->vm_end);
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

SYSCALL_DEFINE1(brk, unsigned long, brk)
{
    mm_struct* mm = current->mm;
    /* Linux answers every failure with the current break. */
    if (brk < mm->start_brk)
        return mm->brk;
    unsigned long old_end = PAGE_ALIGN(mm->brk);
    unsigned long new_end = PAGE_ALIGN(brk);
    if (new_end > old_end) {
        if (new_end > mm->mmap_base || !range_is_free(mm, old_end, new_end) ||
            !vm_enough_memory(new_end - mm->start_brk, VM_WRITE) || !may_expand_vm(mm, new_end - old_end))
            return mm->brk;
        /* Grow the heap area if it ends where we start; else a new one. */
        vm_area_struct* heap = find_vma(mm, old_end - 1);
        constexpr unsigned long HEAP = VM_READ | VM_WRITE | VM_MAY_ALL; /* as mmap_region makes it */
        if (heap && heap->vm_end == old_end && !heap->vm_file && heap->vm_flags == HEAP && old_end > mm->start_brk)
            vma_set_range(mm, heap, heap->vm_start, new_end);
        else if (!mmap_region(mm, old_end, new_end - old_end, HEAP, nullptr, 0).ok())
            return mm->brk;
    } else if (new_end < old_end) {
        if (!do_munmap(mm, new_end, old_end - new_end).ok())
            return mm->brk;
    }
    mm->brk = brk;
    return brk;
}

/* ---- mmap, munmap, mprotect ---- */

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot, unsigned long, flags,
                int, fd, unsigned long, off)
{
    mm_struct* mm = current->mm;
    if (off & ~PAGE_MASK)
        return Errno::EINVAL;
    if (len == 0)
        return Errno::EINVAL;
    unsigned long type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return Errno::EINVAL;
    len = PAGE_ALIGN(len);
    if (len == 0 || len > TASK_SIZE_MAX)
        return Errno::ENOMEM;

    unsigned long vm_flags = calc_vm_prot_bits(prot) | (type != MAP_PRIVATE ? VM_SHARED : 0) | VM_MAY_ALL;
    if (!(flags & MAP_NORESERVE) && !vm_enough_memory(len, vm_flags))
        return Errno::ENOMEM;
    if (!may_expand_vm(mm, len))
        return Errno::ENOMEM;
    inode* file_inode = nullptr;
    file* f = nullptr;
    if (!(flags & MAP_ANONYMOUS)) {
        f = fget(fd);
        if (!f)
            return Errno::EBADF;
        file_inode = f->f_inode;
        if (!file_inode->i_mapping_ok) {
            fput(f);
            return Errno::ENODEV;
        }
        bool readable = f->f_mode & FMODE_READ;
        bool writable = f->f_mode & FMODE_WRITE;
        if (!readable || ((vm_flags & VM_SHARED) && (prot & PROT_WRITE) && !writable)) {
            fput(f);
            return Errno::EACCES;
        }
        if ((vm_flags & VM_SHARED) && !writable)
            vm_flags &= ~VM_MAYWRITE;
    } else if (vm_flags & VM_SHARED) {
        /* Shared anonymous memory is an unnamed file, so fork shares its pages. */
        auto shm = shmem_file_setup(len);
        if (!shm.ok())
            return shm.error();
        file_inode = shm.value();
        off = 0;
    }

    Result<void> r;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & ~PAGE_MASK)
            r = Errno::EINVAL;
        else if (addr < MMAP_MIN_ADDR || addr > TASK_SIZE_MAX - len)
            r = Errno::ENOMEM;
        else if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !range_is_free(mm, addr, addr + len))
            r = Errno::EEXIST;
    } else {
        addr &= PAGE_MASK;
        if (!addr || addr < MMAP_MIN_ADDR || addr > TASK_SIZE_MAX - len || !range_is_free(mm, addr, addr + len))
            addr = get_unmapped_area(mm, len);
        if (!addr)
            r = Errno::ENOMEM;
    }
    if (r.ok())
        r = mmap_region(mm, addr, len, vm_flags, file_inode, off >> PAGE_SHIFT);
    if (f)
        fput(f);
    else if (file_inode)
        iput(file_inode); /* the area holds its own reference */
    if (!r.ok())
        return r.error();
    return addr;
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)
{
    if ((addr & ~PAGE_MASK) || len == 0 || addr > TASK_SIZE_MAX || len > TASK_SIZE_MAX - addr)
        return Errno::EINVAL;
    return do_munmap(current->mm, addr, len);
}

SYSCALL_DEFINE3(mprotect, unsigned long, start, size_t, len, unsigned long, prot)
{
    mm_struct* mm = current->mm;
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    constexpr unsigned long PROT_SEM = 0x8; /* accepted and meaningless on x86, as on Linux */
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP))
        return Errno::EINVAL;
    len = PAGE_ALIGN(len);
    unsigned long end = start + len;
    if (end < start)
        return Errno::ENOMEM;
    if (len == 0)
        return 0;
    /* Every page in the range must be mapped. */
    if (!range_is_mapped(mm, start, end))
        return Errno::ENOMEM;
    unsigned long new_bits = calc_vm_prot_bits(prot);
    for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
        if ((new_bits & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE))
            return Errno::EACCES;
    auto r = for_each_vma_in(mm, start, end, [&](vm_area_struct* v) {
        v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | new_bits;
        for_each_present_pte(mm->pgd, v->vm_start, v->vm_end, [&](pteval_t* pte, unsigned long va) {
            /* Dropping write or exec takes effect now; gaining write waits for
             * the fault, which decides whether the page must be copied first.
             * PROT_NONE keeps the page (its contents must survive) but takes it
             * away from user mode. */
            if (!(new_bits & VM_WRITE))
                *pte &= ~_PAGE_RW;
            if (new_bits & VM_EXEC)
                *pte &= ~_PAGE_NX;
            else
                *pte |= _PAGE_NX;
            if (new_bits)
                *pte |= _PAGE_USER;
            else
                *pte &= ~_PAGE_USER;
            flush_tlb_one(va);
        });
    });
    /* Areas that now differ from their neighbours in nothing but addresses merge. */
    for (auto* v = find_vma(mm, start ? start - 1 : 0); v && v->vm_start <= end;)
        v = vma_merge(mm, v)->vm_next;
    return r;
}

/* ---- msync ---- */

SYSCALL_DEFINE3(msync, unsigned long, start, size_t, len, int, flags)
{
    constexpr int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    if ((start & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)))
        return Errno::EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return Errno::EINVAL;
    unsigned long end = start + PAGE_ALIGN(len);
    if (end < start)
        return Errno::ENOMEM;
    /* Shared mappings are the page cache itself: nothing to write back. The
     * whole range must be mapped, though (ENOMEM). */
    return range_is_mapped(current->mm, start, end) ? SyscallResult(0) : SyscallResult(Errno::ENOMEM);
}

/* ---- mremap, madvise ---- */

SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len, unsigned long, new_len, unsigned long, flags,
                unsigned long, new_addr)
{
    mm_struct* mm = current->mm;
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return Errno::EINVAL;
    if (addr & ~PAGE_MASK)
        return Errno::EINVAL;
    old_len = PAGE_ALIGN(old_len);
    new_len = PAGE_ALIGN(new_len);
    if (!new_len)
        return Errno::EINVAL;
    vm_area_struct* vma = find_vma(mm, addr);
    if (!vma || vma->vm_start > addr || old_len == 0 || addr + old_len > vma->vm_end)
        return Errno::EFAULT;
    if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
        if (new_len < old_len)
            TRY(do_munmap(mm, addr + new_len, old_len - new_len));
        return addr;
    }
    /* Grow in place if the space after is free and this is the area's end. */
    if (!(flags & MREMAP_FIXED) && addr + old_len == vma->vm_end &&
        range_is_free(mm, addr + old_len, addr + new_len) && addr + new_len <= TASK_SIZE_MAX) {
        vma_set_range(mm, vma, vma->vm_start, addr + new_len);
        return addr;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return Errno::ENOMEM;
    /* Move: map a new area and carry the page-table entries across. */
    unsigned long dest = (flags & MREMAP_FIXED) ? new_addr : get_unmapped_area(mm, new_len);
    if (!dest || (dest & ~PAGE_MASK))
        return (flags & MREMAP_FIXED) ? Errno::EINVAL : Errno::ENOMEM;
    if (vma->vm_start < addr)
        TRY(split_vma(mm, vma, addr));
    vma = find_vma(mm, addr);
    if (vma->vm_end > addr + old_len)
        TRY(split_vma(mm, vma, addr + old_len));
    unsigned long vm_flags = vma->vm_flags;
    inode* file = vma->vm_file;
    unsigned long pgoff = vma->vm_pgoff;
    TRY(mmap_region(mm, dest, new_len, vm_flags, file, pgoff));
    for (unsigned long off = 0; off < old_len; off += PAGE_SIZE) {
        pteval_t* src = lookup_pte(mm->pgd, addr + off);
        if (!src || !(*src & _PAGE_PRESENT))
            continue;
        pteval_t* dst = alloc_pte(mm->pgd, dest + off);
        if (!dst)
            return Errno::ENOMEM;
        *dst = *src;
        *src = 0;
        flush_tlb_one(addr + off);
    }
    if (!(flags & MREMAP_DONTUNMAP))
        TRY(do_munmap(mm, addr, old_len));
    return dest;
}

SYSCALL_DEFINE3(madvise, unsigned long, start, size_t, len, int, behavior)
{
    constexpr int MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4,
                  MADV_FREE = 8, MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_MERGEABLE = 12, MADV_HUGEPAGE = 14,
                  MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16, MADV_DODUMP = 17;
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    len = PAGE_ALIGN(len);
    switch (behavior) {
    case MADV_DONTNEED:
    case MADV_FREE: {
        /* Private anonymous pages read back as zero afterwards: drop them. */
        mm_struct* mm = current->mm;
        for (auto* v = find_vma(mm, start); v && v->vm_start < start + len; v = v->vm_next) {
            if (v->vm_flags & VM_SHARED)
                continue;
            unmap_pages(mm, max(v->vm_start, start), min(v->vm_end, start + len));
        }
        return 0;
    }
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
        return 0;
    default:
        return Errno::EINVAL;
    }
}
