/*
 * mincore: which pages of a range are in memory (Linux's mm/mincore.c). A
 * byte per page, 1 when resident: a page mapped in this address space, or,
 * for a file mapping, a page the file's page cache holds. There is no swap,
 * so anonymous memory not yet touched is the only memory not resident.
 */
#include <asm/pgtable.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/syscalls.h>

namespace {

bool page_resident(mm_struct* mm, vm_area_struct* vma, unsigned long addr)
{
    pteval_t* pte = lookup_pte(mm->pgd, addr);
    if (pte && (*pte & _PAGE_PRESENT))
        return true;
    inode* file = vma->vm_file;
    if (!file)
        return false;
    unsigned long index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
    return index < file->i_pages_cap && file->i_pages[index];
}

} // namespace

SYSCALL_DEFINE3(mincore, unsigned long, start, size_t, len, user_out_ptr<u8>, vec)
{
    if (start & ~PAGE_MASK)
        return Errno::EINVAL;
    /* Linux asks access_ok of the range (ENOMEM), then of the vector (EFAULT). */
    if (!access_ok(start, len))
        return Errno::ENOMEM;
    unsigned long pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
    if (!access_ok(vec, pages))
        return Errno::EFAULT;
    mm_struct* mm = current->mm;
    auto* buf = static_cast<u8*>(kmalloc(PAGE_SIZE));
    if (!buf)
        return Errno::EAGAIN; /* Linux's answer when it has no page for the vector */
    SyscallResult ret = 0;
    /* A chunk at a time, each inside one area: a hole ends the call (ENOMEM)
     * after the bytes before it are written. */
    while (pages) {
        vm_area_struct* vma = find_vma(mm, start);
        if (!vma || vma->vm_start > start || !range_in_user_space(start, PAGE_SIZE)) {
            ret = Errno::ENOMEM;
            break;
        }
        unsigned long n = min(min(pages, static_cast<unsigned long>(PAGE_SIZE)), (vma->vm_end - start) >> PAGE_SHIFT);
        for (unsigned long i = 0; i < n; i++)
            buf[i] = page_resident(mm, vma, start + (i << PAGE_SHIFT)) ? 1 : 0;
        if (!copy_to_user(vec, buf, n).ok()) {
            ret = Errno::EFAULT;
            break;
        }
        pages -= n;
        vec = vec + n;
        start += n << PAGE_SHIFT;
    }
    kfree(buf);
    return ret;
}
