/*
 * eventfd (Linux's fs/eventfd.c): a 64-bit counter behind a descriptor. A
 * write adds its 8-byte value; a read returns the counter and zeroes it, or
 * with EFD_SEMAPHORE returns 1 and takes one off; a read of zero and a write
 * that would pass 2^64 - 2 wait (EAGAIN if non-blocking). poll: POLLIN when
 * the counter is not zero, POLLOUT while a write of 1 would not wait. The
 * counter is process-context only, under the kernel lock.
 */
#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>


namespace {

constexpr unsigned EFD_SEMAPHORE = 1;
constexpr u64 ULLONG_MAX_ = ~0ULL;

struct eventfd_ctx {
    u64 count;
    bool semaphore;
    wait_queue_head wqh; /* readers and writers waiting for the counter to change */
};

eventfd_ctx* ctx_of(file* f) { return static_cast<eventfd_ctx*>(f->private_data); }

Result<size_t> eventfd_read(file* f, iter_dest& to, loff_t*)
{
    eventfd_ctx* c = ctx_of(f);
    if (to.count() < sizeof(u64))
        return Errno::EINVAL;
    if (c->count == 0) {
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(c->wqh, c->count != 0))
            return static_cast<Errno>(-err);
    }
    /* Taken before the copy, as Linux does: a bad buffer loses the value. */
    u64 value = c->semaphore ? 1 : c->count;
    c->count -= value;
    wake_up(&c->wqh);
    if (to.copy_to_iter(&value, sizeof(value)) != sizeof(value))
        return Errno::EFAULT;
    return sizeof(u64);
}

Result<size_t> eventfd_write(file* f, iter_source& from, loff_t*)
{
    eventfd_ctx* c = ctx_of(f);
    if (from.count() < sizeof(u64))
        return Errno::EINVAL;
    u64 value;
    if (from.copy_from_iter(&value, sizeof(value)) != sizeof(value))
        return Errno::EFAULT;
    if (value == ULLONG_MAX_)
        return Errno::EINVAL;
    if (ULLONG_MAX_ - c->count <= value) {
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(c->wqh, ULLONG_MAX_ - c->count > value))
            return static_cast<Errno>(-err);
    }
    c->count += value;
    wake_up(&c->wqh);
    return sizeof(u64);
}

unsigned int eventfd_poll(file* f, poll_table* pt)
{
    eventfd_ctx* c = ctx_of(f);
    poll_wait(f, &c->wqh, pt);
    unsigned mask = 0;
    if (c->count > 0)
        mask |= POLLIN | POLLRDNORM;
    if (c->count == ULLONG_MAX_)
        mask |= POLLERR;
    if (ULLONG_MAX_ - 1 > c->count)
        mask |= POLLOUT | POLLWRNORM;
    return mask;
}

/* Linux's noop_llseek: the position stays (it means nothing here). */
Result<loff_t> eventfd_llseek(file* f, loff_t, int) { return f->f_pos; }

void eventfd_release(inode*, file* f)
{
    kfree(f->private_data);
    f->private_data = nullptr;
}

const file_operations eventfd_fops = {
    .read_iter = eventfd_read,
    .write_iter = eventfd_write,
    .llseek = eventfd_llseek,
    .ioctl = nullptr,
    .poll = eventfd_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = eventfd_release,
};

SyscallResult do_eventfd(unsigned int count, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
        return Errno::EINVAL;
    auto* c = static_cast<eventfd_ctx*>(kzalloc(sizeof(eventfd_ctx)));
    if (!c)
        return Errno::ENOMEM;
    c->wqh.head.init();
    c->count = count;
    c->semaphore = flags & EFD_SEMAPHORE;
    auto fd = anon_inode_getfd("[eventfd]", &eventfd_fops, c, static_cast<unsigned>(flags) & (O_CLOEXEC | O_NONBLOCK));
    if (!fd.ok()) {
        kfree(c);
        return fd.error();
    }
    return fd.value();
}

} // namespace

Result<file*> eventfd_fget(int fd)
{
    file* f = fget(fd);
    if (!f)
        return Errno::EBADF;
    if (f->f_op != &eventfd_fops) {
        fput(f);
        return Errno::EINVAL;
    }
    return f;
}

void eventfd_signal(file* f, u64 n)
{
    eventfd_ctx* c = ctx_of(f);
    if (ULLONG_MAX_ - c->count < n)
        n = ULLONG_MAX_ - c->count;
    c->count += n;
    wake_up(&c->wqh);
}

SYSCALL_DEFINE2(eventfd2, unsigned int, count, int, flags)
{
    return do_eventfd(count, flags);
}

SYSCALL_DEFINE1(eventfd, unsigned int, count)
{
    return do_eventfd(count, 0);
}
