/*
 * Another process's memory: access_remote_vm (ptrace's PEEK/POKE, through
 * the target's page tables, with Linux's FOLL_FORCE for a tracer writing
 * read-only text) and process_vm_readv/process_vm_writev (Linux's
 * mm/process_vm_access.c). Under the kernel lock, which address spaces
 * are under; the target's mm is held (users) while it is used.
 */
#include <asm/pgtable.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

/* A copy of the page at pte's for this mapping alone, replacing the shared
 * one with the same protection (a forced write to a read-only private page:
 * Linux's copy-on-write under FOLL_FORCE; the program's view stays read-only). */
Result<void> unshare_page(mm_struct* mm, pteval_t* pte)
{
    page* old = phys_to_page(pte_phys(*pte));
    if (old->refcount <= 1)
        return {}; /* only this mapping has it */
    page* copy = alloc_page();
    if (!copy)
        return Errno::ENOMEM;
    memcpy(page_address(copy), page_address(old), PAGE_SIZE);
    *pte = page_to_phys(copy) | (*pte & ~PTE_PFN_MASK);
    flush_tlb_mm_others(mm);
    put_page(old);
    return {};
}

} // namespace

Result<u8*> follow_remote_page(mm_struct* mm, unsigned long addr, unsigned int foll_flags)
{
    bool write = foll_flags & FOLL_WRITE;
    vm_area_struct* vma = find_vma(mm, addr);
    if (!vma || addr < vma->vm_start)
        return Errno::EFAULT;
    bool forced = write && !(vma->vm_flags & VM_WRITE);
    if (forced && (!(foll_flags & FOLL_FORCE) || (vma->vm_flags & VM_SHARED)))
        return Errno::EFAULT;
    FaultResult fault = handle_mm_fault(mm, addr, write && !forced, false);
    if (fault == FaultResult::OutOfMemory)
        return Errno::ENOMEM;
    if (fault != FaultResult::Handled)
        return Errno::EFAULT;
    pteval_t* pte = lookup_pte(mm->pgd, addr);
    if (!pte || !(*pte & _PAGE_PRESENT))
        return Errno::EFAULT;
    if (forced)
        TRY(unshare_page(mm, pte));
    return static_cast<u8*>(__va(pte_phys(*pte))) + (addr & ~PAGE_MASK);
}

size_t access_remote_vm(mm_struct* mm, unsigned long addr, void* buf, size_t len, unsigned int foll_flags)
{
    size_t done = 0;
    auto* b = static_cast<u8*>(buf);
    while (done < len) {
        auto p = follow_remote_page(mm, addr + done, foll_flags);
        if (!p.ok())
            break;
        size_t n = min(len - done, PAGE_SIZE - ((addr + done) & ~PAGE_MASK));
        if (foll_flags & FOLL_WRITE)
            memcpy(p.value(), b + done, n);
        else
            memcpy(b + done, p.value(), n);
        done += n;
    }
    return done;
}

namespace {

/* The remote iovecs, in the caller's layout: only their lengths are
 * checked (they are addresses in the other process). */
Result<void> import_remote_iovec(user_iovec_ptr uvec, unsigned long cnt, iovec* out)
{
    if (in_compat_syscall()) {
        for (unsigned long i = 0; i < cnt; i++) {
            compat_iovec c;
            TRY(copy_from_user(&c, uvec.compat() + i));
            out[i] = {c.iov_base, c.iov_len};
        }
        return {};
    }
    TRY(copy_from_user(out, uvec.native(), cnt));
    for (unsigned long i = 0; i < cnt; i++)
        if (static_cast<long>(out[i].iov_len) < 0)
            return Errno::EINVAL;
    return {};
}

/* One remote range to or from the local iterator; stops at the first page
 * that cannot be had (EFAULT if nothing of it moved) or a local fault. */
Result<void> process_vm_rw_single_vec(mm_struct* mm, unsigned long addr, size_t len, iov_iter& iter, bool write)
{
    while (len && iter.count()) {
        size_t n = min(min(len, PAGE_SIZE - (addr & ~PAGE_MASK)), iter.count());
        u8* p = TRY(follow_remote_page(mm, addr, write ? FOLL_WRITE : 0));
        size_t moved = write ? iter.copy_from_iter(p, n) : iter.copy_to_iter(p, n);
        if (moved < n)
            return Errno::EFAULT;
        addr += n;
        len -= n;
    }
    return {};
}

SyscallResult process_vm_rw(pid_t pid, user_iovec_ptr lvec, unsigned long liovcnt, user_iovec_ptr rvec,
                            unsigned long riovcnt, unsigned long flags, bool write)
{
    if (flags)
        return Errno::EINVAL;
    if (liovcnt > UIO_MAXIOV || riovcnt > UIO_MAXIOV)
        return Errno::EINVAL;
    auto* local = static_cast<iovec*>(kmalloc(sizeof(iovec) * (liovcnt + riovcnt + 1)));
    if (!local)
        return Errno::ENOMEM;
    iovec* remote = local + liovcnt;
    SyscallResult ret = 0;
    do {
        auto total = import_iovec(lvec, static_cast<int>(liovcnt), local);
        if (!total.ok()) {
            ret = total.error();
            break;
        }
        if (total.value() == 0)
            break;
        if (auto r = import_remote_iovec(rvec, riovcnt, remote); !r.ok()) {
            ret = r.error();
            break;
        }
        bool any = false;
        for (unsigned long i = 0; i < riovcnt; i++)
            any |= remote[i].iov_len != 0;
        if (!any)
            break;
        task_struct* t = find_task_by_pid(pid);
        if (!t) {
            ret = Errno::ESRCH;
            break;
        }
        mm_struct* mm = t->mm;
        if (!mm) {
            ret = Errno::ESRCH;
            break;
        }
        if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS)) {
            ret = Errno::EPERM;
            break;
        }
        mm->users++; /* kept while we copy, if the target exits meanwhile */
        /* The local buffers are where the data goes (readv) or comes from (writev). */
        Result<void> r;
        auto walk = [&](iov_iter& iter) {
            for (unsigned long i = 0; i < riovcnt && iter.count() && r.ok(); i++)
                r = process_vm_rw_single_vec(mm, remote[i].iov_base, remote[i].iov_len, iter, write);
            return iter.count();
        };
        size_t left;
        if (write) {
            auto iter = iter_source::user(local, liovcnt, total.value());
            left = walk(iter);
        } else {
            auto iter = iter_dest::user(local, liovcnt, total.value());
            left = walk(iter);
        }
        mmput(mm);
        size_t moved = total.value() - left;
        /* Some bytes moved: their count; none: the error. */
        ret = moved ? SyscallResult(moved) : r.ok() ? SyscallResult(0) : SyscallResult(r.error());
    } while (false);
    kfree(local);
    return ret;
}

} // namespace

SYSCALL_DEFINE6(process_vm_readv, pid_t, pid, user_iovec_ptr, lvec, unsigned long, liovcnt, user_iovec_ptr, rvec,
                unsigned long, riovcnt, unsigned long, flags)
{
    return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, false);
}

SYSCALL_DEFINE6(process_vm_writev, pid_t, pid, user_iovec_ptr, lvec, unsigned long, liovcnt, user_iovec_ptr, rvec,
                unsigned long, riovcnt, unsigned long, flags)
{
    return process_vm_rw(pid, lvec, liovcnt, rvec, riovcnt, flags, true);
}
