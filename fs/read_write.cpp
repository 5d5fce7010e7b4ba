/* read, write, readv, writev, pread64, pwrite64, lseek. */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/smp_lock.h>
#include <linux/string.h>
#include <linux/syscalls.h>

Result<size_t> vfs_read(file* f, iter_dest& to, loff_t* pos)
{
    if (!(f->f_mode & FMODE_READ))
        return Errno::EBADF;
    if (S_ISDIR(f->f_inode->i_mode))
        return Errno::EISDIR;
    if (!f->f_op || !f->f_op->read_iter)
        return Errno::EINVAL;
    if (!to.count())
        return 0;
    if (likely(!fsnotify_active()))
        return f->f_op->read_iter(f, to, pos); /* a tail call: no watch anywhere */
    auto r = f->f_op->read_iter(f, to, pos);
    if (r.ok() && r.value())
        fsnotify_access(f);
    return r;
}

Result<size_t> vfs_write(file* f, iter_source& from, loff_t* pos)
{
    if (!(f->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    if (!f->f_op || !f->f_op->write_iter)
        return Errno::EINVAL;
    if (!from.count())
        return 0;
    if (likely(!fsnotify_active()))
        return f->f_op->write_iter(f, from, pos);
    auto r = f->f_op->write_iter(f, from, pos);
    if (r.ok() && r.value())
        fsnotify_modify(f);
    return r;
}

Result<size_t> kernel_read(file* f, void* buf, size_t count, loff_t pos)
{
    auto it = iter_dest::kernel(buf, count);
    return vfs_read(f, it, &pos);
}

Result<loff_t> generic_file_llseek(file* f, loff_t offset, int whence)
{
    loff_t base;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = f->f_pos;
        break;
    case SEEK_END:
        base = f->f_inode->i_size;
        break;
    case SEEK_DATA:
    case SEEK_HOLE:
        if (offset < 0 || offset >= f->f_inode->i_size)
            return Errno::ENXIO;
        f->f_pos = whence == SEEK_DATA ? offset : f->f_inode->i_size;
        return f->f_pos;
    default:
        return Errno::EINVAL;
    }
    loff_t pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
        return Errno::EINVAL;
    f->f_pos = pos;
    return pos;
}

bool seekable(const file* f) { return f->f_op && f->f_op->llseek; }

/* Linux's rw_verify_area: the range [pos, pos + count) of a file with a
 * position (not a pipe or socket) must not start below 0 nor end past
 * LLONG_MAX (EINVAL). */
Result<void> rw_verify_area(file* f, loff_t pos, size_t count)
{
    umode_t mode = f->f_inode->i_mode;
    if (S_ISFIFO(mode) || S_ISSOCK(mode))
        return {};
    loff_t end;
    if (pos < 0 || count > (~0UL >> 1) ||
        __builtin_add_overflow(pos, static_cast<loff_t>(count), &end))
        return Errno::EINVAL;
    return {};
}

namespace {

/* Where a write goes: at the end for O_APPEND (even for pwrite, which then
 * ignores its offset, as Linux does, and leaves the file's position where
 * it was), else at the explicit position or the file's. */
loff_t* write_position(file* f, loff_t* explicit_pos)
{
    loff_t* pos = explicit_pos ? explicit_pos : &f->f_pos;
    if (f->f_flags & O_APPEND)
        *pos = f->f_inode->i_size; /* pwrite's own position: the file's stays (LTP pwrite04) */
    return pos;
}

enum class Direction { Read, Write };

/* vfs_read's and vfs_write's first checks, which Linux makes before it looks
 * at the buffer: the file's direction (EBADF), then whether it can move data
 * at all (EINVAL; a directory's read is EISDIR, later). */
Result<void> rw_check_file(file* f, Direction dir)
{
    if (dir == Direction::Read) {
        if (!(f->f_mode & FMODE_READ))
            return Errno::EBADF;
        if (!S_ISDIR(f->f_inode->i_mode) && (!f->f_op || !f->f_op->read_iter))
            return Errno::EINVAL;
    } else {
        if (!(f->f_mode & FMODE_WRITE))
            return Errno::EBADF;
        if (!f->f_op || !f->f_op->write_iter)
            return Errno::EINVAL;
    }
    return {};
}


/* read, write, readv and writev run without the big kernel lock
 * (SYSCALL_NO_BKL below); the file's operations say whether they need it,
 * and then it is held from the first check of the file to the end. The file
 * itself comes from FdRef, which is safe without it. */
class [[nodiscard]] file_bkl_guard {
public:
    explicit file_bkl_guard(const file* f) : took_(!f->f_op || !f->f_op->no_bkl)
    {
        if (took_)
            lock_kernel();
    }
    ~file_bkl_guard()
    {
        if (took_)
            unlock_kernel();
    }
    file_bkl_guard(const file_bkl_guard&) = delete;
    file_bkl_guard& operator=(const file_bkl_guard&) = delete;

private:
    bool took_;
};

/* read/write/pread64/pwrite64: one user buffer, at the file position or at
 * explicit_pos (the p-variants, which need a seekable file). Linux's order:
 * EBADF, ESPIPE, the file's direction, then the whole buffer [buf, buf +
 * count) must pass access_ok (EFAULT: read(fd, buf, (size_t)-1) moves
 * nothing), and only then is count cut to MAX_RW_COUNT. */
template <typename Iter, typename UserBuf>
SyscallResult do_rw(int fd, UserBuf buf, size_t count, loff_t* explicit_pos)
{
    constexpr Direction dir = std::is_same_v<Iter, iter_dest> ? Direction::Read : Direction::Write;
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    file_bkl_guard bkl(f.get());
    if (explicit_pos && !seekable(f.get()))
        return Errno::ESPIPE;
    TRY(rw_check_file(f.get(), dir));
    if (!access_ok(buf, count))
        return Errno::EFAULT;
    loff_t* pos = dir == Direction::Read ? (explicit_pos ? explicit_pos : &f->f_pos) : write_position(f.get(), explicit_pos);
    TRY(rw_verify_area(f.get(), *pos, count));
    count = min(count, MAX_RW_COUNT);
    auto it = Iter::user_single(buf, count);
    if constexpr (dir == Direction::Read)
        return vfs_read(f.get(), it, pos);
    else
        return vfs_write(f.get(), it, pos);
}

} // namespace

namespace {

/* Linux's import_iovec rules, on iovecs already in kernel memory. */
Result<size_t> check_iovecs(iovec* vec, int iovcnt)
{
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (static_cast<long>(vec[i].iov_len) < 0)
            return Errno::EINVAL;
        if (!access_ok(vec[i].iov_base, vec[i].iov_len))
            return Errno::EFAULT;
        /* Linux trims the total to MAX_RW_COUNT. */
        if (vec[i].iov_len > MAX_RW_COUNT - total)
            vec[i].iov_len = MAX_RW_COUNT - total;
        total += vec[i].iov_len;
    }
    return total;
}

} // namespace

/* Copies and checks a user iovec array; also sendmsg's and recvmsg's
 * (net/socket_msg.cpp). */
Result<size_t> import_iovec(user_in_ptr<const iovec> uvec, int iovcnt, iovec* out)
{
    if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
        return Errno::EINVAL;
    TRY(copy_from_user(out, uvec, iovcnt));
    return check_iovecs(out, iovcnt);
}

/* The same from an i386 caller: 8-byte entries, and a length is a
 * compat_ssize_t, so one of 2 GiB or more is negative (EINVAL), as on Linux. */
Result<size_t> compat_import_iovec(user_in_ptr<const compat_iovec> uvec, int iovcnt, iovec* out)
{
    if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
        return Errno::EINVAL;
    /* The compat array fills the first half of out; widened from the last
     * entry down, each entry is read before its slot is overwritten. */
    auto* packed = reinterpret_cast<u8*>(out);
    TRY(copy_from_user(packed, uvec.cast<const u8>(), iovcnt * sizeof(compat_iovec)));
    for (int i = iovcnt - 1; i >= 0; i--) {
        compat_iovec c;
        memcpy(&c, packed + i * sizeof(compat_iovec), sizeof(c));
        if (static_cast<compat_ssize_t>(c.iov_len) < 0)
            return Errno::EINVAL;
        out[i] = {c.iov_base, c.iov_len};
    }
    return check_iovecs(out, iovcnt);
}

Result<size_t> import_iovec(user_iovec_ptr uvec, int iovcnt, iovec* out)
{
    if (in_compat_syscall())
        return compat_import_iovec(uvec.compat(), iovcnt, out);
    return import_iovec(uvec.native(), iovcnt, out);
}

namespace {

SyscallResult do_readv_writev(Direction dir, int fd, user_iovec_ptr uvec, unsigned long vlen, loff_t* explicit_pos)
{
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    file_bkl_guard bkl(f.get());
    if (explicit_pos && !seekable(f.get()))
        return Errno::ESPIPE;
    if (vlen > UIO_MAXIOV)
        return Errno::EINVAL;
    int iovcnt = static_cast<int>(vlen);
    auto* vec = static_cast<iovec*>(kmalloc(sizeof(iovec) * (iovcnt ? iovcnt : 1)));
    if (!vec)
        return Errno::ENOMEM;
    auto total = import_iovec(uvec, iovcnt, vec);
    SyscallResult ret = 0;
    if (!total.ok()) {
        ret = total.error();
    } else {
        loff_t* pos = dir == Direction::Write ? write_position(f.get(), explicit_pos)
                                              : (explicit_pos ? explicit_pos : &f->f_pos);
        if (auto verified = rw_verify_area(f.get(), *pos, total.value()); !verified.ok()) {
            ret = verified.error();
        } else if (dir == Direction::Write) {
            auto from = iter_source::user(vec, iovcnt, total.value());
            ret = vfs_write(f.get(), from, pos);
        } else {
            auto to = iter_dest::user(vec, iovcnt, total.value());
            ret = vfs_read(f.get(), to, pos);
        }
    }
    kfree(vec);
    return ret;
}

} // namespace

SYSCALL_NO_BKL(read);
SYSCALL_DEFINE3(read, unsigned int, fd, user_out_ptr<char>, buf, size_t, count)
{
    return do_rw<iter_dest>(static_cast<int>(fd), buf.cast<void>(), count, nullptr);
}

SYSCALL_NO_BKL(write);
SYSCALL_DEFINE3(write, unsigned int, fd, user_in_ptr<const char>, buf, size_t, count)
{
    return do_rw<iter_source>(static_cast<int>(fd), buf.cast<const void>(), count, nullptr);
}

SYSCALL_DEFINE4(pread64, unsigned int, fd, user_out_ptr<char>, buf, size_t, count, loff_t, pos)
{
    if (pos < 0)
        return Errno::EINVAL;
    return do_rw<iter_dest>(static_cast<int>(fd), buf.cast<void>(), count, &pos);
}

SYSCALL_DEFINE4(pwrite64, unsigned int, fd, user_in_ptr<const char>, buf, size_t, count, loff_t, pos)
{
    if (pos < 0)
        return Errno::EINVAL;
    return do_rw<iter_source>(static_cast<int>(fd), buf.cast<const void>(), count, &pos);
}

SYSCALL_NO_BKL(readv);
SYSCALL_DEFINE3(readv, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen)
{
    return do_readv_writev(Direction::Read, static_cast<int>(fd), vec, vlen, nullptr);
}

SYSCALL_NO_BKL(writev);
SYSCALL_DEFINE3(writev, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen)
{
    return do_readv_writev(Direction::Write, static_cast<int>(fd), vec, vlen, nullptr);
}

/* The p-variants of readv/writev: the offset comes as two halves (low, high),
 * which on x86-64 is the whole offset in pos_l. -1 means the file position
 * (preadv2/pwritev2 only). */
static SyscallResult do_prw(Direction dir, unsigned long fd, user_iovec_ptr vec, unsigned long vlen,
                            unsigned long pos_l, bool minus_one_is_current, int flags)
{
    constexpr int RWF_SUPPORTED = 0x1f; /* RWF_HIPRI|DSYNC|SYNC|NOWAIT|APPEND */
    if (flags & ~RWF_SUPPORTED)
        return Errno::EOPNOTSUPP;
    loff_t pos = static_cast<loff_t>(pos_l);
    if (pos == -1 && minus_one_is_current)
        return do_readv_writev(dir, static_cast<int>(fd), vec, vlen, nullptr);
    if (pos < 0)
        return Errno::EINVAL;
    return do_readv_writev(dir, static_cast<int>(fd), vec, vlen, &pos);
}

SYSCALL_DEFINE5(preadv, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen, unsigned long, pos_l,
                unsigned long, pos_h)
{
    (void)pos_h;
    return do_prw(Direction::Read, fd, vec, vlen, pos_l, false, 0);
}

SYSCALL_DEFINE5(pwritev, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen, unsigned long, pos_l,
                unsigned long, pos_h)
{
    (void)pos_h;
    return do_prw(Direction::Write, fd, vec, vlen, pos_l, false, 0);
}

SYSCALL_DEFINE6(preadv2, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen, unsigned long, pos_l,
                unsigned long, pos_h, int, flags)
{
    (void)pos_h;
    return do_prw(Direction::Read, fd, vec, vlen, pos_l, true, flags);
}

SYSCALL_DEFINE6(pwritev2, unsigned long, fd, user_iovec_ptr, vec, unsigned long, vlen, unsigned long, pos_l,
                unsigned long, pos_h, int, flags)
{
    (void)pos_h;
    return do_prw(Direction::Write, fd, vec, vlen, pos_l, true, flags);
}

SYSCALL_DEFINE3(lseek, unsigned int, fd, off_t, offset, unsigned int, whence)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    if (!seekable(f.get()))
        return Errno::ESPIPE;
    if (whence > SEEK_HOLE)
        return Errno::EINVAL;
    return f->f_op->llseek(f.get(), offset, static_cast<int>(whence));
}

/* i386 lseek: a 32-bit signed offset. */
COMPAT_SYSCALL_DEFINE3(lseek, unsigned int, fd, int, offset, unsigned int, whence)
{
    return __do_sys_lseek(fd, offset, whence);
}

/* ---- i386: offsets that arrive in two 32-bit registers (low, high) ---- */

COMPAT_SYSCALL_DEFINE5(preadv, compat_ulong_t, fd, user_iovec_ptr, vec, compat_ulong_t, vlen, u32, pos_low,
                       u32, pos_high)
{
    return do_prw(Direction::Read, fd, vec, vlen, compat_arg_u64(pos_low, pos_high), false, 0);
}

COMPAT_SYSCALL_DEFINE5(pwritev, compat_ulong_t, fd, user_iovec_ptr, vec, compat_ulong_t, vlen, u32, pos_low,
                       u32, pos_high)
{
    return do_prw(Direction::Write, fd, vec, vlen, compat_arg_u64(pos_low, pos_high), false, 0);
}

COMPAT_SYSCALL_DEFINE6(preadv2, compat_ulong_t, fd, user_iovec_ptr, vec, compat_ulong_t, vlen, u32, pos_low,
                       u32, pos_high, int, flags)
{
    return do_prw(Direction::Read, fd, vec, vlen, compat_arg_u64(pos_low, pos_high), true, flags);
}

COMPAT_SYSCALL_DEFINE6(pwritev2, compat_ulong_t, fd, user_iovec_ptr, vec, compat_ulong_t, vlen, u32, pos_low,
                       u32, pos_high, int, flags)
{
    return do_prw(Direction::Write, fd, vec, vlen, compat_arg_u64(pos_low, pos_high), true, flags);
}

/* Linux's arch/x86/kernel/sys_ia32.c wrappers: the i386 table's entry points. */
SYSCALL_DEFINE5(ia32_pread64, unsigned int, fd, user_out_ptr<char>, buf, u32, count, u32, poslo, u32, poshi)
{
    return __do_sys_pread64(fd, buf, count, static_cast<loff_t>(compat_arg_u64(poslo, poshi)));
}

SYSCALL_DEFINE5(ia32_pwrite64, unsigned int, fd, user_in_ptr<const char>, buf, u32, count, u32, poslo, u32, poshi)
{
    return __do_sys_pwrite64(fd, buf, count, static_cast<loff_t>(compat_arg_u64(poslo, poshi)));
}

/* _llseek: a 64-bit offset in two halves (high first), the result stored
 * through a pointer; the i386 table's only entry (Linux defines it for
 * 32-bit ABIs). */
SYSCALL_DEFINE5(llseek, unsigned int, fd, unsigned long, offset_high, unsigned long, offset_low,
                user_out_ptr<loff_t>, result, unsigned int, whence)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    if (whence > SEEK_HOLE)
        return Errno::EINVAL;
    if (!seekable(f.get()))
        return Errno::ESPIPE;
    loff_t offset = static_cast<loff_t>((static_cast<u64>(offset_high) << 32) | static_cast<u32>(offset_low));
    loff_t pos = TRY(f->f_op->llseek(f.get(), offset, static_cast<int>(whence)));
    TRY(put_user(pos, result));
    return 0;
}

/* sendfile: from one file to another through a kernel buffer. */
Result<size_t> copy_through_page(file* in, loff_t* in_pos, file* out, loff_t* out_pos, size_t count)
{
    char* buf = static_cast<char*>(kmalloc(PAGE_SIZE));
    if (!buf)
        return Errno::ENOMEM;
    size_t done = 0;
    Result<size_t> failure = 0;
    while (done < count) {
        size_t want = min<size_t>(PAGE_SIZE, count - done);
        auto got = kernel_read(in, buf, want, *in_pos);
        if (!got.ok() || got.value() == 0) {
            failure = got;
            break;
        }
        auto it = iter_source::kernel(buf, got.value());
        auto put = vfs_write(out, it, out_pos);
        if (!put.ok()) {
            failure = put;
            break;
        }
        *in_pos += put.value();
        done += put.value();
        /* A short read ends it, as Linux's splice loop: a terminal's line
         * or a pipe's bytes are all there is for now, and the next read
         * could wait (busybox cat of a terminal: a line, then ^D). */
        if (put.value() < got.value() || got.value() < want)
            break;
        /* The kernel is not preempted: a long copy lets others run, and stops
         * for a signal they send (found by the fuzzer: /dev/urandom to
         * /dev/null, 2 GiB, starved pid 1 for minutes). */
        cond_resched();
        if (signal_pending(current))
            break;
    }
    kfree(buf);
    if (!done && !failure.ok())
        return failure.error();
    return done;
}

SYSCALL_DEFINE4(sendfile64, int, out_fd, int, in_fd, user_inout_ptr<loff_t>, offset, size_t, count)
{
    FdRef in(in_fd), out(out_fd);
    if (!in || !out)
        return Errno::EBADF;
    if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    if (out->f_flags & O_APPEND)
        return Errno::EINVAL;
    loff_t pos = in->f_pos;
    if (offset) {
        if (!seekable(in.get()))
            return Errno::ESPIPE;
        pos = TRY(get_user(offset));
        if (pos < 0)
            return Errno::EINVAL;
    }
    /* Both ends' ranges, before the count is cut (Linux's do_sendfile). */
    TRY(rw_verify_area(in.get(), pos, count));
    count = min(count, MAX_RW_COUNT);
    TRY(rw_verify_area(out.get(), out->f_pos, count));
    auto moved = copy_through_page(in.get(), &pos, out.get(), &out->f_pos, count);
    if (offset)
        TRY(put_user(pos, offset));
    else
        in->f_pos = pos;
    return moved;
}
