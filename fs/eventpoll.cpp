/*
 * epoll: an interest list of (file, fd) items, each asked for its readiness
 * with the file's poll(), as poll(2) does, but kept between calls.
 * epoll_wait scans the items and sleeps on their wait queues until one is
 * ready; an epoll file polls as readable when one of its items is ready, so
 * epoll files nest (at most 4 deep, no cycles: ELOOP).
 *
 * As in Linux an item does not hold its file: when the file's last
 * reference goes (fput), its items leave every interest list
 * (eventpoll_release_file); closing one of several descriptors of it does
 * not. EPOLLONESHOT disables an item once reported, until EPOLL_CTL_MOD.
 * EPOLLET is accepted but delivered level-triggered: every wait reports an
 * item while it is ready, so an edge-triggered program (which reads until
 * EAGAIN) sees each edge Linux would report, and more wake-ups than Linux
 * gives. EPOLLWAKEUP has nothing to do (no suspend). Reports come in the
 * order the items were seen ready (at epoll_ctl, or by an earlier wait),
 * those found ready in the same scan in the order they were added. The
 * kernel lock protects the lists.
 */
#include <linux/cred.h>
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>


struct epitem {
    list_head link;     /* in its eventpoll's items */
    list_head rdllink;  /* in its eventpoll's ready list, while seen ready */
    epitem* next_in_file; /* the file's items (file::f_ep), any eventpoll */
    struct eventpoll* ep;
    file* f;
    int fd;
    u32 events;
    u64 data;
};

struct eventpoll {
    list_head items;
    /* Items seen ready, in the order they were (Linux reports in that
     * order, and moves a reported item to the back). */
    list_head rdllist;
    wait_queue_head wq; /* pollers of this epoll file (nested epolls, poll) */
};

namespace {

constexpr u32 EPOLLIN = 0x001, EPOLLERR = 0x008, EPOLLHUP = 0x010, EPOLLRDNORM = 0x040, EPOLLEXCLUSIVE = 1u << 28,
              EPOLLWAKEUP = 1u << 29, EPOLLONESHOT = 1u << 30, EPOLLET = 1u << 31;
/* What the events word keeps that is no readiness bit. */
constexpr u32 EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
constexpr u32 EPOLLEXCLUSIVE_OK_BITS = 0x001 | 0x004 | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
constexpr int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
constexpr int EP_MAX_NESTS = 4;
constexpr unsigned DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

struct [[gnu::packed]] epoll_event_user {
    u32 events;
    u64 data;
};
constexpr int EP_MAX_EVENTS = 0x7fffffff / static_cast<int>(sizeof(epoll_event_user));

extern const file_operations eventpoll_fops;

bool is_file_epoll(const file* f) { return f->f_op == &eventpoll_fops; }
eventpoll* ep_of(const file* f) { return static_cast<eventpoll*>(f->private_data); }
epitem* item_of(list_head* l) { return reinterpret_cast<epitem*>(reinterpret_cast<char*>(l) - offsetof(epitem, link)); }
epitem* ready_item_of(list_head* l)
{
    return reinterpret_cast<epitem*>(reinterpret_cast<char*>(l) - offsetof(epitem, rdllink));
}

unsigned file_poll(file* f, poll_table* pt)
{
    return f->f_op && f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
}

/* The item's ready events now (registering on its queues if pt). */
u32 item_ready(epitem* epi, poll_table* pt)
{
    if (!(epi->events & ~EP_PRIVATE_BITS))
        return 0; /* disabled (EPOLLONESHOT) */
    return file_poll(epi->f, pt) & epi->events & ~EP_PRIVATE_BITS;
}

void unlink_from_file(epitem* epi)
{
    for (epitem** at = &epi->f->f_ep; *at; at = &(*at)->next_in_file) {
        if (*at == epi) {
            *at = epi->next_in_file;
            return;
        }
    }
}

void ep_remove(epitem* epi)
{
    list_head::del(&epi->link);
    list_head::del(&epi->rdllink);
    unlink_from_file(epi);
    kfree(epi);
}

epitem* ep_find(eventpoll* ep, file* f, int fd)
{
    for (list_head* l = ep->items.next; l != &ep->items; l = l->next)
        if (item_of(l)->f == f && item_of(l)->fd == fd)
            return item_of(l);
    return nullptr;
}

/* Is `to` reachable from the epoll file `from` (through nested epolls), or
 * is the nesting deeper than Linux allows? Linux's ep_loop_check. */
bool ep_loop(const file* from, const file* to, int depth)
{
    if (from == to || depth > EP_MAX_NESTS)
        return true;
    eventpoll* ep = ep_of(from);
    for (list_head* l = ep->items.next; l != &ep->items; l = l->next)
        if (is_file_epoll(item_of(l)->f) && ep_loop(item_of(l)->f, to, depth + 1))
            return true;
    return false;
}

unsigned int ep_poll(file* f, poll_table* pt)
{
    eventpoll* ep = ep_of(f);
    poll_wait(f, &ep->wq, pt);
    for (list_head* l = ep->items.next; l != &ep->items; l = l->next)
        if (item_ready(item_of(l), pt))
            return POLLIN | POLLRDNORM;
    return 0;
}

void ep_release(inode*, file* f)
{
    eventpoll* ep = ep_of(f);
    while (!ep->items.empty())
        ep_remove(item_of(ep->items.next));
    kfree(ep);
}

const file_operations eventpoll_fops = {
    .read_iter = nullptr,
    .write_iter = nullptr,
    .llseek = nullptr,
    .ioctl = nullptr,
    .poll = ep_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = ep_release,
};

SyscallResult do_epoll_create(int flags)
{
    if (flags & ~O_CLOEXEC)
        return Errno::EINVAL;
    auto* ep = static_cast<eventpoll*>(kzalloc(sizeof(eventpoll)));
    if (!ep)
        return Errno::ENOMEM;
    ep->items.init();
    ep->rdllist.init();
    ep->wq.head.init();
    auto fd = anon_inode_getfd("[eventpoll]", &eventpoll_fops, ep, O_RDWR | (flags & O_CLOEXEC));
    if (!fd.ok()) {
        kfree(ep);
        return fd.error();
    }
    return fd.value();
}

SyscallResult do_epoll_ctl(int epfd, int op, int fd, const epoll_event_user* event)
{
    FdRef f(epfd);
    if (!f)
        return Errno::EBADF;
    FdRef tf(fd);
    if (!tf)
        return Errno::EBADF;
    if (!tf->f_op || !tf->f_op->poll)
        return Errno::EPERM; /* a file that cannot say when it is ready (a regular file) */
    if (f.get() == tf.get() || !is_file_epoll(f.get()))
        return Errno::EINVAL;
    u32 events = event ? event->events : 0;
    if (event && (events & EPOLLWAKEUP) && !capable(CAP_BLOCK_SUSPEND))
        events &= ~EPOLLWAKEUP;
    if (event && (events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD)
            return Errno::EINVAL;
        if (op == EPOLL_CTL_ADD && (is_file_epoll(tf.get()) || (events & ~EPOLLEXCLUSIVE_OK_BITS)))
            return Errno::EINVAL;
    }
    eventpoll* ep = ep_of(f.get());
    if (op == EPOLL_CTL_ADD && is_file_epoll(tf.get()) && ep_loop(tf.get(), f.get(), 1))
        return Errno::ELOOP;
    epitem* epi = ep_find(ep, tf.get(), fd);
    switch (op) {
    case EPOLL_CTL_ADD: {
        if (epi)
            return Errno::EEXIST;
        epi = static_cast<epitem*>(kzalloc(sizeof(epitem)));
        if (!epi)
            return Errno::ENOMEM;
        epi->link.init();
        epi->rdllink.init();
        epi->ep = ep;
        epi->f = tf.get();
        epi->fd = fd;
        epi->events = events | EPOLLERR | EPOLLHUP;
        epi->data = event->data;
        ep->items.add_tail(&epi->link);
        epi->next_in_file = tf->f_ep;
        tf->f_ep = epi;
        if (item_ready(epi, nullptr)) {
            ep->rdllist.add_tail(&epi->rdllink);
            wake_up(&ep->wq); /* a poller of this epoll sees it ready now */
        }
        return 0;
    }
    case EPOLL_CTL_DEL:
        if (!epi)
            return Errno::ENOENT;
        ep_remove(epi);
        return 0;
    case EPOLL_CTL_MOD:
        if (!epi)
            return Errno::ENOENT;
        if (epi->events & EPOLLEXCLUSIVE)
            return Errno::EINVAL;
        epi->events = events | EPOLLERR | EPOLLHUP;
        epi->data = event->data;
        if (item_ready(epi, nullptr) && epi->rdllink.empty()) {
            ep->rdllist.add_tail(&epi->rdllink);
            wake_up(&ep->wq);
        }
        return 0;
    default:
        return Errno::EINVAL;
    }
}

/* Reports one item: false if the copy failed. */
bool send_one(epitem* epi, u32 mask, user_out_ptr<epoll_event_user> at)
{
    epoll_event_user ev{mask, epi->data};
    return copy_to_user(at, &ev, 1).ok();
}

/* One scan: the ready list first, in order, then the items not on it; the
 * reported ones go to the back (EPOLLONESHOT ones are disabled instead). */
Result<int> ep_send_events(eventpoll* ep, user_out_ptr<epoll_event_user> events, int maxevents, poll_table* pt)
{
    list_head done;
    int n = 0;
    bool faulted = false;
    auto report = [&](epitem* epi, u32 mask) {
        if (n == maxevents || faulted || !send_one(epi, mask, events + n)) {
            faulted = faulted || n < maxevents;
            if (epi->rdllink.empty())
                ep->rdllist.add_tail(&epi->rdllink); /* ready, for the next wait */
            return;
        }
        n++;
        list_head::del(&epi->rdllink);
        if (epi->events & EPOLLONESHOT)
            epi->events &= EP_PRIVATE_BITS;
        else
            done.add_tail(&epi->rdllink);
    };
    for (list_head* l = ep->rdllist.next; l != &ep->rdllist;) {
        epitem* epi = ready_item_of(l);
        l = l->next;
        u32 mask = item_ready(epi, pt);
        if (!mask)
            list_head::del(&epi->rdllink);
        else
            report(epi, mask);
    }
    for (list_head* l = ep->items.next; l != &ep->items; l = l->next) {
        epitem* epi = item_of(l);
        if (!epi->rdllink.empty())
            continue; /* seen above */
        if (u32 mask = item_ready(epi, pt))
            report(epi, mask);
    }
    while (!done.empty()) {
        list_head* l = done.next;
        list_head::del(l);
        ep->rdllist.add_tail(l);
    }
    if (faulted && !n)
        return Errno::EFAULT;
    return n;
}

SyscallResult do_epoll_wait(int epfd, user_out_ptr<epoll_event_user> events, int maxevents, u64 deadline)
{
    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
        return Errno::EINVAL;
    if (!access_ok(events, static_cast<size_t>(maxevents) * sizeof(epoll_event_user)))
        return Errno::EFAULT;
    FdRef f(epfd);
    if (!f)
        return Errno::EBADF;
    if (!is_file_epoll(f.get()))
        return Errno::EINVAL;
    eventpoll* ep = ep_of(f.get());
    auto ready = poll_loop(deadline, [&](poll_table* pt) -> Result<int> {
        poll_wait(f.get(), &ep->wq, pt); /* items added meanwhile */
        return ep_send_events(ep, events, maxevents, pt);
    });
    if (!ready.ok())
        return ready.error() == Errno::ERESTARTNOHAND ? Errno::EINTR : ready.error();
    return ready.value();
}

u64 deadline_from_ms(int timeout)
{
    return timeout < 0 ? POLL_NO_DEADLINE : ktime_get_ns() + timeout * static_cast<u64>(NSEC_PER_MSEC);
}

} // namespace

void eventpoll_release_file(file* f)
{
    while (epitem* epi = f->f_ep)
        ep_remove(epi);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
    if (size <= 0)
        return Errno::EINVAL;
    return do_epoll_create(0);
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
    return do_epoll_create(flags);
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, user_in_ptr<const epoll_event_user>, event)
{
    epoll_event_user ev{};
    bool has_event = op != EPOLL_CTL_DEL;
    if (has_event)
        TRY(copy_from_user(&ev, event, 1));
    return do_epoll_ctl(epfd, op, fd, has_event ? &ev : nullptr);
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, user_out_ptr<epoll_event_user>, events, int, maxevents, int, timeout)
{
    return do_epoll_wait(epfd, events, maxevents, deadline_from_ms(timeout));
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, user_out_ptr<epoll_event_user>, events, int, maxevents, int, timeout,
                unsigned long, sigmask, size_t, sigsetsize)
{
    TRY(set_temporary_sigmask(sigmask, sigsetsize));
    SyscallResult r = do_epoll_wait(epfd, events, maxevents, deadline_from_ms(timeout));
    end_temporary_sigmask(r); /* EINTR: a signal is pending, its handler runs with this mask */
    return r;
}

/* epoll_pwait with a timespec timeout (null: wait for ever); a bad timespec
 * is EINVAL before anything else is looked at, as Linux's. */
SYSCALL_DEFINE6(epoll_pwait2, int, epfd, user_out_ptr<epoll_event_user>, events, int, maxevents,
                user_in_ptr<const timespec_user>, timeout, unsigned long, sigmask, size_t, sigsetsize)
{
    u64 deadline = POLL_NO_DEADLINE;
    if (timeout) {
        timespec_user ts = TRY(get_user(timeout));
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
            return Errno::EINVAL;
        s64 ns = ktime_add_safe(static_cast<s64>(ts.tv_sec) * NSEC_PER_SEC, ts.tv_nsec);
        deadline = static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), ns));
    }
    TRY(set_temporary_sigmask(sigmask, sigsetsize));
    SyscallResult r = do_epoll_wait(epfd, events, maxevents, deadline);
    end_temporary_sigmask(r);
    return r;
}
