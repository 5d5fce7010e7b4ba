/*
 * Unix-domain stream sockets, so far only as socketpair(2) makes them: two
 * connected ends, each direction a byte ring. This is what event loops use
 * to wake themselves (python3's asyncio, its "self-pipe"), and what a shell
 * asks getpeername() about.
 *
 * Per end, Linux's shutdown bits: RCV (nothing more to read once the ring is
 * empty: 0) and SEND (writes fail with EPIPE, and SIGPIPE unless
 * MSG_NOSIGNAL). shutdown(SHUT_WR) on one end is SHUT_RD on the other's
 * view and so on; an end's last close shuts both ways for its peer. poll
 * says POLLIN for data or RCV shut (with POLLRDHUP), POLLHUP when both are,
 * POLLOUT while the peer's ring has room.
 *
 * Not implemented, and saying so: socket(), bind(), connect() and every
 * other family and type (socketpair of SOCK_DGRAM or SOCK_SEQPACKET:
 * ENOSYS), control messages (sendmsg with msg_control: ENOSYS), MSG_OOB
 * (EOPNOTSUPP, as without CONFIG_AF_UNIX_OOB), setsockopt (ENOSYS). On a
 * descriptor that is not a socket the socket calls are ENOTSOCK, as on
 * Linux. The kernel lock protects the pair.
 */
#include <linux/cred.h>
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>


namespace {

constexpr int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_MAX = 46;
constexpr int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf;
constexpr int SOCK_CLOEXEC = O_CLOEXEC, SOCK_NONBLOCK = O_NONBLOCK;
constexpr unsigned MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
constexpr unsigned RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
constexpr unsigned POLLRDHUP = 0x2000;
constexpr int SOL_SOCKET = 1;
constexpr int SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_PEERCRED = 17, SO_ACCEPTCONN = 30,
              SO_PROTOCOL = 38, SO_DOMAIN = 39;
constexpr unsigned RING_ORDER = 4; /* 64 KiB each way */

struct ring {
    u8* buf;
    size_t size;
    size_t head, tail; /* [tail, head) */
    size_t used() const { return head - tail; }
    size_t room() const { return size - used(); }
};

struct unix_pair {
    ring dir[2];           /* dir[e]: what end e wrote, for end 1 - e to read */
    unsigned shutdown[2];  /* RCV_SHUTDOWN | SEND_SHUTDOWN, per end */
    bool open[2];
    struct { pid_t pid; uid_t uid; gid_t gid; } cred; /* SO_PEERCRED: the maker's, for both ends */
    wait_queue_head wq;    /* readers and writers of both ends */
};

struct unix_end {
    unix_pair* pair;
    int e;
};

extern const file_operations unix_stream_fops;

unix_end* end_of(const file* f) { return static_cast<unix_end*>(f->private_data); }
bool is_unix(const file* f) { return f->f_op == &unix_stream_fops; }

/* Receives into `to`: what is there, or waits for some (all of it with
 * MSG_WAITALL); 0 at the end. */
Result<size_t> unix_recv(file* f, iov_iter& to, unsigned flags)
{
    if (flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    unix_end* u = end_of(f);
    unix_pair* p = u->pair;
    ring& r = p->dir[1 - u->e];
    bool nonblock = (f->f_flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    bool peek = flags & MSG_PEEK;
    size_t done = 0;
    for (;;) {
        size_t avail = r.used() - (peek ? done : 0);
        if (avail && to.count()) {
            size_t at = (r.tail + (peek ? done : 0)) % r.size;
            size_t n = min(min(avail, r.size - at), to.count());
            size_t copied = to.copy_to_iter(r.buf + at, n);
            if (!peek)
                r.tail += copied;
            done += copied;
            wake_up(&p->wq); /* room for the writer */
            if (copied < n)
                return done ? Result<size_t>(done) : Errno::EFAULT;
            continue;
        }
        if (!to.count() || (done && (peek || !(flags & MSG_WAITALL))))
            return done;
        if (p->shutdown[u->e] & RCV_SHUTDOWN)
            return done; /* 0: the end */
        if (nonblock)
            return done ? Result<size_t>(done) : Errno::EAGAIN;
        if (long err = wait_event_interruptible(p->wq, r.used() > (peek ? done : 0) ||
                                                           (p->shutdown[u->e] & RCV_SHUTDOWN)))
            return done ? Result<size_t>(done) : static_cast<Errno>(-err);
    }
}

/* Sends all of `from` (waiting for room unless non-blocking). */
Result<size_t> unix_send(file* f, iov_iter& from, unsigned flags)
{
    if (flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    unix_end* u = end_of(f);
    unix_pair* p = u->pair;
    ring& r = p->dir[u->e];
    bool nonblock = (f->f_flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    size_t done = 0;
    while (from.count()) {
        if (p->shutdown[u->e] & SEND_SHUTDOWN) {
            if (!(flags & MSG_NOSIGNAL))
                send_sig_info(SIGPIPE, nullptr, current, false);
            return done ? Result<size_t>(done) : Errno::EPIPE;
        }
        if (!r.room()) {
            if (nonblock)
                return done ? Result<size_t>(done) : Errno::EAGAIN;
            if (long err = wait_event_interruptible(p->wq, r.room() || (p->shutdown[u->e] & SEND_SHUTDOWN)))
                return done ? Result<size_t>(done) : static_cast<Errno>(-err);
            continue;
        }
        size_t at = r.head % r.size;
        size_t n = min(min(r.room(), r.size - at), from.count());
        size_t copied = from.copy_from_iter(r.buf + at, n);
        r.head += copied;
        done += copied;
        wake_up(&p->wq);
        if (copied < n)
            return done ? Result<size_t>(done) : Errno::EFAULT;
    }
    return done;
}

Result<size_t> unix_read(file* f, iov_iter& to, loff_t*) { return unix_recv(f, to, 0); }
Result<size_t> unix_write(file* f, iov_iter& from, loff_t*) { return unix_send(f, from, 0); }

unsigned int unix_poll(file* f, poll_table* pt)
{
    unix_end* u = end_of(f);
    unix_pair* p = u->pair;
    poll_wait(f, &p->wq, pt);
    unsigned mask = 0;
    unsigned shut = p->shutdown[u->e];
    if (shut & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (shut == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (p->dir[1 - u->e].used())
        mask |= POLLIN | POLLRDNORM;
    if (p->dir[u->e].room())
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

Result<long> unix_ioctl(file* f, unsigned int cmd, unsigned long arg)
{
    constexpr unsigned SIOCINQ = 0x541b, SIOCOUTQ = 0x5411;
    unix_end* u = end_of(f);
    if (cmd != SIOCINQ && cmd != SIOCOUTQ)
        return Errno::ENOTTY;
    int n = static_cast<int>(u->pair->dir[cmd == SIOCINQ ? 1 - u->e : u->e].used());
    TRY(put_user(n, user_out_ptr<int>(arg)));
    return 0;
}

/* A socket is not opened through a path (/proc/PID/fd/N): Linux's sock_no_open. */
Result<void> unix_open(inode*, file*) { return Errno::ENXIO; }

void unix_release(inode*, file* f)
{
    unix_end* u = end_of(f);
    unix_pair* p = u->pair;
    p->open[u->e] = false;
    p->shutdown[u->e] = SHUTDOWN_MASK;
    p->shutdown[1 - u->e] = SHUTDOWN_MASK; /* the peer reads what is left, then 0 */
    wake_up(&p->wq);
    kfree(u);
    if (!p->open[0] && !p->open[1]) {
        for (ring& r : p->dir)
            __free_pages(virt_to_page(r.buf), RING_ORDER);
        kfree(p);
    }
}

const file_operations unix_stream_fops = {
    .read_iter = unix_read,
    .write_iter = unix_write,
    .llseek = nullptr,
    .ioctl = unix_ioctl,
    .poll = unix_poll,
    .iterate = nullptr,
    .open = unix_open,
    .release = unix_release,
};

/* The socket of descriptor fd: EBADF, or ENOTSOCK for any other file. */
Result<file*> sockfd_lookup(FdRef& f)
{
    if (!f)
        return Errno::EBADF;
    if (!S_ISSOCK(f->f_inode->i_mode))
        return Errno::ENOTSOCK;
    return f.get();
}

/* An unnamed AF_UNIX address (sun_family only), as move_addr_to_user gives it. */
Result<void> put_unix_addr(unsigned long uaddr, user_inout_ptr<int> ulen)
{
    int len = TRY(get_user(ulen));
    constexpr int klen = 2; /* sizeof(sa_family_t) */
    if (len > klen)
        len = klen;
    if (len < 0)
        return Errno::EINVAL;
    u16 family = AF_UNIX;
    if (len)
        TRY(copy_to_user(user_out_ptr<u8>(uaddr), reinterpret_cast<const u8*>(&family), static_cast<size_t>(len)));
    return put_user(klen, ulen);
}

struct user_msghdr {
    unsigned long msg_name;
    int msg_namelen;
    unsigned long msg_iov;
    size_t msg_iovlen;
    unsigned long msg_control;
    size_t msg_controllen;
    unsigned msg_flags;
};

} // namespace

Result<size_t> import_iovec(user_in_ptr<const iovec> uvec, int iovcnt, iovec* out);

SYSCALL_DEFINE4(socketpair, SocketFamily, family, SocketType, type, int, protocol, FdPairPtr, usockvec)
{
    int flags = type & ~SOCK_TYPE_MASK;
    type &= SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return Errno::EINVAL;
    if (family < 0 || family >= AF_MAX)
        return Errno::EAFNOSUPPORT;
    if (type >= SOCK_MAX)
        return Errno::EINVAL;
    if (family == AF_INET || family == AF_INET6)
        return Errno::EOPNOTSUPP; /* no socketpair in those families */
    if (family != AF_UNIX)
        return Errno::ENOSYS; /* not implemented */
    if (protocol && protocol != AF_UNIX)
        return Errno::EPROTONOSUPPORT;
    if (type == SOCK_DGRAM || type == SOCK_SEQPACKET)
        return Errno::ENOSYS; /* not implemented */
    if (type != SOCK_STREAM)
        return Errno::ESOCKTNOSUPPORT;
    auto* p = static_cast<unix_pair*>(kzalloc(sizeof(unix_pair)));
    if (!p)
        return Errno::ENOMEM;
    for (ring& r : p->dir) {
        page* pg = alloc_pages(RING_ORDER);
        if (!pg) {
            for (ring& q : p->dir)
                if (q.buf)
                    __free_pages(virt_to_page(q.buf), RING_ORDER);
            kfree(p);
            return Errno::ENOMEM;
        }
        r.buf = static_cast<u8*>(page_address(pg));
        r.size = PAGE_SIZE << RING_ORDER;
    }
    p->wq.head.init();
    p->cred = {current->tgid, current_cred()->euid, current_cred()->egid};
    int fds[2] = {-1, -1};
    Result<void> failed;
    for (int e = 0; e < 2; e++) {
        auto* u = static_cast<unix_end*>(kzalloc(sizeof(unix_end)));
        auto fd = u ? anon_inode_getfd("socket:", &unix_stream_fops, u, static_cast<unsigned>(flags))
                    : Result<int>(Errno::ENOMEM);
        if (!fd.ok()) {
            kfree(u);
            failed = fd.error();
            break;
        }
        u->pair = p;
        u->e = e;
        p->open[e] = true;
        fds[e] = fd.value();
        FdRef f(fds[e]);
        f->f_inode->i_mode = S_IFSOCK | 0777;
    }
    if (failed.ok())
        failed = copy_to_user(usockvec, fds, 2);
    if (!failed.ok()) {
        /* The last end's release frees the pair; with no end made, nothing will. */
        bool made = fds[0] >= 0;
        for (int fd : fds)
            if (fd >= 0)
                (void)close_fd(fd);
        if (!made) {
            for (ring& r : p->dir)
                __free_pages(virt_to_page(r.buf), RING_ORDER);
            kfree(p);
        }
        return failed.error();
    }
    return 0;
}

SYSCALL_DEFINE6(sendto, int, fd, user_in_ptr<const u8>, buff, size_t, len, unsigned int, flags,
                SockaddrIn, addr, int, addr_len)
{
    FdRef f(fd);
    file* sock = TRY(sockfd_lookup(f));
    if (!is_unix(sock))
        return Errno::ENOTSOCK;
    if (addr && addr_len)
        return Errno::EISCONN;
    auto it = iov_iter::user_single(buff.addr(), min(len, MAX_RW_COUNT));
    return TRY(unix_send(sock, it, flags));
}

SYSCALL_DEFINE6(recvfrom, int, fd, user_out_ptr<u8>, ubuf, size_t, size, unsigned int, flags,
                unsigned long, addr, user_inout_ptr<int>, addr_len)
{
    FdRef f(fd);
    file* sock = TRY(sockfd_lookup(f));
    if (!is_unix(sock))
        return Errno::ENOTSOCK;
    auto it = iov_iter::user_single(ubuf.addr(), min(size, MAX_RW_COUNT));
    size_t n = TRY(unix_recv(sock, it, flags));
    if (addr && addr_len)
        TRY(put_user(0, addr_len)); /* the peer has no name */
    return n;
}

static SyscallResult do_msg(int fd, user_inout_ptr<user_msghdr> umsg, unsigned flags, bool send)
{
    FdRef f(fd);
    file* sock = TRY(sockfd_lookup(f));
    if (!is_unix(sock))
        return Errno::ENOTSOCK;
    user_msghdr m = TRY(get_user(umsg));
    if (send && m.msg_controllen)
        return Errno::ENOSYS; /* control messages (SCM_RIGHTS, SCM_CREDENTIALS) are not implemented */
    if (send && m.msg_name && m.msg_namelen)
        return Errno::EISCONN;
    if (m.msg_iovlen > static_cast<size_t>(UIO_MAXIOV))
        return Errno::EMSGSIZE;
    int iovcnt = static_cast<int>(m.msg_iovlen);
    auto* vec = static_cast<iovec*>(kmalloc(sizeof(iovec) * (iovcnt ? iovcnt : 1)));
    if (!vec)
        return Errno::ENOMEM;
    auto total = import_iovec(user_in_ptr<const iovec>(m.msg_iov), iovcnt, vec);
    if (!total.ok()) {
        kfree(vec);
        return total.error();
    }
    auto it = iov_iter::user(vec, iovcnt, total.value());
    auto r = send ? unix_send(sock, it, flags) : unix_recv(sock, it, flags);
    kfree(vec);
    size_t n = TRY(r);
    if (!send) {
        /* No name, no control data, no flags to report. */
        m.msg_namelen = 0;
        m.msg_controllen = 0;
        m.msg_flags = 0;
        TRY(put_user(m, umsg));
    }
    return static_cast<long>(n);
}

SYSCALL_DEFINE3(sendmsg, int, fd, user_inout_ptr<user_msghdr>, msg, unsigned int, flags)
{
    return do_msg(fd, msg, flags, true);
}

SYSCALL_DEFINE3(recvmsg, int, fd, user_inout_ptr<user_msghdr>, msg, unsigned int, flags)
{
    return do_msg(fd, msg, flags, false);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
    FdRef f(fd);
    file* sock = TRY(sockfd_lookup(f));
    if (how < 0 || how > 2)
        return Errno::EINVAL;
    if (!is_unix(sock))
        return Errno::ENOTSOCK;
    unix_end* u = end_of(sock);
    unix_pair* p = u->pair;
    unsigned mode = (static_cast<unsigned>(how) + 1) & SHUTDOWN_MASK;
    p->shutdown[u->e] |= mode;
    if (p->open[1 - u->e]) {
        unsigned peer = 0;
        if (mode & RCV_SHUTDOWN)
            peer |= SEND_SHUTDOWN;
        if (mode & SEND_SHUTDOWN)
            peer |= RCV_SHUTDOWN;
        p->shutdown[1 - u->e] |= peer;
    }
    wake_up(&p->wq);
    return 0;
}

SYSCALL_DEFINE3(getsockname, int, fd, unsigned long, usockaddr, user_inout_ptr<int>, usockaddr_len)
{
    FdRef f(fd);
    TRY(sockfd_lookup(f));
    TRY(put_unix_addr(usockaddr, usockaddr_len));
    return 0;
}

SYSCALL_DEFINE3(getpeername, int, fd, unsigned long, usockaddr, user_inout_ptr<int>, usockaddr_len)
{
    FdRef f(fd);
    TRY(sockfd_lookup(f));
    TRY(put_unix_addr(usockaddr, usockaddr_len));
    return 0;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, optname, unsigned long, optval, user_inout_ptr<int>, optlen)
{
    FdRef f(fd);
    file* sock = TRY(sockfd_lookup(f));
    if (level != SOL_SOCKET)
        return Errno::EOPNOTSUPP; /* AF_UNIX has no options of its own */
    int len = TRY(get_user(optlen));
    if (len < 0)
        return Errno::EINVAL;
    unix_pair* p = end_of(sock)->pair;
    if (optname == SO_PEERCRED) {
        len = min(len, static_cast<int>(sizeof(p->cred)));
        TRY(copy_to_user(user_out_ptr<u8>(optval), reinterpret_cast<const u8*>(&p->cred), static_cast<size_t>(len)));
        TRY(put_user(len, optlen));
        return 0;
    }
    int v;
    switch (optname) {
    case SO_TYPE: v = SOCK_STREAM; break;
    case SO_ERROR: v = 0; break;
    case SO_DOMAIN: v = AF_UNIX; break;
    case SO_PROTOCOL: v = 0; break;
    case SO_ACCEPTCONN: v = 0; break;
    case SO_SNDBUF: v = static_cast<int>(p->dir[0].size); break; /* the ring each way */
    case SO_RCVBUF: v = static_cast<int>(p->dir[0].size); break;
    default: return Errno::ENOPROTOOPT;
    }
    len = min(len, static_cast<int>(sizeof(v)));
    TRY(copy_to_user(user_out_ptr<u8>(optval), reinterpret_cast<const u8*>(&v), static_cast<size_t>(len)));
    TRY(put_user(len, optlen));
    return 0;
}
