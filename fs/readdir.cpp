/* Reading directories: getdents64 (and the older getdents). */
#include <linux/fsnotify.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

/* Fills the user buffer with records until it is full; the directory's
 * position (f_pos) advances past each entry copied. */
struct getdents_ctx {
    dir_context ctx;
    unsigned long buf;
    size_t left;
    size_t used;
    bool old_format; /* struct linux_dirent instead of linux_dirent64 */
    Errno error;
};

size_t record_size(bool old_format, int namelen)
{
    /* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name + NUL.
     * linux_dirent: ulong ino, ulong off, u16 reclen, name + NUL, u8 type. */
    size_t size = old_format ? 8 + 8 + 2 + namelen + 2 : 8 + 8 + 2 + 1 + namelen + 1;
    return (size + 7) & ~static_cast<size_t>(7);
}

bool filldir(dir_context* ctx, const char* name, int namelen, loff_t next_pos, u64 ino, unsigned type)
{
    auto* g = reinterpret_cast<getdents_ctx*>(ctx);
    size_t reclen = record_size(g->old_format, namelen);
    if (reclen > g->left) {
        if (!g->used)
            g->error = Errno::EINVAL; /* not even one entry fits */
        return false;
    }
    u8 rec[8 + 8 + 2 + 1 + NAME_MAX + 2 + 8];
    memset(rec, 0, reclen);
    u64 off = static_cast<u64>(next_pos);
    u16 len = static_cast<u16>(reclen);
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &len, 2);
    if (g->old_format) {
        memcpy(rec + 18, name, namelen);
        rec[reclen - 1] = static_cast<u8>(type);
    } else {
        rec[18] = static_cast<u8>(type);
        memcpy(rec + 19, name, namelen);
    }
    if (raw_copy_to_user(g->buf + g->used, rec, reclen)) {
        g->error = Errno::EFAULT;
        return false;
    }
    g->used += reclen;
    g->left -= reclen;
    return true;
}

SyscallResult do_getdents(unsigned int fd, unsigned long dirent, unsigned int count, bool old_format)
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
    getdents_ctx g{{filldir, f->f_pos}, dirent, room, 0, old_format, Errno{}};
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
    return do_getdents(fd, dirent.addr(), count, false);
}

SYSCALL_DEFINE3(getdents, unsigned int, fd, user_out_ptr<u8>, dirent, unsigned int, count)
{
    return do_getdents(fd, dirent.addr(), count, true);
}
