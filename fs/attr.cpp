/*
 * Changing a file's attributes and the process's place in the tree:
 * chmod, chown, truncate, utimensat, access, chdir, fchdir, chroot, getcwd.
 */
#include <linux/fsnotify.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/signal.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/time32.h>
#include <uapi/linux/utime.h>
#include <linux/time.h>

namespace {

constexpr int MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

bool is_owner(const inode* i) { return current_cred()->fsuid == i->i_uid || capable(CAP_FOWNER); }

/* Runs fn on the path (followed unless nofollow), with the reference handled. */
template <typename Fn>
SyscallResult on_path(int dfd, user_in_ptr<const char> name, unsigned lookup, Fn fn)
{
    path p = TRY(user_path_at(dfd, name, lookup));
    auto r = fn(p);
    path_put(p);
    return r;
}

/* fn on the path of descriptor fd; raw: an O_PATH descriptor will do (fchdir). */
template <typename Fn>
SyscallResult on_fd(unsigned int fd, Fn fn, bool raw = false)
{
    FdRef f = raw ? FdRef(static_cast<int>(fd), FdRef::raw) : FdRef(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    return fn(f->f_path);
}

Result<void> chmod_common(const path& p, umode_t mode)
{
    TRY(mnt_want_write(p.mnt));
    inode* i = p.dentry->d_inode;
    if (!is_owner(i))
        return Errno::EPERM;
    mode &= S_IALLUGO;
    /* Only group members (or CAP_FSETID) may set the set-group-id bit. */
    if ((mode & S_ISGID) && !in_group_p(i->i_gid) && !capable(CAP_FSETID))
        mode &= ~S_ISGID;
    i->i_mode = (i->i_mode & S_IFMT) | mode;
    i->i_ctime = current_time();
    fsnotify_change(p.dentry, FS_ATTRIB);
    return {};
}

Result<void> chown_common(const path& p, uid_t user, gid_t group)
{
    TRY(mnt_want_write(p.mnt));
    inode* i = p.dentry->d_inode;
    const cred* c = current_cred();
    bool change_user = user != static_cast<uid_t>(-1) && user != i->i_uid;
    bool change_group = group != static_cast<gid_t>(-1) && group != i->i_gid;
    /* Only CAP_CHOWN gives files away; an owner may pick one of its groups. */
    if (change_user && !capable(CAP_CHOWN))
        return Errno::EPERM;
    if (change_group && !capable(CAP_CHOWN) && !(c->fsuid == i->i_uid && in_group_p(group)))
        return Errno::EPERM;
    if (user != static_cast<uid_t>(-1) && user == i->i_uid && !capable(CAP_CHOWN) && c->fsuid != i->i_uid)
        return Errno::EPERM;
    if (change_user)
        i->i_uid = user;
    if (change_group)
        i->i_gid = group;
    /* chown with any id given takes the set-id bits off a non-directory, even
     * when nothing changes (the set-group-id bit only if group-executable:
     * without it, it marks mandatory locking). */
    if ((user != static_cast<uid_t>(-1) || group != static_cast<gid_t>(-1)) && !S_ISDIR(i->i_mode))
        kill_suid(i);
    i->i_ctime = current_time();
    if (user != static_cast<uid_t>(-1) || group != static_cast<gid_t>(-1))
        fsnotify_change(p.dentry, FS_ATTRIB); /* Linux's ATTR_UID / ATTR_GID */
    return {};
}

Result<void> truncate_inode(inode* i, loff_t length)
{
    if (length < 0)
        return Errno::EINVAL;
    unsigned long limit = rlimit(RLIMIT_FSIZE);
    if (limit != RLIM_INFINITY && static_cast<unsigned long>(length) > limit && length > i->i_size) {
        send_sig_info(SIGXFSZ, nullptr, current, false);
        return Errno::EFBIG;
    }
    if (S_ISDIR(i->i_mode))
        return Errno::EISDIR;
    if (!S_ISREG(i->i_mode) || !i->i_op || !i->i_op->setsize)
        return Errno::EINVAL;
    TRY(i->i_op->setsize(i, length));
    i->i_mtime = i->i_ctime = current_time();
    return {};
}

} // namespace

SYSCALL_DEFINE3(fchmodat, DirFd, dfd, user_in_ptr<const char>, filename, umode_t, mode)
{
    return on_path(dfd.value, filename, LOOKUP_FOLLOW, [&](const path& p) { return chmod_common(p, mode); });
}

SYSCALL_DEFINE2(chmod, user_in_ptr<const char>, filename, umode_t, mode)
{
    return on_path(AT_FDCWD, filename, LOOKUP_FOLLOW, [&](const path& p) { return chmod_common(p, mode); });
}

SYSCALL_DEFINE2(fchmod, unsigned int, fd, umode_t, mode)
{
    return on_fd(fd, [&](const path& p) { return chmod_common(p, mode); });
}

SYSCALL_DEFINE5(fchownat, DirFd, dfd, user_in_ptr<const char>, filename, uid_t, user, gid_t, group, int, flag)
{
    if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    unsigned lookup = ((flag & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((flag & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
    return on_path(dfd.value, filename, lookup, [&](const path& p) { return chown_common(p, user, group); });
}

SYSCALL_DEFINE3(chown, user_in_ptr<const char>, filename, uid_t, user, gid_t, group)
{
    return on_path(AT_FDCWD, filename, LOOKUP_FOLLOW, [&](const path& p) { return chown_common(p, user, group); });
}

SYSCALL_DEFINE3(lchown, user_in_ptr<const char>, filename, uid_t, user, gid_t, group)
{
    return on_path(AT_FDCWD, filename, 0, [&](const path& p) { return chown_common(p, user, group); });
}

SYSCALL_DEFINE3(fchown, unsigned int, fd, uid_t, user, gid_t, group)
{
    return on_fd(fd, [&](const path& p) { return chown_common(p, user, group); });
}

/* i386's 16-bit chowns (Linux's kernel/uid16.c): 0xffff leaves the id alone. */
SYSCALL_DEFINE3(chown16, user_in_ptr<const char>, filename, unsigned short, user, unsigned short, group)
{
    return __do_sys_chown(filename, low2highuid(user), low2highuid(group));
}
SYSCALL_DEFINE3(lchown16, user_in_ptr<const char>, filename, unsigned short, user, unsigned short, group)
{
    return __do_sys_lchown(filename, low2highuid(user), low2highuid(group));
}
SYSCALL_DEFINE3(fchown16, unsigned int, fd, unsigned short, user, unsigned short, group)
{
    return __do_sys_fchown(fd, low2highuid(user), low2highuid(group));
}

SYSCALL_DEFINE2(truncate, user_in_ptr<const char>, path, long, length)
{
    return on_path(AT_FDCWD, path, LOOKUP_FOLLOW, [&](const struct path& p) -> Result<void> {
        inode* i = p.dentry->d_inode;
        if (S_ISDIR(i->i_mode))
            return Errno::EISDIR;
        if (S_ISREG(i->i_mode))
            TRY(mnt_want_write(p.mnt));
        if (int err = inode_permission(i, MAY_WRITE))
            return static_cast<Errno>(-err);
        TRY(truncate_inode(i, length));
        fsnotify_change(p.dentry, FS_MODIFY);
        return {};
    });
}

SYSCALL_DEFINE2(ftruncate, unsigned int, fd, long, length)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    if (length < 0)
        return Errno::EINVAL;
    if (!(f->f_mode & FMODE_WRITE) || !S_ISREG(f->f_inode->i_mode))
        return Errno::EINVAL;
    TRY(truncate_inode(f->f_inode, length));
    fsnotify_change(f->f_path.dentry, FS_MODIFY);
    return 0;
}

/* i386's truncate and ftruncate: a 32-bit signed length (compat_off_t),
 * sign-extended as the native calls' long. */
COMPAT_SYSCALL_DEFINE2(truncate, user_in_ptr<const char>, path, compat_off_t, length)
{
    return __do_sys_truncate(path, length);
}

COMPAT_SYSCALL_DEFINE2(ftruncate, unsigned int, fd, compat_off_t, length)
{
    return __do_sys_ftruncate(fd, length);
}

/* i386's truncate64 and ftruncate64: the length in two registers, low half first. */
SYSCALL_DEFINE3(ia32_truncate64, user_in_ptr<const char>, path, u32, length_lo, u32, length_hi)
{
    return __do_sys_truncate(path, static_cast<long>(compat_arg_u64(length_lo, length_hi)));
}

SYSCALL_DEFINE3(ia32_ftruncate64, unsigned int, fd, u32, length_lo, u32, length_hi)
{
    return __do_sys_ftruncate(fd, static_cast<long>(compat_arg_u64(length_lo, length_hi)));
}

/* ---- timestamps ---- */

namespace {

constexpr long UTIME_NOW = (1L << 30) - 1;
constexpr long UTIME_OMIT = (1L << 30) - 2;

Result<void> set_times(const path& p, const timespec_user* times)
{
    inode* i = p.dentry->d_inode;
    bool explicit_time = times && !((times[0].tv_nsec == UTIME_NOW || times[0].tv_nsec == UTIME_OMIT) &&
                                    (times[1].tv_nsec == UTIME_NOW || times[1].tv_nsec == UTIME_OMIT));
    if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
        return {};
    TRY(mnt_want_write(p.mnt));
    /* Now: the owner or anyone who may write. Explicit times: the owner only. */
    if (explicit_time) {
        if (!is_owner(i))
            return Errno::EPERM;
    } else if (!is_owner(i)) {
        if (int err = inode_permission(i, MAY_WRITE))
            return static_cast<Errno>(-err);
    }
    timespec64 now = current_time();
    auto pick = [&](const timespec_user& t, timespec64& field) {
        if (t.tv_nsec == UTIME_OMIT)
            return;
        field = t.tv_nsec == UTIME_NOW ? now : timespec64{t.tv_sec, t.tv_nsec};
    };
    if (times) {
        pick(times[0], i->i_atime);
        pick(times[1], i->i_mtime);
    } else {
        i->i_atime = i->i_mtime = now;
    }
    i->i_ctime = now;
    /* Both times: IN_ATTRIB; one: IN_ACCESS or IN_MODIFY (Linux's fsnotify_change). */
    bool atime = !times || times[0].tv_nsec != UTIME_OMIT, mtime = !times || times[1].tv_nsec != UTIME_OMIT;
    fsnotify_change(p.dentry, atime && mtime ? FS_ATTRIB : atime ? FS_ACCESS : FS_MODIFY);
    return {};
}

} // namespace

/* utimensat once the times are in the kernel (null: now). */
static SyscallResult do_utimensat(int dfd, user_in_ptr<const char> filename, timespec_user* times, int flags)
{
    if (times) {
        for (int n = 0; n < 2; n++) {
            const timespec_user& t = times[n];
            if (t.tv_nsec != UTIME_NOW && t.tv_nsec != UTIME_OMIT && (t.tv_nsec < 0 || t.tv_nsec >= NSEC_PER_SEC))
                return Errno::EINVAL;
        }
    }
    if (!filename) {
        /* futimens: the descriptor itself. */
        if (dfd == AT_FDCWD)
            return Errno::EFAULT;
        return on_fd(static_cast<unsigned>(dfd), [&](const path& p) { return set_times(p, times); });
    }
    unsigned lookup = ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
    return on_path(dfd, filename, lookup, [&](const path& p) { return set_times(p, times); });
}

SYSCALL_DEFINE4(utimensat, DirFd, dfd, user_in_ptr<const char>, filename, user_in_ptr<const timespec_user>, utimes,
                int, flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    timespec_user times[2];
    if (utimes) {
        TRY(copy_from_user(times, utimes, 2));
        if (in_compat_syscall()) /* utimensat_time64: only tv_nsec's low half (get_timespec64) */
            for (auto& t : times)
                t.tv_nsec = static_cast<long>(static_cast<u32>(t.tv_nsec));
    }
    return do_utimensat(dfd.value, filename, utimes ? times : nullptr, flags);
}

/* i386's utimensat on old_timespec32. */
SYSCALL_DEFINE4(utimensat_time32, DirFd, dfd, user_in_ptr<const char>, filename, user_in_ptr<const old_timespec32>,
                utimes, int, flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    timespec_user times[2];
    if (utimes) {
        old_timespec32 t32[2];
        TRY(copy_from_user(t32, utimes, 2));
        for (int n = 0; n < 2; n++)
            times[n] = {t32[n].tv_sec, t32[n].tv_nsec};
    }
    return do_utimensat(dfd.value, filename, utimes ? times : nullptr, flags);
}

/* utime, utimes and futimesat (Linux's fs/utimes.c): whole seconds, or
 * microseconds, each checked before the conversion to nanoseconds could
 * hide a bad one (UTIME_NOW and UTIME_OMIT are utimensat's alone). */
static SyscallResult do_futimesat(int dfd, user_in_ptr<const char> filename, const timeval_user* tv)
{
    if (!tv)
        return do_utimensat(dfd, filename, nullptr, 0);
    timespec_user times[2];
    for (int n = 0; n < 2; n++) {
        if (tv[n].tv_usec < 0 || tv[n].tv_usec >= 1000000)
            return Errno::EINVAL;
        times[n] = {tv[n].tv_sec, tv[n].tv_usec * 1000};
    }
    return do_utimensat(dfd, filename, times, 0);
}

SYSCALL_DEFINE3(futimesat, DirFd, dfd, user_in_ptr<const char>, filename, user_in_ptr<const timeval_user>, utimes)
{
    timeval_user tv[2];
    if (utimes)
        TRY(copy_from_user(tv, utimes, 2));
    return do_futimesat(dfd.value, filename, utimes ? tv : nullptr);
}

SYSCALL_DEFINE2(utimes, user_in_ptr<const char>, filename, user_in_ptr<const timeval_user>, utimes)
{
    return __do_sys_futimesat(DirFd(AT_FDCWD), filename, utimes);
}

SYSCALL_DEFINE2(utime, user_in_ptr<const char>, filename, user_in_ptr<const utimbuf>, times)
{
    timespec_user tv[2];
    if (times) {
        utimbuf t = TRY(get_user(times));
        tv[0] = {t.actime, 0};
        tv[1] = {t.modtime, 0};
    }
    return do_utimensat(AT_FDCWD, filename, times ? tv : nullptr, 0);
}

/* i386's, on 32-bit seconds. */
SYSCALL_DEFINE3(futimesat_time32, DirFd, dfd, user_in_ptr<const char>, filename, user_in_ptr<const old_timeval32>,
                utimes)
{
    timeval_user tv[2];
    if (utimes) {
        old_timeval32 t32[2];
        TRY(copy_from_user(t32, utimes, 2));
        for (int n = 0; n < 2; n++)
            tv[n] = {t32[n].tv_sec, t32[n].tv_usec};
    }
    return do_futimesat(dfd.value, filename, utimes ? tv : nullptr);
}

SYSCALL_DEFINE2(utimes_time32, user_in_ptr<const char>, filename, user_in_ptr<const old_timeval32>, utimes)
{
    return __do_sys_futimesat_time32(DirFd(AT_FDCWD), filename, utimes);
}

SYSCALL_DEFINE2(utime32, user_in_ptr<const char>, filename, user_in_ptr<const old_utimbuf32>, times)
{
    timespec_user tv[2];
    if (times) {
        old_utimbuf32 t = TRY(get_user(times));
        tv[0] = {t.actime, 0};
        tv[1] = {t.modtime, 0};
    }
    return do_utimensat(AT_FDCWD, filename, times ? tv : nullptr, 0);
}

/* ---- access ---- */

static SyscallResult do_faccessat(int dfd, user_in_ptr<const char> filename, int mode, int flags)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return Errno::EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    /* access() asks about the real ids, unless AT_EACCESS. */
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    if (!(flags & AT_EACCESS)) {
        now->fsuid = now->uid;
        now->fsgid = now->gid;
        if (now->uid != 0)
            now->cap_effective = 0;
        else
            now->cap_effective = now->cap_permitted;
    }
    cred* old = current->cred;
    current->cred = now;
    unsigned lookup = ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
    SyscallResult r = on_path(dfd, filename, lookup, [&](const path& p) -> Result<void> {
        if (!mode)
            return {};
        int mask = (mode & R_OK ? MAY_READ : 0) | (mode & W_OK ? MAY_WRITE : 0) | (mode & X_OK ? MAY_EXEC : 0);
        inode* i = p.dentry->d_inode;
        if (int err = inode_permission(i, mask))
            return static_cast<Errno>(-err);
        /* A read-only mount refuses writing to what lives on it (SUSv2
         * asks access() to say so), not to the devices and FIFOs there. */
        if ((mask & MAY_WRITE) && (S_ISREG(i->i_mode) || S_ISDIR(i->i_mode) || S_ISLNK(i->i_mode)))
            TRY(mnt_want_write(p.mnt));
        return {};
    });
    current->cred = old;
    put_cred(now);
    return r;
}

SYSCALL_DEFINE3(faccessat, DirFd, dfd, user_in_ptr<const char>, filename, int, mode)
{
    return do_faccessat(dfd.value, filename, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, DirFd, dfd, user_in_ptr<const char>, filename, int, mode, int, flags)
{
    return do_faccessat(dfd.value, filename, mode, flags);
}

SYSCALL_DEFINE2(access, user_in_ptr<const char>, filename, int, mode)
{
    return do_faccessat(AT_FDCWD, filename, mode, 0);
}

/* ---- where the process is ---- */

static Result<void> set_fs_path(path& slot, const path& p)
{
    if (!S_ISDIR(p.dentry->d_inode->i_mode))
        return Errno::ENOTDIR;
    if (int err = inode_permission(p.dentry->d_inode, MAY_EXEC))
        return static_cast<Errno>(-err);
    path_get(p);
    path_put(slot);
    slot = p;
    return {};
}

SYSCALL_DEFINE1(chdir, user_in_ptr<const char>, filename)
{
    return on_path(AT_FDCWD, filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
                   [](const path& p) { return set_fs_path(current->fs->pwd, p); });
}

SYSCALL_DEFINE1(fchdir, unsigned int, fd)
{
    return on_fd(fd, [](const path& p) { return set_fs_path(current->fs->pwd, p); }, true);
}

SYSCALL_DEFINE1(chroot, user_in_ptr<const char>, filename)
{
    /* The directory's search permission first (EACCES), then the privilege
     * (EPERM), as Linux's chroot. */
    return on_path(AT_FDCWD, filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, [](const path& p) -> Result<void> {
        if (int err = inode_permission(p.dentry->d_inode, MAY_EXEC))
            return static_cast<Errno>(-err);
        if (!capable(CAP_SYS_CHROOT))
            return Errno::EPERM;
        return set_fs_path(current->fs->root, p);
    });
}

SYSCALL_DEFINE2(getcwd, user_out_ptr<char>, buf, unsigned long, size)
{
    fs_struct* fs = current->fs;
    /* A removed working directory has no name left. */
    dentry* d = fs->pwd.dentry;
    if (d->d_parent != d && (!d->d_inode || !d->d_inode->i_nlink))
        return Errno::ENOENT;
    char* page = static_cast<char*>(kmalloc(PATH_MAX));
    if (!page)
        return Errno::ENOMEM;
    /* In a detached mount, the path from its root after "(unreachable)", as Linux. */
    static constexpr char unreachable_prefix[] = "(unreachable)";
    constexpr size_t prefix_len = sizeof(unreachable_prefix) - 1;
    bool unreachable = false;
    auto p = d_path(fs->pwd, page + prefix_len, PATH_MAX - prefix_len, &unreachable);
    SyscallResult r = 0;
    if (!p.ok()) {
        r = p.error();
    } else {
        char* start = p.value();
        if (unreachable) {
            start -= prefix_len;
            memcpy(start, unreachable_prefix, prefix_len);
        }
        size_t len = strlen(start) + 1;
        if (len > size)
            r = Errno::ERANGE;
        else
            r = copy_to_user(buf, start, len).ok() ? SyscallResult(len) : SyscallResult(Errno::EFAULT);
    }
    kfree(page);
    return r;
}
