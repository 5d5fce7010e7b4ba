/*
 * mremap: resize an area in place, or move its pages to another range, in
 * Linux 6.1's order of checks (mm/mremap.c). Every destination is checked
 * against user space before an area or a page-table entry is made there.
 */
#include <asm/ia32.h>
#include <asm/pgtable.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include <uapi/linux/mman.h>

namespace {

/* The area holding [addr, addr + old_len), or EFAULT (Linux's vma_to_resize). */
Result<vm_area_struct*> vma_to_resize(mm_struct* mm, unsigned long addr, unsigned long old_len, unsigned long new_len)
{
    vm_area_struct* vma = find_vma(mm, addr);
    if (!vma || vma->vm_start > addr || old_len == 0 || old_len > vma->vm_end - addr)
        return Errno::EFAULT;
    if (new_len > old_len && !may_expand_vm(mm, new_len - old_len))
        return Errno::ENOMEM;
    return vma;
}

/*
 * Moves [addr, addr + old_len) of vma to dest (a user range of new_len >=
 * old_len bytes, checked): a new area there, the page-table entries carried
 * across, and the old range unmapped unless MREMAP_DONTUNMAP (then it stays,
 * empty: anonymous memory reads zeros, a file mapping the file again).
 */
Result<unsigned long> move_vma(mm_struct* mm, vm_area_struct* vma, unsigned long addr, unsigned long old_len,
                               unsigned long new_len, unsigned long dest, unsigned long flags)
{
    /* The i386 vDSO moves whole (Linux's vdso_mremap), and the kernel
     * follows it: mm->vdso, and the return address of this very call if
     * it came through __kernel_vsyscall (Linux's vdso_fix_landing). */
    bool vdso = vdso32_is_image(vma);
    if (vdso && (addr != vma->vm_start || old_len != vma->vm_end - vma->vm_start || new_len != old_len))
        return Errno::EINVAL;
    if (vma->vm_start < addr) {
        TRY(split_vma(mm, vma, addr));
        vma = vma->vm_next;
    }
    if (vma->vm_end > addr + old_len)
        TRY(split_vma(mm, vma, addr + old_len));
    TRY(mmap_region(mm, dest, new_len, vma->vm_flags, vma->vm_file, vma->vm_pgoff));
    /* Only the pages present: a huge, mostly empty area moves in the time of
     * its page tables, not of its size (found by the fuzzer: a 1 TiB move
     * looked up every 4 KiB page). */
    bool failed = false;
    for_each_present_pte(mm->pgd, addr, addr + old_len, [&](pteval_t* src, unsigned long va) {
        pteval_t* dst = failed ? nullptr : alloc_pte(mm->pgd, dest + (va - addr));
        if (!dst) {
            failed = true;
            return;
        }
        *dst = *src;
        *src = 0;
        flush_tlb_one(va);
    });
    flush_tlb_mm_others(mm);
    if (failed)
        return Errno::ENOMEM;
    if (!(flags & MREMAP_DONTUNMAP))
        TRY(do_munmap(mm, addr, old_len));
    if (vdso) {
        pt_regs* regs = current_pt_regs();
        if (in_compat_syscall() && regs->ip == vdso32_landing_pad(mm))
            regs->ip = dest + (regs->ip - mm->vdso);
        mm->vdso = dest;
    }
    return dest;
}

/* MREMAP_FIXED or MREMAP_DONTUNMAP: a move to new_addr, or to a new place. */
Result<unsigned long> mremap_to(mm_struct* mm, unsigned long addr, unsigned long old_len, unsigned long new_addr,
                                unsigned long new_len, unsigned long flags)
{
    if (new_addr & ~PAGE_MASK)
        return Errno::EINVAL;
    TRY(check_user_range(new_addr, new_len, Errno::EINVAL));
    if (new_len > mm->task_size || new_addr > mm->task_size - new_len)
        return Errno::EINVAL; /* an i386 program's space ends at 4 GiB */
    /* The old and new ranges must not overlap. */
    if (addr + old_len > new_addr && new_addr + new_len > addr)
        return Errno::EINVAL;
    if (flags & MREMAP_FIXED)
        TRY(do_munmap(mm, new_addr, new_len));
    if (old_len > new_len) {
        TRY(do_munmap(mm, addr + new_len, old_len - new_len));
        old_len = new_len;
    }
    vm_area_struct* vma = TRY(vma_to_resize(mm, addr, old_len, new_len));
    if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(mm, old_len))
        return Errno::ENOMEM;
    if (!(flags & MREMAP_FIXED)) {
        new_addr = get_unmapped_area(mm, new_len);
        if (!new_addr)
            return Errno::ENOMEM;
    }
    return move_vma(mm, vma, addr, old_len, new_len, new_addr, flags);
}

} // namespace

SYSCALL_DEFINE5(mremap, UserAddr, addr, unsigned long, old_len, unsigned long, new_len, unsigned long, flags,
                unsigned long, new_addr)
{
    mm_struct* mm = current->mm;
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
        return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return Errno::EINVAL;
    /* MREMAP_DONTUNMAP is always a move, and of the same size. */
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
        return Errno::EINVAL;
    if (addr & ~PAGE_MASK)
        return Errno::EINVAL;
    old_len = PAGE_ALIGN(old_len);
    new_len = PAGE_ALIGN(new_len);
    if (!new_len)
        return Errno::EINVAL;
    vm_area_struct* vma = find_vma(mm, addr);
    if (!vma || vma->vm_start > addr)
        return Errno::EFAULT;
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
        return mremap_to(mm, addr, old_len, new_addr, new_len, flags);
    /* Shrinking is always allowed: the tail goes. */
    if (old_len >= new_len) {
        if (old_len > new_len)
            TRY(do_munmap(mm, addr + new_len, old_len - new_len));
        return addr;
    }
    vma = TRY(vma_to_resize(mm, addr, old_len, new_len));
    /* Grow in place if the range is the area's end and the space after it is
     * free user space. */
    if (old_len == vma->vm_end - addr && range_in_user_space(addr, new_len) && addr + new_len <= mm->task_size &&
        range_is_free(mm, addr + old_len, addr + new_len)) {
        vma_set_range(mm, vma, vma->vm_start, addr + new_len);
        return addr;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return Errno::ENOMEM;
    if (new_len > mm->task_size)
        return Errno::ENOMEM;
    unsigned long dest = get_unmapped_area(mm, new_len);
    if (!dest)
        return Errno::ENOMEM;
    return move_vma(mm, vma, addr, old_len, new_len, dest, flags);
}
