/* sync and friends: every file system here lives in memory, so there is nothing to write back. */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/syscalls.h>

namespace {
SyscallResult fsync_fd(unsigned int fd)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    /* Regular files and directories of the memory file systems sync trivially;
     * pipes, sockets and character devices have no fsync: EINVAL, as Linux. */
    umode_t mode = f->f_inode->i_mode;
    return S_ISREG(mode) || S_ISDIR(mode) ? SyscallResult(0) : SyscallResult(Errno::EINVAL);
}
} // namespace

/* Linux's checks (fs/sync.c), then nothing to write back: a range of the
 * file, flags among WAIT_BEFORE, WRITE and WAIT_AFTER, on something with
 * pages (a pipe or socket: ESPIPE). */
static SyscallResult do_sync_file_range(int fd, s64 offset, s64 nbytes, unsigned int flags)
{
    constexpr unsigned SYNC_FILE_RANGE_VALID = 1 | 2 | 4;
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    u64 endbyte = static_cast<u64>(offset) + static_cast<u64>(nbytes);
    if ((flags & ~SYNC_FILE_RANGE_VALID) || offset < 0 || static_cast<s64>(endbyte) < 0 ||
        endbyte < static_cast<u64>(offset))
        return Errno::EINVAL;
    umode_t mode = f->f_inode->i_mode;
    if (!S_ISREG(mode) && !S_ISBLK(mode) && !S_ISDIR(mode) && !S_ISLNK(mode))
        return Errno::ESPIPE;
    return 0;
}

SYSCALL_DEFINE4(sync_file_range, int, fd, s64, offset, s64, nbytes, unsigned int, flags)
{
    return do_sync_file_range(fd, offset, nbytes, flags);
}

/* i386's: each 64-bit value in two registers, low half first. */
SYSCALL_DEFINE6(ia32_sync_file_range, int, fd, u32, off_lo, u32, off_hi, u32, n_lo, u32, n_hi, unsigned int, flags)
{
    return do_sync_file_range(fd, static_cast<s64>(compat_arg_u64(off_lo, off_hi)),
                              static_cast<s64>(compat_arg_u64(n_lo, n_hi)), flags);
}

SYSCALL_DEFINE0(sync) { return 0; }
SYSCALL_DEFINE1(syncfs, int, fd)
{
    FdRef f(fd);
    return f ? SyscallResult(0) : SyscallResult(Errno::EBADF);
}
SYSCALL_DEFINE1(fsync, unsigned int, fd) { return fsync_fd(fd); }
SYSCALL_DEFINE1(fdatasync, unsigned int, fd) { return fsync_fd(fd); }
