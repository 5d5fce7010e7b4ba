/*
 * AF_INET and AF_INET6 (net/ipv4/, net/ipv6/), shaped as Linux's: a family
 * picks the proto_ops for the type (inet_stream_ops, inet_dgram_ops and the
 * inet6_ ones), which call the transport's `proto` (tcp_prot, udp_prot).
 * The transport sends sk_buffs through the IP layer (ip_local_out: the
 * route, then the device) and receives them from it (ip_rcv demultiplexes
 * by protocol to tcp_rcv and udp_rcv, which look the socket up by port).
 *
 * One inet_sock serves both families: addresses are kept in the IPv6 form,
 * an IPv4 one as ::ffff:a.b.c.d (what an AF_INET6 socket sees of an IPv4
 * peer), so an IPv4 packet can reach an AF_INET6 socket bound to :: as on
 * Linux. Ports are host-ordered here and network-ordered in sockaddrs.
 *
 * Locking: the big kernel lock protects every inet_sock, every skb queue
 * and the port tables (include/linux/net.h); a blocked call drops it while
 * it sleeps, so state is checked again after every wait.
 */
#pragma once
#include <linux/list.h>
#include <net/sock.h>
#include "../../lib/hashtable.h"

constexpr int IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
constexpr int SOL_IP = 0, SOL_TCP = 6, SOL_UDP = 17, SOL_IPV6 = 41;

/* More of Linux's TCP states (include/net/sock.h has the ones AF_UNIX uses). */
enum : int { TCP_SYN_RECV = 3, TCP_FIN_WAIT1 = 4, TCP_FIN_WAIT2 = 5, TCP_TIME_WAIT = 6, TCP_CLOSE_WAIT = 8,
             TCP_LAST_ACK = 9, TCP_CLOSING = 11 };

struct in_addr_k {
    u32 s_addr; /* network order */
};
struct sockaddr_in {
    u16 sin_family;
    u16 sin_port; /* network order */
    in_addr_k sin_addr;
    u8 sin_zero[8];
};
static_assert(sizeof(sockaddr_in) == 16);

struct in6_addr {
    u8 s6_addr[16];
};
struct sockaddr_in6 {
    u16 sin6_family;
    u16 sin6_port;
    u32 sin6_flowinfo;
    in6_addr sin6_addr;
    u32 sin6_scope_id;
};
static_assert(sizeof(sockaddr_in6) == 28);
constexpr int SIN6_LEN_RFC2133 = 24;

static inline u16 htons(u16 v) { return static_cast<u16>((v >> 8) | (v << 8)); }
static inline u16 ntohs(u16 v) { return htons(v); }
static inline u32 htonl(u32 v) { return __builtin_bswap32(v); }
static inline u32 ntohl(u32 v) { return __builtin_bswap32(v); }

constexpr u32 INADDR_ANY = 0, INADDR_LOOPBACK = 0x7f000001, INADDR_BROADCAST = 0xffffffff;

/* ---- addresses in the IPv6 form ---- */

bool ipv6_addr_equal(const in6_addr& a, const in6_addr& b);
bool ipv6_addr_any(const in6_addr& a);      /* :: */
bool ipv6_addr_v4mapped(const in6_addr& a); /* ::ffff:a.b.c.d */
bool ipv6_addr_loopback(const in6_addr& a); /* ::1 */
in6_addr ipv6_addr_set_v4mapped(u32 addr_be);
static inline u32 v4_of(const in6_addr& a)
{
    u32 v;
    __builtin_memcpy(&v, &a.s6_addr[12], 4);
    return v;
}

/* ---- packets ---- */

/* TCP header flags (the ones the loopback TCP uses). */
constexpr u8 TCPHDR_FIN = 1, TCPHDR_SYN = 2, TCPHDR_RST = 4, TCPHDR_ACK = 0x10;

/*
 * A packet (Linux's sk_buff), its headers decoded: the network header's
 * addresses and family, the transport's ports and flags, the payload. While
 * it waits on a receive queue it is charged to the sock that sent it
 * (`owner`, referenced: its sk_wmem_alloc holds truesize), which is what
 * limits a sender to its SO_SNDBUF on the loopback.
 */
struct sk_buff {
    list_head list;     /* on a device backlog or a sock's receive queue */
    sock* owner;        /* the sender, referenced; null once orphaned */
    int family;         /* the network protocol: AF_INET (addresses mapped) or AF_INET6 */
    int protocol;       /* IPPROTO_TCP, IPPROTO_UDP */
    in6_addr saddr, daddr;
    u16 sport, dport;   /* host order */
    u8 tcp_flags;       /* TCPHDR_* */
    u32 window;         /* TCP: the room the sender advertises (its SO_RCVBUF) */
    size_t len;         /* payload bytes */
    size_t consumed;    /* stream receives: bytes already read */
    size_t truesize;    /* what it is charged to owner */
    u8 data[];
};

sk_buff* alloc_skb(size_t len);
/* Charges skb to sk (Linux's skb_set_owner_w). */
void skb_set_owner_w(sk_buff* skb, sock* sk);
/* Uncharges and frees (Linux's kfree_skb): wakes the owner's writers. */
void kfree_skb(sk_buff* skb);
void skb_queue_purge(list_head* q);
/* The header bytes a packet of the family and protocol would carry (counters, /proc/net/dev). */
size_t skb_header_len(const sk_buff* skb);

/* ---- sockets ---- */

struct inet_sock;

/* A transport (Linux's struct proto): what inet_stream_ops / inet_dgram_ops call. */
struct proto {
    const char* name;
    int protocol;
    hash_table* hash; /* bound socks by local port (inet_sock.bind_node) */
    Result<void> (*connect)(inet_sock*, const in6_addr& daddr, int dfamily, u16 dport, unsigned flags);
    Result<void> (*disconnect)(inet_sock*);
    void (*close)(inet_sock*);
    /* A received packet for this transport, its sock not yet looked up. */
    void (*rcv)(sk_buff*);
};
extern proto tcp_prot, udp_prot;

struct inet_sock {
    sock sk;            /* first: a struct sock* is an inet_sock* */
    proto* prot;
    in6_addr rcv_saddr; /* the bound address (:: or ::ffff:0.0.0.0 for any) */
    in6_addr saddr;     /* the source once connected */
    in6_addr daddr;     /* the peer */
    u16 num;            /* the local port; 0: none yet */
    u16 sport;          /* the port getsockname shows: a reset TCP sock keeps it (Linux's inet_sport) */
    u16 dport;          /* the peer's port */
    bool ipv6only;      /* IPV6_V6ONLY (AF_INET6 only) */
    bool port_locked;   /* bind chose the port (Linux's SOCK_BINDPORT_LOCK) */
    bool addr_locked;   /* bind chose the address (SOCK_BINDADDR_LOCK) */
    hlist_node bind_node; /* on prot->hash while num != 0 */
    list_head receive_queue; /* sk_buff */
    size_t rcv_queued;  /* payload bytes on it */
    /* TCP */
    list_head accept_queue;  /* children ready for accept (inet_sock.accept_link) */
    int accept_qlen;
    list_head accept_link;
    inet_sock* parent;       /* the listener while on its accept queue, referenced by it */
    u8 tos, ttl;
    int uc_ttl;              /* IP_TTL: -1 for the default */
    int nodelay, cork, maxseg, keepidle, keepintvl, keepcnt, syncnt, user_timeout, defer_accept,
        linger2, window_clamp, quickack;
    bool recverr, pktinfo, v6_recvpktinfo;
    int mc_loop, mc_ttl, v6_hoplimit, v6_mc_hops, v6_mc_loop, tclass;
    u64 write_seq, rcv_nxt; /* byte counters (as sequence numbers would grow) */
    u32 snd_wnd;            /* the peer's advertised room: in flight may reach SO_SNDBUF plus it */
    bool done;              /* a FIN arrived (Linux's SOCK_DONE) */
};

static inline inet_sock* inet_sk(sock* sk) { return reinterpret_cast<inet_sock*>(sk); }
static inline inet_sock* inet_sk(socket* s) { return inet_sk(s->sk); }

constexpr int IP_DEFAULT_TTL = 64;
constexpr int TCP_MSS_DEFAULT = 536;
constexpr int LOOPBACK_MTU = 65536;
constexpr int EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999; /* net.ipv4.ip_local_port_range */

/* af_inet.cpp: shared by both families. */
Result<void> inet_create_common(socket* sock, int protocol, int family);
inet_sock* inet_sk_alloc(socket* sock, int family, proto* prot);
Result<void> inet_bind_sk(inet_sock* inet, const in6_addr& addr, u16 port);
Result<void> inet_autobind(inet_sock* inet);
/* The bound port checked again for a listener (EADDRINUSE), or one chosen. */
Result<void> inet_listen_port_check(inet_sock* inet);
void inet_unhash(inet_sock* inet);
void inet_release(socket* sock);
Result<void> inet_stream_connect(socket* sock, const sockaddr_storage& a, int len, unsigned flags);
Result<void> inet_dgram_connect(socket* sock, const sockaddr_storage& a, int len, unsigned flags);
Result<void> inet_listen(socket* sock, int backlog);
Result<void> inet_accept(socket* sock, socket* newsock, unsigned flags);
Result<void> inet_shutdown(socket* sock, int how);
Result<long> inet_ioctl(socket* sock, unsigned cmd, unsigned long arg);
/* An address from a sockaddr of the socket's family (EINVAL, EAFNOSUPPORT). */
Result<void> inet_addr_from_user(const inet_sock* inet, const sockaddr_storage& a, int len, bool connect,
                                 in6_addr& addr, u16& port, int& dfamily);
int inet_fill_addr(const inet_sock* inet, sockaddr_storage& out, const in6_addr& addr, u16 port);
/* Is addr one of this host's (lo's)? */
bool inet_addr_local(const in6_addr& addr);
/* The sock a packet to (daddr, dport) from (saddr, sport) goes to: a
 * connected one first, then one bound to daddr, then to any. */
inet_sock* inet_lookup(proto* prot, const sk_buff* skb, bool listeners);
/* Does inet take packets addressed to daddr (of the packet's family)? */
bool inet_rcv_addr_match(const inet_sock* inet, const in6_addr& daddr, int pkt_family);
/* Sends skb from inet (its addresses and ports set): the route, then lo. ENETUNREACH. */
Result<void> ip_local_out(sk_buff* skb);
/* The route for a destination: ENETUNREACH unless local; the source it picks. */
Result<void> ip_route_output(const in6_addr& daddr, int dfamily, in6_addr& saddr_out);
/* A received packet: to the transport (net/ipv4/ip_input.cpp). */
void ip_rcv(sk_buff* skb);
/* IP-level options (SOL_IP, SOL_IPV6) common to TCP and UDP. */
Result<void> ip_setsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int optlen);
Result<int> ip_getsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int len);
/* ipv6_sockglue.cpp: SOL_IPV6 (and SOL_IP passed on) for AF_INET6 sockets. */
Result<void> ipv6_setsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int optlen);
Result<int> ipv6_getsockopt(inet_sock* inet, int level, int optname, unsigned long optval, int len);
/* Options helpers: an int from the user (Linux takes a shorter char for some). */
Result<int> sockopt_get_int(unsigned long optval, int optlen);
Result<int> sockopt_put_int(int val, unsigned long optval, int len);

/* tcp.cpp, tcp_input.cpp */
Result<size_t> tcp_sendmsg(socket* sock, msghdr& msg, size_t len);
Result<size_t> tcp_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags);
unsigned tcp_poll(file* f, socket* sock, poll_table* pt);
void tcp_shutdown(inet_sock* inet, int how);
void tcp_send_ctl(inet_sock* inet, u8 flags);
void tcp_set_state(inet_sock* inet, int state);
void tcp_done(inet_sock* inet);
Result<void> tcp_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen);
Result<int> tcp_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len);

/* udp.cpp */
Result<size_t> udp_sendmsg(socket* sock, msghdr& msg, size_t len);
Result<size_t> udp_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags);
unsigned udp_poll(file* f, socket* sock, poll_table* pt);
Result<void> udp_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen);
Result<int> udp_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len);

/* The families (net/ipv4/af_inet.cpp, net/ipv6/af_inet6.cpp). */
extern const net_proto_family inet_family_ops, inet6_family_ops;
extern const proto_ops inet_stream_ops, inet_dgram_ops, inet6_stream_ops, inet6_dgram_ops;
Result<int> inet_getname(socket* sock, sockaddr_storage& out, bool peer);
Result<void> inet_bind(socket* sock, const sockaddr_storage& a, int len);
Result<void> inet_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen);
Result<int> inet_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len);
