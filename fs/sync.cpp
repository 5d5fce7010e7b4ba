/* sync and friends: every file system here lives in memory, so there is nothing to write back. */
#include <linux/fs.h>
#include <linux/syscalls.h>

namespace {
SyscallResult fsync_fd(unsigned int fd)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    return 0;
}
} // namespace

SYSCALL_DEFINE0(sync) { return 0; }
SYSCALL_DEFINE1(syncfs, int, fd) { return fsync_fd(static_cast<unsigned int>(fd)); }
SYSCALL_DEFINE1(fsync, unsigned int, fd) { return fsync_fd(fd); }
SYSCALL_DEFINE1(fdatasync, unsigned int, fd) { return fsync_fd(fd); }
