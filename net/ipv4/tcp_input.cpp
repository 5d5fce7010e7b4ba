/*
 * TCP's connection states (Linux's net/ipv4/tcp_input.c, tcp_output.c,
 * tcp_ipv4.c, tcp.c's close): segments carry SYN, ACK, FIN and RST flags
 * and data through the IP layer; tcp_rcv finds the sock they are for.
 *
 * The loopback never loses, reorders or delays a segment, so this TCP has
 * no sequence numbers, retransmission or timers: a SYN to a listener makes
 * the server-side sock established at once and queues it for accept(),
 * answering SYN|ACK; a SYN to a port nobody listens on is answered RST
 * (ECONNREFUSED). A FIN moves both sides through FIN_WAIT1/2, CLOSE_WAIT
 * and LAST_ACK as on Linux; TIME_WAIT is not kept (a closed sock leaves at
 * once, and a FIN that finds no sock is acknowledged as TIME_WAIT would).
 * A close with unread data, SO_LINGER of 0, or a listener's close of its
 * unaccepted connections sends RST: the peer gets ECONNRESET (EPIPE in
 * CLOSE_WAIT), as tcp_reset gives. Flow control is the sender's: its bytes
 * in flight, charged to it until read, may reach its SO_SNDBUF plus the
 * peer's SO_RCVBUF as the handshake advertised it.
 *
 * The big kernel lock protects every sock and queue (include/net/inet_sock.h).
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <net/inet_sock.h>

namespace {

hlist_head tcp_bhash_heads[256];
hash_table tcp_bhash{tcp_bhash_heads, 8};

/* A segment from addresses and ports (a reply swaps them), no data. */
sk_buff* tcp_make_ctl(int family, const in6_addr& saddr, u16 sport, const in6_addr& daddr, u16 dport, u8 flags)
{
    sk_buff* skb = alloc_skb(0);
    if (!skb)
        return nullptr;
    skb->family = family;
    skb->protocol = IPPROTO_TCP;
    skb->saddr = saddr;
    skb->daddr = daddr;
    skb->sport = sport;
    skb->dport = dport;
    skb->tcp_flags = flags;
    return skb;
}

int pkt_family(const inet_sock* inet) { return ipv6_addr_v4mapped(inet->daddr) ? AF_INET : AF_INET6; }

/* Linux's tcp_reset: the error the state gives, then done. */
void tcp_reset(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    switch (sk->sk_state) {
    case TCP_SYN_SENT: sk->sk_err = static_cast<int>(Errno::ECONNREFUSED); break;
    case TCP_CLOSE_WAIT: sk->sk_err = static_cast<int>(Errno::EPIPE); break;
    case TCP_CLOSE: return;
    default: sk->sk_err = static_cast<int>(Errno::ECONNRESET); break;
    }
    tcp_done(inet);
}

void tcp_fin(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    sk->sk_shutdown |= RCV_SHUTDOWN;
    inet->done = true;
    switch (sk->sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED: tcp_set_state(inet, TCP_CLOSE_WAIT); break;
    case TCP_FIN_WAIT1: tcp_set_state(inet, TCP_CLOSING); break;
    case TCP_FIN_WAIT2:
        tcp_send_ctl(inet, TCPHDR_ACK);
        tcp_done(inet); /* TIME_WAIT is not kept */
        return;
    default: break;
    }
    tcp_send_ctl(inet, TCPHDR_ACK);
    wake_up(&sk->sk_wq);
}

void tcp_ack(inet_sock* inet)
{
    switch (inet->sk.sk_state) {
    case TCP_FIN_WAIT1: tcp_set_state(inet, TCP_FIN_WAIT2); break;
    case TCP_CLOSING:
    case TCP_LAST_ACK: tcp_done(inet); return;
    default: return;
    }
    wake_up(&inet->sk.sk_wq);
}

/* A SYN for a listener: the server side, established, queued for accept. */
void tcp_conn_request(inet_sock* lsk, sk_buff* skb)
{
    inet_sock* child = inet_sk_alloc(nullptr, lsk->sk.sk_family, &tcp_prot);
    if (!child)
        return; /* the client never hears: as a dropped SYN */
    struct sock* sk = &child->sk;
    sk->sk_type = SOCK_STREAM;
    sk->sk_flags = lsk->sk.sk_flags;
    sk->sk_sndbuf = lsk->sk.sk_sndbuf;
    sk->sk_rcvbuf = lsk->sk.sk_rcvbuf;
    sk->sk_rcvlowat = lsk->sk.sk_rcvlowat;
    sk->sk_priority = lsk->sk.sk_priority;
    sk->sk_rcvtimeo = lsk->sk.sk_rcvtimeo;
    sk->sk_sndtimeo = lsk->sk.sk_sndtimeo;
    sk->sk_lingertime = lsk->sk.sk_lingertime;
    child->ipv6only = lsk->ipv6only;
    child->nodelay = lsk->nodelay;
    child->keepidle = lsk->keepidle;
    child->keepintvl = lsk->keepintvl;
    child->keepcnt = lsk->keepcnt;
    child->maxseg = lsk->maxseg;
    child->tos = lsk->tos;
    child->uc_ttl = lsk->uc_ttl;
    child->rcv_saddr = child->saddr = skb->daddr;
    child->daddr = skb->saddr;
    child->dport = skb->sport;
    child->snd_wnd = skb->window;
    child->num = child->sport = lsk->num;
    tcp_prot.hash->add(&child->bind_node, child->num);
    sk->sk_state = TCP_ESTABLISHED;
    child->parent = lsk;
    lsk->accept_queue.add_tail(&child->accept_link);
    lsk->accept_qlen++;
    tcp_send_ctl(child, TCPHDR_SYN | TCPHDR_ACK);
    wake_up(&lsk->sk.sk_wq);
}

/* Linux's inet_csk_listen_stop: each connection never accepted is reset and freed. */
void tcp_listen_stop(inet_sock* lsk)
{
    while (!lsk->accept_queue.empty()) {
        inet_sock* child = list_entry(lsk->accept_queue.next, inet_sock, accept_link);
        list_head::del(&child->accept_link);
        lsk->accept_qlen--;
        child->parent = nullptr;
        tcp_send_ctl(child, TCPHDR_RST);
        skb_queue_purge(&child->receive_queue);
        child->rcv_queued = 0;
        child->sk.sk_dead = true;
        tcp_done(child);
    }
}

/* A segment no connection takes: RST, except to a RST, and an ACK for a
 * lone FIN (as the TIME_WAIT that is not kept would answer it). */
void tcp_reply_orphan(const sk_buff* skb)
{
    if (skb->tcp_flags & TCPHDR_RST)
        return;
    u8 reply = (skb->tcp_flags & TCPHDR_FIN) && !skb->len ? TCPHDR_ACK : TCPHDR_RST;
    if (sk_buff* r = tcp_make_ctl(skb->family, skb->daddr, skb->dport, skb->saddr, skb->sport, reply))
        (void)ip_local_out(r);
}

void tcp_v_rcv(sk_buff* skb)
{
    inet_sock* inet = inet_lookup(&tcp_prot, skb, true);
    if (!inet) {
        tcp_reply_orphan(skb);
        kfree_skb(skb);
        return;
    }
    struct sock* sk = &inet->sk;
    u8 flags = skb->tcp_flags;
    if (sk->sk_state == TCP_LISTEN) {
        if ((flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN)
            tcp_conn_request(inet, skb);
        else
            tcp_reply_orphan(skb); /* a segment of a connection this listener does not have */
        kfree_skb(skb);
        return;
    }
    if (flags & TCPHDR_RST) {
        tcp_reset(inet);
        kfree_skb(skb);
        return;
    }
    if (sk->sk_state == TCP_SYN_SENT) {
        if ((flags & (TCPHDR_SYN | TCPHDR_ACK)) == (TCPHDR_SYN | TCPHDR_ACK)) {
            inet->snd_wnd = skb->window;
            tcp_set_state(inet, TCP_ESTABLISHED);
            wake_up(&sk->sk_wq);
        }
        kfree_skb(skb);
        return;
    }
    if (skb->len) {
        if (sk->sk_shutdown & RCV_SHUTDOWN && inet->done) {
            kfree_skb(skb); /* data after a FIN: nobody reads it */
            return;
        }
        inet->rcv_queued += skb->len;
        inet->rcv_nxt += skb->len;
        inet->receive_queue.add_tail(&skb->list);
        wake_up(&sk->sk_wq);
        skb = nullptr;
    }
    if (flags & TCPHDR_ACK)
        tcp_ack(inet);
    if (flags & TCPHDR_FIN)
        tcp_fin(inet);
    if (skb)
        kfree_skb(skb);
}

Result<void> tcp_v_connect(inet_sock* inet, const in6_addr& daddr_in, int dfamily, u16 dport, unsigned)
{
    in6_addr src;
    TRY(ip_route_output(daddr_in, dfamily, src));
    in6_addr daddr = daddr_in;
    if (dfamily == AF_INET && !v4_of(daddr))
        daddr = src; /* 0.0.0.0: this host */
    bool any = inet->sk.sk_family == AF_INET ? !v4_of(inet->rcv_saddr) : ipv6_addr_any(inet->rcv_saddr);
    in6_addr saved = inet->rcv_saddr;
    if (any)
        inet->rcv_saddr = src;
    inet->saddr = inet->rcv_saddr;
    if (!inet->num && !inet_autobind(inet).ok()) {
        inet->rcv_saddr = inet->saddr = saved;
        return Errno::EADDRNOTAVAIL;
    }
    inet->daddr = daddr;
    inet->dport = dport;
    tcp_set_state(inet, TCP_SYN_SENT);
    tcp_send_ctl(inet, TCPHDR_SYN);
    return {};
}

/* Linux's tcp_disconnect: back to CLOSE, a RST if a peer may hear it. */
Result<void> tcp_v_disconnect(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    int old = sk->sk_state;
    /* The reset goes out while the sock still has its port and peer. */
    if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT || old == TCP_FIN_WAIT1 || old == TCP_FIN_WAIT2 ||
        old == TCP_SYN_RECV)
        tcp_send_ctl(inet, TCPHDR_RST);
    else if (old == TCP_SYN_SENT)
        sk->sk_err = static_cast<int>(Errno::ECONNRESET);
    if (old != TCP_CLOSE)
        tcp_set_state(inet, TCP_CLOSE);
    if (old == TCP_LISTEN)
        tcp_listen_stop(inet);
    skb_queue_purge(&inet->receive_queue);
    inet->rcv_queued = 0;
    inet->done = false;
    sk->sk_shutdown = 0;
    inet->daddr = in6_addr{};
    inet->dport = 0;
    if (!inet->addr_locked)
        inet->rcv_saddr = inet->saddr = sk->sk_family == AF_INET ? ipv6_addr_set_v4mapped(0) : in6_addr{};
    if (!inet->port_locked)
        inet_unhash(inet);
    wake_up(&sk->sk_wq);
    return {};
}

/* Linux's tcp_close_state: the state a close moves to; whether a FIN goes out. */
bool tcp_close_state(inet_sock* inet)
{
    switch (inet->sk.sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED: tcp_set_state(inet, TCP_FIN_WAIT1); return true;
    case TCP_CLOSE_WAIT: tcp_set_state(inet, TCP_LAST_ACK); return true;
    case TCP_SYN_SENT:
    case TCP_LISTEN: tcp_set_state(inet, TCP_CLOSE); return false;
    default: return false;
    }
}

void tcp_v_close(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (sk->sk_state == TCP_LISTEN) {
        tcp_set_state(inet, TCP_CLOSE);
        tcp_listen_stop(inet);
    } else {
        bool unread = !inet->receive_queue.empty();
        skb_queue_purge(&inet->receive_queue);
        inet->rcv_queued = 0;
        if (sk->sk_state == TCP_CLOSE) {
            /* nothing to tell anyone */
        } else if (unread || (sock_flag(sk, SK_LINGER) && !sk->sk_lingertime)) {
            (void)tcp_v_disconnect(inet);
        } else if (tcp_close_state(inet)) {
            tcp_send_ctl(inet, TCPHDR_FIN);
        }
    }
    /* Orphaned: whatever state the exchange left it in, it leaves now. */
    sk->sk_dead = true;
    sk->sk_socket = nullptr;
    if (sk->sk_state != TCP_CLOSE)
        tcp_set_state(inet, TCP_CLOSE);
    inet_unhash(inet);
    wake_up(&sk->sk_wq);
    sock_put(sk);
}

} // namespace

proto tcp_prot = {
    .name = "TCP",
    .protocol = IPPROTO_TCP,
    .hash = &tcp_bhash,
    .connect = tcp_v_connect,
    .disconnect = tcp_v_disconnect,
    .close = tcp_v_close,
    .rcv = tcp_v_rcv,
};

void tcp_set_state(inet_sock* inet, int state)
{
    inet->sk.sk_state = state;
    if (state == TCP_CLOSE && !inet->port_locked)
        inet_unhash(inet); /* an ephemeral port, or a child's share of its listener's, goes back */
}

void tcp_done(inet_sock* inet)
{
    struct sock* sk = &inet->sk;
    tcp_set_state(inet, TCP_CLOSE);
    sk->sk_shutdown = SHUTDOWN_MASK;
    wake_up(&sk->sk_wq);
    if (sk->sk_dead && !inet->parent && sk->sk_socket == nullptr && !inet->num) {
        /* An orphan (a listener's child it dropped) is freed here. */
        sock_put(sk);
    }
}

void tcp_shutdown(inet_sock* inet, int how)
{
    if (!(how & SEND_SHUTDOWN))
        return;
    int st = inet->sk.sk_state;
    if ((st == TCP_ESTABLISHED || st == TCP_SYN_SENT || st == TCP_SYN_RECV || st == TCP_CLOSE_WAIT) &&
        tcp_close_state(inet))
        tcp_send_ctl(inet, TCPHDR_FIN);
}

void tcp_send_ctl(inet_sock* inet, u8 flags)
{
    sk_buff* skb = tcp_make_ctl(pkt_family(inet), inet->rcv_saddr, inet->num, inet->daddr, inet->dport, flags);
    if (!skb)
        return;
    skb->window = static_cast<u32>(inet->sk.sk_rcvbuf);
    (void)ip_local_out(skb);
}
