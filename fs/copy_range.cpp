/*
 * copy_file_range (Linux's fs/read_write.c vfs_copy_file_range with
 * generic_copy_file_checks): bytes from one regular file to another inside
 * the kernel, at the given offsets (written back) or the files' positions
 * (moved). Here through one kernel page with sendfile's loop
 * (copy_through_page); every file is in memory, so nothing is cloned or
 * offloaded.
 */
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>


namespace {

/* Linux's generic_copy_file_checks, in its order. */
Result<size_t> copy_checks(file* in, loff_t pos_in, file* out, loff_t pos_out, size_t count)
{
    inode* i_in = in->f_inode;
    inode* i_out = out->f_inode;
    if (S_ISDIR(i_in->i_mode) || S_ISDIR(i_out->i_mode))
        return Errno::EISDIR;
    if (!S_ISREG(i_in->i_mode) || !S_ISREG(i_out->i_mode))
        return Errno::EINVAL;
    if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) || (out->f_flags & O_APPEND))
        return Errno::EBADF;
    if (pos_in < 0 || pos_out < 0)
        return Errno::EINVAL;
    /* Nothing past the end of the source. */
    if (pos_in >= i_in->i_size)
        return 0;
    count = min<size_t>(count, static_cast<size_t>(i_in->i_size - pos_in));
    loff_t end_out;
    if (__builtin_add_overflow(pos_out, static_cast<loff_t>(count), &end_out))
        return Errno::EOVERFLOW;
    if (i_out->i_writecount < 0)
        return Errno::ETXTBSY; /* a running program */
    unsigned long limit = rlimit(RLIMIT_FSIZE);
    if (limit != RLIM_INFINITY && static_cast<unsigned long>(pos_out) >= limit) {
        send_sig_info(SIGXFSZ, nullptr, current, false);
        return Errno::EFBIG;
    }
    /* The same file: the ranges may not overlap. */
    if (i_in == i_out && pos_out + static_cast<loff_t>(count) > pos_in && pos_in + static_cast<loff_t>(count) > pos_out)
        return Errno::EINVAL;
    return count;
}

} // namespace

SYSCALL_DEFINE6(copy_file_range, int, fd_in, user_inout_ptr<loff_t>, off_in, int, fd_out,
                user_inout_ptr<loff_t>, off_out, size_t, len, unsigned int, flags)
{
    if (flags)
        return Errno::EINVAL;
    FdRef in(fd_in);
    if (!in)
        return Errno::EBADF;
    FdRef out(fd_out);
    if (!out)
        return Errno::EBADF;
    loff_t pos_in = off_in ? TRY(get_user(off_in)) : in->f_pos;
    loff_t pos_out = off_out ? TRY(get_user(off_out)) : out->f_pos;
    size_t count = TRY(copy_checks(in.get(), pos_in, out.get(), pos_out, min(len, MAX_RW_COUNT)));
    auto moved = copy_through_page(in.get(), &pos_in, out.get(), &pos_out, count);
    if (!moved.ok())
        return moved.error();
    if (off_in)
        TRY(put_user(pos_in, off_in));
    else
        in->f_pos = pos_in;
    if (off_out)
        TRY(put_user(pos_out, off_out));
    else
        out->f_pos = pos_out;
    return moved;
}
