/*
 * The socket system calls and socket files (Linux's net/socket.c). A socket's
 * file lives on sockfs, an inode of mode S_IFSOCK | 0777 per socket with a
 * name in no directory, so fstat says S_IFSOCK and /proc/PID/fd/N reads
 * "socket:[INO]". read, write, readv, writev are recvmsg and sendmsg without
 * flags (MSG_DONTWAIT when O_NONBLOCK); poll, ioctl and close go to the
 * family's proto_ops.
 *
 * Families: AF_UNIX (net/unix/), AF_INET (net/ipv4/), AF_INET6 (net/ipv6/).
 * Any other is EAFNOSUPPORT, what Linux answers for a family it was built
 * without; C libraries and LTP take it so.
 * The big kernel lock protects every socket (include/linux/net.h).
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>
#include <net/sock.h>

namespace {

constexpr unsigned long SOCKFS_MAGIC = 0x534F434B;
super_block* sockfs_sb; /* made on first use; no path reaches it */

const net_proto_family* net_family(int family)
{
    switch (family) {
    case AF_UNIX: return &unix_family_ops;
    case AF_INET: return &inet_family_ops;
    case AF_INET6: return &inet6_family_ops;
    default: return nullptr;
    }
}

socket* sock_of(file* f) { return static_cast<socket*>(f->private_data); }

Result<size_t> sock_read_iter(file* f, iter_dest& to, loff_t*)
{
    socket* sock = sock_of(f);
    if (!to.count())
        return 0; /* SYS5's answer, before anything else */
    msghdr msg{};
    msg.msg_iter = &to;
    unsigned flags = (f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0;
    return sock->ops->recvmsg(sock, msg, to.count(), flags);
}

Result<size_t> sock_write_iter(file* f, iter_source& from, loff_t*)
{
    socket* sock = sock_of(f);
    msghdr msg{};
    msg.msg_iter = &from;
    msg.msg_flags = (f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0;
    if (sock->type == SOCK_SEQPACKET)
        msg.msg_flags |= MSG_EOR;
    return sock->ops->sendmsg(sock, msg, from.count());
}

unsigned sock_poll(file* f, poll_table* pt)
{
    socket* sock = sock_of(f);
    return sock->ops->poll(f, sock, pt);
}

Result<long> sock_ioctl(file* f, unsigned cmd, unsigned long arg)
{
    socket* sock = sock_of(f);
    /* What the family does not know, the devices may (Linux's sock_do_ioctl
     * passes SIOCGIFCONF and the SIOCGIF* of any family to dev_ioctl). */
    Result<long> r = sock->ops->ioctl ? sock->ops->ioctl(sock, cmd, arg) : Result<long>(Errno::ENOTTY);
    if (!r.ok() && r.error() == Errno::ENOTTY && sock->ops->family != AF_INET && sock->ops->family != AF_INET6)
        return dev_ioctl(cmd, arg);
    return r;
}

/* A socket is not opened through a path (/proc/PID/fd/N): Linux's sock_no_open. */
Result<void> sock_no_open(inode*, file*) { return Errno::ENXIO; }

void sock_close(inode*, file* f)
{
    socket* sock = sock_of(f);
    sock->file = nullptr;
    sock_release(sock);
}

const file_operations socket_file_ops = {
    .read_iter = sock_read_iter,
    .write_iter = sock_write_iter,
    .llseek = nullptr,
    .ioctl = sock_ioctl,
    .poll = sock_poll,
    .iterate = nullptr,
    .open = sock_no_open,
    .release = sock_close,
};

/* The socket of descriptor fd: EBADF, or ENOTSOCK for any other file. */
Result<socket*> sockfd_lookup(FdRef& f)
{
    if (!f)
        return Errno::EBADF;
    socket* sock = sock_from_file(f.get());
    if (!sock)
        return Errno::ENOTSOCK;
    return sock;
}

/* Linux's move_addr_to_kernel: at most a sockaddr_storage (EINVAL). */
Result<void> move_addr_to_kernel(unsigned long uaddr, int ulen, sockaddr_storage& kaddr)
{
    if (ulen < 0 || ulen > static_cast<int>(sizeof(kaddr)))
        return Errno::EINVAL;
    memset(&kaddr, 0, sizeof(kaddr));
    if (ulen == 0)
        return {};
    return copy_from_user(reinterpret_cast<u8*>(&kaddr), user_in_ptr<const u8>(uaddr), static_cast<size_t>(ulen));
}

/* Creates a socket of family/type/protocol with no file (Linux's __sock_create). */
Result<socket*> sock_create(int family, int type, int protocol)
{
    if (family < 0 || family >= AF_MAX)
        return Errno::EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return Errno::EINVAL;
    socket* sock = sock_alloc();
    if (!sock)
        return Errno::ENFILE;
    sock->type = static_cast<short>(type);
    const net_proto_family* pf = net_family(family);
    Result<void> r = pf ? pf->create(sock, protocol, false) : Result<void>(Errno::EAFNOSUPPORT);
    if (!r.ok()) {
        sock_release(sock);
        return r.error();
    }
    return sock;
}

} // namespace

/* Linux's move_addr_to_user: copies at most *ulen bytes, then writes klen. */
Result<void> move_addr_to_user(const sockaddr_storage& kaddr, int klen, unsigned long uaddr, user_inout_ptr<int> ulen)
{
    int len = TRY(get_user(ulen));
    if (len > klen)
        len = klen;
    if (len < 0)
        return Errno::EINVAL;
    if (len)
        TRY(copy_to_user(user_out_ptr<u8>(uaddr), reinterpret_cast<const u8*>(&kaddr), static_cast<size_t>(len)));
    return put_user(klen, ulen);
}

socket* sock_from_file(const file* f) { return f->f_op == &socket_file_ops ? static_cast<socket*>(f->private_data) : nullptr; }

Result<socket*> sockfd_lookup_fd(FdRef& f) { return sockfd_lookup(f); }

socket* sock_alloc()
{
    auto* sock = static_cast<socket*>(kzalloc(sizeof(socket)));
    if (sock)
        sock->state = SS_UNCONNECTED;
    return sock;
}

void sock_release(socket* sock)
{
    if (sock->ops && sock->ops->release)
        sock->ops->release(sock);
    kfree(sock);
}

Result<int> sock_map_fd(socket* sock, unsigned flags)
{
    int fd = -1;
    auto reserved = get_unused_fd_flags(flags & O_CLOEXEC);
    if (!reserved.ok()) {
        sock_release(sock);
        return reserved.error();
    }
    fd = reserved.value();
    if (!sockfs_sb && (sockfs_sb = ramfs_get_sb()))
        sockfs_sb->s_magic = SOCKFS_MAGIC;
    inode* i = sockfs_sb ? new_inode(sockfs_sb, S_IFSOCK | 0777) : nullptr;
    dentry* d = i ? d_alloc(nullptr, "socket:", 7) : nullptr;
    if (!d) {
        if (i)
            iput(i);
        put_unused_fd(fd);
        sock_release(sock);
        return Errno::ENOMEM;
    }
    d->d_sb = sockfs_sb;
    d->d_transient = true;
    d_instantiate(d, i);
    i->i_fop = &socket_file_ops;
    i->i_private = sock;
    path p{root_mnt, d};
    file* f = alloc_file(p, O_RDWR | (flags & O_NONBLOCK), &socket_file_ops);
    dput(d); /* the file holds it now */
    if (!f) {
        put_unused_fd(fd);
        sock_release(sock);
        return Errno::ENOMEM;
    }
    f->f_mode &= ~FMODE_LSEEK;
    f->private_data = sock;
    sock->file = f;
    fd_install(fd, f);
    return fd;
}

SYSCALL_DEFINE3(socket, SocketFamily, ufamily, SocketType, utype, int, protocol)
{
    int family = ufamily, type = utype; /* the types only say how --trace prints them */
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return Errno::EINVAL;
    socket* sock = TRY(sock_create(family, type & SOCK_TYPE_MASK, protocol));
    return TRY(sock_map_fd(sock, static_cast<unsigned>(flags)));
}

SYSCALL_DEFINE4(socketpair, SocketFamily, ufamily, SocketType, utype, int, protocol, FdPairPtr, usockvec)
{
    int family = ufamily, type = utype; /* the types only say how --trace prints them */
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return Errno::EINVAL;
    type &= SOCK_TYPE_MASK;
    socket* a = TRY(sock_create(family, type, protocol));
    auto bres = sock_create(family, type, protocol);
    if (!bres.ok()) {
        sock_release(a);
        return bres.error();
    }
    socket* b = bres.value();
    Result<void> r = a->ops->socketpair ? a->ops->socketpair(a, b) : Result<void>(Errno::EOPNOTSUPP);
    if (!r.ok()) {
        sock_release(a);
        sock_release(b);
        return r.error();
    }
    auto fd0 = sock_map_fd(a, static_cast<unsigned>(flags));
    if (!fd0.ok()) {
        sock_release(b);
        return fd0.error();
    }
    auto fd1 = sock_map_fd(b, static_cast<unsigned>(flags));
    if (!fd1.ok()) {
        (void)close_fd(fd0.value());
        return fd1.error();
    }
    int fds[2] = {fd0.value(), fd1.value()};
    if (auto c = copy_to_user(usockvec, fds, 2); !c.ok()) {
        (void)close_fd(fds[0]);
        (void)close_fd(fds[1]);
        return c.error();
    }
    return 0;
}

SYSCALL_DEFINE3(bind, int, fd, SockaddrIn, umyaddr, int, addrlen)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    sockaddr_storage addr;
    TRY(move_addr_to_kernel(umyaddr, addrlen, addr));
    TRY(sock->ops->bind(sock, addr, addrlen));
    return 0;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    if (static_cast<unsigned>(backlog) > static_cast<unsigned>(SOMAXCONN))
        backlog = SOMAXCONN;
    TRY(sock->ops->listen(sock, backlog));
    return 0;
}

static SyscallResult do_accept4(int fd, unsigned long upeer_sockaddr, user_inout_ptr<int> upeer_addrlen, int flags)
{
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return Errno::EINVAL;
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    socket* newsock = sock_alloc();
    if (!newsock)
        return Errno::ENFILE;
    newsock->type = sock->type;
    newsock->ops = sock->ops;
    /* The descriptor first: with none free, EMFILE before any connection is taken. */
    int newfd = TRY(get_unused_fd_flags(static_cast<unsigned>(flags) & O_CLOEXEC));
    put_unused_fd(newfd);
    if (auto r = sock->ops->accept(sock, newsock, f->f_flags); !r.ok()) {
        newsock->ops = nullptr; /* nothing grafted: nothing to release */
        sock_release(newsock);
        return r.error();
    }
    newfd = TRY(sock_map_fd(newsock, static_cast<unsigned>(flags)));
    if (upeer_sockaddr) {
        sockaddr_storage addr;
        auto len = newsock->ops->getname(newsock, addr, true);
        Result<void> r = len.ok() ? move_addr_to_user(addr, len.value(), upeer_sockaddr, upeer_addrlen)
                                  : Result<void>(Errno::ECONNABORTED);
        if (!r.ok()) {
            (void)close_fd(newfd);
            return r.error();
        }
    }
    return newfd;
}

SYSCALL_DEFINE4(accept4, int, fd, unsigned long, upeer_sockaddr, user_inout_ptr<int>, upeer_addrlen, int, flags)
{
    return do_accept4(fd, upeer_sockaddr, upeer_addrlen, flags);
}

SYSCALL_DEFINE3(accept, int, fd, unsigned long, upeer_sockaddr, user_inout_ptr<int>, upeer_addrlen)
{
    return do_accept4(fd, upeer_sockaddr, upeer_addrlen, 0);
}

SYSCALL_DEFINE3(connect, int, fd, SockaddrIn, uservaddr, int, addrlen)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    sockaddr_storage addr;
    TRY(move_addr_to_kernel(uservaddr, addrlen, addr));
    TRY(sock->ops->connect(sock, addr, addrlen, f->f_flags));
    return 0;
}

static SyscallResult do_getname(int fd, unsigned long usockaddr, user_inout_ptr<int> usockaddr_len, bool peer)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    int len = TRY(sock->ops->getname(sock, addr, peer));
    TRY(move_addr_to_user(addr, len, usockaddr, usockaddr_len));
    return 0;
}

SYSCALL_DEFINE3(getsockname, int, fd, unsigned long, usockaddr, user_inout_ptr<int>, usockaddr_len)
{
    return do_getname(fd, usockaddr, usockaddr_len, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, unsigned long, usockaddr, user_inout_ptr<int>, usockaddr_len)
{
    return do_getname(fd, usockaddr, usockaddr_len, true);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    TRY(sock->ops->shutdown(sock, how));
    return 0;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, optname, unsigned long, optval, int, optlen)
{
    if (optlen < 0)
        return Errno::EINVAL;
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    if (level == SOL_SOCKET)
        TRY(sock_setsockopt(sock, optname, optval, optlen));
    else if (!sock->ops->setsockopt)
        return Errno::EOPNOTSUPP;
    else
        TRY(sock->ops->setsockopt(sock, level, optname, optval, optlen));
    return 0;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, optname, unsigned long, optval, user_inout_ptr<int>, optlen)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup(f));
    int len = TRY(get_user(optlen));
    if (len < 0)
        return Errno::EINVAL;
    if (level == SOL_SOCKET)
        len = TRY(sock_getsockopt(sock, optname, optval, len));
    else if (!sock->ops->getsockopt)
        return Errno::EOPNOTSUPP;
    else
        len = TRY(sock->ops->getsockopt(sock, level, optname, optval, len));
    TRY(put_user(len, optlen));
    return 0;
}
