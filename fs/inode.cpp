/* Inodes and the page cache of memory-backed files (the iterators: lib/iov_iter.cpp). */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time.h>

inode* new_inode(super_block* sb, umode_t mode)
{
    auto* i = static_cast<inode*>(kzalloc(sizeof(inode)));
    if (!i)
        return nullptr;
    i->i_count = 1;
    i->i_ino = ++sb->s_next_ino;
    i->i_sb = sb;
    i->i_mode = mode;
    i->i_nlink = S_ISDIR(mode) ? 2 : 1;
    const cred* c = current_cred();
    i->i_uid = c->fsuid;
    i->i_gid = c->fsgid;
    i->i_atime = i->i_mtime = i->i_ctime = current_time();
    i->i_wait.head.init();
    return i;
}

void ihold(inode* i) { refcount_inc(i->i_count, "inode", i); }

void iput(inode* i)
{
    if (!i || !refcount_dec_and_test(i->i_count, "inode", i))
        return;
    for (unsigned long n = 0; n < i->i_pages_cap; n++)
        if (i->i_pages[n]) {
            put_page(i->i_pages[n]);
            shmem_unacct_blocks(i->i_sb, 1);
        }
    if (i->i_sb)
        shmem_free_inode(i->i_sb); /* only a limited tmpfs counts inodes */
    kfree(i->i_pages);
    kfree(i->i_link);
    simple_xattrs_free(i);
    kfree(i);
}

timespec64 current_time() { return ns_to_timespec64(ktime_get_real_ns()); }

namespace {

Result<void> reserve_pages(inode* i, unsigned long nr)
{
    if (nr <= i->i_pages_cap)
        return {};
    unsigned long cap = max<unsigned long>(nr, i->i_pages_cap * 2);
    auto** pages = static_cast<page**>(kzalloc(cap * sizeof(page*)));
    if (!pages)
        return Errno::ENOMEM;
    if (i->i_pages)
        memcpy(pages, i->i_pages, i->i_pages_cap * sizeof(page*));
    kfree(i->i_pages);
    i->i_pages = pages;
    i->i_pages_cap = cap;
    return {};
}

/* The page at index, allocating a zero page for a hole. */
Result<page*> page_at(inode* i, unsigned long index)
{
    TRY(reserve_pages(i, index + 1));
    if (!i->i_pages[index]) {
        TRY(shmem_acct_blocks(i->i_sb, 1)); /* ENOSPC on a full tmpfs */
        page* p = alloc_zeroed_page();
        if (!p) {
            shmem_unacct_blocks(i->i_sb, 1);
            return Errno::ENOMEM;
        }
        i->i_pages[index] = p;
    }
    return i->i_pages[index];
}

} // namespace

Result<page*> filemap_get_page(inode* i, unsigned long index)
{
    if (index >= (static_cast<unsigned long>(i->i_size) + PAGE_SIZE - 1) >> PAGE_SHIFT)
        return Errno::ENXIO;
    page* p = TRY(page_at(i, index));
    get_page(p);
    return p;
}

Result<void> filemap_set_size(inode* i, loff_t size)
{
    unsigned long keep = (static_cast<unsigned long>(size) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (size < i->i_size && i->i_mapping_ok)
        unmap_mapping_range(i, keep);
    for (unsigned long n = keep; n < i->i_pages_cap; n++) {
        if (i->i_pages[n]) {
            put_page(i->i_pages[n]);
            shmem_unacct_blocks(i->i_sb, 1);
            i->i_pages[n] = nullptr;
        }
    }
    /* The tail of the last kept page must read as zeroes if the file grows again. */
    if (size < i->i_size && (size & (PAGE_SIZE - 1)) && keep - 1 < i->i_pages_cap && i->i_pages[keep - 1])
        memset(static_cast<u8*>(page_address(i->i_pages[keep - 1])) + (size & (PAGE_SIZE - 1)), 0,
               PAGE_SIZE - (size & (PAGE_SIZE - 1)));
    i->i_size = size;
    return {};
}

Result<size_t> filemap_read(inode* i, iter_dest& to, loff_t pos)
{
    size_t done = 0;
    while (to.count() && pos < i->i_size) {
        unsigned long index = pos >> PAGE_SHIFT;
        size_t offset = pos & (PAGE_SIZE - 1);
        size_t n = min<size_t>(min<size_t>(PAGE_SIZE - offset, i->i_size - pos), to.count());
        size_t copied;
        if (index < i->i_pages_cap && i->i_pages[index])
            copied = to.copy_to_iter(static_cast<u8*>(page_address(i->i_pages[index])) + offset, n);
        else
            copied = to.zero_iter(n);
        done += copied;
        pos += copied;
        if (copied < n)
            break;
        /* A page at a time, another task's turn if it is due: the read runs
         * under the kernel lock, where the kernel is not preempted (a 2 GiB
         * read held the CPU for seconds). Each turn starts again from the
         * inode's size and pages, which may have changed meanwhile. */
        cond_resched();
    }
    if (!done && to.faulted())
        return Errno::EFAULT;
    return done;
}

Result<size_t> filemap_write(inode* i, iter_source& from, loff_t pos)
{
    size_t done = 0;
    while (from.count()) {
        unsigned long index = pos >> PAGE_SHIFT;
        size_t offset = pos & (PAGE_SIZE - 1);
        size_t n = min<size_t>(PAGE_SIZE - offset, from.count());
        auto p = page_at(i, index);
        if (!p.ok()) {
            if (done)
                break;
            return p.error();
        }
        size_t copied = from.copy_from_iter(static_cast<u8*>(page_address(p.value())) + offset, n);
        done += copied;
        pos += copied;
        if (pos > i->i_size)
            i->i_size = pos;
        if (copied < n)
            break;
    }
    if (!done && from.faulted())
        return Errno::EFAULT;
    if (done)
        i->i_mtime = i->i_ctime = current_time();
    return done;
}

Result<void> filemap_allocate(inode* i, loff_t pos, loff_t end)
{
    unsigned long first = static_cast<unsigned long>(pos) >> PAGE_SHIFT;
    unsigned long last = static_cast<unsigned long>(end - 1) >> PAGE_SHIFT;
    /* All or none: not started unless the free pages cover the holes (the
     * pages a race still took stay, zero, until a truncation). */
    unsigned long holes = 0, free = nr_free_pages();
    for (unsigned long n = first; n <= last && holes < free; n++)
        holes += n >= i->i_pages_cap || !i->i_pages[n];
    if (holes >= free)
        return Errno::ENOMEM;
    /* A tmpfs's size=: the holes must fit too (ENOSPC, nothing allocated). */
    unsigned long want = 0;
    for (unsigned long n = first; n <= last; n++)
        want += n >= i->i_pages_cap || !i->i_pages[n];
    TRY(shmem_acct_blocks(i->i_sb, want));
    shmem_unacct_blocks(i->i_sb, want);
    TRY(reserve_pages(i, last + 1));
    for (unsigned long n = first; n <= last; n++) {
        if (i->i_pages[n])
            continue;
        TRY(shmem_acct_blocks(i->i_sb, 1));
        page* p = alloc_zeroed_page();
        if (!p) {
            shmem_unacct_blocks(i->i_sb, 1);
            return Errno::ENOMEM;
        }
        i->i_pages[n] = p;
    }
    return {};
}

void filemap_punch_hole(inode* i, loff_t pos, loff_t end)
{
    unsigned long first = static_cast<unsigned long>(pos) >> PAGE_SHIFT;
    unsigned long last = static_cast<unsigned long>(end - 1) >> PAGE_SHIFT;
    for (unsigned long n = first; n <= last && n < i->i_pages_cap; n++) {
        page* p = i->i_pages[n];
        if (!p)
            continue;
        loff_t start = max<loff_t>(pos, static_cast<loff_t>(n) << PAGE_SHIFT);
        loff_t stop = min<loff_t>(end, static_cast<loff_t>(n + 1) << PAGE_SHIFT);
        if (stop - start == static_cast<loff_t>(PAGE_SIZE) && p->refcount == 1) {
            put_page(p);
            shmem_unacct_blocks(i->i_sb, 1);
            i->i_pages[n] = nullptr;
        } else {
            memset(static_cast<u8*>(page_address(p)) + (start & (PAGE_SIZE - 1)), 0, stop - start);
        }
    }
}
