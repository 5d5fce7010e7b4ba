/*
 * The IP layer between the transports and the device (Linux's
 * net/ipv4/ip_output.c, ip_input.c, ip_sockglue.c): ip_local_out hands a
 * packet to the device its route names (lo), ip_rcv hands a received one to
 * its transport; and the SOL_IP options of TCP and UDP sockets, which
 * AF_INET6 sockets take too (Linux's ipv6_setsockopt passes SOL_IP on).
 *
 * Options (an int, or one byte when optlen is shorter, as Linux reads
 * them): IP_TOS (the ECN bits kept for TCP), IP_TTL (1..255, -1 for the
 * default 64), IP_RECVERR, IP_PKTINFO, IP_MULTICAST_TTL, IP_MULTICAST_LOOP,
 * IP_MTU (connected only: the route's 65536); others ENOPROTOOPT, as is any
 * level but SOL_IP. The big kernel lock protects the sock (include/net/inet_sock.h).
 */
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>

namespace {

constexpr int IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_OPTIONS = 4, IP_PKTINFO = 8, IP_RECVERR = 11,
              IP_MTU = 14, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34;

/* Linux's ip_setsockopt reads an int, or a byte when optlen is shorter. */
Result<int> get_int_or_char(unsigned long optval, int optlen)
{
    if (optlen >= static_cast<int>(sizeof(int)))
        return get_user(user_in_ptr<const int>(optval));
    if (optlen >= 1)
        return static_cast<int>(TRY(get_user(user_in_ptr<const u8>(optval))));
    return 0;
}

} // namespace

Result<int> sockopt_get_int(unsigned long optval, int optlen)
{
    if (optlen < static_cast<int>(sizeof(int)))
        return Errno::EINVAL;
    return get_user(user_in_ptr<const int>(optval));
}

Result<int> sockopt_put_int(int val, unsigned long optval, int len)
{
    len = min(len, static_cast<int>(sizeof(int)));
    if (len < 0)
        return Errno::EINVAL;
    if (len)
        TRY(copy_to_user(user_out_ptr<u8>(optval), reinterpret_cast<const u8*>(&val), static_cast<size_t>(len)));
    return len;
}

Result<void> ip_local_out(sk_buff* skb)
{
    dev_queue_xmit(skb, &loopback_dev);
    return {};
}

void ip_rcv(sk_buff* skb)
{
    switch (skb->protocol) {
    case IPPROTO_TCP: tcp_prot.rcv(skb); return;
    case IPPROTO_UDP: udp_prot.rcv(skb); return;
    default: kfree_skb(skb); return;
    }
}

Result<void> ip_setsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int optlen)
{
    if (level != SOL_IP)
        return Errno::ENOPROTOOPT;
    switch (optname) {
    case IP_TOS:
    case IP_TTL:
    case IP_RECVERR:
    case IP_PKTINFO:
    case IP_MULTICAST_TTL:
    case IP_MULTICAST_LOOP:
        break;
    case IP_HDRINCL:
        return Errno::ENOPROTOOPT; /* raw sockets only */
    default:
        return Errno::ENOPROTOOPT;
    }
    int val = TRY(get_int_or_char(optval, optlen));
    switch (optname) {
    case IP_TOS:
        if (inet->sk.sk_type == SOCK_STREAM)
            val = (val & ~3) | (inet->tos & 3);
        inet->tos = static_cast<u8>(val);
        return {};
    case IP_TTL:
        if (optlen < 1)
            return Errno::EINVAL;
        if (val != -1 && (val < 1 || val > 255))
            return Errno::EINVAL;
        inet->uc_ttl = val;
        return {};
    case IP_RECVERR:
        inet->recverr = val != 0;
        return {};
    case IP_PKTINFO:
        inet->pktinfo = val != 0;
        return {};
    case IP_MULTICAST_TTL:
        if (inet->sk.sk_type == SOCK_STREAM)
            return Errno::EINVAL;
        if (optlen < 1)
            return Errno::EINVAL;
        if (val == -1)
            val = 1;
        if (val < 0 || val > 255)
            return Errno::EINVAL;
        inet->mc_ttl = val;
        return {};
    case IP_MULTICAST_LOOP:
        if (optlen < 1)
            return Errno::EINVAL;
        inet->mc_loop = val != 0;
        return {};
    }
    return Errno::ENOPROTOOPT;
}

Result<int> ip_getsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int len)
{
    if (level != SOL_IP)
        return Errno::EOPNOTSUPP;
    int val;
    switch (optname) {
    case IP_TOS: val = inet->tos; break;
    case IP_TTL: val = inet->uc_ttl < 0 ? IP_DEFAULT_TTL : inet->uc_ttl; break;
    case IP_RECVERR: val = inet->recverr; break;
    case IP_PKTINFO: val = inet->pktinfo; break;
    case IP_MULTICAST_TTL: val = inet->mc_ttl; break;
    case IP_MULTICAST_LOOP: val = inet->mc_loop; break;
    case IP_MTU:
        if (!inet->dport)
            return Errno::ENOTCONN;
        val = LOOPBACK_MTU;
        break;
    case IP_OPTIONS: {
        /* No options are ever set: nothing to give back. */
        return 0;
    }
    default: return Errno::ENOPROTOOPT;
    }
    /* Linux gives one byte when asked for less than an int and it fits. */
    if (len < static_cast<int>(sizeof(int)) && len > 0 && val >= 0 && val <= 255) {
        u8 c = static_cast<u8>(val);
        TRY(put_user(c, user_out_ptr<u8>(optval)));
        return 1;
    }
    return sockopt_put_int(val, optval, len);
}
