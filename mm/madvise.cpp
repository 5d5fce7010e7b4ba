/*
 * madvise and msync (Linux's mm/madvise.c and mm/msync.c): advice about a
 * range of areas (MADV_DONTFORK and MADV_WIPEONFORK change what fork copies,
 * mm/mmap.cpp dup_mm), and writing shared mappings back. Both answer ENOMEM for a
 * range with a hole in it or outside user space, after doing what they can
 * with the mapped part, as Linux does.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

SYSCALL_DEFINE3(msync, unsigned long, start, size_t, len, int, flags)
{
    constexpr int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    if ((start & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)))
        return Errno::EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return Errno::EINVAL;
    len = PAGE_ALIGN(len);
    /* MS_INVALIDATE of locked pages: EBUSY (Linux's msync). */
    if (flags & MS_INVALIDATE)
        for (auto* v = find_vma(current->mm, start); v && v->vm_start < start + len; v = v->vm_next)
            if (v->vm_flags & VM_LOCKED)
                return Errno::EBUSY;
    unsigned long end = start + len;
    if (end < start)
        return Errno::ENOMEM;
    if (end == start)
        return 0;
    /* Shared mappings are the page cache itself: nothing to write back. The
     * whole range must be mapped, though (ENOMEM). */
    TRY(check_user_range(start, len, Errno::ENOMEM));
    return range_is_mapped(current->mm, start, end) ? SyscallResult(0) : SyscallResult(Errno::ENOMEM);
}

namespace {

/* No MADV_MERGEABLE/UNMERGEABLE (no KSM) nor MADV_HUGEPAGE/NOHUGEPAGE (no
 * transparent huge pages): EINVAL, as a Linux built without them answers. */
constexpr int MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4,
              MADV_FREE = 8, MADV_REMOVE = 9, MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_MERGEABLE = 12, MADV_UNMERGEABLE = 13,
              MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16, MADV_DODUMP = 17,
              MADV_WIPEONFORK = 18, MADV_KEEPONFORK = 19, MADV_COLD = 20, MADV_PAGEOUT = 21;

bool madvise_behavior_valid(int behavior)
{
    switch (behavior) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_REMOVE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case MADV_COLD:
    case MADV_PAGEOUT:
        return true;
    default:
        return false;
    }
}

/* The advice that changes an area's flags (what fork copies). */
Result<void> madvise_update_vma(vm_area_struct* v, int behavior)
{
    switch (behavior) {
    case MADV_DONTFORK:
        v->vm_flags |= VM_DONTCOPY;
        break;
    case MADV_DOFORK:
        v->vm_flags &= ~VM_DONTCOPY;
        break;
    case MADV_WIPEONFORK:
        if (v->vm_file || (v->vm_flags & VM_SHARED))
            return Errno::EINVAL; /* private anonymous memory only */
        v->vm_flags |= VM_WIPEONFORK;
        break;
    case MADV_KEEPONFORK:
        v->vm_flags &= ~VM_WIPEONFORK;
        break;
    }
    return {};
}

} // namespace

SYSCALL_DEFINE3(madvise, unsigned long, start, size_t, len_in, int, behavior)
{
    if (!madvise_behavior_valid(behavior))
        return Errno::EINVAL;
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    unsigned long len = PAGE_ALIGN(len_in);
    if (len_in && !len) /* rounded up from just below 2^64 */
        return Errno::EINVAL;
    unsigned long end = start + len;
    if (end < start)
        return Errno::EINVAL;
    if (end == start)
        return 0;
    mm_struct* mm = current->mm;
    switch (behavior) {
    case MADV_DONTNEED:
    case MADV_FREE:
        /* Private pages read back as zero (or as the file) afterwards: drop
         * them. Not from locked areas, and MADV_FREE is for anonymous
         * memory only (EINVAL, as Linux's madvise_dontneed_free_valid_vma). */
        for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
            if ((v->vm_flags & VM_LOCKED) || (behavior == MADV_FREE && v->vm_file))
                return Errno::EINVAL;
            if (v->vm_flags & VM_SHARED)
                continue;
            zap_page_range(mm, max(v->vm_start, start), min(v->vm_end, end));
        }
        break;
    case MADV_REMOVE:
        /* A hole in the file under a shared, writable mapping (Linux's
         * madvise_remove): its pages read back as zeroes. */
        for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
            if ((v->vm_flags & VM_LOCKED) || !v->vm_file)
                return Errno::EINVAL;
            if ((v->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
                return Errno::EACCES;
            unsigned long from = max(v->vm_start, start), to = min(v->vm_end, end);
            loff_t off = static_cast<loff_t>(v->vm_pgoff << PAGE_SHIFT) + static_cast<loff_t>(from - v->vm_start);
            filemap_punch_hole(v->vm_file, off, off + static_cast<loff_t>(to - from));
        }
        break;
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
        TRY(for_each_vma_in(mm, start, end, [&](vm_area_struct* v) { return madvise_update_vma(v, behavior); }));
        break;
    default:
        /* Access patterns, huge pages, merging, core dumps, reclaim (there is
         * no swap): hints that change nothing here. */
        break;
    }
    /* A hole, or a range reaching past user space, is ENOMEM once the mapped
     * part is done. */
    if (!range_in_user_space(start, len) || !range_is_mapped(mm, start, end))
        return Errno::ENOMEM;
    return 0;
}
