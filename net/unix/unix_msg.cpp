/*
 * AF_UNIX data (Linux's unix_stream_sendmsg/recvmsg, unix_dgram_*): every
 * send queues messages on the receiver, charged to the sender's SO_SNDBUF
 * until read (a writer waits, or EAGAIN, while its bytes in flight reach
 * it). A stream send is cut into messages of at most half the buffer; a
 * stream receive reads across them (to MSG_WAITALL's full count, or what is
 * there), stopping after one with files, and between writers with different
 * credentials when SO_PASSCRED asks for them. A datagram or seqpacket
 * receive takes one message: MSG_TRUNC in msg_flags when the buffer was
 * short (and its whole length returned when asked with MSG_TRUNC). A
 * datagram socket's queue holds 10 messages from senders it is not connected
 * back to (net.unix.max_dgram_qlen). The big kernel lock protects the queues
 * (include/linux/net.h).
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "af_unix.h"

namespace {

constexpr size_t UNIX_SKB_OVERHEAD = 256; /* what a message costs beyond its bytes */
constexpr size_t UNIX_SKB_MAX = 32768;    /* the largest piece of a stream send */

unix_skb* unix_skb_alloc(unix_sock* from, size_t len)
{
    auto* skb = static_cast<unix_skb*>(kmalloc(sizeof(unix_skb) + len));
    if (!skb)
        return nullptr;
    memset(skb, 0, sizeof(*skb));
    skb->len = len;
    skb->truesize = len + UNIX_SKB_OVERHEAD;
    skb->from = from;
    sock_hold(&from->sk);
    from->sk.sk_wmem_alloc += static_cast<int>(skb->truesize);
    return skb;
}

void unix_queue(unix_sock* other, unix_skb* skb)
{
    other->recvq.add_tail(&skb->list);
    other->qlen++;
    wake_up(&other->sk.sk_wq);
}

void unix_unlink(unix_sock* u, unix_skb* skb)
{
    list_head::del(&skb->list);
    u->qlen--;
    wake_up(&u->sk.sk_wq); /* a sender waiting for room in this queue */
}

/* Waits until the sender may queue more (Linux's sock_alloc_send_pskb wait). */
Result<void> unix_wait_for_wmem(unix_sock* u, long& timeo)
{
    struct sock* sk = &u->sk;
    for (;;) {
        if (int e = sock_error(sk))
            return static_cast<Errno>(e);
        if (sk->sk_shutdown & SEND_SHUTDOWN)
            return Errno::EPIPE;
        if (sk->sk_wmem_alloc < sk->sk_sndbuf)
            return {};
        TRY(sk_wait_event(sk->sk_wq, timeo, [sk] {
            return sk->sk_wmem_alloc < sk->sk_sndbuf || sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN);
        }));
    }
}

void unix_copy_addr(msghdr& msg, const unix_sock* from)
{
    msg.msg_namelen = 0;
    if (from && from->addr_len) {
        memcpy(msg.msg_name, &from->addr, static_cast<size_t>(from->addr_len));
        msg.msg_namelen = from->addr_len;
    }
}

bool same_creds(const ucred& a, const ucred& b) { return a.pid == b.pid && a.uid == b.uid && a.gid == b.gid; }

} // namespace

void unix_skb_free(unix_skb* skb)
{
    if (skb->fp) {
        scm_cookie scm{{}, skb->fp};
        skb->fp = nullptr;
        scm_destroy(scm);
    }
    if (skb->embryo)
        sock_put(&skb->embryo->sk);
    if (unix_sock* from = skb->from) {
        from->sk.sk_wmem_alloc -= static_cast<int>(skb->truesize);
        wake_up(&from->sk.sk_wq); /* room for its writer */
        sock_put(&from->sk);
    }
    kfree(skb);
}

void unix_purge_queue(unix_sock* u)
{
    while (!u->recvq.empty()) {
        unix_skb* skb = list_entry(u->recvq.next, unix_skb, list);
        list_head::del(&skb->list);
        u->qlen--;
        unix_skb_free(skb);
    }
}

Result<size_t> unix_stream_sendmsg(socket* sock, msghdr& msg, size_t len)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    scm_cookie scm;
    TRY(scm_send(sock, msg, scm));
    Errno err;
    size_t sent = 0;
    unix_sock* other = u->peer;
    long timeo = sock_sndtimeo(sk, msg.msg_flags & MSG_DONTWAIT);
    if (msg.msg_flags & MSG_OOB) {
        err = Errno::EOPNOTSUPP;
        goto out_err;
    }
    if (msg.msg_namelen) {
        err = sk->sk_state == TCP_ESTABLISHED ? Errno::EISCONN : Errno::EOPNOTSUPP;
        goto out_err;
    }
    if (!other) {
        err = Errno::ENOTCONN;
        goto out_err;
    }
    if (sk->sk_shutdown & SEND_SHUTDOWN)
        goto pipe_err;
    while (sent < len) {
        size_t size = min(len - sent, min(static_cast<size_t>(max(sk->sk_sndbuf / 2 - 64, 1)), UNIX_SKB_MAX));
        if (auto w = unix_wait_for_wmem(u, timeo); !w.ok()) {
            err = w.error();
            goto out_err;
        }
        unix_skb* skb = unix_skb_alloc(u, size);
        if (!skb) {
            err = Errno::ENOBUFS;
            goto out_err;
        }
        if (msg.msg_iter->copy_from_iter(skb->data, size) < size) {
            unix_skb_free(skb);
            err = Errno::EFAULT;
            goto out_err;
        }
        skb->creds = scm.creds;
        if (scm.fp && !sent) {
            skb->fp = scm_fp_dup(scm.fp);
            if (!skb->fp) {
                unix_skb_free(skb);
                err = Errno::ENOMEM;
                goto out_err;
            }
        }
        if (other->sk.sk_dead || (other->sk.sk_shutdown & RCV_SHUTDOWN)) {
            unix_skb_free(skb);
            goto pipe_err;
        }
        unix_queue(other, skb);
        sent += size;
    }
    scm_destroy(scm);
    return sent;

pipe_err:
    if (!sent && !(msg.msg_flags & MSG_NOSIGNAL))
        send_sig_info(SIGPIPE, nullptr, current, false);
    err = Errno::EPIPE;
out_err:
    scm_destroy(scm);
    if (sent)
        return sent;
    return err;
}

Result<size_t> unix_stream_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    if (sk->sk_state != TCP_ESTABLISHED)
        return Errno::EINVAL;
    if (flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    bool peek = flags & MSG_PEEK;
    size_t target = (flags & MSG_WAITALL) ? len : min(static_cast<size_t>(sk->sk_rcvlowat), len);
    if (!target)
        target = 1;
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    scm_cookie scm{};
    bool check_creds = false, named = false;
    size_t copied = 0;
    Errno err{};
    unix_skb* last = nullptr; /* peeking: the last message looked at */
    do {
        list_head* next = peek && last ? last->list.next : u->recvq.next;
        if (next == &u->recvq) {
            /* A peek never waits for more once it has some: the message it
             * stopped after may be read and freed meanwhile. */
            if (copied >= target || (peek && copied))
                break;
            if (int e = sock_error(sk)) {
                err = static_cast<Errno>(e);
                break;
            }
            if (sk->sk_shutdown & RCV_SHUTDOWN)
                break;
            auto w = sk_wait_event(sk->sk_wq, timeo, [u, sk, peek, last] {
                list_head* n = peek && last ? last->list.next : u->recvq.next;
                return n != &u->recvq || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN);
            });
            if (!w.ok()) {
                err = w.error();
                break;
            }
            continue;
        }
        unix_skb* skb = list_entry(next, unix_skb, list);
        if (check_creds) {
            if (!same_creds(skb->creds, scm.creds))
                break; /* never glue messages of different writers */
        } else if (sock->flags & SOCKF_PASSCRED) {
            scm.creds = skb->creds;
            check_creds = true;
        }
        if (msg.msg_name && !named) {
            unix_copy_addr(msg, skb->from);
            named = true;
        }
        size_t chunk = min(unix_skb_len(skb), len - copied);
        if (msg.msg_iter->copy_to_iter(skb->data + skb->consumed, chunk) < chunk) {
            if (!copied)
                err = Errno::EFAULT;
            break;
        }
        copied += chunk;
        if (!peek) {
            skb->consumed += chunk;
            if (skb->fp) {
                scm.fp = skb->fp;
                skb->fp = nullptr;
            }
            if (unix_skb_len(skb))
                break;
            unix_unlink(u, skb);
            unix_skb_free(skb);
            if (scm.fp)
                break;
        } else {
            if (skb->fp) {
                scm.fp = scm_fp_dup(skb->fp);
                break;
            }
            if (chunk < unix_skb_len(skb))
                break;
            last = skb;
            if (last->list.next == &u->recvq)
                break;
        }
    } while (copied < len);
    scm_recv(sock, msg, scm, flags);
    if (copied)
        return copied;
    if (err == Errno{})
        return 0;
    return err;
}

Result<size_t> unix_dgram_sendmsg(socket* sock, msghdr& msg, size_t len)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    scm_cookie scm;
    TRY(scm_send(sock, msg, scm));
    const sockaddr_un* sunaddr = nullptr;
    unix_sock* other = nullptr;
    unix_skb* skb = nullptr;
    Errno err{};
    long timeo;
    if (msg.msg_flags & MSG_OOB) {
        err = Errno::EOPNOTSUPP;
        goto out;
    }
    if (msg.msg_namelen) {
        if (auto v = unix_validate_addr(*msg.msg_name, msg.msg_namelen); !v.ok()) {
            err = v.error();
            goto out;
        }
        sunaddr = reinterpret_cast<const sockaddr_un*>(msg.msg_name);
    } else {
        other = u->peer;
        if (!other) {
            err = Errno::ENOTCONN;
            goto out;
        }
        sock_hold(&other->sk);
    }
    if (((sock->flags & SOCKF_PASSCRED) ||
         (other && other->sk.sk_socket && (other->sk.sk_socket->flags & SOCKF_PASSCRED))) &&
        !u->addr_len) {
        if (auto a = unix_autobind(u); !a.ok()) {
            err = a.error();
            goto out;
        }
    }
    if (len > static_cast<size_t>(max(sk->sk_sndbuf - 32, 0))) {
        err = Errno::EMSGSIZE;
        goto out;
    }
    timeo = sock_sndtimeo(sk, msg.msg_flags & MSG_DONTWAIT);
    if (auto w = unix_wait_for_wmem(u, timeo); !w.ok()) {
        err = w.error();
        goto out;
    }
    skb = unix_skb_alloc(u, len);
    if (!skb) {
        err = Errno::ENOBUFS;
        goto out;
    }
    if (msg.msg_iter->copy_from_iter(skb->data, len) < len) {
        err = Errno::EFAULT;
        goto out;
    }
    skb->creds = scm.creds;
    skb->fp = scm.fp; /* the message holds the files now */
    scm.fp = nullptr;
    timeo = sock_sndtimeo(sk, msg.msg_flags & MSG_DONTWAIT);
    for (;;) {
        if (!other) {
            if (!sunaddr) {
                err = Errno::ECONNRESET;
                goto out;
            }
            auto o = unix_find_other(*sunaddr, msg.msg_namelen, sock->type);
            if (!o.ok()) {
                err = o.error();
                goto out;
            }
            other = o.value();
        }
        if (other->peer && other->peer != u) {
            err = Errno::EPERM;
            goto out;
        }
        if (other->sk.sk_dead) {
            if (sk->sk_type == SOCK_SEQPACKET) {
                err = Errno::EPIPE;
                goto out;
            }
            bool was_peer = u->peer == other;
            if (was_peer) {
                u->peer = nullptr;
                sk->sk_state = TCP_CLOSE;
                unix_purge_queue(u);
                sock_put(&other->sk); /* the peer reference */
            }
            sock_put(&other->sk);
            other = nullptr;
            if (was_peer) {
                err = Errno::ECONNREFUSED;
                goto out;
            }
            continue;
        }
        if (other->sk.sk_shutdown & RCV_SHUTDOWN) {
            err = Errno::EPIPE;
            goto out;
        }
        if (other != u && other->peer != u && unix_recvq_full(other)) {
            if (!timeo) {
                err = Errno::EAGAIN;
                goto out;
            }
            auto w = sk_wait_event(other->sk.sk_wq, timeo,
                                   [other] { return !unix_recvq_full(other) || other->sk.sk_dead; });
            if (!w.ok() && w.error() != Errno::EAGAIN) {
                err = w.error();
                goto out;
            }
            continue;
        }
        break;
    }
    unix_queue(other, skb);
    sock_put(&other->sk);
    return len;
out:
    if (skb)
        unix_skb_free(skb);
    if (other)
        sock_put(&other->sk);
    scm_destroy(scm);
    return err;
}

Result<size_t> unix_dgram_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags)
{
    unix_sock* u = unix_sk(sock);
    struct sock* sk = &u->sk;
    if (flags & MSG_OOB)
        return Errno::EOPNOTSUPP;
    bool seqpacket = sk->sk_type == SOCK_SEQPACKET;
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    for (;;) {
        if (int e = sock_error(sk))
            return static_cast<Errno>(e);
        if (!u->recvq.empty())
            break;
        if (!timeo)
            return seqpacket && (sk->sk_shutdown & RCV_SHUTDOWN) ? Result<size_t>(0) : Errno::EAGAIN;
        if (sk->sk_shutdown & RCV_SHUTDOWN)
            return 0;
        if (seqpacket && sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_LISTEN)
            return Errno::ENOTCONN;
        auto w = sk_wait_event(sk->sk_wq, timeo, [u, sk] {
            return !u->recvq.empty() || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN);
        });
        if (!w.ok())
            return w.error();
    }
    bool peek = flags & MSG_PEEK;
    unix_skb* skb = list_entry(u->recvq.next, unix_skb, list);
    if (!peek)
        unix_unlink(u, skb);
    if (msg.msg_name)
        unix_copy_addr(msg, skb->from);
    size_t size = len;
    if (size > skb->len)
        size = skb->len;
    else if (size < skb->len)
        msg.msg_flags |= MSG_TRUNC;
    Result<size_t> r = (flags & MSG_TRUNC) ? skb->len : size;
    if (msg.msg_iter->copy_to_iter(skb->data, size) < size) {
        r = Errno::EFAULT;
    } else {
        scm_cookie scm{skb->creds, nullptr};
        if (!peek) {
            scm.fp = skb->fp;
            skb->fp = nullptr;
        } else if (skb->fp) {
            scm.fp = scm_fp_dup(skb->fp);
        }
        scm_recv(sock, msg, scm, flags);
    }
    if (!peek)
        unix_skb_free(skb);
    return r;
}

Result<size_t> unix_seqpacket_sendmsg(socket* sock, msghdr& msg, size_t len)
{
    struct sock* sk = sock->sk;
    if (int e = sock_error(sk))
        return static_cast<Errno>(e);
    if (sk->sk_state != TCP_ESTABLISHED)
        return Errno::ENOTCONN;
    msg.msg_name = nullptr;
    msg.msg_namelen = 0;
    return unix_dgram_sendmsg(sock, msg, len);
}

Result<size_t> unix_seqpacket_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags)
{
    if (sock->sk->sk_state != TCP_ESTABLISHED)
        return Errno::ENOTCONN;
    return unix_dgram_recvmsg(sock, msg, len, flags);
}
