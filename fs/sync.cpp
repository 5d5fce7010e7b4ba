/* sync and friends: every file system here lives in memory, so there is nothing to write back. */
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

SYSCALL_DEFINE0(sync) { return 0; }
SYSCALL_DEFINE1(syncfs, int, fd)
{
    FdRef f(fd);
    return f ? SyscallResult(0) : SyscallResult(Errno::EBADF);
}
SYSCALL_DEFINE1(fsync, unsigned int, fd) { return fsync_fd(fd); }
SYSCALL_DEFINE1(fdatasync, unsigned int, fd) { return fsync_fd(fd); }
