/* stat, lstat, fstat, newfstatat, statx. */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>
#include <uapi/linux/compat_stat.h>

Result<void> vfs_getattr(const path& p, kstat& st)
{
    inode* i = p.dentry->d_inode;
    st.ino = i->i_ino;
    st.dev = i->i_sb->s_dev;
    st.mode = i->i_mode;
    st.nlink = i->i_nlink;
    st.uid = i->i_uid;
    st.gid = i->i_gid;
    st.rdev = i->i_rdev;
    st.size = i->i_size;
    st.atime = i->i_atime;
    st.mtime = i->i_mtime;
    st.ctime = i->i_ctime;
    st.blocks = 0;
    for (unsigned long n = 0; n < i->i_pages_cap; n++)
        if (i->i_pages[n])
            st.blocks += PAGE_SIZE / 512;
    return {};
}

namespace {

/* Linux's new_encode_dev: major and minor in the layout glibc decodes. */
unsigned long encode_dev(dev_t dev)
{
    unsigned major = MAJOR(dev), minor = MINOR(dev);
    return (minor & 0xff) | (major << 8) | (static_cast<unsigned long>(minor & ~0xffu) << 12);
}

Result<void> cp_new_stat(const kstat& st, user_out_ptr<struct stat> out)
{
    struct stat tmp;
    memset(&tmp, 0, sizeof(tmp)); /* padding too: nothing of the kernel leaks */
    tmp.st_dev = encode_dev(st.dev);
    tmp.st_ino = st.ino;
    tmp.st_nlink = st.nlink;
    tmp.st_mode = st.mode;
    tmp.st_uid = st.uid;
    tmp.st_gid = st.gid;
    tmp.st_rdev = encode_dev(st.rdev);
    tmp.st_size = st.size;
    tmp.st_blksize = PAGE_SIZE;
    tmp.st_blocks = st.blocks;
    tmp.st_atime = st.atime.tv_sec;
    tmp.st_atime_nsec = st.atime.tv_nsec;
    tmp.st_mtime = st.mtime.tv_sec;
    tmp.st_mtime_nsec = st.mtime.tv_nsec;
    tmp.st_ctime = st.ctime.tv_sec;
    tmp.st_ctime_nsec = st.ctime.tv_nsec;
    return copy_to_user(out, &tmp);
}

/* The path for the stat family: dirfd + name, or dirfd itself for AT_EMPTY_PATH. */
Result<path> stat_path(int dirfd, user_in_ptr<const char> name, int flags)
{
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return Errno::EINVAL;
    unsigned lookup = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
    if (flags & AT_EMPTY_PATH)
        lookup |= LOOKUP_EMPTY;
    return user_path_at(dirfd, name, lookup);
}

Result<kstat> stat_of(const path& p)
{
    kstat st;
    TRY(vfs_getattr(p, st));
    return st;
}

Result<kstat> stat_at(int dirfd, user_in_ptr<const char> name, int flags)
{
    path p = TRY(stat_path(dirfd, name, flags));
    auto st = stat_of(p);
    path_put(p);
    return st;
}

} // namespace

SYSCALL_DEFINE2(newstat, user_in_ptr<const char>, filename, user_out_ptr<struct stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, 0));
    return cp_new_stat(st, statbuf);
}

SYSCALL_DEFINE2(newlstat, user_in_ptr<const char>, filename, user_out_ptr<struct stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, AT_SYMLINK_NOFOLLOW));
    return cp_new_stat(st, statbuf);
}

SYSCALL_DEFINE2(newfstat, unsigned int, fd, user_out_ptr<struct stat>, statbuf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    kstat st = TRY(stat_of(f->f_path));
    return cp_new_stat(st, statbuf);
}

SYSCALL_DEFINE4(newfstatat, DirFd, dfd, user_in_ptr<const char>, filename, user_out_ptr<struct stat>, statbuf,
                AtFlags, flag)
{
    kstat st = TRY(stat_at(dfd.value, filename, flag));
    return cp_new_stat(st, statbuf);
}

SYSCALL_DEFINE5(statx, DirFd, dfd, user_in_ptr<const char>, filename, unsigned int, flags, unsigned int, mask,
                user_out_ptr<struct statx>, buffer)
{
    if (mask & STATX__RESERVED)
        return Errno::EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return Errno::EINVAL;
    kstat st = TRY(stat_at(dfd.value, filename, static_cast<int>(flags)));
    struct statx tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.stx_mask = STATX_BASIC_STATS;
    tmp.stx_blksize = PAGE_SIZE;
    tmp.stx_nlink = st.nlink;
    tmp.stx_uid = st.uid;
    tmp.stx_gid = st.gid;
    tmp.stx_mode = st.mode;
    tmp.stx_ino = st.ino;
    tmp.stx_size = st.size;
    tmp.stx_blocks = st.blocks;
    auto ts = [](const timespec64& t) { return statx_timestamp{t.tv_sec, static_cast<u32>(t.tv_nsec), 0}; };
    tmp.stx_atime = ts(st.atime);
    tmp.stx_mtime = ts(st.mtime);
    tmp.stx_ctime = ts(st.ctime);
    tmp.stx_rdev_major = MAJOR(st.rdev);
    tmp.stx_rdev_minor = MINOR(st.rdev);
    tmp.stx_dev_major = MAJOR(st.dev);
    tmp.stx_dev_minor = MINOR(st.dev);
    return copy_to_user(buffer, &tmp);
}

/* ---- i386: compat_stat and stat64 (Linux's cp_compat_stat, cp_stat64) ---- */

namespace {

constexpr u64 MAX_NON_LFS = 0x7fffffff;

Result<void> cp_compat_stat(const kstat& st, user_out_ptr<compat_stat> out)
{
    compat_stat tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.st_dev = static_cast<u32>(encode_dev(st.dev));
    tmp.st_ino = static_cast<u32>(st.ino);
    if (tmp.st_ino != st.ino)
        return Errno::EOVERFLOW;
    tmp.st_mode = static_cast<u16>(st.mode);
    tmp.st_nlink = static_cast<u16>(st.nlink);
    if (tmp.st_nlink != st.nlink)
        return Errno::EOVERFLOW;
    tmp.st_uid = static_cast<u16>(high2lowuid(st.uid));
    tmp.st_gid = static_cast<u16>(high2lowuid(st.gid));
    tmp.st_rdev = static_cast<u32>(encode_dev(st.rdev));
    if (static_cast<u64>(st.size) > MAX_NON_LFS)
        return Errno::EOVERFLOW;
    tmp.st_size = static_cast<u32>(st.size);
    tmp.st_atime = static_cast<u32>(st.atime.tv_sec);
    tmp.st_atime_nsec = static_cast<u32>(st.atime.tv_nsec);
    tmp.st_mtime = static_cast<u32>(st.mtime.tv_sec);
    tmp.st_mtime_nsec = static_cast<u32>(st.mtime.tv_nsec);
    tmp.st_ctime = static_cast<u32>(st.ctime.tv_sec);
    tmp.st_ctime_nsec = static_cast<u32>(st.ctime.tv_nsec);
    tmp.st_blocks = static_cast<u32>(st.blocks);
    tmp.st_blksize = PAGE_SIZE;
    return copy_to_user(out, &tmp);
}

/* Field by field as Linux stores it: the padding (__pad0, __pad3) is left as
 * the caller had it. */
Result<void> cp_stat64(const kstat& st, user_out_ptr<stat64> out)
{
    stat64 tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.st_dev = encode_dev(st.dev);
    tmp.__st_ino = static_cast<u32>(st.ino);
    tmp.st_ino = st.ino;
    tmp.st_mode = st.mode;
    tmp.st_nlink = st.nlink;
    tmp.st_uid = st.uid;
    tmp.st_gid = st.gid;
    tmp.st_rdev = encode_dev(st.rdev);
    tmp.st_size = st.size;
    tmp.st_atime = static_cast<u32>(st.atime.tv_sec);
    tmp.st_atime_nsec = static_cast<u32>(st.atime.tv_nsec);
    tmp.st_mtime = static_cast<u32>(st.mtime.tv_sec);
    tmp.st_mtime_nsec = static_cast<u32>(st.mtime.tv_nsec);
    tmp.st_ctime = static_cast<u32>(st.ctime.tv_sec);
    tmp.st_ctime_nsec = static_cast<u32>(st.ctime.tv_nsec);
    tmp.st_blksize = PAGE_SIZE;
    tmp.st_blocks = st.blocks;
    /* The stored ranges: [0, 8) st_dev, [12, 40) __st_ino..st_gid and st_rdev's
     * 8 bytes end at 40, [44, 96) st_size..st_ino. */
    auto bytes = out.cast<u8>();
    const auto* src = reinterpret_cast<const u8*>(&tmp);
    constexpr size_t pad0 = __builtin_offsetof(stat64, __pad0), ino32 = __builtin_offsetof(stat64, __st_ino);
    constexpr size_t pad3 = __builtin_offsetof(stat64, __pad3), size = __builtin_offsetof(stat64, st_size);
    TRY(copy_to_user(bytes, src, pad0));
    TRY(copy_to_user(bytes + ino32, src + ino32, pad3 - ino32));
    return copy_to_user(bytes + size, src + size, sizeof(stat64) - size);
}

} // namespace

/* Linux's cp_old_stat: a number that does not fit its 16 bits is
 * EOVERFLOW (the inode, the link count); ids and devices shrink as the
 * 16-bit calls shrink them; on a 64-bit kernel the size is cut to 32 bits
 * without a word, as Linux cuts it. */
static Result<void> cp_old_stat(const kstat& st, user_out_ptr<__old_kernel_stat> out)
{
    static int warncount = 5;
    if (warncount > 0) {
        warncount--;
        printk("VFS: Warning: %s using old stat() call. Recompile your binary.\n", current->comm);
    }
    auto old_dev = [](dev_t d) { return static_cast<unsigned short>((MAJOR(d) << 8) | (MINOR(d) & 0xff)); };
    __old_kernel_stat tmp{};
    tmp.st_dev = old_dev(st.dev);
    tmp.st_ino = static_cast<unsigned short>(st.ino);
    if (tmp.st_ino != st.ino)
        return Errno::EOVERFLOW;
    tmp.st_mode = static_cast<unsigned short>(st.mode);
    tmp.st_nlink = static_cast<unsigned short>(st.nlink);
    if (tmp.st_nlink != st.nlink)
        return Errno::EOVERFLOW;
    tmp.st_uid = static_cast<unsigned short>(high2lowuid(st.uid));
    tmp.st_gid = static_cast<unsigned short>(high2lowuid(st.gid));
    tmp.st_rdev = old_dev(st.rdev);
    tmp.st_size = static_cast<unsigned int>(st.size);
    tmp.st_atime = static_cast<unsigned int>(st.atime.tv_sec);
    tmp.st_mtime = static_cast<unsigned int>(st.mtime.tv_sec);
    tmp.st_ctime = static_cast<unsigned int>(st.ctime.tv_sec);
    return copy_to_user(out, &tmp);
}

SYSCALL_DEFINE2(stat, user_in_ptr<const char>, filename, user_out_ptr<__old_kernel_stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, 0));
    return cp_old_stat(st, statbuf);
}

SYSCALL_DEFINE2(lstat, user_in_ptr<const char>, filename, user_out_ptr<__old_kernel_stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, AT_SYMLINK_NOFOLLOW));
    return cp_old_stat(st, statbuf);
}

SYSCALL_DEFINE2(fstat, unsigned int, fd, user_out_ptr<__old_kernel_stat>, statbuf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    kstat st = TRY(stat_of(f->f_path));
    return cp_old_stat(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(newstat, user_in_ptr<const char>, filename, user_out_ptr<compat_stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, 0));
    return cp_compat_stat(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(newlstat, user_in_ptr<const char>, filename, user_out_ptr<compat_stat>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, AT_SYMLINK_NOFOLLOW));
    return cp_compat_stat(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(newfstat, unsigned int, fd, user_out_ptr<compat_stat>, statbuf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    kstat st = TRY(stat_of(f->f_path));
    return cp_compat_stat(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(ia32_stat64, user_in_ptr<const char>, filename, user_out_ptr<stat64>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, 0));
    return cp_stat64(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(ia32_lstat64, user_in_ptr<const char>, filename, user_out_ptr<stat64>, statbuf)
{
    kstat st = TRY(stat_at(AT_FDCWD, filename, AT_SYMLINK_NOFOLLOW));
    return cp_stat64(st, statbuf);
}

COMPAT_SYSCALL_DEFINE2(ia32_fstat64, unsigned int, fd, user_out_ptr<stat64>, statbuf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    kstat st = TRY(stat_of(f->f_path));
    return cp_stat64(st, statbuf);
}

COMPAT_SYSCALL_DEFINE4(ia32_fstatat64, DirFd, dfd, user_in_ptr<const char>, filename, user_out_ptr<stat64>, statbuf,
                       AtFlags, flag)
{
    kstat st = TRY(stat_at(dfd.value, filename, flag));
    return cp_stat64(st, statbuf);
}

static SyscallResult do_readlinkat(int dfd, user_in_ptr<const char> pathname, user_out_ptr<char> buf, int bufsiz)
{
    if (bufsiz <= 0)
        return Errno::EINVAL;
    char* name = TRY(getname(pathname));
    bool empty = !name[0];
    auto found = path_lookupat(dfd, name, LOOKUP_EMPTY);
    putname(name);
    path p = TRY(found);
    inode* i = p.dentry->d_inode;
    /* Not a symlink: EINVAL, or ENOENT for an empty name (the descriptor's
     * own file), as Linux's readlinkat. */
    SyscallResult r = empty ? Errno::ENOENT : Errno::EINVAL;
    if (S_ISLNK(i->i_mode) && i->i_op && i->i_op->readlink) {
        char target[PATH_MAX];
        auto len = i->i_op->readlink(p.dentry, target, sizeof(target));
        if (!len.ok()) {
            r = len.error();
        } else {
            size_t n = min<size_t>(len.value(), static_cast<size_t>(bufsiz));
            r = copy_to_user(buf, target, n).ok() ? SyscallResult(n) : SyscallResult(Errno::EFAULT);
        }
    }
    path_put(p);
    return r;
}

SYSCALL_DEFINE4(readlinkat, DirFd, dfd, user_in_ptr<const char>, pathname, user_out_ptr<char>, buf, int, bufsiz)
{
    return do_readlinkat(dfd.value, pathname, buf, bufsiz);
}

SYSCALL_DEFINE3(readlink, user_in_ptr<const char>, path, user_out_ptr<char>, buf, int, bufsiz)
{
    return do_readlinkat(AT_FDCWD, path, buf, bufsiz);
}
