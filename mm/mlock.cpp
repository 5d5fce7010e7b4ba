/*
 * Locking memory (Linux's mm/mlock.c): mlock, mlock2, munlock, mlockall,
 * munlockall. A locked area (VM_LOCKED) has its pages brought in at once
 * (unless MLOCK_ONFAULT: as they are touched) and they stay: there is no
 * swap, so nothing is ever paged out, and the flag's effects are the
 * accounting (RLIMIT_MEMLOCK, /proc/PID/status's VmLck), population, and
 * that fork's copies and exec's new image are unlocked. Without
 * CAP_IPC_LOCK a process locks at most RLIMIT_MEMLOCK bytes, and nothing
 * when that limit is 0 (EPERM).
 */
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

namespace {

constexpr int MLOCK_ONFAULT = 0x01;
constexpr int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

bool can_do_mlock() { return rlimit(RLIMIT_MEMLOCK) != 0 || capable(CAP_IPC_LOCK); }

/* Locked pages of [start, end) already (they are not counted twice). */
unsigned long locked_in(mm_struct* mm, unsigned long start, unsigned long end)
{
    unsigned long pages = 0;
    for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
        if (v->vm_flags & VM_LOCKED)
            pages += (min(v->vm_end, end) - max(v->vm_start, start)) >> PAGE_SHIFT;
    return pages;
}

/* Sets the lock flags of every area in [start, end), splitting the ends; a
 * hole is ENOMEM, after the areas before it have changed (as Linux). */
Result<void> apply_vma_lock_flags(mm_struct* mm, unsigned long start, unsigned long end, unsigned long flags)
{
    if (end < start)
        return Errno::EINVAL;
    if (end == start)
        return {};
    vm_area_struct* v = find_vma(mm, start);
    if (!v || v->vm_start > start)
        return Errno::ENOMEM;
    unsigned long next = start;
    Result<void> r = for_each_vma_in(mm, start, end, [&](vm_area_struct* a) -> Result<void> {
        if (a->vm_start != next)
            return Errno::ENOMEM; /* a hole before this area */
        a->vm_flags = (a->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT)) | flags;
        next = a->vm_end;
        return {};
    });
    TRY(r);
    if (next < end)
        return Errno::ENOMEM;
    /* Areas that now match their neighbours become one again. */
    for (auto* a = find_vma(mm, start ? start - 1 : 0); a && a->vm_start <= end;) {
        a = vma_merge(mm, a);
        a = a->vm_next;
    }
    return {};
}

SyscallResult do_mlock(unsigned long start, size_t len, unsigned long flags)
{
    if (!can_do_mlock())
        return Errno::EPERM;
    len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
    start &= PAGE_MASK;
    mm_struct* mm = current->mm;
    unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
    unsigned long locked = (len >> PAGE_SHIFT) + count_locked_vm(mm);
    if (locked > limit && !capable(CAP_IPC_LOCK))
        locked -= locked_in(mm, start, start + len);
    if (locked > limit && !capable(CAP_IPC_LOCK))
        return Errno::ENOMEM;
    TRY(apply_vma_lock_flags(mm, start, start + len, flags));
    if (!(flags & VM_LOCKONFAULT))
        mm_populate(mm, start, len);
    return 0;
}

Result<void> apply_mlockall_flags(mm_struct* mm, int flags)
{
    mm->def_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
    unsigned long to_add = 0;
    if (flags & MCL_FUTURE) {
        mm->def_flags |= VM_LOCKED;
        if (flags & MCL_ONFAULT)
            mm->def_flags |= VM_LOCKONFAULT;
        if (!(flags & MCL_CURRENT))
            return {};
    }
    if (flags & MCL_CURRENT) {
        to_add = VM_LOCKED;
        if (flags & MCL_ONFAULT)
            to_add |= VM_LOCKONFAULT;
    }
    for (auto* v = mm->mmap; v; v = v->vm_next)
        v->vm_flags = (v->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT)) | to_add;
    return {};
}

} // namespace

unsigned long count_locked_vm(const mm_struct* mm)
{
    unsigned long pages = 0;
    for (auto* v = mm->mmap; v; v = v->vm_next)
        if (v->vm_flags & VM_LOCKED)
            pages += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
    return pages;
}

bool mlock_future_ok(const mm_struct* mm, unsigned long flags, unsigned long len)
{
    if (!(flags & VM_LOCKED) || capable(CAP_IPC_LOCK))
        return true;
    return count_locked_vm(mm) + (len >> PAGE_SHIFT) <= (rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT);
}

SYSCALL_DEFINE2(mlock, unsigned long, start, size_t, len)
{
    return do_mlock(start, len, VM_LOCKED);
}

SYSCALL_DEFINE3(mlock2, unsigned long, start, size_t, len, int, flags)
{
    if (flags & ~MLOCK_ONFAULT)
        return Errno::EINVAL;
    return do_mlock(start, len, (flags & MLOCK_ONFAULT) ? VM_LOCKED | VM_LOCKONFAULT : VM_LOCKED);
}

SYSCALL_DEFINE2(munlock, unsigned long, start, size_t, len)
{
    len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
    start &= PAGE_MASK;
    TRY(apply_vma_lock_flags(current->mm, start, start + len, 0));
    return 0;
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return Errno::EINVAL;
    if (!can_do_mlock())
        return Errno::EPERM;
    mm_struct* mm = current->mm;
    unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
    if ((flags & MCL_CURRENT) && mm->total_vm > limit && !capable(CAP_IPC_LOCK))
        return Errno::ENOMEM;
    TRY(apply_mlockall_flags(mm, flags));
    if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT))
        mm_populate(mm, 0, TASK_SIZE);
    return 0;
}

SYSCALL_DEFINE0(munlockall)
{
    TRY(apply_mlockall_flags(current->mm, 0));
    return 0;
}
