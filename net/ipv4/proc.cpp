/*
 * /proc/net/tcp, tcp6, udp, udp6 and dev (Linux's net/ipv4/tcp_ipv4.c,
 * net/ipv6/tcp_ipv6.c, net/ipv4/udp.c, net/ipv6/datagram.c, net/core/
 * net-procfs.c), in Linux's layouts: addresses as the raw network-order
 * words in hex, ports in host order. TCP lists listeners, then connections
 * (a socket only bound is not listed); UDP every bound socket. The timer,
 * retransmit and congestion columns are what an idle loopback connection
 * shows; the kernel pointer column is zeroes (kptr_restrict hides it).
 * The big kernel lock protects the tables read here (include/net/inet_sock.h).
 */
#include <linux/fs.h>
#include <net/inet_sock.h>
#include <net/netdevice.h>
#include "../../fs/proc/internal.h"

namespace {

unsigned long sock_i_ino(const inet_sock* inet)
{
    socket* s = inet->sk.sk_socket;
    return s && s->file && s->file->f_inode ? s->file->f_inode->i_ino : 0;
}

unsigned sock_i_uid(const inet_sock* inet)
{
    socket* s = inet->sk.sk_socket;
    return s && s->file && s->file->f_inode ? s->file->f_inode->i_uid : 0;
}

void put_addr(procfs::seqbuf& m, const in6_addr& a, bool v6)
{
    if (!v6) {
        m.printf("%08X", v4_of(a));
        return;
    }
    for (int i = 0; i < 4; i++) {
        u32 w;
        __builtin_memcpy(&w, &a.s6_addr[4 * i], 4);
        m.printf("%08X", w);
    }
}

/* Every sock of the table in the family: listeners first for TCP. */
template <typename Fn> void for_each_sock(proto* prot, int family, bool listeners, Fn fn)
{
    hash_table* h = prot->hash;
    for (size_t b = 0; b < h->size(); b++) {
        hlist_for_each_safe(pos, &h->heads[b]) {
            inet_sock* s = hlist_entry(pos, inet_sock, bind_node);
            if (s->sk.sk_family != family)
                continue;
            if (prot == &tcp_prot) {
                bool l = s->sk.sk_state == TCP_LISTEN;
                if (l != listeners || (!l && (s->sk.sk_state == TCP_CLOSE)))
                    continue;
            }
            fn(s, b);
        }
    }
}

Result<void> show_tcp_family(procfs::seqbuf& m, int family)
{
    bool v6 = family == AF_INET6;
    if (!v6) {
        size_t start = m.len;
        m.puts("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
        m.pad_line(start, 149);
        m.putc('\n');
    } else {
        m.puts("  sl  local_address                         remote_address                        st tx_queue "
               "rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
    }
    int i = 0;
    for (int pass = 0; pass < 2; pass++) {
        for_each_sock(&tcp_prot, family, pass == 0, [&](inet_sock* s, size_t) {
            size_t start = m.len;
            bool listen = s->sk.sk_state == TCP_LISTEN;
            m.printf("%4d: ", i++);
            put_addr(m, s->rcv_saddr, v6);
            m.printf(":%04X ", s->num);
            put_addr(m, s->daddr, v6);
            m.printf(":%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016lx %lu %lu %u %u %d", s->dport,
                     s->sk.sk_state, 0u, listen ? static_cast<unsigned>(s->accept_qlen) : static_cast<unsigned>(s->rcv_queued),
                     0, 0UL, 0u, sock_i_uid(s), 0, sock_i_ino(s), s->sk.sk_refcnt, 0UL, listen ? 0UL : 20UL,
                     listen ? 0UL : 4UL, listen ? 0u : 1u, 10u, listen ? 0 : -1);
            if (!v6)
                m.pad_line(start, 149);
            m.putc('\n');
        });
    }
    return {};
}

Result<void> show_udp_family(procfs::seqbuf& m, int family)
{
    bool v6 = family == AF_INET6;
    if (!v6) {
        size_t start = m.len;
        m.puts("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
               "inode ref pointer drops");
        m.pad_line(start, 127);
        m.putc('\n');
    } else {
        m.puts("  sl  local_address                         remote_address                        st tx_queue "
               "rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
    }
    for_each_sock(&udp_prot, family, false, [&](inet_sock* s, size_t bucket) {
        size_t start = m.len;
        m.printf("%5d: ", static_cast<int>(bucket));
        put_addr(m, s->rcv_saddr, v6);
        m.printf(":%04X ", s->num);
        put_addr(m, s->daddr, v6);
        int rmem = 0;
        list_for_each(pos, &s->receive_queue)
            rmem += static_cast<int>(list_entry(pos, sk_buff, list)->truesize);
        m.printf(":%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016lx %u", s->dport, s->sk.sk_state,
                 static_cast<unsigned>(s->sk.sk_wmem_alloc), static_cast<unsigned>(rmem), 0, 0UL, 0u, sock_i_uid(s),
                 0, sock_i_ino(s), s->sk.sk_refcnt, 0UL, static_cast<unsigned>(s->rcv_nxt));
        if (!v6)
            m.pad_line(start, 127);
        m.putc('\n');
    });
    return {};
}

} // namespace

namespace procfs {

Result<void> show_net_tcp(seqbuf& m) { return show_tcp_family(m, AF_INET); }
Result<void> show_net_tcp6(seqbuf& m) { return show_tcp_family(m, AF_INET6); }
Result<void> show_net_udp(seqbuf& m) { return show_udp_family(m, AF_INET); }
Result<void> show_net_udp6(seqbuf& m) { return show_udp_family(m, AF_INET6); }

Result<void> show_net_dev(seqbuf& m)
{
    m.puts("Inter-|   Receive                                                |  Transmit\n"
           " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo "
           "colls carrier compressed\n");
    list_for_each(pos, &dev_base_head) {
        net_device* dev = list_entry(pos, net_device, dev_list);
        const net_device_stats& st = dev->stats;
        m.printf("%6s: %7lu %7lu %4lu %4lu %4lu %5lu %10lu %9lu %8lu %7lu %4lu %4lu %4lu %5lu %7lu "
                 "%10lu\n",
                 dev->name, st.rx_bytes, st.rx_packets, st.rx_errors, st.rx_dropped, 0UL, 0UL, 0UL, 0UL,
                 st.tx_bytes, st.tx_packets, st.tx_errors, st.tx_dropped, 0UL, 0UL, 0UL, 0UL);
    }
    return {};
}

} // namespace procfs
