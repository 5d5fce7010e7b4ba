/*
 * The vDSO's kernel side: the images (arch/x86_64/entry/vdso/, carried by
 * vdso-image.S, and the i386 one of vdso_32.cpp) and the [vvar] data page
 * live in the page caches of unnamed in-memory files, made at the first exec; every exec maps them into
 * the new address space, [vvar] read-only (never writable), [vdso] private
 * read-and-execute right above it (so a debugger's breakpoint copies the
 * page), and passes the vDSO's address as AT_SYSINFO_EHDR.
 *
 * The kernel is the only writer of the data page (settimeofday); it runs on
 * one CPU, so the sequence count's odd/even protocol is what protects readers.
 */
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/vdso.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/string.h>

extern "C" const u8 vdso_image_start[], vdso_image_end[];
s64 realtime_offset();

namespace {

vdso_image vdso_image_64{vdso_image_start, vdso_image_end, nullptr, 0, nullptr};
inode* vvar_inode;
vdso_data* vdata;  /* the [vvar] page, through the kernel's direct map */

bool vvar_init()
{
    if (vvar_inode)
        return true;
    auto data = shmem_file_setup(VVAR_SIZE);
    if (!data.ok())
        return false;
    auto p = filemap_get_page(data.value(), 0);
    if (!p.ok())
        return false;
    vdata = static_cast<vdso_data*>(page_address(p.value()));
    memset(vdata, 0, VVAR_SIZE);
    vdata->tsc_at_boot = tsc_at_boot;
    vdata->tsc_to_ns_mult = tsc_to_ns_mult;
    vdata->realtime_offset_ns = realtime_offset();
    vvar_inode = data.value();
    return true;
}

bool image_init(vdso_image& image)
{
    if (image.file)
        return true;
    auto size = static_cast<unsigned long>(image.data_end - image.data);
    unsigned long len = PAGE_ALIGN(size);
    auto code = shmem_file_setup(len);
    if (!code.ok())
        return false;
    for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
        auto p = filemap_get_page(code.value(), off >> PAGE_SHIFT);
        if (!p.ok())
            return false;
        unsigned long n = min<unsigned long>(PAGE_SIZE, size - off);
        memset(page_address(p.value()), 0, PAGE_SIZE);
        memcpy(page_address(p.value()), image.data + off, n);
        if (off == 0 && image.fixup)
            image.fixup(static_cast<u8*>(page_address(p.value()))); /* the images are one page */
    }
    image.len = len;
    image.file = code.value();
    return true;
}

} // namespace

unsigned long map_vdso(mm_struct* mm, unsigned long addr, vdso_image& image)
{
    if (!vvar_init() || !image_init(image))
        return 0;
    unsigned long len = VVAR_SIZE + image.len;
    if (!addr)
        addr = get_unmapped_area(mm, len);
    if (!addr)
        return 0;
    /* [vvar]: private and read-only for good (Linux: no VM_MAYWRITE, so
     * mprotect cannot make it writable); a private mapping of the page cache
     * still reads the kernel's page, as long as nobody writes it. */
    if (!mmap_region(mm, addr, VVAR_SIZE, VM_READ, vvar_inode, 0).ok())
        return 0;
    if (vm_area_struct* v = find_vma(mm, addr))
        v->vm_flags &= ~(VM_MAYWRITE | VM_MAYEXEC);
    if (!mmap_region(mm, addr + VVAR_SIZE, image.len, VM_READ | VM_EXEC, image.file, 0).ok())
        return 0;
    return addr + VVAR_SIZE;
}

unsigned long arch_setup_additional_pages(mm_struct* mm)
{
    if (!image_init(vdso_image_64))
        return 0;
    /* Linux's vdso_addr: a random page between the stack's strings and the
     * next 2 MiB boundary above them (the end of user space at most); that
     * page is taken only if the range is free, that is above the stack's
     * top, and else the vDSO goes to the top of the mmap area, as a hint
     * that does not fit does. Without randomization the stack is at the top
     * of user space, so it is always the mmap area. */
    unsigned long len = VVAR_SIZE + vdso_image_64.len;
    unsigned long start = PAGE_ALIGN(mm->start_stack);
    constexpr unsigned long PMD_SIZE = 2UL << 20;
    unsigned long end = (start + len + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
    end = min(end, TASK_SIZE) - len;
    unsigned long addr = start;
    if (end > start)
        addr = start + ((get_random_u64() % (((end - start) >> PAGE_SHIFT) + 1)) << PAGE_SHIFT);
    if (!range_in_user_space(addr, len) || !range_is_free(mm, addr, addr + len))
        addr = 0;
    return map_vdso(mm, addr, vdso_image_64);
}

const char* arch_vma_name(const vm_area_struct* vma)
{
    if (vma->vm_file && (vma->vm_file == vdso_image_64.file || vma->vm_file == vdso_image_32.file))
        return "[vdso]";
    if (vma->vm_file && vma->vm_file == vvar_inode)
        return "[vvar]";
    return nullptr;
}

void vdso_update_realtime(s64 realtime_offset_ns)
{
    if (!vdata)
        return;
    WRITE_ONCE(vdata->seq, vdata->seq + 1); /* odd: readers wait */
    barrier();
    vdata->realtime_offset_ns = realtime_offset_ns;
    barrier();
    WRITE_ONCE(vdata->seq, vdata->seq + 1);
}
