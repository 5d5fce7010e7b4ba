/*
 * AF_INET6 (Linux's net/ipv6/af_inet6.c, ipv6_sockglue.c): the same TCP and
 * UDP as AF_INET (net/ipv4/), with struct sockaddr_in6 names. An AF_INET6
 * socket reaches IPv4 peers through IPv4-mapped addresses (::ffff:a.b.c.d)
 * unless IPV6_V6ONLY (net.ipv6.bindv6only is 0); bound to :: it also takes
 * IPv4 connections and datagrams, bound to ::1 only IPv6 ones.
 *
 * SOL_IPV6 options: IPV6_V6ONLY (EINVAL once bound), IPV6_UNICAST_HOPS and
 * IPV6_MULTICAST_HOPS (-1..255, -1 for the default), IPV6_MULTICAST_LOOP,
 * IPV6_RECVPKTINFO, IPV6_TCLASS (-1..255), IPV6_MTU (connected only);
 * SOL_IP goes to the IPv4 options, as on Linux; others ENOPROTOOPT.
 * The big kernel lock protects the sock (include/net/inet_sock.h).
 */
#include <net/inet_sock.h>

namespace {

constexpr int IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19, IPV6_MTU = 24,
              IPV6_V6ONLY = 26, IPV6_RECVPKTINFO = 49, IPV6_TCLASS = 67;

Result<void> inet6_create(socket* sock, int protocol, bool) { return inet_create_common(sock, protocol, AF_INET6); }

} // namespace

const net_proto_family inet6_family_ops = {AF_INET6, inet6_create};

Result<void> ipv6_setsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int optlen)
{
    if (level == SOL_IP)
        return ip_setsockopt(inet, level, optname, optval, optlen);
    if (level != SOL_IPV6)
        return Errno::ENOPROTOOPT;
    switch (optname) {
    case IPV6_V6ONLY:
    case IPV6_UNICAST_HOPS:
    case IPV6_MULTICAST_HOPS:
    case IPV6_MULTICAST_LOOP:
    case IPV6_RECVPKTINFO:
    case IPV6_TCLASS:
        break;
    default:
        return Errno::ENOPROTOOPT;
    }
    int val = TRY(sockopt_get_int(optval, optlen));
    switch (optname) {
    case IPV6_V6ONLY:
        if (inet->num)
            return Errno::EINVAL;
        inet->ipv6only = val != 0;
        return {};
    case IPV6_UNICAST_HOPS:
        if (val > 255 || val < -1)
            return Errno::EINVAL;
        inet->v6_hoplimit = val;
        return {};
    case IPV6_MULTICAST_HOPS:
        if (inet->sk.sk_type == SOCK_STREAM)
            return Errno::ENOPROTOOPT;
        if (val > 255 || val < -1)
            return Errno::EINVAL;
        inet->v6_mc_hops = val == -1 ? 1 : val;
        return {};
    case IPV6_MULTICAST_LOOP:
        if (val != 0 && val != 1)
            return Errno::EINVAL;
        inet->v6_mc_loop = val;
        return {};
    case IPV6_RECVPKTINFO:
        inet->v6_recvpktinfo = val != 0;
        return {};
    case IPV6_TCLASS:
        if (val < -1 || val > 0xff)
            return Errno::EINVAL;
        inet->tclass = val == -1 ? 0 : val;
        return {};
    }
    return Errno::ENOPROTOOPT;
}

Result<int> ipv6_getsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int len)
{
    if (level == SOL_IP)
        return ip_getsockopt(inet, level, optname, optval, len);
    if (level != SOL_IPV6)
        return Errno::ENOPROTOOPT;
    int val;
    switch (optname) {
    case IPV6_V6ONLY: val = inet->ipv6only; break;
    case IPV6_UNICAST_HOPS: val = inet->v6_hoplimit < 0 ? IP_DEFAULT_TTL : inet->v6_hoplimit; break;
    case IPV6_MULTICAST_HOPS: val = inet->v6_mc_hops; break;
    case IPV6_MULTICAST_LOOP: val = inet->v6_mc_loop; break;
    case IPV6_RECVPKTINFO: val = inet->v6_recvpktinfo; break;
    case IPV6_TCLASS: val = inet->tclass; break;
    case IPV6_MTU:
        if (!inet->dport)
            return Errno::ENOTCONN;
        val = LOOPBACK_MTU;
        break;
    default: return Errno::ENOPROTOOPT;
    }
    if (len < 0)
        return Errno::EINVAL;
    if (len < static_cast<int>(sizeof(int)))
        return Errno::EINVAL;
    return sockopt_put_int(val, optval, len);
}

namespace {

Result<void> sock_no_listen(socket*, int) { return Errno::EOPNOTSUPP; }
Result<void> sock_no_accept(socket*, socket*, unsigned) { return Errno::EOPNOTSUPP; }

} // namespace

const proto_ops inet6_stream_ops = {
    .family = AF_INET6,
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

const proto_ops inet6_dgram_ops = {
    .family = AF_INET6,
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
