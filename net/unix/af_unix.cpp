/*
 * AF_UNIX (Linux's net/unix/af_unix.c): SOCK_STREAM, SOCK_DGRAM (SOCK_RAW is
 * taken as it, as Linux does) and SOCK_SEQPACKET; names, connections and
 * readiness here, the data path in unix_msg.cpp.
 *
 * Names: a path (bind makes an S_IFSOCK inode, umask applied; EADDRINUSE if
 * the name exists; connect and sendto need write permission on it and find
 * the socket through the inode's i_private), the abstract namespace
 * (sun_path[0] == 0: the bytes given, one list per type, as Linux's hash
 * mixes the type in), or autobind ("\0" and five hex digits) for bind with
 * only the family, or before a send when either side has SO_PASSCRED.
 *
 * A connect to a listener makes the server-side sock at once and queues it
 * on the listener (the backlog: more than `backlog` waiting makes connect
 * wait, or EAGAIN when non-blocking); the client is connected from then on
 * and may send before accept() takes it. A last close shuts both ways for
 * the peer, with ECONNRESET pending if it left data unread; a listener's
 * close does that to each connection it never accepted.
 *
 * Not done: the garbage collector for sockets in flight in each other's
 * queues (a socket sent over itself and closed stays allocated), SO_PEEK_OFF,
 * MSG_OOB (EOPNOTSUPP, as without CONFIG_AF_UNIX_OOB). The big kernel lock
 * protects every unix_sock and the name tables (include/linux/net.h).
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "af_unix.h"

namespace {

list_head unix_abstract_names; /* unix_sock.abstract_link: every sock bound in the abstract namespace */
unsigned unix_ordernum = 0x1a2b;   /* the next autobind name */

Result<void> unix_release_sock(unix_sock* u, bool embrion);

void unix_sock_destruct(struct sock* sk)
{
    unix_sock* u = unix_sk(sk);
    kfree(u);
}

unix_sock* find_abstract(const sockaddr_un& addr, int len, int type)
{
    list_for_each(pos, &unix_abstract_names) {
        unix_sock* u = list_entry(pos, unix_sock, abstract_link);
        if (u->addr_len == len && u->sk.sk_type == type && !memcmp(&u->addr, &addr, static_cast<size_t>(len)))
            return u;
    }
    return nullptr;
}

void bind_abstract(unix_sock* u, const sockaddr_un& addr, int len)
{
    memcpy(&u->addr, &addr, static_cast<size_t>(len));
    u->addr_len = len;
    unix_abstract_names.add_tail(&u->abstract_link);
}

/* The path of a BSD name, terminated (Linux's unix_mkname_bsd); its address length. */
int unix_mkname_bsd(const sockaddr_un& sun, int len, char* path)
{
    size_t n = strnlen(sun.sun_path, static_cast<size_t>(len - SUN_PATH_OFFSET));
    memcpy(path, sun.sun_path, n);
    path[n] = 0;
    return static_cast<int>(n) + SUN_PATH_OFFSET + 1;
}

Result<void> unix_bind_bsd(unix_sock* u, const sockaddr_un& sun, int len)
{
    char path[UNIX_PATH_MAX + 1];
    int addr_len = unix_mkname_bsd(sun, len, path);
    umode_t mode = S_IFSOCK | (0777 & ~current->fs->umask);
    auto made = vfs_mknodat(AT_FDCWD, path, mode, 0);
    if (!made.ok())
        return made.error() == Errno::EEXIST ? Errno::EADDRINUSE : made.error();
    if (u->addr_len) {
        (void)kernel_unlink(path); /* already bound: take back what was made */
        return Errno::EINVAL;
    }
    inode* i = made.value();
    ihold(i);
    i->i_private = u;
    u->bound = i;
    memset(&u->addr, 0, sizeof(u->addr));
    u->addr.sun_family = AF_UNIX;
    memcpy(u->addr.sun_path, path, static_cast<size_t>(addr_len - SUN_PATH_OFFSET));
    u->addr_len = addr_len;
    return {};
}

Result<void> unix_bind(socket* sock, const sockaddr_storage& a, int len)
{
    unix_sock* u = unix_sk(sock);
    if (len == SUN_PATH_OFFSET && a.ss_family == AF_UNIX)
        return unix_autobind(u);
    TRY(unix_validate_addr(a, len));
    const auto& sun = reinterpret_cast<const sockaddr_un&>(a);
    if (sun.sun_path[0])
        return unix_bind_bsd(u, sun, len);
    if (u->addr_len)
        return Errno::EINVAL;
    if (find_abstract(sun, len, u->sk.sk_type))
        return Errno::EADDRINUSE;
    bind_abstract(u, sun, len);
    return {};
}

/* Linux's unix_dgram_disconnected: our queue is dropped; a peer that was
 * connected back to us learns of it (ECONNRESET). */
void unix_dgram_disconnected(unix_sock* u, unix_sock* other)
{
    if (u->recvq.empty())
        return;
    unix_purge_queue(u);
    wake_up(&u->sk.sk_wq);
    if (!other->sk.sk_dead && other->peer == u) {
        other->sk.sk_err = static_cast<int>(Errno::ECONNRESET);
        wake_up(&other->sk.sk_wq);
    }
}

Result<void> unix_dgram_connect(socket* sock, const sockaddr_storage& a, int len, unsigned)
{
    unix_sock* u = unix_sk(sock);
    if (len < static_cast<int>(sizeof(u16)))
        return Errno::EINVAL;
    unix_sock* other = nullptr;
    if (a.ss_family != AF_UNSPEC) {
        TRY(unix_validate_addr(a, len));
        if ((sock->flags & SOCKF_PASSCRED) && !u->addr_len)
            TRY(unix_autobind(u));
        other = TRY(unix_find_other(reinterpret_cast<const sockaddr_un&>(a), len, sock->type));
        if (other->peer && other->peer != u) {
            sock_put(&other->sk);
            return Errno::EPERM; /* it takes datagrams from its own peer only */
        }
        u->sk.sk_state = TCP_ESTABLISHED;
    } else {
        u->sk.sk_state = TCP_CLOSE;
    }
    unix_sock* old = u->peer;
    u->peer = other; /* the reference unix_find_other took */
    if (old) {
        if (old != other)
            unix_dgram_disconnected(u, old);
        sock_put(&old->sk);
    }
    return {};
}

Result<void> unix_stream_connect(socket* sock, const sockaddr_storage& a, int len, unsigned flags)
{
    unix_sock* u = unix_sk(sock);
    TRY(unix_validate_addr(a, len));
    if ((sock->flags & SOCKF_PASSCRED) && !u->addr_len)
        TRY(unix_autobind(u));
    long timeo = sock_sndtimeo(&u->sk, flags & O_NONBLOCK);
    unix_sock* other;
    for (;;) {
        other = TRY(unix_find_other(reinterpret_cast<const sockaddr_un&>(a), len, sock->type));
        if (other->sk.sk_state != TCP_LISTEN || (other->sk.sk_shutdown & RCV_SHUTDOWN)) {
            sock_put(&other->sk);
            return Errno::ECONNREFUSED;
        }
        if (!unix_recvq_full(other))
            break;
        /* The backlog is full: wait for accept() to take one (or time out: EAGAIN). */
        auto w = sk_wait_event(other->sk.sk_wq, timeo, [other] {
            return !unix_recvq_full(other) || other->sk.sk_dead || other->sk.sk_state != TCP_LISTEN;
        });
        sock_put(&other->sk);
        if (!w.ok())
            return w.error();
    }
    Result<void> r;
    if (u->sk.sk_state == TCP_ESTABLISHED)
        r = Errno::EISCONN;
    else if (u->sk.sk_state != TCP_CLOSE)
        r = Errno::EINVAL;
    unix_sock* newsk = r.ok() ? unix_create1(sock->type) : nullptr;
    unix_skb* skb = newsk ? static_cast<unix_skb*>(kzalloc(sizeof(unix_skb))) : nullptr;
    if (r.ok() && !skb) {
        if (newsk)
            sock_put(&newsk->sk);
        r = Errno::ENOMEM;
    }
    if (!r.ok()) {
        sock_put(&other->sk);
        return r;
    }
    /* The server side: connected to us, named as the listener, with our credentials. */
    sock_hold(&u->sk);
    newsk->peer = u;
    newsk->sk.sk_state = TCP_ESTABLISHED;
    newsk->sk.sk_peer_cred = current_ucred_eff();
    newsk->sk.sk_peer_cred_set = true;
    memcpy(&newsk->addr, &other->addr, sizeof(other->addr));
    newsk->addr_len = other->addr_len;
    u->sk.sk_peer_cred = other->sk.sk_peer_cred;
    u->sk.sk_peer_cred_set = other->sk.sk_peer_cred_set;
    sock->state = SS_CONNECTED;
    u->sk.sk_state = TCP_ESTABLISHED;
    sock_hold(&newsk->sk);
    u->peer = newsk;
    /* The request on the listener's queue holds newsk's first reference. */
    skb->embryo = newsk;
    other->recvq.add_tail(&skb->list);
    other->qlen++;
    wake_up(&other->sk.sk_wq);
    sock_put(&other->sk);
    return {};
}

Result<void> unix_socketpair(socket* a, socket* b)
{
    unix_sock* ua = unix_sk(a);
    unix_sock* ub = unix_sk(b);
    sock_hold(&ua->sk);
    sock_hold(&ub->sk);
    ua->peer = ub;
    ub->peer = ua;
    ua->sk.sk_peer_cred = ub->sk.sk_peer_cred = current_ucred_eff();
    ua->sk.sk_peer_cred_set = ub->sk.sk_peer_cred_set = true;
    ua->sk.sk_state = ub->sk.sk_state = TCP_ESTABLISHED;
    a->state = b->state = SS_CONNECTED;
    return {};
}

Result<void> unix_listen(socket* sock, int backlog)
{
    unix_sock* u = unix_sk(sock);
    if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
        return Errno::EOPNOTSUPP;
    if (!u->addr_len)
        return Errno::EINVAL; /* no listening on an unbound socket */
    if (u->sk.sk_state != TCP_CLOSE && u->sk.sk_state != TCP_LISTEN)
        return Errno::EINVAL;
    if (backlog > u->sk.sk_max_ack_backlog)
        wake_up(&u->sk.sk_wq); /* room for connects that wait */
    u->sk.sk_max_ack_backlog = backlog;
    u->sk.sk_state = TCP_LISTEN;
    u->sk.sk_peer_cred = current_ucred_eff(); /* what connect gives its clients */
    u->sk.sk_peer_cred_set = true;
    return {};
}

Result<void> unix_accept(socket* sock, socket* newsock, unsigned flags)
{
    unix_sock* u = unix_sk(sock);
    if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
        return Errno::EOPNOTSUPP;
    if (u->sk.sk_state != TCP_LISTEN)
        return Errno::EINVAL;
    long timeo = sock_rcvtimeo(&u->sk, flags & O_NONBLOCK);
    for (;;) {
        if (!u->recvq.empty())
            break;
        if (int e = sock_error(&u->sk))
            return static_cast<Errno>(e);
        if (u->sk.sk_shutdown & RCV_SHUTDOWN)
            return Errno::EINVAL;
        TRY(sk_wait_event(u->sk.sk_wq, timeo, [u] {
            return !u->recvq.empty() || u->sk.sk_err || (u->sk.sk_shutdown & RCV_SHUTDOWN);
        }));
    }
    unix_skb* skb = list_entry(u->recvq.next, unix_skb, list);
    list_head::del(&skb->list);
    u->qlen--;
    unix_sock* tsk = skb->embryo; /* its reference passes to newsock */
    skb->embryo = nullptr;
    unix_skb_free(skb);
    wake_up(&u->sk.sk_wq); /* a connect waiting for the backlog */
    newsock->state = SS_CONNECTED;
    newsock->flags = sock->flags & SOCKF_PASSCRED;
    newsock->sk = &tsk->sk;
    tsk->sk.sk_socket = newsock;
    return {};
}

Result<int> unix_getname(socket* sock, sockaddr_storage& addr, bool peer)
{
    unix_sock* u = unix_sk(sock);
    if (peer) {
        u = u->peer;
        if (!u)
            return Errno::ENOTCONN;
    }
    if (!u->addr_len) {
        addr.ss_family = AF_UNIX;
        return SUN_PATH_OFFSET;
    }
    memcpy(&addr, &u->addr, static_cast<size_t>(u->addr_len));
    return u->addr_len;
}

Result<void> unix_shutdown(socket* sock, int how)
{
    if (how < 0 || how > 2)
        return Errno::EINVAL;
    unix_sock* u = unix_sk(sock);
    unsigned mode = static_cast<unsigned>(how) + 1;
    u->sk.sk_shutdown |= mode;
    wake_up(&u->sk.sk_wq);
    unix_sock* other = u->peer;
    if (other && (sock->type == SOCK_STREAM || sock->type == SOCK_SEQPACKET)) {
        unsigned peer_mode = 0;
        if (mode & RCV_SHUTDOWN)
            peer_mode |= SEND_SHUTDOWN;
        if (mode & SEND_SHUTDOWN)
            peer_mode |= RCV_SHUTDOWN;
        other->sk.sk_shutdown |= peer_mode;
        wake_up(&other->sk.sk_wq);
    }
    return {};
}

unsigned unix_poll(file* f, socket* sock, poll_table* pt)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    poll_wait(f, &sk->sk_wq, pt);
    unsigned mask = 0;
    if (sk->sk_err)
        mask |= POLLERR;
    if (sk->sk_shutdown == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (!u->recvq.empty())
        mask |= POLLIN | POLLRDNORM;
    if (sk->sk_state == TCP_CLOSE)
        mask |= POLLHUP; /* a connection-based socket not connected */
    if (unix_writable(u))
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

unsigned unix_dgram_poll(file* f, socket* sock, poll_table* pt)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    poll_wait(f, &sk->sk_wq, pt);
    unsigned mask = 0;
    if (sk->sk_err)
        mask |= POLLERR;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (sk->sk_shutdown == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (!u->recvq.empty())
        mask |= POLLIN | POLLRDNORM;
    if (sk->sk_type == SOCK_SEQPACKET) {
        if (sk->sk_state == TCP_CLOSE)
            mask |= POLLHUP;
        if (sk->sk_state == TCP_SYN_SENT)
            return mask;
    }
    bool writable = unix_writable(u);
    unix_sock* other = u->peer;
    if (writable && other && other->peer != u && unix_recvq_full(other))
        writable = false;
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

Result<long> unix_ioctl(socket* sock, unsigned cmd, unsigned long arg)
{
    constexpr unsigned SIOCINQ = 0x541b, SIOCOUTQ = 0x5411;
    unix_sock* u = unix_sk(sock);
    long amount = 0;
    if (cmd == SIOCOUTQ) {
        amount = u->sk.sk_wmem_alloc;
    } else if (cmd == SIOCINQ) {
        if (u->sk.sk_state == TCP_LISTEN)
            return Errno::EINVAL;
        if (sock->type == SOCK_DGRAM) {
            if (!u->recvq.empty())
                amount = static_cast<long>(list_entry(u->recvq.next, unix_skb, list)->len);
        } else {
            list_for_each(pos, &u->recvq)
                amount += static_cast<long>(unix_skb_len(list_entry(pos, unix_skb, list)));
        }
    } else {
        return Errno::ENOTTY;
    }
    TRY(put_user(static_cast<int>(amount), user_out_ptr<int>(arg)));
    return 0;
}

Result<void> unix_release_sock(unix_sock* u, bool embrion)
{
    struct sock* sk = &u->sk;
    if (u->bound) {
        u->bound->i_private = nullptr;
        iput(u->bound);
        u->bound = nullptr;
    }
    if (!u->abstract_link.empty())
        list_head::del(&u->abstract_link);
    int state = sk->sk_state;
    sk->sk_state = TCP_CLOSE;
    sk->sk_shutdown = SHUTDOWN_MASK;
    sk->sk_dead = true;
    sk->sk_socket = nullptr;
    if (unix_sock* skpair = u->peer) {
        if (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) {
            skpair->sk.sk_shutdown = SHUTDOWN_MASK; /* no more writes */
            if (!u->recvq.empty() || embrion)
                skpair->sk.sk_err = static_cast<int>(Errno::ECONNRESET);
        }
        wake_up(&skpair->sk.sk_wq);
        u->peer = nullptr;
        sock_put(&skpair->sk);
    }
    wake_up(&sk->sk_wq);
    while (!u->recvq.empty()) {
        unix_skb* skb = list_entry(u->recvq.next, unix_skb, list);
        list_head::del(&skb->list);
        u->qlen--;
        if (state == TCP_LISTEN && skb->embryo) {
            (void)unix_release_sock(skb->embryo, true);
            skb->embryo = nullptr; /* unix_release_sock dropped the queue's reference */
        }
        unix_skb_free(skb);
    }
    sock_put(sk);
    return {};
}

void unix_release(socket* sock)
{
    if (!sock->sk)
        return;
    (void)unix_release_sock(unix_sk(sock), false);
    sock->sk = nullptr;
}

const proto_ops unix_stream_ops = {
    .family = AF_UNIX,
    .release = unix_release,
    .bind = unix_bind,
    .connect = unix_stream_connect,
    .socketpair = unix_socketpair,
    .accept = unix_accept,
    .getname = unix_getname,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .listen = unix_listen,
    .shutdown = unix_shutdown,
    .setsockopt = nullptr,
    .getsockopt = nullptr,
    .sendmsg = unix_stream_sendmsg,
    .recvmsg = unix_stream_recvmsg,
};

const proto_ops unix_dgram_ops = {
    .family = AF_UNIX,
    .release = unix_release,
    .bind = unix_bind,
    .connect = unix_dgram_connect,
    .socketpair = unix_socketpair,
    .accept = unix_accept,
    .getname = unix_getname,
    .poll = unix_dgram_poll,
    .ioctl = unix_ioctl,
    .listen = unix_listen,
    .shutdown = unix_shutdown,
    .setsockopt = nullptr,
    .getsockopt = nullptr,
    .sendmsg = unix_dgram_sendmsg,
    .recvmsg = unix_dgram_recvmsg,
};

const proto_ops unix_seqpacket_ops = {
    .family = AF_UNIX,
    .release = unix_release,
    .bind = unix_bind,
    .connect = unix_stream_connect,
    .socketpair = unix_socketpair,
    .accept = unix_accept,
    .getname = unix_getname,
    .poll = unix_dgram_poll,
    .ioctl = unix_ioctl,
    .listen = unix_listen,
    .shutdown = unix_shutdown,
    .setsockopt = nullptr,
    .getsockopt = nullptr,
    .sendmsg = unix_seqpacket_sendmsg,
    .recvmsg = unix_seqpacket_recvmsg,
};

Result<void> unix_create(socket* sock, int protocol, bool)
{
    if (protocol && protocol != AF_UNIX)
        return Errno::EPROTONOSUPPORT;
    const proto_ops* ops;
    switch (sock->type) {
    case SOCK_STREAM: ops = &unix_stream_ops; break;
    case SOCK_RAW: sock->type = SOCK_DGRAM; [[fallthrough]];
    case SOCK_DGRAM: ops = &unix_dgram_ops; break;
    case SOCK_SEQPACKET: ops = &unix_seqpacket_ops; break;
    default: return Errno::ESOCKTNOSUPPORT;
    }
    unix_sock* u = unix_create1(sock->type);
    if (!u)
        return Errno::ENOMEM;
    u->sk.sk_socket = sock;
    sock->sk = &u->sk;
    sock->ops = ops;
    return {};
}

} // namespace

const net_proto_family unix_family_ops = {AF_UNIX, unix_create};

unix_sock* unix_create1(int type)
{
    auto* u = static_cast<unix_sock*>(kzalloc(sizeof(unix_sock)));
    if (!u)
        return nullptr;
    sock_init_data(nullptr, &u->sk);
    u->sk.sk_family = AF_UNIX;
    u->sk.sk_type = type;
    u->sk.sk_max_ack_backlog = UNIX_MAX_DGRAM_QLEN;
    u->sk.sk_destruct = unix_sock_destruct;
    u->recvq.init();
    u->abstract_link.init();
    return u;
}

Result<void> unix_autobind(unix_sock* u)
{
    if (u->addr_len)
        return {};
    sockaddr_un addr;
    for (unsigned tries = 0; tries < 0x100000; tries++) {
        memset(&addr, 0, sizeof(addr));
        addr.sun_family = AF_UNIX;
        snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "%05x", unix_ordernum & 0xfffff);
        unix_ordernum++;
        constexpr int len = SUN_PATH_OFFSET + 1 + 5;
        if (!find_abstract(addr, len, u->sk.sk_type)) {
            bind_abstract(u, addr, len);
            return {};
        }
    }
    return Errno::ENOSPC;
}

Result<void> unix_validate_addr(const sockaddr_storage& a, int len)
{
    if (len <= SUN_PATH_OFFSET || len > static_cast<int>(sizeof(sockaddr_un)))
        return Errno::EINVAL;
    if (a.ss_family != AF_UNIX)
        return Errno::EINVAL;
    return {};
}

Result<unix_sock*> unix_find_other(const sockaddr_un& addr, int len, int type)
{
    unix_sock* u;
    if (addr.sun_path[0]) {
        char name[UNIX_PATH_MAX + 1];
        (void)unix_mkname_bsd(addr, len, name);
        path p = TRY(kern_path(name, LOOKUP_FOLLOW));
        inode* i = p.dentry->d_inode;
        constexpr int MAY_WRITE = 2;
        int e = inode_permission(i, MAY_WRITE);
        u = S_ISSOCK(i->i_mode) && i->i_sb->s_magic != 0x534F434B ? static_cast<unix_sock*>(i->i_private) : nullptr;
        path_put(p);
        if (e)
            return static_cast<Errno>(-e);
    } else {
        u = find_abstract(addr, len, type);
    }
    if (!u)
        return Errno::ECONNREFUSED;
    if (u->sk.sk_type != type)
        return Errno::EPROTOTYPE;
    sock_hold(&u->sk);
    return u;
}

bool unix_writable(const unix_sock* u)
{
    return u->sk.sk_state != TCP_LISTEN && (u->sk.sk_wmem_alloc << 2) <= u->sk.sk_sndbuf;
}

bool unix_recvq_full(const unix_sock* u) { return u->qlen > u->sk.sk_max_ack_backlog; }
