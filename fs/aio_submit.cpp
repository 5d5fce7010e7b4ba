/*
 * Linux native AIO, the requests (Linux's fs/aio.c): io_submit and
 * io_cancel. Every file here lives in memory, so a read, a write or an fsync
 * completes inside io_submit, as it may on Linux: its event is in the ring
 * (and aio_resfd's eventfd signalled) when io_submit returns. A read that
 * must wait (an empty pipe) waits there, as Linux's does for a file without
 * real asynchronous I/O. IOCB_CMD_POLL completes at once when the file is
 * ready; otherwise it is queued on the context and completes when an
 * io_getevents or io_pgetevents on the context finds the file ready (it
 * sleeps on the queued files' wait queues too). Unlike Linux, a queued poll
 * is not completed by the file's wake-up alone: a process that only reads
 * the ring or waits on the aio_resfd eventfd does not see it.
 */
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/eventfd.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include "aio.h"

namespace {

constexpr int RWF_HIPRI = 0x1, RWF_DSYNC = 0x2, RWF_SYNC = 0x4, RWF_NOWAIT = 0x8, RWF_APPEND = 0x10;
constexpr int RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

/* Linux's aio_rw_done: a sleep interrupted by a signal is EINTR in the event. */
s64 rw_result(const Result<size_t>& r)
{
    if (r.ok())
        return static_cast<s64>(r.value());
    Errno e = r.error();
    if (e == Errno::ERESTARTSYS || e == Errno::ERESTARTNOINTR || e == Errno::ERESTARTNOHAND ||
        e == Errno::ERESTART_RESTARTBLOCK)
        e = Errno::EINTR;
    return errno_return(e);
}

/* Linux's aio_read / aio_write (with aio_prep_rw and aio_setup_rw): the
 * flags, the direction, the buffer or the iovec array, the range, then the
 * I/O. Returns the event's result, or an error io_submit itself returns. */
Result<s64> aio_rw(file* f, const iocb& cb, bool write, bool vectored)
{
    if (cb.aio_flags & IOCB_FLAG_IOPRIO) {
        /* ioprio_check_cap: the class in the top 3 of 16 bits; RT needs privilege. */
        unsigned cls = static_cast<u16>(cb.aio_reqprio) >> 13, data = cb.aio_reqprio & 0x1fff;
        if (cls == 1 && !capable(CAP_SYS_ADMIN))
            return Errno::EPERM;
        if (cls > 3 || (cls != 0 && cls != 3 && data >= 8) || (cls == 0 && data != 0))
            return Errno::EINVAL;
    }
    if (cb.aio_rw_flags & ~RWF_SUPPORTED)
        return Errno::EOPNOTSUPP;
    /* RWF_NOWAIT needs FMODE_NOWAIT, which Linux 6.1 gives sockets but
     * not tmpfs files or pipes. */
    bool nowait = cb.aio_rw_flags & RWF_NOWAIT;
    if (nowait && !S_ISSOCK(f->f_inode->i_mode))
        return Errno::EOPNOTSUPP;
    if (write ? !(f->f_mode & FMODE_WRITE) : !(f->f_mode & FMODE_READ))
        return Errno::EBADF;
    if (write ? !f->f_op || !f->f_op->write_iter : !f->f_op || !f->f_op->read_iter)
        return Errno::EINVAL;

    iovec single{};
    iovec* vec = &single;
    int nr_segs = 1;
    size_t total;
    if (!vectored) {
        total = min<size_t>(cb.aio_nbytes, MAX_RW_COUNT);
        single = {static_cast<unsigned long>(cb.aio_buf), total};
        if (!access_ok(user_in_ptr<const void>(cb.aio_buf), total))
            return Errno::EFAULT;
    } else {
        if (cb.aio_nbytes > UIO_MAXIOV)
            return Errno::EINVAL;
        nr_segs = static_cast<int>(cb.aio_nbytes);
        vec = static_cast<iovec*>(kmalloc(sizeof(iovec) * (nr_segs ? nr_segs : 1)));
        if (!vec)
            return Errno::ENOMEM;
        auto t = import_iovec(user_iovec_ptr(cb.aio_buf), nr_segs, vec);
        if (!t.ok()) {
            kfree(vec);
            return t.error();
        }
        total = t.value();
    }
    loff_t pos = cb.aio_offset;
    Result<s64> ret = Errno::EINVAL;
    if (pos >= 0 && !__builtin_add_overflow(pos, static_cast<loff_t>(total), &pos)) {
        pos = cb.aio_offset;
        if (write && ((f->f_flags & O_APPEND) || (cb.aio_rw_flags & RWF_APPEND)))
            pos = f->f_inode->i_size;
        /* RWF_NOWAIT on a socket: the I/O as a non-blocking descriptor would
         * do it. No other task sees the flag: the I/O does not sleep with it
         * set, and the kernel lock is held throughout. */
        unsigned saved = f->f_flags;
        if (nowait)
            f->f_flags |= O_NONBLOCK;
        if (write) {
            auto from = iter_source::user(vec, static_cast<size_t>(nr_segs), total);
            ret = rw_result(vfs_write(f, from, &pos));
        } else {
            auto to = iter_dest::user(vec, static_cast<size_t>(nr_segs), total);
            ret = rw_result(vfs_read(f, to, &pos));
        }
        if (nowait)
            f->f_flags = saved;
    }
    if (vec != &single)
        kfree(vec);
    return ret;
}

/* Linux's aio_fsync: no buffer, offset, length or flags; a file without fsync
 * (pipes, sockets, character devices) is EINVAL. The memory file systems
 * have nothing to write back. */
Result<s64> aio_fsync(file* f, const iocb& cb)
{
    if (cb.aio_buf || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags)
        return Errno::EINVAL;
    umode_t mode = f->f_inode->i_mode;
    if (!S_ISREG(mode) && !S_ISDIR(mode))
        return Errno::EINVAL;
    return 0;
}

unsigned poll_now(file* f, poll_table* pt)
{
    return f->f_op && f->f_op->poll ? f->f_op->poll(f, pt) : (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

/* Linux's aio_poll: events in the low 16 bits of aio_buf, nothing else set;
 * done at once if the file is ready, else queued (fs/aio.h). */
Result<bool> aio_poll(kioctx* ctx, file* f, const iocb& cb, u64 obj, file* eventfd)
{
    if (static_cast<u16>(cb.aio_buf) != cb.aio_buf)
        return Errno::EINVAL;
    if (cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags)
        return Errno::EINVAL;
    unsigned events = static_cast<unsigned>(cb.aio_buf) | POLLERR | POLLHUP;
    unsigned mask = poll_now(f, nullptr) & events;
    if (mask) {
        aio_complete(ctx, obj, cb.aio_data, mask, eventfd);
        return true;
    }
    auto* req = new aio_poll_req{};
    if (!req)
        return Errno::ENOMEM;
    req->f = get_file(f);
    req->eventfd = eventfd ? get_file(eventfd) : nullptr;
    req->obj = obj;
    req->data = cb.aio_data;
    req->events = events;
    ctx->active_reqs.add_tail(&req->node);
    return false;
}

void free_poll_req(aio_poll_req* req)
{
    list_head::del(&req->node);
    fput(req->f);
    if (req->eventfd)
        fput(req->eventfd);
    delete req;
}

/* Linux's io_submit_one and __io_submit_one, in their order of checks. */
Result<void> io_submit_one(kioctx* ctx, u64 obj)
{
    user_inout_ptr<iocb> user_iocb(obj);
    iocb cb;
    TRY(copy_from_user(&cb, user_iocb));
    if (cb.aio_reserved2)
        return Errno::EINVAL;
    if (static_cast<s64>(cb.aio_nbytes) < 0)
        return Errno::EINVAL;
    /* aio_get_req: a slot for the event (the ring keeps one empty). */
    if (aio_ring_pending(ctx) + 1 >= ctx->nr_events)
        return Errno::EAGAIN;
    file* f = fget(static_cast<int>(cb.aio_fildes));
    if (!f)
        return Errno::EBADF;
    file* eventfd = nullptr;
    Result<void> ret;
    if (cb.aio_flags & IOCB_FLAG_RESFD) {
        auto e = eventfd_fget(static_cast<int>(cb.aio_resfd));
        if (!e.ok()) {
            fput(f);
            return e.error();
        }
        eventfd = e.value();
    }
    if (!put_user(KIOCB_KEY, user_iocb.field<u32>(__builtin_offsetof(iocb, aio_key))).ok()) {
        ret = Errno::EFAULT;
    } else {
        Result<s64> res = Errno::EINVAL;
        switch (cb.aio_lio_opcode) {
        case IOCB_CMD_PREAD:
            res = aio_rw(f, cb, false, false);
            break;
        case IOCB_CMD_PWRITE:
            res = aio_rw(f, cb, true, false);
            break;
        case IOCB_CMD_PREADV:
            res = aio_rw(f, cb, false, true);
            break;
        case IOCB_CMD_PWRITEV:
            res = aio_rw(f, cb, true, true);
            break;
        case IOCB_CMD_FSYNC:
        case IOCB_CMD_FDSYNC:
            res = aio_fsync(f, cb);
            break;
        case IOCB_CMD_POLL: {
            auto done = aio_poll(ctx, f, cb, obj, eventfd);
            if (!done.ok())
                ret = done.error();
            res = Errno::EINPROGRESS; /* completed or queued there */
            if (!done.ok())
                res = done.error();
            break;
        }
        default:
            break; /* EINVAL */
        }
        if (res.ok())
            aio_complete(ctx, obj, cb.aio_data, res.value(), eventfd);
        else if (res.error() != Errno::EINPROGRESS)
            ret = res.error();
    }
    fput(f);
    if (eventfd)
        fput(eventfd);
    return ret;
}

} // namespace

void aio_poll_queued(kioctx* ctx, poll_table* pt)
{
    list_for_each_safe(pos, n, &ctx->active_reqs) {
        aio_poll_req* req = list_entry(pos, aio_poll_req, node);
        /* Linux completes a queued poll from the wake-up with the waker's
         * mask, not narrowed to the events asked (a pipe's write: POLLIN |
         * POLLRDNORM); the file's whole mask stands for it here. */
        unsigned mask = poll_now(req->f, pt);
        if (mask & req->events) {
            aio_complete(ctx, req->obj, req->data, mask, req->eventfd);
            free_poll_req(req);
        }
    }
}

void aio_poll_drop(kioctx* ctx)
{
    list_for_each_safe(pos, n, &ctx->active_reqs)
        free_poll_req(list_entry(pos, aio_poll_req, node));
}

/* Linux's io_submit: at most the ring's size, stopping at the first error;
 * the count submitted if any, else that error. */
SyscallResult do_io_submit(aio_context_t ctx_id, long nr, user_iocbpp_ptr iocbpp, bool compat)
{
    if (nr < 0)
        return Errno::EINVAL;
    kioctx* ctx = lookup_ioctx(ctx_id);
    if (!ctx)
        return Errno::EINVAL;
    if (nr > ctx->nr_events)
        nr = ctx->nr_events;
    long i = 0;
    Result<void> ret;
    for (; i < nr; i++) {
        u64 addr;
        if (compat) {
            auto a = get_user(iocbpp.compat() + static_cast<size_t>(i));
            if (!a.ok()) {
                ret = Errno::EFAULT;
                break;
            }
            addr = a.value();
        } else {
            auto a = get_user(iocbpp.native() + static_cast<size_t>(i));
            if (!a.ok()) {
                ret = Errno::EFAULT;
                break;
            }
            addr = a.value();
        }
        ret = io_submit_one(ctx, addr);
        if (!ret.ok() || ctx->dead) /* destroyed while a read slept */
            break;
    }
    put_ioctx(ctx);
    if (i)
        return i;
    if (!ret.ok())
        return ret.error();
    return 0;
}

SYSCALL_DEFINE3(io_submit, aio_context_t, ctx_id, long, nr, user_iocbpp_ptr, iocbpp)
{
    return do_io_submit(ctx_id, nr, iocbpp, false);
}

COMPAT_SYSCALL_DEFINE3(io_submit, compat_aio_context_t, ctx_id, int, nr, user_iocbpp_ptr, iocbpp)
{
    return do_io_submit(ctx_id, nr, iocbpp, true);
}

/* Linux's io_cancel: the iocb must carry KIOCB_KEY (EINVAL), the context
 * must exist (EINVAL); a queued poll is cancelled (EINPROGRESS, its event
 * posted with res 0 as Linux's aio_poll_cancel leads to), and any other
 * request has completed or never was (EINVAL). */
SYSCALL_DEFINE3(io_cancel, aio_context_t, ctx_id, user_in_ptr<const iocb>, user_iocb, user_out_ptr<io_event>, result)
{
    (void)result; /* no longer used by Linux: the event always goes to the ring */
    u32 key = TRY(get_user(user_iocb.field<const u32>(__builtin_offsetof(iocb, aio_key))));
    if (key != KIOCB_KEY)
        return Errno::EINVAL;
    kioctx* ctx = lookup_ioctx(ctx_id);
    if (!ctx)
        return Errno::EINVAL;
    u64 obj = user_addr(user_iocb); /* requests are known by their iocb's address */
    SyscallResult ret = Errno::EINVAL;
    list_for_each(pos, &ctx->active_reqs) {
        aio_poll_req* req = list_entry(pos, aio_poll_req, node);
        if (req->obj == obj) {
            aio_complete(ctx, req->obj, req->data, 0, req->eventfd);
            free_poll_req(req);
            ret = Errno::EINPROGRESS;
            break;
        }
    }
    put_ioctx(ctx);
    return ret;
}
