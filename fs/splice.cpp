/*
 * splice, tee and vmsplice: bytes moved between a pipe and a file, between
 * two pipes, or between a pipe and user memory, without a user buffer in
 * between (Linux's fs/splice.c). Linux moves page references; here the
 * bytes are copied through one kernel page, which keeps the pipe a plain
 * ring (fs/pipe.cpp) and gives the same results: how much moves, when a
 * call waits, and every errno.
 *
 * A splice holds the pipe's mutex (include/linux/pipe_fs_i.h) while it
 * copies, so the bytes it takes or adds are never interleaved with a read
 * or write of the pipe; it waits for data or room without it.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>

namespace {

constexpr unsigned SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
constexpr unsigned SPLICE_F_ALL = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;

/* A kernel page to copy through. */
class bounce_page {
public:
    bounce_page() : buf_(static_cast<char*>(kmalloc(PAGE_SIZE))) {}
    ~bounce_page() { kfree(buf_); }
    bounce_page(const bounce_page&) = delete;
    bounce_page& operator=(const bounce_page&) = delete;
    char* get() const { return buf_; }

private:
    char* buf_;
};

/* Waits for room in p and locks it: the room (not 0), or EPIPE, with
 * SIGPIPE, once no reader is left. */
Result<size_t> lock_for_writing(pipe_inode_info* p, bool nonblock)
{
    for (;;) {
        TRY(pipe_wait_writable(p, nonblock));
        pipe_lock(p);
        if (!pipe_has_readers(p)) {
            pipe_unlock(p);
            send_sig_info(SIGPIPE, nullptr, current, false);
            return Errno::EPIPE;
        }
        if (size_t room = pipe_room(p))
            return room;
        pipe_unlock(p); /* filled meanwhile: wait again */
    }
}

/* Waits for bytes in p and locks it: how many (not 0); or 0, unlocked, at
 * its end (no writer left). */
Result<size_t> lock_for_reading(pipe_inode_info* p, bool nonblock)
{
    for (;;) {
        TRY(pipe_wait_readable(p, nonblock));
        pipe_lock(p);
        if (size_t avail = pipe_occupancy(p))
            return avail;
        bool eof = !pipe_has_writers(p);
        pipe_unlock(p);
        if (eof)
            return 0;
    }
}

/* A file into a pipe: as much of len as the pipe has room for, in one go. */
Result<size_t> splice_file_to_pipe(file* in, pipe_inode_info* opipe, loff_t* pos, size_t len, bool nonblock)
{
    if (!in->f_op || !in->f_op->read_iter || S_ISDIR(in->f_inode->i_mode))
        return Errno::EINVAL;
    TRY(rw_verify_area(in, *pos, len));
    bounce_page page;
    if (!page.get())
        return Errno::ENOMEM;
    size_t want = min(len, TRY(lock_for_writing(opipe, nonblock)));
    size_t done = 0;
    Result<size_t> failure = 0;
    while (done < want) {
        size_t chunk = min(want - done, PAGE_SIZE);
        auto to = iter_dest::kernel(page.get(), chunk);
        auto got = in->f_op->read_iter(in, to, pos);
        if (!got.ok() || !got.value()) {
            failure = got;
            break;
        }
        auto from = iter_source::kernel(page.get(), got.value());
        done += pipe_fill(opipe, from, got.value());
        if (got.value() < chunk)
            break; /* all the file has for now */
    }
    pipe_unlock(opipe);
    if (done)
        pipe_wake_readers(opipe);
    if (!done && !failure.ok())
        return failure.error();
    return done;
}

/* A pipe into a file: what the pipe holds, up to len, waiting for some. */
Result<size_t> splice_pipe_to_file(pipe_inode_info* ipipe, file* out, loff_t* pos, size_t len, bool nonblock)
{
    if (!out->f_op || !out->f_op->write_iter)
        return Errno::EINVAL;
    TRY(rw_verify_area(out, *pos, len));
    bounce_page page;
    if (!page.get())
        return Errno::ENOMEM;
    size_t avail = TRY(lock_for_reading(ipipe, nonblock));
    if (!avail)
        return 0; /* no writer left */
    size_t want = min(len, avail);
    size_t done = 0;
    Result<size_t> failure = 0;
    while (done < want) {
        size_t chunk = min(want - done, PAGE_SIZE);
        auto to = iter_dest::kernel(page.get(), chunk);
        size_t n = pipe_copy_out(ipipe, done, to, chunk);
        auto from = iter_source::kernel(page.get(), n);
        auto put = out->f_op->write_iter(out, from, pos);
        if (!put.ok()) {
            failure = put;
            break;
        }
        done += put.value();
        if (put.value() < n)
            break;
    }
    pipe_consume(ipipe, done);
    pipe_unlock(ipipe);
    if (done)
        pipe_wake_writers(ipipe);
    if (!done && !failure.ok())
        return failure.error();
    return done;
}

/* Pipe to pipe: splice takes the bytes (consume), tee copies them. Both
 * wait first for bytes in ipipe (0 at its end), then for room in opipe. */
Result<size_t> pipe_to_pipe(pipe_inode_info* ipipe, pipe_inode_info* opipe, size_t len, bool nonblock, bool consume)
{
    bounce_page page;
    if (!page.get())
        return Errno::ENOMEM;
    for (;;) {
        TRY(pipe_wait_readable(ipipe, nonblock));
        TRY(pipe_wait_writable(opipe, nonblock));
        pipe_double_lock(ipipe, opipe);
        size_t avail = pipe_occupancy(ipipe);
        bool eof = !avail && !pipe_has_writers(ipipe);
        bool no_reader = !pipe_has_readers(opipe);
        size_t want = min(len, min(avail, pipe_room(opipe)));
        if (eof || no_reader || !want) {
            pipe_unlock(opipe);
            pipe_unlock(ipipe);
            if (eof)
                return 0;
            if (no_reader) {
                send_sig_info(SIGPIPE, nullptr, current, false);
                return Errno::EPIPE;
            }
            continue; /* the other side moved first: wait again */
        }
        size_t done = 0;
        while (done < want) {
            size_t chunk = min(want - done, PAGE_SIZE);
            auto to = iter_dest::kernel(page.get(), chunk);
            size_t n = pipe_copy_out(ipipe, done, to, chunk);
            auto from = iter_source::kernel(page.get(), n);
            done += pipe_fill(opipe, from, n);
        }
        if (consume)
            pipe_consume(ipipe, done);
        pipe_unlock(opipe);
        pipe_unlock(ipipe);
        pipe_wake_readers(opipe);
        if (consume)
            pipe_wake_writers(ipipe);
        return done;
    }
}

/* Linux's do_splice, its checks in its order. */
Result<size_t> do_splice(file* in, user_inout_ptr<loff_t> off_in, file* out, user_inout_ptr<loff_t> off_out,
                         size_t len, unsigned flags)
{
    if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    pipe_inode_info* ipipe = get_pipe_info(in);
    pipe_inode_info* opipe = get_pipe_info(out);
    if ((ipipe && off_in) || (opipe && off_out))
        return Errno::ESPIPE;
    bool nonblock = flags & SPLICE_F_NONBLOCK;
    if (ipipe && opipe) {
        if (ipipe == opipe)
            return Errno::EINVAL;
        return pipe_to_pipe(ipipe, opipe, len, nonblock || ((in->f_flags | out->f_flags) & O_NONBLOCK), true);
    }
    if (!ipipe && !opipe)
        return Errno::EINVAL;
    /* One end is a file: its position, or the one given (then it must be
     * seekable, EINVAL), written back after the move. */
    file* f = ipipe ? out : in;
    /* An anonymous inode's file (eventfd, signalfd, timerfd, epoll, inotify,
     * pidfd) has no splice_read or splice_write on Linux: EINVAL before any
     * wait for the pipe (LTP splice07). */
    if (f->f_inode && !(f->f_inode->i_mode & S_IFMT))
        return Errno::EINVAL;
    user_inout_ptr<loff_t> off = ipipe ? off_out : off_in;
    loff_t pos = f->f_pos;
    if (off) {
        pos = TRY(get_user(off));
        if (!seekable(f))
            return Errno::EINVAL;
    }
    Result<size_t> r = 0;
    if (ipipe) {
        if (out->f_flags & O_APPEND)
            return Errno::EINVAL;
        r = splice_pipe_to_file(ipipe, out, &pos, len, nonblock || (in->f_flags & O_NONBLOCK));
    } else {
        r = splice_file_to_pipe(in, opipe, &pos, len, nonblock || (out->f_flags & O_NONBLOCK));
    }
    if (!r.ok())
        return r;
    if (off)
        TRY(put_user(pos, off));
    else
        f->f_pos = pos;
    return r;
}

/* How much of the buffers Linux's vmsplice puts in a pipe with this many
 * free buffers: it hands the pipe the user's pages, one buffer for each page
 * a buffer touches, so an unaligned buffer gives less than the pipe's room
 * (the last 320 bytes of a 64 KiB pipe stay empty for a buffer starting
 * 320 bytes into a page). The ring here holds bytes; this keeps the counts
 * while the pipe has a whole page free. Below that it differs: Linux's pipe
 * is full when its 16 buffers are used, however few bytes they hold, and
 * this one takes bytes while any room is left. */
size_t page_span_limit(const iovec* vec, unsigned long nr, size_t slots)
{
    size_t total = 0;
    for (unsigned long i = 0; i < nr && slots; i++) {
        unsigned long addr = vec[i].iov_base, left = vec[i].iov_len;
        while (left && slots) {
            size_t chunk = min(left, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
            total += chunk;
            addr += chunk;
            left -= chunk;
            slots--;
        }
    }
    return total;
}

/* vmsplice into a pipe: user memory, as much as fits once there is room. */
Result<size_t> vmsplice_to_pipe(pipe_inode_info* p, iter_source& from, const iovec* vec, unsigned long nr,
                                bool nonblock)
{
    size_t room = TRY(lock_for_writing(p, nonblock));
    size_t slots = room / PAGE_SIZE; /* Linux's free buffers; a partly filled page is one */
    size_t want = slots ? page_span_limit(vec, nr, slots) : room;
    size_t done = pipe_fill(p, from, min(want, from.count()));
    pipe_unlock(p);
    if (done)
        pipe_wake_readers(p);
    if (!done && from.faulted())
        return Errno::EFAULT;
    return done;
}

/* vmsplice out of a pipe: what it holds, into user memory. */
Result<size_t> vmsplice_to_user(pipe_inode_info* p, iter_dest& to, bool nonblock)
{
    size_t avail = TRY(lock_for_reading(p, nonblock));
    if (!avail)
        return 0; /* no writer left */
    size_t done = pipe_copy_out(p, 0, to, min(avail, to.count()));
    pipe_consume(p, done);
    pipe_unlock(p);
    if (done)
        pipe_wake_writers(p);
    if (!done && to.faulted())
        return Errno::EFAULT;
    return done;
}

} // namespace

SYSCALL_DEFINE6(splice, int, fd_in, user_inout_ptr<loff_t>, off_in, int, fd_out, user_inout_ptr<loff_t>, off_out,
                size_t, len, unsigned int, flags)
{
    if (!len)
        return 0;
    if (flags & ~SPLICE_F_ALL)
        return Errno::EINVAL;
    FdRef in(fd_in);
    if (!in)
        return Errno::EBADF;
    FdRef out(fd_out);
    if (!out)
        return Errno::EBADF;
    return do_splice(in.get(), off_in, out.get(), off_out, min(len, MAX_RW_COUNT), flags);
}

SYSCALL_DEFINE4(tee, int, fdin, int, fdout, size_t, len, unsigned int, flags)
{
    if (flags & ~SPLICE_F_ALL)
        return Errno::EINVAL;
    if (!len)
        return 0;
    FdRef in(fdin);
    if (!in)
        return Errno::EBADF;
    FdRef out(fdout);
    if (!out)
        return Errno::EBADF;
    if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    pipe_inode_info* ipipe = get_pipe_info(in.get());
    pipe_inode_info* opipe = get_pipe_info(out.get());
    if (!ipipe || !opipe || ipipe == opipe)
        return Errno::EINVAL;
    bool nonblock = (flags & SPLICE_F_NONBLOCK) || ((in->f_flags | out->f_flags) & O_NONBLOCK);
    return pipe_to_pipe(ipipe, opipe, min(len, MAX_RW_COUNT), nonblock, false);
}

/* The iovecs in the caller's layout: one handler for both ABIs, as Linux's. */
SYSCALL_DEFINE4(vmsplice, int, fd, user_iovec_ptr, uiov, unsigned long, nr_segs, unsigned int, flags)
{
    if (flags & ~SPLICE_F_ALL)
        return Errno::EINVAL;
    FdRef f(fd);
    if (!f || !(f->f_mode & (FMODE_READ | FMODE_WRITE)))
        return Errno::EBADF;
    pipe_inode_info* p = get_pipe_info(f.get());
    if (!p)
        return Errno::EBADF;
    if (nr_segs > static_cast<unsigned long>(UIO_MAXIOV))
        return Errno::EINVAL;
    iovec* vec = static_cast<iovec*>(kmalloc(sizeof(iovec) * (nr_segs ? nr_segs : 1)));
    if (!vec)
        return Errno::ENOMEM;
    Result<size_t> r = import_iovec(uiov, static_cast<int>(nr_segs), vec);
    if (r.ok() && r.value()) {
        bool nonblock = flags & SPLICE_F_NONBLOCK;
        if (f->f_mode & FMODE_WRITE) {
            auto from = iter_source::user(vec, nr_segs, r.value());
            r = vmsplice_to_pipe(p, from, vec, nr_segs, nonblock);
        } else {
            auto to = iter_dest::user(vec, nr_segs, r.value());
            r = vmsplice_to_user(p, to, nonblock);
        }
    }
    kfree(vec);
    return r;
}
