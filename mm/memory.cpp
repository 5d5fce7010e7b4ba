/*
 * Page faults in user areas: demand-zero anonymous pages, page-cache pages for
 * file mappings, and copy-on-write (mm/mmap.cpp keeps the areas).
 */
#include <asm/pgtable.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>

namespace {

pteval_t pte_flags(unsigned long vm_flags, bool writable)
{
    pteval_t f = _PAGE_PRESENT | _PAGE_USER;
    if (writable)
        f |= _PAGE_RW;
    if (!(vm_flags & VM_EXEC))
        f |= _PAGE_NX;
    return f;
}

page* copy_page(page* from)
{
    page* to = alloc_page();
    if (to)
        memcpy(page_address(to), page_address(from), PAGE_SIZE);
    return to;
}

FaultResult fault_in_missing(mm_struct* mm, vm_area_struct* vma, pteval_t* pte, unsigned long addr, bool write)
{
    bool writable = vma->vm_flags & VM_WRITE;
    page* p;
    if (vma->vm_file) {
        unsigned long index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
        auto cached = filemap_get_page(vma->vm_file, index);
        if (!cached.ok())
            return cached.error() == Errno::ENOMEM ? FaultResult::OutOfMemory : FaultResult::Bus;
        p = cached.value();
        if (!(vma->vm_flags & VM_SHARED)) {
            if (write) {
                page* copy = copy_page(p);
                put_page(p);
                if (!copy)
                    return FaultResult::OutOfMemory;
                p = copy;
            } else {
                writable = false; /* the page cache's page: copy on the first write */
            }
        }
    } else {
        p = alloc_zeroed_page();
        if (!p)
            return FaultResult::OutOfMemory;
    }
    *pte = page_to_phys(p) | pte_flags(vma->vm_flags, writable);
    mm_rss_add(mm, 1);
    return FaultResult::Handled;
}

FaultResult fault_on_write_protected(mm_struct* mm, vm_area_struct* vma, pteval_t* pte, unsigned long addr)
{
    page* old = phys_to_page(pte_phys(*pte));
    if (!(vma->vm_flags & VM_SHARED) && old->refcount > 1) {
        page* copy = copy_page(old);
        if (!copy)
            return FaultResult::OutOfMemory;
        *pte = page_to_phys(copy) | pte_flags(vma->vm_flags, true);
        /* Threads on other CPUs must stop reading the old page before this
         * one writes the copy. */
        flush_tlb_one(addr);
        flush_tlb_mm_others(mm);
        put_page(old);
    } else {
        *pte |= _PAGE_RW; /* the only user of this page: take it */
        flush_tlb_one(addr);
    }
    return FaultResult::Handled;
}

} // namespace

FaultResult handle_mm_fault(mm_struct* mm, unsigned long addr, bool write, bool exec)
{
    if (!mm)
        return FaultResult::Segv;
    vm_area_struct* vma = find_vma(mm, addr);
    if (!vma)
        return FaultResult::Segv;
    if (addr < vma->vm_start) {
        /* Below the stack: grow it, down to its limit. */
        if (!(vma->vm_flags & VM_GROWSDOWN) || addr < mm->stack_limit)
            return FaultResult::Segv;
        vm_area_struct* prev = vma->vm_prev;
        if (prev && prev->vm_end > (addr & PAGE_MASK))
            return FaultResult::Segv;
        vma_set_range(mm, vma, addr & PAGE_MASK, vma->vm_end);
    }
    unsigned long flags = vma->vm_flags;
    if ((write && !(flags & VM_WRITE)) || (exec && !(flags & VM_EXEC)) ||
        !(flags & (VM_READ | VM_WRITE | VM_EXEC)))
        return FaultResult::SegvAccess;

    pteval_t* pte = alloc_pte(mm->pgd, addr);
    if (!pte)
        return FaultResult::OutOfMemory;
    unsigned long page_addr = addr & PAGE_MASK;
    if (!(*pte & _PAGE_PRESENT))
        return fault_in_missing(mm, vma, pte, page_addr, write);
    if (write && !(*pte & _PAGE_RW))
        return fault_on_write_protected(mm, vma, pte, page_addr);
    /* Already mapped as asked: a stale TLB entry. */
    flush_tlb_one(page_addr);
    return FaultResult::Handled;
}

void mm_populate(mm_struct* mm, unsigned long start, unsigned long len)
{
    /* Area by area, as Linux's __mm_populate: one with no access has nothing
     * to bring in and is skipped whole (a page-by-page walk of a 1 TiB
     * PROT_NONE area took 15 s; fuzz_populate_prot_none), and one whose page
     * cannot be had (past the end of its file) is left at that page. */
    unsigned long end = start + len < start ? ~0UL : start + len;
    for (unsigned long addr = start; addr < end;) {
        vm_area_struct* vma = find_vma(mm, addr);
        if (!vma || vma->vm_start >= end)
            return;
        addr = max(addr, vma->vm_start);
        unsigned long stop = min(end, vma->vm_end);
        if (vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) {
            /* A private writable page is written, so it is the process's own copy. */
            bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
            for (; addr < stop; addr += PAGE_SIZE) {
                FaultResult r = handle_mm_fault(mm, addr, write, false);
                if (r == FaultResult::OutOfMemory)
                    return;
                if (r != FaultResult::Handled)
                    break;
            }
        }
        addr = stop;
    }
}
