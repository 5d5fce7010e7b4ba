/* Opening and closing files: open, openat, creat, close. */
#include <linux/fsnotify.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/smp_lock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/syscall_args.h>

file* alloc_file(const path& p, unsigned flags, const file_operations* fops)
{
    auto* f = static_cast<file*>(kzalloc(sizeof(file)));
    if (!f)
        return nullptr;
    f->f_count = 1;
    f->f_path = p;
    path_get(p);
    /* The file holds its inode itself: unlinking the name must not free it. */
    f->f_inode = p.dentry->d_inode;
    ihold(f->f_inode);
    f->f_op = fops;
    f->f_flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    unsigned acc = flags & O_ACCMODE;
    /* Access mode 3 is neither reader nor writer (ioctl only), as on Linux. */
    if (flags & O_PATH)
        f->f_mode = FMODE_PATH;
    else
        f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
                    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0) | FMODE_LSEEK;
    /* execve refuses (ETXTBSY) while it is open for writing; fput undoes this. */
    if ((f->f_mode & FMODE_WRITE) && S_ISREG(f->f_inode->i_mode))
        f->f_inode->i_writecount++;
    return f;
}

file* get_file(file* f)
{
    refcount_inc_atomic(f->f_count, "file", f);
    return f;
}

/* The last reference: the file goes, under the kernel lock (what release and
 * the inode and dentry puts touch is under it), which a read or write that
 * runs without it (SYSCALL_NO_BKL) takes here. */
static void __fput(file* f)
{
    if (f->f_ep)
        eventpoll_release_file(f);
    poll_release_file(f);
    locks_remove_file(f);
    if (!(f->f_mode & FMODE_PATH))
        fsnotify_close(f);
    if ((f->f_flags & FASYNC) && f->f_op && f->f_op->fasync)
        (void)f->f_op->fasync(-1, f, false); /* off its object's SIGIO list */
    if (f->f_op && f->f_op->release && !(f->f_mode & FMODE_PATH))
        f->f_op->release(f->f_inode, f);
    if ((f->f_mode & FMODE_WRITE) && S_ISREG(f->f_inode->i_mode))
        f->f_inode->i_writecount--;
    iput(f->f_inode);
    path_put(f->f_path);
    kfree(f);
}

void fput(file* f)
{
    if (!refcount_dec_and_test_atomic(f->f_count, "file", f))
        return;
    if (likely(kernel_locked())) {
        __fput(f);
    } else {
        lock_kernel();
        __fput(f);
        unlock_kernel();
    }
}

namespace {

constexpr int MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

Result<path> create_link_target(const path& dir, dentry* link, unsigned flags, umode_t mode, bool& created, int depth);

/* Creates a regular file named pp.last in pp.dir. */
Result<path> create_file(parent_path& pp, umode_t mode)
{
    TRY(mnt_want_write(pp.dir.mnt));
    dentry* d = TRY(vfs_create(pp, S_IFREG | (mode & ~current->fs->umask & S_IALLUGO), 0));
    return path{pp.dir.mnt, dget(d)};
}

/* The final path for O_CREAT: the existing file, or a new one. A dangling
 * symlink in the last place creates what it points to, as Linux does
 * (depth counts the links followed so far). */
Result<path> open_create(int dirfd, const char* name, unsigned flags, umode_t mode, bool& created, int depth = 0)
{
    if (depth > MAXSYMLINKS)
        return Errno::ELOOP;
    parent_path pp = TRY(kern_path_parent(dirfd, name));
    Result<path> r = Errno::ENOENT;
    bool special = !strcmp(pp.last, ".") || !strcmp(pp.last, "..") || !strcmp(pp.last, "/");
    if (special || pp.trailing_slash) {
        r = Errno::EISDIR;
    } else {
        auto existing = lookup_one(pp.dir, pp.last);
        if (existing.ok()) {
            path p = existing.value();
            if (flags & O_EXCL) {
                path_put(p);
                r = Errno::EEXIST;
            } else if (S_ISLNK(p.dentry->d_inode->i_mode)) {
                r = (flags & O_NOFOLLOW) ? Result<path>(Errno::ELOOP) : path_lookup_from(pp.dir, pp.last, LOOKUP_FOLLOW);
                if (!r.ok() && r.error() == Errno::ENOENT)
                    r = create_link_target(pp.dir, p.dentry, flags, mode, created, depth);
                path_put(p);
            } else {
                r = p;
            }
        } else if (existing.error() == Errno::ENOENT) {
            r = create_file(pp, mode);
            created = r.ok();
        } else {
            r = existing.error();
        }
    }
    path_put(pp.dir);
    return r;
}

/* Creates the file a dangling symlink names: its target, taken from the
 * directory the link is in. */
Result<path> create_link_target(const path& dir, dentry* link, unsigned flags, umode_t mode, bool& created, int depth)
{
    inode* li = link->d_inode;
    auto* target = static_cast<char*>(kmalloc(2 * PATH_MAX));
    if (!target)
        return Errno::ENOMEM;
    Result<path> r = Errno::ENOENT;
    auto len = li->i_op && li->i_op->readlink ? li->i_op->readlink(link, target + PATH_MAX, PATH_MAX - 1)
                                               : Result<size_t>(Errno::EINVAL);
    if (len.ok()) {
        char* t = target + PATH_MAX;
        t[len.value()] = 0;
        if (t[0] == '/') {
            r = open_create(AT_FDCWD, t, flags, mode, created, depth + 1);
        } else if (auto where = d_path(dir, target, PATH_MAX - 1); where.ok()) {
            /* Relative: the link's directory, then its text. */
            size_t dlen = strlen(where.value());
            memmove(target, where.value(), dlen);
            target[dlen] = '/';
            memmove(target + dlen + 1, t, len.value() + 1);
            r = open_create(AT_FDCWD, target, flags, mode, created, depth + 1);
        }
    }
    kfree(target);
    return r;
}

} // namespace

Result<file*> do_filp_open(int dirfd, const char* name, unsigned flags, umode_t mode)
{
    path p;
    if (flags & O_CREAT) {
        bool created = false;
        p = TRY(open_create(dirfd, name, flags, mode, created));
        if (created)
            flags &= ~O_TRUNC; /* nothing to truncate, and no IN_MODIFY (Linux's FMODE_CREATED) */
        if (S_ISDIR(p.dentry->d_inode->i_mode)) {
            path_put(p);
            return Errno::EISDIR; /* O_CREAT names a directory, perhaps through a symlink */
        }
    } else {
        unsigned lookup = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
        if (flags & O_DIRECTORY)
            lookup |= LOOKUP_DIRECTORY;
        p = TRY(path_lookupat(dirfd, name, lookup));
    }
    auto f = dentry_open(p, flags);
    path_put(p);
    return f;
}

Result<file*> dentry_open(const path& p, unsigned flags)
{
    inode* i = p.dentry->d_inode;
    unsigned acc = flags & O_ACCMODE;
    /* Access mode 3 asks for read and write permission (Linux's ACC_MODE). */
    bool wants_read = acc == O_RDONLY || acc == O_RDWR || acc == O_ACCMODE;
    bool wants_write = acc == O_WRONLY || acc == O_RDWR || acc == O_ACCMODE || (flags & O_TRUNC);
    Errno err{};
    if (S_ISLNK(i->i_mode) && !(flags & O_PATH))
        err = Errno::ELOOP;
    else if ((flags & O_DIRECTORY) && !S_ISDIR(i->i_mode))
        err = Errno::ENOTDIR;
    else if (S_ISDIR(i->i_mode) && wants_write && !(flags & O_PATH))
        err = Errno::EISDIR;
    else if (!(flags & O_PATH)) {
        /* execve opens for execution: read permission is not needed. */
        int mask = (flags & __FMODE_EXEC) ? MAY_EXEC
                                           : (wants_read ? MAY_READ : 0) | (wants_write ? MAY_WRITE : 0);
        if (int e = inode_permission(i, mask))
            err = static_cast<Errno>(-e);
        else if (wants_write && (S_ISREG(i->i_mode) || S_ISDIR(i->i_mode)) && __mnt_is_readonly(p.mnt))
            err = Errno::EROFS; /* a read-only bind of a writable file system */
        else if ((flags & O_NOATIME) && current_cred()->fsuid != i->i_uid && !capable(CAP_FOWNER))
            err = Errno::EPERM;
        else if ((acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)) && i->i_writecount < 0)
            err = Errno::ETXTBSY; /* a running program's file (access mode 3 writes nothing) */
    }
    if (err != Errno{})
        return err;

    const file_operations* fops = i->i_fop;
    if (S_ISFIFO(i->i_mode) && !fops)
        fops = fifo_file_operations(); /* a named FIFO; a pipe's inode has its operations */
    if (S_ISSOCK(i->i_mode) && !(flags & O_PATH))
        return Errno::ENXIO; /* a socket is not opened by name (Linux's bad_sock_fops) */
    if (S_ISCHR(i->i_mode)) {
        fops = lookup_chrdev(i->i_rdev);
        if (!fops && !(flags & O_PATH))
            return Errno::ENXIO;
    }
    if ((flags & O_TRUNC) && S_ISREG(i->i_mode) && !(flags & O_PATH)) {
        TRY(memfd_resize_allowed(i, 0)); /* a memfd sealed against shrinking */
        auto r = filemap_set_size(i, 0);
        i->i_mtime = i->i_ctime = current_time();
        if (!r.ok())
            return r.error();
        fsnotify_change(p.dentry, FS_MODIFY);
    }
    file* f = alloc_file(p, flags & ~__FMODE_EXEC, fops);
    if (!f)
        return Errno::ENOMEM;
    if (!(flags & O_PATH) && fops && fops->open) {
        auto r = fops->open(i, f);
        if (!r.ok()) {
            f->f_op = nullptr; /* never opened: no release */
            fput(f);
            return r.error();
        }
    }
    return f;
}

static SyscallResult do_sys_open(int dirfd, user_in_ptr<const char> filename, unsigned flags, umode_t mode,
                                 bool force_largefile = true)
{
    if (force_largefile)
        flags |= O_LARGEFILE; /* a 64-bit kernel: every file may be large (Linux's force_o_largefile) */
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC; /* O_PATH beats the rest (build_open_how) */
    char* name = TRY(getname(filename));
    auto fd = get_unused_fd_flags(flags);
    if (!fd.ok()) {
        putname(name);
        return fd.error();
    }
    auto f = do_filp_open(dirfd, name, flags, mode); /* may sleep: the number stays reserved */
    putname(name);
    if (!f.ok()) {
        put_unused_fd(fd.value());
        return f.error();
    }
    if (!(flags & O_PATH))
        fsnotify_open(f.value());
    fd_install(fd.value(), f.value());
    return fd.value();
}

SYSCALL_DEFINE3(open, user_in_ptr<const char>, filename, OpenFlags, flags, OpenMode, mode)
{
    return do_sys_open(AT_FDCWD, filename, flags.value, mode.value);
}

SYSCALL_DEFINE4(openat, DirFd, dfd, user_in_ptr<const char>, filename, OpenFlags, flags, OpenMode, mode)
{
    return do_sys_open(dfd.value, filename, flags.value, mode.value);
}

/* i386's open and openat: the caller's flags as given, without the
 * O_LARGEFILE the native calls add (Linux's compat_sys_open). */
COMPAT_SYSCALL_DEFINE3(open, user_in_ptr<const char>, filename, OpenFlags, flags, OpenMode, mode)
{
    return do_sys_open(AT_FDCWD, filename, flags.value, mode.value, false);
}

COMPAT_SYSCALL_DEFINE4(openat, DirFd, dfd, user_in_ptr<const char>, filename, OpenFlags, flags, OpenMode, mode)
{
    return do_sys_open(dfd.value, filename, flags.value, mode.value, false);
}

SYSCALL_DEFINE2(creat, user_in_ptr<const char>, pathname, umode_t, mode)
{
    return do_sys_open(AT_FDCWD, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, unsigned int, fd)
{
    return close_fd(static_cast<int>(fd));
}

/*
 * close_range: closes every descriptor from fd to max_fd (or marks it
 * close-on-exec, CLOSE_RANGE_CLOEXEC), after giving this task a table of its
 * own if it shares one (CLOSE_RANGE_UNSHARE). EINVAL for another flag or
 * fd > max_fd; descriptors not open are skipped.
 */
SYSCALL_DEFINE3(close_range, unsigned int, fd, unsigned int, max_fd, unsigned int, flags)
{
    constexpr unsigned CLOSE_RANGE_UNSHARE = 1U << 1, CLOSE_RANGE_CLOEXEC = 1U << 2;
    if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || fd > max_fd)
        return Errno::EINVAL;
    if ((flags & CLOSE_RANGE_UNSHARE) && current->files->count > 1) {
        files_struct* own = TRY(dup_files(current->files));
        put_files(current->files);
        current->files = own;
    }
    files_struct* files = current->files;
    for (unsigned long n = fd; n <= max_fd && n < static_cast<unsigned long>(files->max_fds); n++) {
        if (!files->fd[n])
            continue;
        if (flags & CLOSE_RANGE_CLOEXEC)
            set_close_on_exec(static_cast<int>(n), true);
        else
            (void)close_fd(static_cast<int>(n));
    }
    return 0;
}
