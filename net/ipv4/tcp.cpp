/*
 * TCP's data and options (Linux's net/ipv4/tcp.c): a send cuts the bytes
 * into segments of at most the loopback's MSS and sends them while the
 * bytes in flight stay under SO_SNDBUF plus the peer's advertised room (a
 * writer waits, or EAGAIN); a receive reads across segments (to
 * MSG_WAITALL's count or SO_RCVLOWAT), MSG_PEEK leaves them, MSG_TRUNC
 * drops them unread. The answers follow tcp_sendmsg and tcp_recvmsg: a
 * send before connecting is EPIPE (and SIGPIPE), a receive ENOTCONN; after
 * the peer's FIN a receive is 0; a reset's error comes once.
 *
 * SOL_TCP options kept and given back: TCP_NODELAY, TCP_MAXSEG (88 to
 * 32767; 536 until connected, as Linux's mss_cache), TCP_CORK, TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT, TCP_LINGER2, TCP_QUICKACK,
 * TCP_USER_TIMEOUT; they change nothing on the loopback. Others are
 * ENOPROTOOPT (TCP_INFO among them). MSG_OOB: EOPNOTSUPP on send, EINVAL on
 * receive (no urgent data is ever queued).
 *
 * The big kernel lock protects the sock and its queue (include/net/inet_sock.h).
 */
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <net/inet_sock.h>

namespace {

constexpr int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5,
              TCP_KEEPCNT = 6, TCP_SYNCNT = 7, TCP_LINGER2 = 8, TCP_QUICKACK = 12, TCP_USER_TIMEOUT = 18;
constexpr int TCP_MIN_MSS = 88, MAX_TCP_WINDOW = 32767, MAX_TCP_KEEPIDLE = 32767, MAX_TCP_KEEPINTVL = 32767,
              MAX_TCP_KEEPCNT = 127, MAX_TCP_SYNCNT = 127;
constexpr size_t LOOPBACK_MSS = 65483;
constexpr int TCP_FIN_TIMEOUT = 60, TCP_FIN_TIMEOUT_MAX = 120;

long tcp_wmem_limit(const inet_sock* inet) { return inet->sk.sk_sndbuf + static_cast<long>(inet->snd_wnd); }

bool tcp_memory_free(const inet_sock* inet) { return inet->sk.sk_wmem_alloc < tcp_wmem_limit(inet); }

bool tcp_writeable(const inet_sock* inet)
{
    long wmem = inet->sk.sk_wmem_alloc;
    return tcp_wmem_limit(inet) - wmem >= wmem / 2;
}

/* Linux's sk_stream_wait_connect. */
Result<void> tcp_wait_connect(inet_sock* inet, long& timeo)
{
    struct sock* sk = &inet->sk;
    for (;;) {
        if (int e = sock_error(sk))
            return static_cast<Errno>(e);
        if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
            return Errno::EPIPE;
        TRY(sk_wait_event(sk->sk_wq, timeo, [sk] {
            return sk->sk_err || (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV);
        }));
        if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
            return {};
    }
}

} // namespace

Result<size_t> tcp_sendmsg(socket* sock, msghdr& msg, size_t len)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    unsigned flags = msg.msg_flags;
    if (flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
    size_t copied = 0;
    Errno err = Errno::EPIPE;
    if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE_WAIT) {
        if (auto w = tcp_wait_connect(inet, timeo); !w.ok()) {
            err = w.error();
            goto do_error;
        }
    }
    while (copied < len) {
        if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) {
            err = Errno::EPIPE;
            goto do_error;
        }
        if (!tcp_memory_free(inet)) {
            auto w = sk_wait_event(sk->sk_wq, timeo, [inet, sk] {
                return tcp_memory_free(inet) || sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN);
            });
            if (!w.ok()) {
                err = w.error();
                goto do_error;
            }
            continue;
        }
        size_t room = static_cast<size_t>(tcp_wmem_limit(inet) - sk->sk_wmem_alloc);
        size_t chunk = min(min(len - copied, LOOPBACK_MSS), max(room, static_cast<size_t>(1)));
        sk_buff* skb = alloc_skb(chunk);
        if (!skb) {
            err = Errno::ENOBUFS;
            goto do_error;
        }
        if (msg.msg_iter->copy_from_iter(skb->data, chunk) < chunk) {
            kfree_skb(skb);
            err = Errno::EFAULT;
            goto do_error;
        }
        skb->family = ipv6_addr_v4mapped(inet->daddr) ? AF_INET : AF_INET6;
        skb->protocol = IPPROTO_TCP;
        skb->saddr = inet->rcv_saddr;
        skb->daddr = inet->daddr;
        skb->sport = inet->num;
        skb->dport = inet->dport;
        skb->tcp_flags = TCPHDR_ACK;
        skb->window = static_cast<u32>(sk->sk_rcvbuf);
        skb_set_owner_w(skb, sk);
        inet->write_seq += chunk;
        (void)ip_local_out(skb);
        copied += chunk;
    }
    return copied;

do_error:
    if (copied)
        return copied;
    if (err == Errno::EPIPE) {
        int e = sock_error(sk);
        err = e ? static_cast<Errno>(e) : Errno::EPIPE;
        if (err == Errno::EPIPE && !(flags & MSG_NOSIGNAL))
            send_sig_info(SIGPIPE, nullptr, current, false);
    }
    return err;
}

Result<size_t> tcp_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    if (sk->sk_state == TCP_LISTEN)
        return Errno::ENOTCONN;
    if (flags & MSG_OOB)
        return Errno::EINVAL;
    constexpr unsigned MSG_ERRQUEUE = 0x2000;
    if (flags & MSG_ERRQUEUE)
        return Errno::EAGAIN; /* no error queue is ever filled */
    msg.msg_namelen = 0;
    bool peek = flags & MSG_PEEK;
    size_t target = (flags & MSG_WAITALL) ? len : min(static_cast<size_t>(sk->sk_rcvlowat), len);
    if (!target)
        target = 1;
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    size_t copied = 0;
    Errno err{};
    while (copied < len) {
        /* The first byte not yet taken: past `copied` bytes when peeking. */
        sk_buff* skb = nullptr;
        size_t off = 0, skip = peek ? copied : 0;
        list_for_each(pos, &inet->receive_queue) {
            sk_buff* s = list_entry(pos, sk_buff, list);
            size_t avail = s->len - s->consumed;
            if (skip < avail) {
                skb = s;
                off = s->consumed + skip;
                break;
            }
            skip -= avail;
        }
        if (skb) {
            size_t chunk = min(skb->len - off, len - copied);
            if (!(flags & MSG_TRUNC) && msg.msg_iter->copy_to_iter(skb->data + off, chunk) < chunk) {
                if (!copied)
                    err = Errno::EFAULT;
                break;
            }
            copied += chunk;
            if (!peek) {
                skb->consumed += chunk;
                inet->rcv_queued -= chunk;
                if (skb->consumed == skb->len) {
                    list_head::del(&skb->list);
                    kfree_skb(skb);
                }
            }
            continue;
        }
        if (copied >= target)
            break;
        if (copied) {
            if (!timeo || sk->sk_err || sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN) ||
                signal_pending(current))
                break;
        } else {
            if (inet->done)
                break;
            if (int e = sock_error(sk)) {
                err = static_cast<Errno>(e);
                break;
            }
            if (sk->sk_shutdown & RCV_SHUTDOWN)
                break;
            if (sk->sk_state == TCP_CLOSE) {
                err = Errno::ENOTCONN;
                break;
            }
        }
        size_t want = peek ? copied : 0;
        auto w = sk_wait_event(sk->sk_wq, timeo, [inet, sk, want] {
            return inet->rcv_queued > want || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN) ||
                   sk->sk_state == TCP_CLOSE;
        });
        if (!w.ok()) {
            if (!copied)
                err = w.error();
            break;
        }
    }
    if (copied)
        return copied;
    if (err == Errno{})
        return 0;
    return err;
}

unsigned tcp_poll(file* f, socket* sock, poll_table* pt)
{
    inet_sock* inet = inet_sk(sock);
    struct sock* sk = &inet->sk;
    poll_wait(f, &sk->sk_wq, pt);
    int state = sk->sk_state;
    if (state == TCP_LISTEN)
        return inet->accept_queue.empty() ? 0 : POLLIN | POLLRDNORM;
    unsigned mask = 0;
    if (sk->sk_shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
        mask |= POLLHUP;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
        if (inet->rcv_queued >= static_cast<size_t>(max(sk->sk_rcvlowat, 1)))
            mask |= POLLIN | POLLRDNORM;
        if (!(sk->sk_shutdown & SEND_SHUTDOWN)) {
            if (tcp_writeable(inet))
                mask |= POLLOUT | POLLWRNORM;
        } else {
            mask |= POLLOUT | POLLWRNORM;
        }
    }
    if (sk->sk_err)
        mask |= POLLERR;
    return mask;
}

Result<void> tcp_setsockopt(socket* sock, int level, int optname, unsigned long optval, int optlen)
{
    inet_sock* inet = inet_sk(sock);
    if (level != SOL_TCP)
        return inet->sk.sk_family == AF_INET ? ip_setsockopt(inet, level, optname, optval, optlen)
                                             : ipv6_setsockopt(inet, level, optname, optval, optlen);
    switch (optname) {
    case TCP_NODELAY:
    case TCP_MAXSEG:
    case TCP_CORK:
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
    case TCP_KEEPCNT:
    case TCP_SYNCNT:
    case TCP_LINGER2:
    case TCP_QUICKACK:
    case TCP_USER_TIMEOUT:
        break;
    default:
        return Errno::ENOPROTOOPT;
    }
    int val = TRY(sockopt_get_int(optval, optlen));
    switch (optname) {
    case TCP_NODELAY: inet->nodelay = val != 0; return {};
    case TCP_MAXSEG:
        if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW))
            return Errno::EINVAL;
        inet->maxseg = val ? val : TCP_MSS_DEFAULT;
        return {};
    case TCP_CORK: inet->cork = val != 0; return {};
    case TCP_KEEPIDLE:
        if (val < 1 || val > MAX_TCP_KEEPIDLE)
            return Errno::EINVAL;
        inet->keepidle = val;
        return {};
    case TCP_KEEPINTVL:
        if (val < 1 || val > MAX_TCP_KEEPINTVL)
            return Errno::EINVAL;
        inet->keepintvl = val;
        return {};
    case TCP_KEEPCNT:
        if (val < 1 || val > MAX_TCP_KEEPCNT)
            return Errno::EINVAL;
        inet->keepcnt = val;
        return {};
    case TCP_SYNCNT:
        if (val < 1 || val > MAX_TCP_SYNCNT)
            return Errno::EINVAL;
        inet->syncnt = val;
        return {};
    case TCP_LINGER2:
        inet->linger2 = val < 0 ? -1 : min(val, TCP_FIN_TIMEOUT_MAX); /* 0: the default */
        return {};
    case TCP_QUICKACK: inet->quickack = val != 0; return {};
    case TCP_USER_TIMEOUT:
        if (val < 0)
            return Errno::EINVAL;
        inet->user_timeout = val;
        return {};
    }
    return Errno::ENOPROTOOPT;
}

Result<int> tcp_getsockopt(socket* sock, int level, int optname, unsigned long optval, int len)
{
    inet_sock* inet = inet_sk(sock);
    if (level != SOL_TCP)
        return inet->sk.sk_family == AF_INET ? ip_getsockopt(inet, level, optname, optval, len)
                                             : ipv6_getsockopt(inet, level, optname, optval, len);
    int val;
    switch (optname) {
    case TCP_NODELAY: val = inet->nodelay; break;
    case TCP_MAXSEG: val = inet->maxseg; break;
    case TCP_CORK: val = inet->cork; break;
    case TCP_KEEPIDLE: val = inet->keepidle ? inet->keepidle : 7200; break;
    case TCP_KEEPINTVL: val = inet->keepintvl ? inet->keepintvl : 75; break;
    case TCP_KEEPCNT: val = inet->keepcnt ? inet->keepcnt : 9; break;
    case TCP_SYNCNT: val = inet->syncnt ? inet->syncnt : 6; break;
    case TCP_LINGER2: val = inet->linger2 < 0 ? -1 : inet->linger2 ? inet->linger2 : TCP_FIN_TIMEOUT; break;
    case TCP_QUICKACK: val = inet->quickack; break;
    case TCP_USER_TIMEOUT: val = inet->user_timeout; break;
    default: return Errno::ENOPROTOOPT;
    }
    return sockopt_put_int(val, optval, len);
}
