/*
 * Addresses, routes and the port tables of AF_INET and AF_INET6 (Linux's
 * net/ipv4/inet_hashtables.c, inet_connection_sock.c, udp.c's port lookup
 * and the routing answer for a host that has only `lo`).
 *
 * Each transport has one table of bound socks by local port (proto.hash,
 * intrusive chains over static heads): both families share it, as Linux's
 * hashinfo is shared, so an AF_INET6 socket on :: and an AF_INET one on
 * 0.0.0.0 contend for the port. A bind conflicts with a sock on the same
 * port whose address overlaps (inet_rcv_saddr_equal's rules, wildcards and
 * IPV6_V6ONLY included) unless both have SO_REUSEADDR and, for TCP, the
 * other is not listening. A packet finds its sock in the chain of its
 * destination port: a connected one matching all four, else one bound to
 * the address, else to the wildcard.
 *
 * Routes: 127.0.0.0/8 and ::1 are local (lo); 0.0.0.0 and :: as a
 * destination mean the local host; anything else is ENETUNREACH.
 *
 * Locking: the big kernel lock protects the tables (include/net/inet_sock.h).
 */
#include <linux/random.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>

namespace {

/* ipv6_addr_type's classes, the ones that matter here. */
enum addr_type { ADDR_ANY, ADDR_MAPPED, ADDR_OTHER };

addr_type type_of(const inet_sock* s)
{
    if (s->sk.sk_family == AF_INET)
        return ADDR_MAPPED;
    if (ipv6_addr_any(s->rcv_saddr))
        return ADDR_ANY;
    return ipv6_addr_v4mapped(s->rcv_saddr) ? ADDR_MAPPED : ADDR_OTHER;
}

/* The IPv4 address a sock is bound to as IPv4 sees it (Linux's sk_rcv_saddr):
 * an AF_INET6 sock bound to a real IPv6 address shows 127.0.0.6 there. */
u32 rcv_saddr4(const inet_sock* s)
{
    if (s->sk.sk_family == AF_INET || ipv6_addr_v4mapped(s->rcv_saddr))
        return v4_of(s->rcv_saddr);
    return ipv6_addr_any(s->rcv_saddr) ? 0 : htonl(0x7f000006);
}

bool ipv4_rcv_saddr_equal(u32 a, u32 b, bool b_ipv6only)
{
    if (b_ipv6only)
        return false;
    return a == b || !a || !b;
}

/* Linux's inet_rcv_saddr_equal(sk, sk2, match_wildcard = true). */
bool inet_rcv_saddr_equal(const inet_sock* a, const inet_sock* b)
{
    if (a->sk.sk_family == AF_INET)
        return ipv4_rcv_saddr_equal(rcv_saddr4(a), rcv_saddr4(b), b->ipv6only);
    addr_type ta = type_of(a), tb = type_of(b);
    if (ta == ADDR_MAPPED && tb == ADDR_MAPPED)
        return ipv4_rcv_saddr_equal(rcv_saddr4(a), rcv_saddr4(b), b->ipv6only);
    if (tb == ADDR_ANY && !(b->ipv6only && ta == ADDR_MAPPED))
        return true;
    if (ta == ADDR_ANY && !(a->ipv6only && tb == ADDR_MAPPED))
        return true;
    return b->sk.sk_family == AF_INET6 && ipv6_addr_equal(a->rcv_saddr, b->rcv_saddr);
}

bool bind_conflict(const inet_sock* inet, u16 port)
{
    bool tcp = inet->prot == &tcp_prot;
    hlist_for_each_safe(pos, inet->prot->hash->bucket(port)) {
        inet_sock* other = hlist_entry(pos, inet_sock, bind_node);
        if (other == inet || other->num != port)
            continue;
        bool reuse = sock_flag(&inet->sk, SK_REUSE) && sock_flag(&other->sk, SK_REUSE);
        if (reuse && (!tcp || other->sk.sk_state != TCP_LISTEN))
            continue;
        if (inet_rcv_saddr_equal(inet, other))
            return true;
    }
    return false;
}

void hash_port(inet_sock* inet, u16 port)
{
    inet->num = inet->sport = port;
    inet->prot->hash->add(&inet->bind_node, port);
}

} // namespace

bool ipv6_addr_equal(const in6_addr& a, const in6_addr& b) { return !memcmp(a.s6_addr, b.s6_addr, 16); }

bool ipv6_addr_any(const in6_addr& a)
{
    static const in6_addr any{};
    return ipv6_addr_equal(a, any);
}

bool ipv6_addr_v4mapped(const in6_addr& a)
{
    static const u8 prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return !memcmp(a.s6_addr, prefix, 12);
}

bool ipv6_addr_loopback(const in6_addr& a)
{
    in6_addr lo{};
    lo.s6_addr[15] = 1;
    return ipv6_addr_equal(a, lo);
}

in6_addr ipv6_addr_set_v4mapped(u32 addr_be)
{
    in6_addr a{};
    a.s6_addr[10] = a.s6_addr[11] = 0xff;
    memcpy(&a.s6_addr[12], &addr_be, 4);
    return a;
}

bool inet_addr_local(const in6_addr& addr)
{
    if (ipv6_addr_v4mapped(addr)) {
        u32 v = ntohl(v4_of(addr));
        return v == 0 || (v >> 24) == 127;
    }
    return ipv6_addr_any(addr) || ipv6_addr_loopback(addr);
}

Result<void> ip_route_output(const in6_addr& daddr, int dfamily, in6_addr& saddr_out)
{
    if (!(loopback_dev.flags & IFF_UP))
        return Errno::ENETUNREACH;
    if (dfamily == AF_INET) {
        u32 v = ntohl(v4_of(daddr));
        if (v != 0 && (v >> 24) != 127)
            return Errno::ENETUNREACH;
        saddr_out = ipv6_addr_set_v4mapped(loopback_dev.ipv4_addr);
        return {};
    }
    if (!ipv6_addr_any(daddr) && !ipv6_addr_loopback(daddr))
        return Errno::ENETUNREACH;
    saddr_out = in6_addr{};
    memcpy(saddr_out.s6_addr, loopback_dev.ipv6_addr, 16);
    return {};
}

Result<void> inet_bind_sk(inet_sock* inet, const in6_addr& addr, u16 port)
{
    if (inet->sk.sk_state != TCP_CLOSE || inet->num)
        return Errno::EINVAL;
    in6_addr saved = inet->rcv_saddr;
    inet->rcv_saddr = addr;
    if (port) {
        if (bind_conflict(inet, port)) {
            inet->rcv_saddr = saved;
            return Errno::EADDRINUSE;
        }
        hash_port(inet, port);
        inet->port_locked = true;
    } else if (auto r = inet_autobind(inet); !r.ok()) {
        inet->rcv_saddr = saved;
        return Errno::EADDRINUSE;
    }
    inet->addr_locked = !(inet->sk.sk_family == AF_INET ? v4_of(addr) == 0 : ipv6_addr_any(addr));
    inet->saddr = addr;
    inet->daddr = in6_addr{};
    inet->dport = 0;
    return {};
}

Result<void> inet_autobind(inet_sock* inet)
{
    if (inet->num)
        return {};
    /* An ephemeral port is one nobody has bound, from a random start. */
    constexpr unsigned range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    unsigned offset = static_cast<unsigned>(get_random_u64() % range);
    for (unsigned i = 0; i < range; i++) {
        u16 port = static_cast<u16>(EPHEMERAL_LOW + (offset + i) % range);
        bool taken = false;
        hlist_for_each_safe(pos, inet->prot->hash->bucket(port)) {
            if (hlist_entry(pos, inet_sock, bind_node)->num == port)
                taken = true;
        }
        if (!taken) {
            hash_port(inet, port);
            return {};
        }
    }
    return Errno::EAGAIN;
}

/* Checks the bound port again for a listener (Linux's inet_csk_listen_start's get_port). */
Result<void> inet_listen_port_check(inet_sock* inet)
{
    if (!inet->num)
        return inet_autobind(inet);
    return bind_conflict(inet, inet->num) ? Result<void>(Errno::EADDRINUSE) : Result<void>();
}

void inet_unhash(inet_sock* inet)
{
    if (!inet->num)
        return;
    hash_table::del(&inet->bind_node);
    inet->num = 0;
    inet->port_locked = false;
}

bool inet_rcv_addr_match(const inet_sock* inet, const in6_addr& daddr, int pkt_family)
{
    if (inet->sk.sk_family == AF_INET) {
        if (pkt_family != AF_INET)
            return false;
        u32 a = v4_of(inet->rcv_saddr);
        return !a || a == v4_of(daddr);
    }
    if (pkt_family == AF_INET && inet->ipv6only)
        return false;
    return ipv6_addr_any(inet->rcv_saddr) || ipv6_addr_equal(inet->rcv_saddr, daddr);
}

inet_sock* inet_lookup(proto* prot, const sk_buff* skb, bool listeners)
{
    inet_sock* best = nullptr;
    int best_score = 0;
    hlist_for_each_safe(pos, prot->hash->bucket(skb->dport)) {
        inet_sock* s = hlist_entry(pos, inet_sock, bind_node);
        if (s->num != skb->dport || !inet_rcv_addr_match(s, skb->daddr, skb->family))
            continue;
        if (prot == &tcp_prot && s->sk.sk_state == TCP_CLOSE)
            continue;
        int score;
        if (s->dport) {
            if (s->dport != skb->sport || !ipv6_addr_equal(s->daddr, skb->saddr))
                continue;
            score = 8; /* connected: all four match */
        } else {
            if (prot == &tcp_prot && (!listeners || s->sk.sk_state != TCP_LISTEN))
                continue;
            bool wild = s->sk.sk_family == AF_INET ? !v4_of(s->rcv_saddr) : ipv6_addr_any(s->rcv_saddr);
            score = wild ? 2 : 4;
        }
        if (s->sk.sk_family == skb->family)
            score++;
        if (score > best_score) {
            best = s;
            best_score = score;
        }
    }
    return best;
}
