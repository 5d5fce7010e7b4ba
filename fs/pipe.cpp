/*
 * Pipes and FIFOs: a ring buffer shared by a read end and a write end.
 * Reading an empty pipe sleeps until data or the last writer leaves (then 0,
 * end of file); writing with no reader left raises SIGPIPE and fails with
 * EPIPE; writes of at most PIPE_BUF bytes are never interleaved.
 *
 * Reads and writes run without the big kernel lock (pipefifo_fops.no_bkl):
 * each pipe's mutex guards its ring and counts, so pipes on different CPUs
 * never wait for each other, and a long copy may be preempted. Opening,
 * releasing, F_SETPIPE_SZ and poll still come under the kernel lock as
 * well; the wait-queue conditions read the ring without the mutex (a stale
 * look only means one more turn of the wait loop).
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

extern unsigned int pipe_max_size; /* /proc/sys/fs/pipe-max-size (fs/proc/sysctl.cpp): beyond it, CAP_SYS_RESOURCE */

struct pipe_inode_info {
    u8* buf;
    size_t size;       /* capacity: PAGE_SIZE << order bytes (F_SETPIPE_SZ changes it) */
    unsigned order;
    size_t head, tail; /* bytes [tail, head) are in the pipe; indices grow, taken modulo size */
    int readers, writers;
    unsigned long r_counter, w_counter; /* opens so far, for FIFO opens that wait */
    wait_queue_head rd_wait, wr_wait;
    /* O_ASYNC files: readers get SIGIO when bytes come, writers when room
     * does (under fasync_lock, fs/fasync.cpp). */
    fasync_struct* fasync_readers;
    fasync_struct* fasync_writers;
    /* Everything above: the buffer and its size, head and tail, the reader
     * and writer counts. Held across the user copies, never while waiting
     * for data or room. */
    struct mutex mutex;
};

namespace {

constexpr unsigned PIPE_DEF_ORDER = 4; /* 16 pages, 64 KiB: Linux's default capacity */

constexpr size_t PIPE_BUF = 4096;   /* writes up to this size are atomic */

pipe_inode_info* pipe_of(file* f) { return static_cast<pipe_inode_info*>(f->f_inode->i_private); }
size_t used(const pipe_inode_info* p) { return p->head - p->tail; }

pipe_inode_info* alloc_pipe_info()
{
    auto* p = static_cast<pipe_inode_info*>(kzalloc(sizeof(pipe_inode_info)));
    if (!p)
        return nullptr;
    /* Never above pipe-max-size for a process without CAP_SYS_RESOURCE (Linux's alloc_pipe_info). */
    unsigned order = PIPE_DEF_ORDER;
    while (order && (PAGE_SIZE << order) > READ_ONCE(pipe_max_size) && !capable(CAP_SYS_RESOURCE))
        order--;
    page* pages = alloc_pages(order);
    if (!pages) {
        kfree(p);
        return nullptr;
    }
    p->buf = static_cast<u8*>(page_address(pages));
    p->order = order;
    p->size = PAGE_SIZE << order;
    p->rd_wait.head.init();
    p->wr_wait.head.init();
    mutex_init(&p->mutex, "pipe");
    return p;
}

void free_pipe_info(pipe_inode_info* p)
{
    __free_pages(virt_to_page(p->buf), p->order);
    kfree(p);
}

Result<size_t> pipe_read(file* f, iter_dest& to, loff_t*)
{
    pipe_inode_info* p = pipe_of(f);
    mutex_lock(&p->mutex);
    for (;;) {
        if (used(p)) {
            size_t done = 0;
            while (used(p) && to.count()) {
                size_t at = p->tail % p->size;
                size_t n = min(min(used(p), p->size - at), to.count());
                size_t copied = to.copy_to_iter(p->buf + at, n);
                p->tail += copied;
                done += copied;
                if (copied < n)
                    break;
            }
            mutex_unlock(&p->mutex);
            wake_up_sync(&p->wr_wait); /* a writer waiting for room; we read next, or sleep */
            kill_fasync(&p->fasync_writers, SIGIO, POLL_OUT); /* as Linux, after every read that took bytes */
            if (!done && to.faulted())
                return Errno::EFAULT;
            return done;
        }
        bool eof = !p->writers;
        mutex_unlock(&p->mutex);
        if (eof)
            return 0; /* end of file */
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(p->rd_wait, used(p) || !p->writers))
            return static_cast<Errno>(-err);
        mutex_lock(&p->mutex);
    }
}

Result<size_t> pipe_write(file* f, iter_source& from, loff_t*)
{
    pipe_inode_info* p = pipe_of(f);
    size_t total = from.count();
    size_t done = 0;
    mutex_lock(&p->mutex);
    while (from.count()) {
        if (!p->readers) {
            mutex_unlock(&p->mutex);
            send_sig_info(SIGPIPE, nullptr, current, false);
            if (done)
                wake_up(&p->rd_wait);
            return done ? Result<size_t>(done) : Errno::EPIPE;
        }
        size_t space = p->size - used(p);
        /* A small write goes in whole or not at all. */
        bool fits = total <= PIPE_BUF ? space >= total : space > 0;
        if (!fits) {
            mutex_unlock(&p->mutex);
            wake_up(&p->rd_wait);
            if (f->f_flags & O_NONBLOCK)
                return done ? Result<size_t>(done) : Errno::EAGAIN;
            long err = wait_event_interruptible(p->wr_wait, !p->readers || p->size - used(p) >= min(total, PIPE_BUF));
            if (err)
                return done ? Result<size_t>(done) : static_cast<Errno>(-err);
            mutex_lock(&p->mutex);
            continue;
        }
        size_t at = p->head % p->size;
        size_t n = min(min(space, p->size - at), from.count());
        size_t copied = from.copy_from_iter(p->buf + at, n);
        p->head += copied;
        done += copied;
        if (copied < n) {
            if (!done) {
                mutex_unlock(&p->mutex);
                return Errno::EFAULT;
            }
            break;
        }
    }
    mutex_unlock(&p->mutex);
    wake_up_sync(&p->rd_wait); /* the reader; a ping-pong writer reads and sleeps next */
    kill_fasync(&p->fasync_readers, SIGIO, POLL_IN);
    return done;
}

unsigned int pipe_poll(file* f, poll_table* pt)
{
    pipe_inode_info* p = pipe_of(f);
    unsigned mask = 0;
    if (f->f_mode & FMODE_READ) {
        poll_wait(f, &p->rd_wait, pt);
        if (used(p))
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers && p->w_counter)
            mask |= POLLHUP;
    }
    if (f->f_mode & FMODE_WRITE) {
        poll_wait(f, &p->wr_wait, pt);
        if (used(p) < p->size)
            mask |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            mask |= POLLERR;
    }
    return mask;
}

Result<long> pipe_ioctl(file* f, unsigned int cmd, unsigned long arg)
{
    constexpr unsigned FIONREAD = 0x541b;
    if (cmd != FIONREAD)
        return Errno::ENOTTY;
    int n = static_cast<int>(used(pipe_of(f)));
    TRY(put_user(n, user_out_ptr<int>(arg)));
    return 0;
}

/*
 * F_SETPIPE_SZ: the capacity becomes arg rounded up to a power of two of
 * pages (Linux's round_pipe_size; EINVAL past 2^31), beyond pipe-max-size
 * only with CAP_SYS_RESOURCE (EPERM), never below what the pipe holds (EBUSY:
 * the pages its bytes occupy, as Linux counts buffers). The bytes move to the
 * start of the new ring. Returns the new capacity.
 */
Result<long> pipe_set_size(pipe_inode_info* p, unsigned long arg)
{
    if (arg > (1UL << 31))
        return Errno::EINVAL;
    mutex_guard g(&p->mutex); /* a read or write may be copying, without the kernel lock */
    unsigned order = 0;
    while ((PAGE_SIZE << order) < arg)
        order++;
    size_t size = PAGE_SIZE << order;
    if (size > p->size && size > READ_ONCE(pipe_max_size) && !capable(CAP_SYS_RESOURCE))
        return Errno::EPERM;
    size_t slots = used(p) ? (p->tail % PAGE_SIZE + used(p) + PAGE_SIZE - 1) / PAGE_SIZE : 0;
    if ((size >> PAGE_SHIFT) < slots)
        return Errno::EBUSY;
    page* pages = alloc_pages(order);
    if (!pages)
        return Errno::ENOMEM;
    auto* buf = static_cast<u8*>(page_address(pages));
    size_t n = used(p);
    for (size_t i = 0; i < n; i++)
        buf[i] = p->buf[(p->tail + i) % p->size];
    __free_pages(virt_to_page(p->buf), p->order);
    p->buf = buf;
    p->order = order;
    p->size = size;
    p->tail = 0;
    p->head = n;
    wake_up(&p->wr_wait); /* there may be room now */
    return static_cast<long>(size);
}

/* Frees the pipe once no file refers to it: no reader, no writer. */
void put_pipe_info(inode* i)
{
    auto* p = static_cast<pipe_inode_info*>(i->i_private);
    if (p && !p->readers && !p->writers) {
        free_pipe_info(p);
        i->i_private = nullptr;
    }
}

void pipe_release(inode* i, file* f)
{
    auto* p = static_cast<pipe_inode_info*>(i->i_private);
    mutex_lock(&p->mutex);
    if (f->f_mode & FMODE_READ)
        p->readers--;
    if (f->f_mode & FMODE_WRITE)
        p->writers--;
    mutex_unlock(&p->mutex);
    wake_up(&p->rd_wait);
    wake_up(&p->wr_wait);
    put_pipe_info(i);
}

/* Opening a FIFO: readers wait for a writer and writers for a reader, unless
 * O_NONBLOCK (then a lone writer gets ENXIO), as POSIX says. A file opened
 * for neither (access mode 3) is EINVAL, as on Linux: it would count as
 * neither reader nor writer. Every failure leaves the counts as they were. */
super_block* pipefs_sb;

Result<void> fifo_open(inode* i, file* f)
{
    bool rd = f->f_mode & FMODE_READ, wr = f->f_mode & FMODE_WRITE;
    if (!rd && !wr)
        return Errno::EINVAL;
    if (!i->i_private && !(i->i_private = alloc_pipe_info()))
        return Errno::ENOMEM;
    auto* p = static_cast<pipe_inode_info*>(i->i_private);
    if (i->i_sb == pipefs_sb) {
        /* Reopening an anonymous pipe (/proc/self/fd/N): no partner to wait for. */
        mutex_guard g(&p->mutex); /* the counts, against reads and writes */
        if (rd)
            p->readers++;
        if (wr)
            p->writers++;
        return {};
    }
    if (wr && !rd && !p->readers && (f->f_flags & O_NONBLOCK)) {
        put_pipe_info(i); /* counted nothing: free it if it was made for this open */
        return Errno::ENXIO;
    }
    {
        mutex_guard g(&p->mutex); /* the counts; not held for the waits below */
        if (rd) {
            p->readers++;
            p->r_counter++;
        }
        if (wr) {
            p->writers++;
            p->w_counter++;
        }
    }
    if (rd)
        wake_up(&p->wr_wait);
    if (wr)
        wake_up(&p->rd_wait);
    if (rd && !wr && !(f->f_flags & O_NONBLOCK)) {
        unsigned long seen = p->w_counter;
        if (long err = wait_event_interruptible(p->rd_wait, p->w_counter != seen || p->writers)) {
            pipe_release(i, f);
            return static_cast<Errno>(-err);
        }
    }
    if (wr && !rd) {
        unsigned long seen = p->r_counter;
        if (long err = wait_event_interruptible(p->wr_wait, p->r_counter != seen || p->readers)) {
            pipe_release(i, f);
            return static_cast<Errno>(-err);
        }
    }
    return {};
}

Result<void> pipe_fasync(int fd, file* f, bool on)
{
    pipe_inode_info* p = pipe_of(f);
    if (f->f_mode & FMODE_READ)
        TRY(fasync_helper(fd, f, on, &p->fasync_readers));
    if (f->f_mode & FMODE_WRITE) {
        auto r = fasync_helper(fd, f, on, &p->fasync_writers);
        if (!r.ok() && (f->f_mode & FMODE_READ))
            (void)fasync_helper(-1, f, false, &p->fasync_readers);
        return r;
    }
    return {};
}

const file_operations pipefifo_fops = {
    .read_iter = pipe_read,
    .write_iter = pipe_write,
    .llseek = nullptr,
    .ioctl = pipe_ioctl,
    .poll = pipe_poll,
    .iterate = nullptr,
    .open = fifo_open,
    .release = pipe_release,
    .no_bkl = true, /* read and write: the pipe's mutex */
    .fasync = pipe_fasync,
};

Result<void> do_pipe2(user_out_ptr<int> fildes, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return Errno::EINVAL;
    if (!pipefs_sb && !(pipefs_sb = ramfs_get_sb()))
        return Errno::ENOMEM;
    inode* i = new_inode(pipefs_sb, S_IFIFO | 0600);
    pipe_inode_info* p = alloc_pipe_info();
    dentry* d = d_alloc(nullptr, "pipe:", 5);
    if (!i || !p || !d) {
        if (p)
            free_pipe_info(p);
        iput(i);
        return Errno::ENOMEM;
    }
    d->d_sb = pipefs_sb;
    d->d_transient = true;
    d_instantiate(d, i);
    i->i_private = p;
    i->i_fop = &pipefifo_fops;
    p->readers = p->writers = 1;
    p->r_counter = p->w_counter = 1;
    path pp{root_mnt, d};
    unsigned status = flags & O_NONBLOCK;
    file* rf = alloc_file(pp, O_RDONLY | status, &pipefifo_fops);
    file* wf = alloc_file(pp, O_WRONLY | status, &pipefifo_fops);
    dput(d); /* the files hold it now */
    if (!rf || !wf) {
        /* One end missing: the other's release would see an unpaired count. */
        if (rf)
            fput(rf);
        if (wf)
            fput(wf);
        return Errno::ENOMEM;
    }
    rf->f_mode &= ~FMODE_LSEEK;
    wf->f_mode &= ~FMODE_LSEEK;
    auto rfd = get_unused_fd_flags(flags);
    if (!rfd.ok()) {
        fput(rf);
        fput(wf);
        return rfd.error();
    }
    fd_install(rfd.value(), rf);
    auto wfd = get_unused_fd_flags(flags);
    if (!wfd.ok()) {
        (void)close_fd(rfd.value());
        fput(wf);
        return wfd.error();
    }
    fd_install(wfd.value(), wf);
    int fds[2] = {rfd.value(), wfd.value()};
    if (!copy_to_user(fildes, fds, 2).ok()) {
        (void)close_fd(fds[0]);
        (void)close_fd(fds[1]);
        return Errno::EFAULT;
    }
    return {};
}

} // namespace

const file_operations* fifo_file_operations() { return &pipefifo_fops; }

/* ---- for splice, tee and vmsplice (include/linux/pipe_fs_i.h) ---- */

pipe_inode_info* get_pipe_info(file* f)
{
    return f->f_op == &pipefifo_fops ? static_cast<pipe_inode_info*>(f->f_inode->i_private) : nullptr;
}

void pipe_lock(pipe_inode_info* p) { mutex_lock(&p->mutex); }
void pipe_unlock(pipe_inode_info* p) { mutex_unlock(&p->mutex); }

void pipe_double_lock(pipe_inode_info* a, pipe_inode_info* b)
{
    /* In address order, so two splices between the same pipes in opposite
     * directions cannot each hold one and wait for the other. */
    if (a > b) {
        pipe_inode_info* t = a;
        a = b;
        b = t;
    }
    mutex_lock(&a->mutex);
    mutex_lock(&b->mutex);
}

size_t pipe_occupancy(const pipe_inode_info* p) { return used(p); }
size_t pipe_room(const pipe_inode_info* p) { return p->size - used(p); }
bool pipe_has_readers(const pipe_inode_info* p) { return p->readers > 0; }
bool pipe_has_writers(const pipe_inode_info* p) { return p->writers > 0; }

size_t pipe_copy_out(const pipe_inode_info* p, size_t skip, iter_dest& to, size_t n)
{
    size_t done = 0;
    n = min(n, used(p) - min(skip, used(p)));
    while (done < n) {
        size_t at = (p->tail + skip + done) % p->size;
        size_t chunk = min(n - done, p->size - at);
        size_t copied = to.copy_to_iter(p->buf + at, chunk);
        done += copied;
        if (copied < chunk)
            break;
    }
    return done;
}

void pipe_consume(pipe_inode_info* p, size_t n) { p->tail += min(n, used(p)); }

size_t pipe_fill(pipe_inode_info* p, iter_source& from, size_t n)
{
    size_t done = 0;
    n = min(n, p->size - used(p));
    while (done < n) {
        size_t at = p->head % p->size;
        size_t chunk = min(n - done, p->size - at);
        size_t copied = from.copy_from_iter(p->buf + at, chunk);
        p->head += copied;
        done += copied;
        if (copied < chunk)
            break;
    }
    return done;
}

Result<void> pipe_wait_readable(pipe_inode_info* p, bool nonblock)
{
    if (used(p) || !p->writers)
        return {};
    if (nonblock)
        return Errno::EAGAIN;
    if (long err = wait_event_interruptible(p->rd_wait, used(p) || !p->writers))
        return static_cast<Errno>(-err);
    return {};
}

Result<void> pipe_wait_writable(pipe_inode_info* p, bool nonblock)
{
    if (used(p) < p->size || !p->readers)
        return {};
    if (nonblock)
        return Errno::EAGAIN;
    if (long err = wait_event_interruptible(p->wr_wait, used(p) < p->size || !p->readers))
        return static_cast<Errno>(-err);
    return {};
}

void pipe_wake_readers(pipe_inode_info* p) { wake_up(&p->rd_wait); }
void pipe_wake_writers(pipe_inode_info* p) { wake_up(&p->wr_wait); }

Result<long> pipe_fcntl(file* f, unsigned int cmd, unsigned long arg)
{
    if (f->f_op != &pipefifo_fops || !f->f_inode->i_private)
        return Errno::EBADF; /* not a pipe (Linux's get_pipe_info) */
    pipe_inode_info* p = pipe_of(f);
    switch (cmd) {
    case F_SETPIPE_SZ:
        return pipe_set_size(p, arg);
    case F_GETPIPE_SZ:
        return static_cast<long>(p->size);
    default:
        return Errno::EINVAL;
    }
}

SYSCALL_DEFINE2(pipe2, FdPairPtr, fildes, FdFlags, flags)
{
    return do_pipe2(fildes, flags);
}

SYSCALL_DEFINE1(pipe, FdPairPtr, fildes)
{
    return do_pipe2(fildes, 0);
}
