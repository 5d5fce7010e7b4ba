/*
 * UDP (Linux's net/ipv4/udp.c and udpv6's shared parts): datagrams with
 * their boundaries and source addresses. A send names its destination or
 * uses the connected one (EDESTADDRREQ without either), binds an ephemeral
 * port first if the socket has none, and goes through the route (lo). The
 * loopback orphans the packet (the sender's SO_SNDBUF is free again at
 * once); the receiver's queue takes it while its bytes stay within
 * SO_RCVBUF, else it is dropped (the sock's drop count, /proc/net/udp). A
 * datagram to a port nobody has is dropped too: the ICMP port-unreachable
 * that would set ECONNREFUSED on a connected sender is not generated.
 *
 * A receive takes one datagram: MSG_TRUNC in msg_flags when the buffer was
 * shorter (its whole length returned when asked with MSG_TRUNC), MSG_PEEK
 * leaves it, MSG_ERRQUEUE finds no error queued (EAGAIN). connect() fixes
 * the peer and the source address; AF_UNSPEC dissolves it.
 *
 * The big kernel lock protects the sock and the queues (include/net/inet_sock.h).
 */
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <net/inet_sock.h>

namespace {

constexpr unsigned MSG_ERRQUEUE = 0x2000;
constexpr size_t UDP_MAX_V4 = 65507, UDP_MAX_V6 = 65527; /* 65535 less the headers */

hlist_head udp_hash_heads[256];
hash_table udp_hash{udp_hash_heads, 8};

int udp_rmem(const inet_sock* inet)
{
    int total = 0;
    list_for_each(pos, &inet->receive_queue)
        total += static_cast<int>(list_entry(pos, sk_buff, list)->truesize);
    return total;
}

void udp_rcv(sk_buff* skb)
{
    inet_sock* inet = inet_lookup(&udp_prot, skb, false);
    if (!inet || udp_rmem(inet) > inet->sk.sk_rcvbuf) {
        if (inet)
            inet->rcv_nxt++; /* counted as a drop */
        kfree_skb(skb);
        return;
    }
    inet->receive_queue.add_tail(&skb->list);
    inet->rcv_queued += skb->len;
    wake_up(&inet->sk.sk_wq);
}

Result<void> udp_connect(inet_sock* inet, const in6_addr& daddr_in, int dfamily, u16 dport, unsigned)
{
    in6_addr src;
    TRY(ip_route_output(daddr_in, dfamily, src));
    in6_addr daddr = daddr_in;
    if (dfamily == AF_INET && !v4_of(daddr))
        daddr = src;
    bool any = inet->sk.sk_family == AF_INET ? !v4_of(inet->rcv_saddr) : ipv6_addr_any(inet->rcv_saddr);
    if (any)
        inet->rcv_saddr = src;
    inet->saddr = inet->rcv_saddr;
    inet->daddr = daddr;
    inet->dport = dport;
    inet->sk.sk_state = TCP_ESTABLISHED;
    return {};
}

Result<void> udp_disconnect(inet_sock* inet)
{
    inet->sk.sk_state = TCP_CLOSE;
    inet->daddr = in6_addr{};
    inet->dport = 0;
    if (!inet->addr_locked)
        inet->rcv_saddr = inet->saddr = inet->sk.sk_family == AF_INET ? ipv6_addr_set_v4mapped(0) : in6_addr{};
    if (!inet->port_locked) {
        inet_unhash(inet);
        inet->sport = 0;
    }
    return {};
}

void udp_close(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    inet_unhash(inet);
    skb_queue_purge(&inet->receive_queue);
    inet->rcv_queued = 0;
    sk->sk_state = TCP_CLOSE;
    sk->sk_dead = true;
    sk->sk_socket = nullptr;
    sock_put(sk);
}

} // namespace

proto udp_prot = {
    .name = "UDP",
    .protocol = IPPROTO_UDP,
    .hash = &udp_hash,
    .connect = udp_connect,
    .disconnect = udp_disconnect,
    .close = udp_close,
    .rcv = udp_rcv,
};

Result<size_t> udp_sendmsg(socket* sock, msghdr& msg, size_t len)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    /* The port first, whatever follows (Linux's inet_send_prepare). */
    if (!inet->num && !inet_autobind(inet).ok())
        return Errno::EAGAIN;
    if (msg.msg_flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    in6_addr daddr;
    u16 dport;
    int dfamily;
    bool named = false;
    if (msg.msg_name) {
        const sockaddr_storage& a = *msg.msg_name;
        int n = msg.msg_namelen;
        if (sk->sk_family == AF_INET6 && n < 2)
            return Errno::EINVAL;
        /* An AF_INET6 socket takes AF_UNSPEC as no name at all. */
        if (!(sk->sk_family == AF_INET6 && a.ss_family == AF_UNSPEC)) {
            TRY(inet_addr_from_user(inet, a, n, false, daddr, dport, dfamily));
            if (!dport)
                return Errno::EINVAL;
            named = true;
        }
    }
    if (!named) {
        if (sk->sk_state != TCP_ESTABLISHED)
            return Errno::EDESTADDRREQ;
        daddr = inet->daddr;
        dport = inet->dport;
        dfamily = ipv6_addr_v4mapped(daddr) ? AF_INET : AF_INET6;
    }
    if (len > (dfamily == AF_INET ? UDP_MAX_V4 : UDP_MAX_V6))
        return Errno::EMSGSIZE;
    in6_addr src;
    TRY(ip_route_output(daddr, dfamily, src));
    if (dfamily == AF_INET && !v4_of(daddr))
        daddr = src;
    bool any = sk->sk_family == AF_INET ? !v4_of(inet->rcv_saddr) : ipv6_addr_any(inet->rcv_saddr);
    if (!any && (dfamily == AF_INET) == ipv6_addr_v4mapped(inet->rcv_saddr))
        src = inet->rcv_saddr;
    sk_buff* skb = alloc_skb(len);
    if (!skb)
        return Errno::ENOBUFS;
    if (msg.msg_iter->copy_from_iter(skb->data, len) < len) {
        kfree_skb(skb);
        return Errno::EFAULT;
    }
    skb->family = dfamily;
    skb->protocol = IPPROTO_UDP;
    skb->saddr = src;
    skb->daddr = daddr;
    skb->sport = inet->num;
    skb->dport = dport;
    (void)ip_local_out(skb); /* orphaned: the loopback frees the sender's buffer at once */
    return len;
}

Result<size_t> udp_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    if (flags & MSG_ERRQUEUE)
        return Errno::EAGAIN;
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    for (;;) {
        if (int e = sock_error(sk))
            return static_cast<Errno>(e);
        if (!inet->receive_queue.empty())
            break;
        if (!timeo)
            return Errno::EAGAIN;
        if (sk->sk_shutdown & RCV_SHUTDOWN)
            return 0;
        TRY(sk_wait_event(sk->sk_wq, timeo, [inet, sk] {
            return !inet->receive_queue.empty() || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN);
        }));
    }
    sk_buff* skb = list_entry(inet->receive_queue.next, sk_buff, list);
    size_t size = len;
    if (size > skb->len)
        size = skb->len;
    else if (size < skb->len)
        msg.msg_flags |= MSG_TRUNC;
    if (msg.msg_iter->copy_to_iter(skb->data, size) < size)
        return Errno::EFAULT;
    if (msg.msg_name)
        msg.msg_namelen = inet_fill_addr(inet, *msg.msg_name, skb->saddr, skb->sport);
    size_t ret = (flags & MSG_TRUNC) ? skb->len : size;
    if (!(flags & MSG_PEEK)) {
        list_head::del(&skb->list);
        inet->rcv_queued -= skb->len;
        kfree_skb(skb);
    }
    return ret;
}

unsigned udp_poll(file* f, socket* sock, poll_table* pt)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    poll_wait(f, &sk->sk_wq, pt);
    unsigned mask = 0;
    if (sk->sk_err)
        mask |= POLLERR;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (sk->sk_shutdown == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (!inet->receive_queue.empty())
        mask |= POLLIN | POLLRDNORM;
    if ((sk->sk_wmem_alloc << 1) < sk->sk_sndbuf)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

Result<void> udp_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen)
{
    inet_sock* inet = inet_sk(sock);
    if (level == SOL_UDP) {
        constexpr int UDP_CORK = 1;
        if (optname != UDP_CORK)
            return Errno::ENOPROTOOPT;
        inet->cork = TRY(sockopt_get_int(optval, optlen)) != 0;
        return {};
    }
    return inet->sk.sk_family == AF_INET ? ip_setsockopt(inet, level, optname, optval, optlen)
                                         : ipv6_setsockopt(inet, level, optname, optval, optlen);
}

Result<int> udp_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len)
{
    inet_sock* inet = inet_sk(sock);
    if (level == SOL_UDP) {
        constexpr int UDP_CORK = 1;
        if (optname != UDP_CORK)
            return Errno::ENOPROTOOPT;
        return sockopt_put_int(inet->cork, optval, len);
    }
    return inet->sk.sk_family == AF_INET ? ip_getsockopt(inet, level, optname, optval, len)
                                         : ipv6_getsockopt(inet, level, optname, optval, len);
}
