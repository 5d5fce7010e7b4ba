/*
 * Space and advice for a file's pages: fallocate, fadvise64, readahead.
 *
 * fallocate: Linux's vfs_fallocate checks in its order, then tmpfs's own
 * (the root, tmpfs mounts, shm and memfd files): mode 0 or KEEP_SIZE gives
 * every byte of the range a page (st_blocks counts them) and, without
 * KEEP_SIZE, grows the file to its end; PUNCH_HOLE|KEEP_SIZE zeroes the
 * range and frees the pages wholly inside it. Other modes are tmpfs's
 * EOPNOTSUPP, as is any file system without fallocate (ramfs mounts, procfs).
 * Running out of memory is tmpfs's ENOSPC.
 *
 * fadvise64 and readahead: the files all live in memory, so no advice has
 * anything to do, as Linux's rule for file systems without a backing device
 * (tmpfs): valid advice succeeds, after the checks (ESPIPE for a pipe,
 * EINVAL for unknown advice or a negative length; readahead: EBADF unless
 * open for reading, EINVAL unless a regular file).
 */
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscall_args.h>
#include <linux/compat.h>
#include <linux/syscalls.h>

namespace {

constexpr int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_COLLAPSE_RANGE = 0x08,
              FALLOC_FL_ZERO_RANGE = 0x10, FALLOC_FL_INSERT_RANGE = 0x20, FALLOC_FL_UNSHARE_RANGE = 0x40;
constexpr int FALLOC_FL_SUPPORTED_MASK = 0x7f;
constexpr int POSIX_FADV_NOREUSE = 5; /* the last advice: 0 NORMAL .. 5 NOREUSE */

Result<void> vfs_fallocate(file* f, int mode, loff_t offset, loff_t len)
{
    inode* i = f->f_inode;
    if (offset < 0 || len <= 0)
        return Errno::EINVAL;
    if (mode & ~FALLOC_FL_SUPPORTED_MASK)
        return Errno::EOPNOTSUPP;
    if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
        return Errno::EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
        return Errno::EOPNOTSUPP;
    if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE))
        return Errno::EINVAL;
    if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE))
        return Errno::EINVAL;
    if ((mode & FALLOC_FL_UNSHARE_RANGE) && (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
        return Errno::EINVAL;
    if (!(f->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    if (S_ISFIFO(i->i_mode))
        return Errno::ESPIPE;
    if (S_ISDIR(i->i_mode))
        return Errno::EISDIR;
    if (!S_ISREG(i->i_mode))
        return Errno::ENODEV;
    loff_t end;
    if (__builtin_add_overflow(offset, len, &end))
        return Errno::EFBIG;
    if (!is_tmpfs_sb(i->i_sb) || !i->i_mapping_ok)
        return Errno::EOPNOTSUPP; /* no fallocate in this file system */
    /* tmpfs (shmem_fallocate) */
    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
        return Errno::EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && (i->i_seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        return Errno::EPERM;
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > i->i_size && (i->i_seals & F_SEAL_GROW))
        return Errno::EPERM;
    if (mode & FALLOC_FL_PUNCH_HOLE) {
        filemap_punch_hole(i, offset, end);
        i->i_mtime = i->i_ctime = current_time();
        return {};
    }
    unsigned long limit = rlimit(RLIMIT_FSIZE);
    if (end > i->i_size && limit != RLIM_INFINITY && static_cast<unsigned long>(end) > limit) {
        send_sig_info(SIGXFSZ, nullptr, current, false);
        return Errno::EFBIG;
    }
    if (!filemap_allocate(i, offset, end).ok())
        return Errno::ENOSPC;
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > i->i_size)
        i->i_size = end;
    i->i_ctime = current_time();
    return {};
}

Result<void> vfs_fadvise(file* f, loff_t len, int advice)
{
    if (S_ISFIFO(f->f_inode->i_mode))
        return Errno::ESPIPE;
    if (len < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE)
        return Errno::EINVAL;
    return {}; /* memory is all the cache there is: nothing to read ahead or drop */
}

} // namespace

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, loff_t, offset, loff_t, len)
{
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    TRY(vfs_fallocate(f.get(), mode, offset, len));
    return 0;
}

SYSCALL_DEFINE4(fadvise64, int, fd, loff_t, offset, size_t, len, int, advice)
{
    (void)offset;
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    TRY(vfs_fadvise(f.get(), static_cast<loff_t>(len), advice));
    return 0;
}

SYSCALL_DEFINE3(readahead, int, fd, loff_t, offset, size_t, count)
{
    constexpr int POSIX_FADV_WILLNEED = 3;
    (void)offset;
    FdRef f(fd);
    if (!f || !(f->f_mode & FMODE_READ))
        return Errno::EBADF;
    if (!S_ISREG(f->f_inode->i_mode))
        return Errno::EINVAL;
    TRY(vfs_fadvise(f.get(), static_cast<loff_t>(count), POSIX_FADV_WILLNEED));
    return 0;
}

/* ---- i386: the 64-bit offsets and lengths in two registers, low half first
 * (Linux's arch/x86/kernel/sys_ia32.c wrappers, the i386 table's entries) ---- */

SYSCALL_DEFINE6(ia32_fallocate, int, fd, int, mode, u32, offset_lo, u32, offset_hi, u32, len_lo, u32, len_hi)
{
    return __do_sys_fallocate(fd, mode, static_cast<loff_t>(compat_arg_u64(offset_lo, offset_hi)),
                              static_cast<loff_t>(compat_arg_u64(len_lo, len_hi)));
}

/* fadvise64 (250): the length is one 32-bit register. */
SYSCALL_DEFINE5(ia32_fadvise64, int, fd, u32, offset_lo, u32, offset_hi, u32, len, int, advice)
{
    return __do_sys_fadvise64(fd, static_cast<loff_t>(compat_arg_u64(offset_lo, offset_hi)), len, advice);
}

/* fadvise64_64 (272): the length in two halves too, and signed. */
SYSCALL_DEFINE6(ia32_fadvise64_64, int, fd, u32, offset_lo, u32, offset_hi, u32, len_lo, u32, len_hi, int, advice)
{
    (void)offset_lo, (void)offset_hi; /* as fadvise64's: no cache to advise about */
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    TRY(vfs_fadvise(f.get(), static_cast<loff_t>(compat_arg_u64(len_lo, len_hi)), advice));
    return 0;
}

SYSCALL_DEFINE4(ia32_readahead, int, fd, u32, off_lo, u32, off_hi, u32, count)
{
    return __do_sys_readahead(fd, static_cast<loff_t>(compat_arg_u64(off_lo, off_hi)), count);
}
