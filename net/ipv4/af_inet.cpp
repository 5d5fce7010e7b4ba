/*
 * AF_INET (Linux's net/ipv4/af_inet.c): sockets of SOCK_STREAM (TCP) and
 * SOCK_DGRAM (UDP), and the proto_ops both families share. The family picks
 * the transport (tcp_prot, udp_prot) for the type and protocol; names,
 * connect's waiting, listen, accept, shutdown and ioctl are here, the data
 * paths in tcp*.cpp and udp.cpp, AF_INET6's own names in net/ipv6/.
 *
 * Not done: SOCK_RAW (EPROTONOSUPPORT, or EPERM without CAP_NET_RAW) and
 * ping sockets (EACCES: the default net.ipv4.ping_group_range allows none).
 * The big kernel lock protects every inet_sock (include/net/inet_sock.h).
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>

namespace {

constexpr int IPPROTO_ICMP = 1, IPPROTO_ICMPV6 = 58, IPPROTO_MAX = 263;
constexpr int CAP_NET_BIND_SERVICE_ = 10, CAP_NET_RAW_ = 13;
constexpr int PROT_SOCK = 1024; /* net.ipv4.ip_unprivileged_port_start */
constexpr int TCP_WMEM_DEFAULT = 16384, TCP_RMEM_DEFAULT = 131072;

void inet_sock_destruct(sock* sk)
{
    inet_sock* inet = inet_sk(sk);
    skb_queue_purge(&inet->receive_queue);
    kfree(inet);
}

} // namespace

inet_sock* inet_sk_alloc(socket* sock, int family, proto* prot)
{
    auto* inet = static_cast<inet_sock*>(kzalloc(sizeof(inet_sock)));
    if (!inet)
        return nullptr;
    sock_init_data(sock, &inet->sk);
    inet->sk.sk_family = family;
    inet->sk.sk_protocol = prot->protocol;
    inet->sk.sk_destruct = inet_sock_destruct;
    inet->prot = prot;
    inet->receive_queue.init();
    inet->accept_queue.init();
    inet->accept_link.init();
    inet->uc_ttl = -1;
    inet->mc_ttl = 1;
    inet->mc_loop = 1;
    inet->v6_hoplimit = -1;
    inet->v6_mc_hops = 1;
    inet->v6_mc_loop = 1;
    inet->tclass = 0;
    inet->quickack = 1;
    if (family == AF_INET)
        inet->rcv_saddr = inet->saddr = ipv6_addr_set_v4mapped(0);
    if (prot == &tcp_prot) {
        inet->sk.sk_sndbuf = TCP_WMEM_DEFAULT;
        inet->sk.sk_rcvbuf = TCP_RMEM_DEFAULT;
        inet->maxseg = TCP_MSS_DEFAULT;
    }
    return inet;
}

/* Linux's inet_create / inet6_create: the transport for type and protocol. */
Result<void> inet_create_common(socket* sock, int protocol, int family)
{
    if (protocol < 0 || protocol >= IPPROTO_MAX)
        return Errno::EINVAL;
    proto* prot;
    switch (sock->type) {
    case SOCK_STREAM:
        if (protocol && protocol != IPPROTO_TCP)
            return Errno::EPROTONOSUPPORT;
        prot = &tcp_prot;
        break;
    case SOCK_DGRAM:
        if (protocol == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
            return Errno::EACCES; /* ping sockets: nobody is in ping_group_range */
        if (protocol && protocol != IPPROTO_UDP)
            return Errno::EPROTONOSUPPORT;
        prot = &udp_prot;
        break;
    case SOCK_RAW:
        if (!capable(CAP_NET_RAW_))
            return Errno::EPERM;
        return Errno::EPROTONOSUPPORT;
    default:
        return Errno::ESOCKTNOSUPPORT;
    }
    inet_sock* inet = inet_sk_alloc(sock, family, prot);
    if (!inet)
        return Errno::ENOMEM;
    if (family == AF_INET)
        sock->ops = sock->type == SOCK_STREAM ? &inet_stream_ops : &inet_dgram_ops;
    else
        sock->ops = sock->type == SOCK_STREAM ? &inet6_stream_ops : &inet6_dgram_ops;
    return {};
}

namespace {

Result<void> inet_create(socket* sock, int protocol, bool) { return inet_create_common(sock, protocol, AF_INET); }

bool port_needs_privilege(u16 port) { return port && port < PROT_SOCK && !capable(CAP_NET_BIND_SERVICE_); }

} // namespace

const net_proto_family inet_family_ops = {AF_INET, inet_create};

Result<void> inet_bind(socket* sock, const sockaddr_storage& a, int len)
{
    inet_sock* inet = inet_sk(sock);
    if (inet->sk.sk_family == AF_INET) {
        if (len < static_cast<int>(sizeof(sockaddr_in)))
            return Errno::EINVAL;
        const auto& sin = reinterpret_cast<const sockaddr_in&>(a);
        if (sin.sin_family != AF_INET && (sin.sin_family != AF_UNSPEC || sin.sin_addr.s_addr != INADDR_ANY))
            return Errno::EAFNOSUPPORT;
        u32 v = ntohl(sin.sin_addr.s_addr);
        bool multicast = (v >> 28) == 0xe;
        if (!inet_addr_local(ipv6_addr_set_v4mapped(sin.sin_addr.s_addr)) && v != INADDR_BROADCAST && !multicast)
            return Errno::EADDRNOTAVAIL;
        u16 port = ntohs(sin.sin_port);
        if (port_needs_privilege(port))
            return Errno::EACCES;
        return inet_bind_sk(inet, ipv6_addr_set_v4mapped(sin.sin_addr.s_addr), port);
    }
    if (len < SIN6_LEN_RFC2133)
        return Errno::EINVAL;
    const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(a);
    if (sin6.sin6_family != AF_INET6)
        return Errno::EAFNOSUPPORT;
    u16 port = ntohs(sin6.sin6_port);
    if (sin6.sin6_addr.s6_addr[0] == 0xff && sock->type == SOCK_STREAM)
        return Errno::EINVAL; /* multicast */
    if (port_needs_privilege(port))
        return Errno::EACCES;
    if (inet->sk.sk_state != TCP_CLOSE || inet->num)
        return Errno::EINVAL;
    const in6_addr& addr = sin6.sin6_addr;
    if (ipv6_addr_v4mapped(addr)) {
        if (inet->ipv6only)
            return Errno::EINVAL;
        u32 v = ntohl(v4_of(addr));
        if (v != 0 && (v >> 24) != 127 && v != INADDR_BROADCAST && (v >> 28) != 0xe)
            return Errno::EADDRNOTAVAIL;
    } else if (!ipv6_addr_any(addr) && !ipv6_addr_loopback(addr) && addr.s6_addr[0] != 0xff) {
        return Errno::EADDRNOTAVAIL;
    }
    return inet_bind_sk(inet, addr, port);
}

int inet_fill_addr(const inet_sock* inet, sockaddr_storage& out, const in6_addr& addr, u16 port)
{
    memset(&out, 0, sizeof(out));
    if (inet->sk.sk_family == AF_INET) {
        auto& sin = reinterpret_cast<sockaddr_in&>(out);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        sin.sin_addr.s_addr = v4_of(addr);
        return sizeof(sockaddr_in);
    }
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(out);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    sin6.sin6_addr = addr;
    return sizeof(sockaddr_in6);
}

Result<int> inet_getname(socket* sock, sockaddr_storage& out, bool peer)
{
    inet_sock* inet = inet_sk(sock);
    if (peer) {
        int st = inet->sk.sk_state;
        if (!inet->dport || st == TCP_CLOSE || st == TCP_SYN_SENT)
            return Errno::ENOTCONN;
        return inet_fill_addr(inet, out, inet->daddr, inet->dport);
    }
    return inet_fill_addr(inet, out, inet->rcv_saddr, inet->sport);
}

Result<void> inet_addr_from_user(const inet_sock* inet, const sockaddr_storage& a, int len, bool connect,
                                 in6_addr& addr, u16& port, int& dfamily)
{
    if (inet->sk.sk_family == AF_INET || (!connect && a.ss_family == AF_INET && len >= 2)) {
        if (len < static_cast<int>(sizeof(sockaddr_in)))
            return Errno::EINVAL;
        const auto& sin = reinterpret_cast<const sockaddr_in&>(a);
        if (sin.sin_family != AF_INET && (connect || sin.sin_family != AF_UNSPEC))
            return Errno::EAFNOSUPPORT;
        if (inet->sk.sk_family == AF_INET6 && inet->ipv6only)
            return Errno::ENETUNREACH;
        addr = ipv6_addr_set_v4mapped(sin.sin_addr.s_addr);
        port = ntohs(sin.sin_port);
        dfamily = AF_INET;
        return {};
    }
    if (len < SIN6_LEN_RFC2133)
        return Errno::EINVAL;
    const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(a);
    if (sin6.sin6_family != AF_INET6)
        return connect ? Errno::EAFNOSUPPORT : Errno::EINVAL;
    addr = sin6.sin6_addr;
    port = ntohs(sin6.sin6_port);
    dfamily = AF_INET6;
    if (ipv6_addr_any(addr)) {
        /* To the local host, in the family the socket is bound in. */
        if (ipv6_addr_v4mapped(inet->rcv_saddr))
            addr = ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK));
        else
            addr.s6_addr[15] = 1;
    }
    if (ipv6_addr_v4mapped(addr)) {
        if (inet->ipv6only)
            return Errno::ENETUNREACH;
        dfamily = AF_INET;
    }
    return {};
}

Result<void> inet_stream_connect(socket* sock, const sockaddr_storage& a, int len, unsigned flags)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    if (len < static_cast<int>(sizeof(u16)))
        return Errno::EINVAL;
    if (a.ss_family == AF_UNSPEC) {
        TRY(inet->prot->disconnect(inet));
        sock->state = SS_UNCONNECTED;
        return {};
    }
    Errno err;
    switch (sock->state) {
    case SS_CONNECTED:
        return Errno::EISCONN;
    case SS_CONNECTING:
        err = Errno::EALREADY;
        break;
    case SS_UNCONNECTED: {
        if (sk->sk_state != TCP_CLOSE)
            return Errno::EISCONN;
        in6_addr daddr;
        u16 dport;
        int dfamily;
        TRY(inet_addr_from_user(inet, a, len, true, daddr, dport, dfamily));
        TRY(inet->prot->connect(inet, daddr, dfamily, dport, flags));
        sock->state = SS_CONNECTING;
        err = Errno::EINPROGRESS;
        break;
    }
    default:
        return Errno::EINVAL;
    }
    long timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
    /* The loopback answers at once, but to a non-blocking connect the
     * handshake is still under way, as Linux's softirq would have it. */
    if (err == Errno::EINPROGRESS && !timeo)
        return err;
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
        if (!timeo)
            return err;
        auto w = sk_wait_event(sk->sk_wq, timeo,
                               [sk] { return sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV; });
        if (!w.ok())
            return w.error() == Errno::EAGAIN ? err : w.error();
    }
    if (sk->sk_state == TCP_CLOSE) {
        int e = sock_error(sk);
        sock->state = SS_UNCONNECTED;
        (void)inet->prot->disconnect(inet);
        return e ? static_cast<Errno>(e) : Errno::ECONNABORTED;
    }
    sock->state = SS_CONNECTED;
    return {};
}

Result<void> inet_dgram_connect(socket* sock, const sockaddr_storage& a, int len, unsigned flags)
{
    inet_sock* inet = inet_sk(sock);
    if (len < static_cast<int>(sizeof(u16)))
        return Errno::EINVAL;
    if (a.ss_family == AF_UNSPEC)
        return inet->prot->disconnect(inet);
    if (!inet->num && !inet_autobind(inet).ok())
        return Errno::EAGAIN;
    in6_addr daddr;
    u16 dport;
    int dfamily;
    TRY(inet_addr_from_user(inet, a, len, true, daddr, dport, dfamily));
    return inet->prot->connect(inet, daddr, dfamily, dport, flags);
}

Result<void> inet_listen(socket* sock, int backlog)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
        return Errno::EINVAL;
    int old = sk->sk_state;
    if (old != TCP_CLOSE && old != TCP_LISTEN)
        return Errno::EINVAL;
    sk->sk_max_ack_backlog = backlog;
    if (old != TCP_LISTEN) {
        tcp_set_state(inet, TCP_LISTEN);
        if (auto r = inet_listen_port_check(inet); !r.ok()) {
            tcp_set_state(inet, TCP_CLOSE);
            return Errno::EADDRINUSE;
        }
    }
    return {};
}

Result<void> inet_accept(socket* sock, socket* newsock, unsigned flags)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    long timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
    for (;;) {
        if (sk->sk_state != TCP_LISTEN)
            return Errno::EINVAL;
        if (!inet->accept_queue.empty())
            break;
        TRY(sk_wait_event(sk->sk_wq, timeo, [inet, sk] {
            return !inet->accept_queue.empty() || sk->sk_state != TCP_LISTEN;
        }));
    }
    inet_sock* child = list_entry(inet->accept_queue.next, inet_sock, accept_link);
    list_head::del(&child->accept_link);
    inet->accept_qlen--;
    child->parent = nullptr; /* its reference passes to newsock */
    newsock->sk = &child->sk;
    newsock->state = SS_CONNECTED;
    newsock->ops = sock->ops;
    child->sk.sk_socket = newsock;
    return {};
}

Result<void> inet_shutdown(socket* sock, int how)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    how++; /* SHUT_RD 0 -> RCV_SHUTDOWN 1 ... */
    if ((how & ~static_cast<int>(SHUTDOWN_MASK)) || !how)
        return Errno::EINVAL;
    if (sock->state == SS_CONNECTING) {
        int st = sk->sk_state;
        sock->state = (st == TCP_SYN_SENT || st == TCP_SYN_RECV || st == TCP_CLOSE) ? SS_DISCONNECTING : SS_CONNECTED;
    }
    Result<void> r;
    switch (sk->sk_state) {
    case TCP_LISTEN:
        if (!(how & RCV_SHUTDOWN))
            break;
        [[fallthrough]];
    case TCP_SYN_SENT:
        r = inet->prot->disconnect(inet);
        sock->state = r.ok() ? SS_UNCONNECTED : SS_DISCONNECTING;
        break;
    case TCP_CLOSE:
        r = Errno::ENOTCONN;
        [[fallthrough]];
    default:
        sk->sk_shutdown |= static_cast<unsigned>(how);
        if (inet->prot == &tcp_prot)
            tcp_shutdown(inet, how);
        break;
    }
    wake_up(&sk->sk_wq);
    return r;
}

Result<long> inet_ioctl(socket* sock, unsigned cmd, unsigned long arg)
{
    constexpr unsigned SIOCINQ = 0x541b, SIOCOUTQ = 0x5411, SIOCATMARK = 0x8905, SIOCOUTQNSD = 0x894b;
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    if (sk->sk_family == AF_INET) {
        auto r = devinet_ioctl(cmd, arg);
        if (r.ok() || r.error() != Errno::ENOTTY)
            return r;
    }
    int amount;
    if (inet->prot == &tcp_prot) {
        switch (cmd) {
        case SIOCINQ:
            if (sk->sk_state == TCP_LISTEN)
                return Errno::EINVAL;
            amount = static_cast<int>(inet->rcv_queued);
            break;
        case SIOCATMARK: amount = 0; break; /* no urgent data is ever queued */
        case SIOCOUTQ:
        case SIOCOUTQNSD:
            if (sk->sk_state == TCP_LISTEN)
                return Errno::EINVAL;
            amount = 0; /* the loopback takes every byte at once */
            break;
        default: return dev_ioctl(cmd, arg);
        }
    } else {
        switch (cmd) {
        case SIOCOUTQ: amount = sk->sk_wmem_alloc; break;
        case SIOCINQ:
            amount = inet->receive_queue.empty()
                         ? 0
                         : static_cast<int>(list_entry(inet->receive_queue.next, sk_buff, list)->len);
            break;
        default: return dev_ioctl(cmd, arg);
        }
    }
    TRY(put_user(amount, user_out_ptr<int>(arg)));
    return 0;
}

void inet_release(socket* sock)
{
    if (!sock->sk)
        return;
    inet_sock* inet = inet_sk(sock);
    inet->prot->close(inet);
    sock->sk = nullptr;
}

Result<void> inet_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen)
{
    if (inet_sk(sock)->prot == &tcp_prot)
        return tcp_setsockopt(sock, level, optname, optval, optlen);
    return udp_setsockopt(sock, level, optname, optval, optlen);
}

Result<int> inet_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len)
{
    if (inet_sk(sock)->prot == &tcp_prot)
        return tcp_getsockopt(sock, level, optname, optval, len);
    return udp_getsockopt(sock, level, optname, optval, len);
}

namespace {

Result<void> sock_no_listen(socket*, int) { return Errno::EOPNOTSUPP; }
Result<void> sock_no_accept(socket*, socket*, unsigned) { return Errno::EOPNOTSUPP; }

} // namespace

const proto_ops inet_stream_ops = {
    .family = AF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_stream_connect,
    .socketpair = nullptr,
    .accept = inet_accept,
    .getname = inet_getname,
    .poll = tcp_poll,
    .ioctl = inet_ioctl,
    .listen = inet_listen,
    .shutdown = inet_shutdown,
    .setsockopt = inet_setsockopt,
    .getsockopt = inet_getsockopt,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
};

const proto_ops inet_dgram_ops = {
    .family = AF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_dgram_connect,
    .socketpair = nullptr,
    .accept = sock_no_accept,
    .getname = inet_getname,
    .poll = udp_poll,
    .ioctl = inet_ioctl,
    .listen = sock_no_listen,
    .shutdown = inet_shutdown,
    .setsockopt = inet_setsockopt,
    .getsockopt = inet_getsockopt,
    .sendmsg = udp_sendmsg,
    .recvmsg = udp_recvmsg,
};
