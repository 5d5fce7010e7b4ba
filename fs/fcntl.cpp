/* Descriptor operations: dup, dup2, dup3, fcntl. */
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/compat.h>
#include <linux/syscalls.h>

SyscallResult fcntl_lock(file* f, unsigned int cmd, unsigned long arg); /* fs/locks.cpp */
Result<void> fcntl_lock_kernel(file* f, unsigned int cmd, flock_user& u);

namespace {

/* The status flags F_SETFL may change (Linux's SETFL_MASK). */
constexpr unsigned SETFL_MASK = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;

/* Makes newfd refer to f (a reference), closing what newfd held. */
Result<int> replace_fd(int newfd, file* f, unsigned flags)
{
    files_struct* files = current->files;
    if (newfd < 0 || static_cast<unsigned long>(newfd) >= rlimit(RLIMIT_NOFILE)) {
        fput(f);
        return Errno::EBADF;
    }
    if (auto room = expand_files(files, newfd); !room.ok()) {
        fput(f);
        return room.error() == Errno::EMFILE ? Errno::EBADF : room.error();
    }
    file* old = files->fd[newfd];
    if (!old && files->fd_is_open(newfd)) {
        /* Reserved by an open still under way in another thread (Linux: EBUSY). */
        fput(f);
        return Errno::EBUSY;
    }
    {
        spin_guard g(&files->file_lock); /* against a lock-free FdRef */
        files->fd[newfd] = f;
    }
    files->set_open_fd(newfd);
    set_close_on_exec(newfd, flags & O_CLOEXEC);
    if (old) {
        locks_remove_posix(old, files);
        fput(old);
    }
    return newfd;
}

Result<int> dupfd(int oldfd, int start, unsigned flags)
{
    file* f = fget_raw(oldfd);
    if (!f)
        return Errno::EBADF;
    auto fd = get_unused_fd_flags(flags, start);
    if (!fd.ok()) {
        fput(f);
        return fd.error();
    }
    fd_install(fd.value(), f);
    return fd.value();
}

} // namespace

SYSCALL_DEFINE1(dup, unsigned int, fildes)
{
    return dupfd(static_cast<int>(fildes), 0, 0);
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, FdFlags, flags)
{
    if (flags & ~O_CLOEXEC)
        return Errno::EINVAL;
    if (oldfd == newfd)
        return Errno::EINVAL;
    file* f = fget_raw(static_cast<int>(oldfd));
    if (!f)
        return Errno::EBADF;
    return replace_fd(static_cast<int>(newfd), f, flags);
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
    if (oldfd == newfd) {
        FdRef f(static_cast<int>(oldfd), FdRef::raw);
        return f ? SyscallResult(static_cast<int>(newfd)) : SyscallResult(Errno::EBADF);
    }
    file* f = fget_raw(static_cast<int>(oldfd));
    if (!f)
        return Errno::EBADF;
    return replace_fd(static_cast<int>(newfd), f, 0);
}

SYSCALL_DEFINE3(fcntl, unsigned int, fd, FcntlCmd, cmd, FcntlArg, arg)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    int ifd = static_cast<int>(fd);
    /* An O_PATH descriptor only duplicates and shows its flags (Linux's check_fcntl_cmd). */
    if ((f->f_mode & FMODE_PATH) &&
        !(cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD || cmd == F_GETFL))
        return Errno::EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= rlimit(RLIMIT_NOFILE))
            return Errno::EINVAL;
        return dupfd(ifd, static_cast<int>(arg), cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0);
    case F_GETFD:
        return get_close_on_exec(ifd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        set_close_on_exec(ifd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->f_flags;
    case F_SETFL:
        if (f->f_mode & FMODE_PATH)
            return Errno::EBADF;
        /* O_ASYNC turned on or off: the file's object lists it for SIGIO. */
        if (((arg ^ f->f_flags) & FASYNC) && f->f_op && f->f_op->fasync)
            TRY(f->f_op->fasync(ifd, f.get(), arg & FASYNC));
        /* O_APPEND can't be dropped from an append-only file; we have none. */
        f->f_flags = (f->f_flags & ~SETFL_MASK) | (static_cast<unsigned>(arg) & SETFL_MASK);
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(f.get(), cmd, arg);
    case F_GETOWN:
    case F_SETOWN:
    case 10: /* F_SETSIG */
    case 11: /* F_GETSIG */
    case 15: /* F_SETOWN_EX */
    case 16: /* F_GETOWN_EX */
        return fcntl_owner(f.get(), cmd, arg);
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        return pipe_fcntl(f.get(), cmd, arg);
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return memfd_fcntl(f.get(), cmd, arg);
    default:
        return Errno::EINVAL;
    }
}

/*
 * i386's fcntl and fcntl64 (both compat_sys_fcntl64, as in Linux's table):
 * F_GETLK/F_SETLK/F_SETLKW take a compat_flock (32-bit offsets; F_GETLK's
 * answer EOVERFLOW past them, its length clamped), the *64 forms and the
 * F_OFD_ commands a compat_flock64; every other command is fcntl's.
 */
COMPAT_SYSCALL_DEFINE3(fcntl64, unsigned int, fd, FcntlCmd, cmd, FcntlArg, arg)
{
    constexpr s64 COMPAT_OFF_T_MAX = 0x7fffffff;
    bool narrow = cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW;
    bool wide = cmd == F_GETLK64 || cmd == F_SETLK64 || cmd == F_SETLKW64 || cmd == F_OFD_GETLK ||
                cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (!narrow && !wide)
        return __do_sys_fcntl(fd, cmd, arg);
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    if (f->f_mode & FMODE_PATH)
        return Errno::EBADF;
    unsigned int native = cmd == F_GETLK64 ? F_GETLK : cmd == F_SETLK64 ? F_SETLK : cmd == F_SETLKW64 ? F_SETLKW : cmd;
    bool getlk = native == F_GETLK || native == F_OFD_GETLK;
    flock_user u;
    if (narrow) {
        auto ptr = compat_ptr<const compat_flock>(static_cast<compat_uptr_t>(arg));
        compat_flock c = TRY(get_user(ptr));
        u = {c.l_type, c.l_whence, c.l_start, c.l_len, c.l_pid};
    } else {
        auto ptr = compat_ptr<const compat_flock64>(static_cast<compat_uptr_t>(arg));
        compat_flock64 c = TRY(get_user(ptr));
        u = {c.l_type, c.l_whence, c.l_start, c.l_len, c.l_pid};
    }
    TRY(fcntl_lock_kernel(f.get(), native, u));
    if (!getlk)
        return 0;
    if (narrow) {
        if (u.l_start > COMPAT_OFF_T_MAX)
            return Errno::EOVERFLOW;
        if (u.l_len > COMPAT_OFF_T_MAX)
            u.l_len = COMPAT_OFF_T_MAX;
        compat_flock c{u.l_type, u.l_whence, static_cast<s32>(u.l_start), static_cast<s32>(u.l_len), u.l_pid};
        return put_user(c, compat_ptr<compat_flock, UserDir::Out>(static_cast<compat_uptr_t>(arg)));
    }
    compat_flock64 c{u.l_type, u.l_whence, u.l_start, u.l_len, u.l_pid};
    return put_user(c, compat_ptr<compat_flock64, UserDir::Out>(static_cast<compat_uptr_t>(arg)));
}
