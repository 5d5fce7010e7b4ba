/* Reading directories: getdents64 (and the older getdents), and i386's
 * getdents (compat_linux_dirent) and readdir (compat_old_linux_dirent). */
#include <linux/compat.h>
#include <linux/fsnotify.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

/* The record layouts: linux_dirent64; linux_dirent (ulong ino and off,
 * reclen, name, NUL, type); i386's compat_linux_dirent (the same with 32-bit
 * ino and off); and compat_old_linux_dirent (old readdir: 32-bit ino and
 * offset, u16 name length, name, NUL; one entry per call). */
enum class DirentFormat { Dirent64, Dirent, CompatDirent, CompatOld };

/* Fills the user buffer with records until it is full; the directory's
 * position (f_pos) advances past each entry copied. */
struct getdents_ctx {
    dir_context ctx;
    user_out_ptr<u8> buf;
    size_t left;
    size_t used;
    DirentFormat format;
    Errno error;
};

size_t record_size(DirentFormat format, int namelen)
{
    switch (format) {
    case DirentFormat::Dirent64:
        return (8 + 8 + 2 + 1 + namelen + 1 + 7) & ~static_cast<size_t>(7);
    case DirentFormat::Dirent:
        return (8 + 8 + 2 + namelen + 2 + 7) & ~static_cast<size_t>(7);
    case DirentFormat::CompatDirent:
        return (4 + 4 + 2 + namelen + 2 + 3) & ~static_cast<size_t>(3);
    case DirentFormat::CompatOld:
        return 4 + 4 + 2 + namelen + 1;
    }
    return 0;
}

bool filldir(dir_context* ctx, const char* name, int namelen, loff_t next_pos, u64 ino, unsigned type)
{
    auto* g = reinterpret_cast<getdents_ctx*>(ctx);
    bool compat = g->format == DirentFormat::CompatDirent || g->format == DirentFormat::CompatOld;
    if (g->format == DirentFormat::CompatOld && g->used) /* one entry a call */
        return false;
    if (compat && static_cast<u32>(ino) != ino) {
        g->error = Errno::EOVERFLOW;
        return false;
    }
    size_t reclen = record_size(g->format, namelen);
    if (reclen > g->left) {
        if (!g->used)
            g->error = Errno::EINVAL; /* not even one entry fits */
        return false;
    }
    u8 rec[8 + 8 + 2 + 1 + NAME_MAX + 2 + 8];
    memset(rec, 0, reclen);
    u64 off = static_cast<u64>(next_pos);
    u16 len = static_cast<u16>(reclen);
    switch (g->format) {
    case DirentFormat::Dirent64:
        memcpy(rec, &ino, 8);
        memcpy(rec + 8, &off, 8);
        memcpy(rec + 16, &len, 2);
        rec[18] = static_cast<u8>(type);
        memcpy(rec + 19, name, namelen);
        break;
    case DirentFormat::Dirent:
        memcpy(rec, &ino, 8);
        memcpy(rec + 8, &off, 8);
        memcpy(rec + 16, &len, 2);
        memcpy(rec + 18, name, namelen);
        rec[reclen - 1] = static_cast<u8>(type);
        break;
    case DirentFormat::CompatDirent:
        memcpy(rec, &ino, 4);
        memcpy(rec + 4, &off, 4);
        memcpy(rec + 8, &len, 2);
        memcpy(rec + 10, name, namelen);
        rec[reclen - 1] = static_cast<u8>(type);
        break;
    case DirentFormat::CompatOld: {
        /* d_offset is the entry's own position, d_namlen its name's length. */
        u32 own = static_cast<u32>(g->ctx.pos);
        u16 namlen = static_cast<u16>(namelen);
        memcpy(rec, &ino, 4);
        memcpy(rec + 4, &own, 4);
        memcpy(rec + 8, &namlen, 2);
        memcpy(rec + 10, name, namelen);
        break;
    }
    }
    if (!copy_to_user(g->buf + g->used, rec, reclen).ok()) {
        g->error = Errno::EFAULT;
        return false;
    }
    g->used += reclen;
    g->left -= reclen;
    return true;
}

SyscallResult do_getdents(unsigned int fd, user_out_ptr<u8> dirent, unsigned int count, DirentFormat format)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    if (!access_ok(dirent, count))
        return Errno::EFAULT;
    if (!S_ISDIR(f->f_inode->i_mode) || !f->f_op || !f->f_op->iterate)
        return Errno::ENOTDIR;
    /* Linux counts the room in an int: 2^31 or more is negative, no room at all. */
    size_t room = static_cast<int>(count) < 0 ? 0 : count;
    getdents_ctx g{{filldir, f->f_pos}, dirent, room, 0, format, Errno{}};
    auto r = f->f_op->iterate(f.get(), g.ctx);
    f->f_pos = g.ctx.pos;
    fsnotify_access(f.get()); /* every listing, as Linux's iterate_dir */
    if (!r.ok())
        return r.error();
    if (g.error != Errno{} && !g.used)
        return g.error;
    return g.used;
}

} // namespace

SYSCALL_DEFINE3(getdents64, unsigned int, fd, user_out_ptr<u8>, dirent, unsigned int, count)
{
    return do_getdents(fd, dirent, count, DirentFormat::Dirent64);
}

SYSCALL_DEFINE3(getdents, unsigned int, fd, user_out_ptr<u8>, dirent, unsigned int, count)
{
    return do_getdents(fd, dirent, count, DirentFormat::Dirent);
}

COMPAT_SYSCALL_DEFINE3(getdents, unsigned int, fd, user_out_ptr<u8>, dirent, unsigned int, count)
{
    return do_getdents(fd, dirent, count, DirentFormat::CompatDirent);
}

/* i386's readdir (89): one compat_old_linux_dirent; 1 if one was read, 0 at
 * the end (count is ignored, as Linux ignores it). */
COMPAT_SYSCALL_DEFINE3(old_readdir, unsigned int, fd, user_out_ptr<u8>, dirent, unsigned int, count)
{
    (void)count;
    SyscallResult r = do_getdents(fd, dirent, NAME_MAX + 11, DirentFormat::CompatOld);
    return r.value > 0 ? SyscallResult(1) : r;
}
