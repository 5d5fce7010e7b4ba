/*
 * i386's mmap calls: mmap2 (192, sys_mmap_pgoff: the offset in 4096-byte
 * pages, so a 32-bit argument reaches 16 TiB into a file) and the old mmap
 * (90, compat_sys_ia32_mmap: the six arguments in memory, a byte offset that
 * must be page-aligned). Both map below 4 GiB (get_unmapped_area).
 */
#include <asm/page.h>
#include <linux/compat.h>
#include <linux/syscalls.h>

SyscallResult ksys_mmap_pgoff(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
                              int fd, unsigned long pgoff); /* mm/mmap.cpp */

SYSCALL_DEFINE6(mmap_pgoff, UserAddr, addr, unsigned long, len, ProtFlags, prot, MapFlags, flags, int, fd,
                unsigned long, pgoff)
{
    return ksys_mmap_pgoff(addr, len, prot, flags, fd, pgoff);
}

/* Linux's struct mmap_arg_struct32. */
struct mmap_arg_struct32 {
    u32 addr;
    u32 len;
    u32 prot;
    u32 flags;
    u32 fd;
    u32 offset;
};
static_assert(sizeof(mmap_arg_struct32) == 24);

COMPAT_SYSCALL_DEFINE1(ia32_mmap, user_in_ptr<const mmap_arg_struct32>, arg)
{
    mmap_arg_struct32 a = TRY(get_user(arg));
    if (a.offset & ~PAGE_MASK)
        return Errno::EINVAL;
    return ksys_mmap_pgoff(a.addr, a.len, a.prot, a.flags, static_cast<int>(a.fd), a.offset >> PAGE_SHIFT);
}
