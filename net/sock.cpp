/*
 * What every socket has (Linux's net/core/sock.c): the defaults a new sock
 * starts with, its reference count, waiting with SO_RCVTIMEO/SO_SNDTIMEO,
 * and the SOL_SOCKET options. Sizes follow Linux: SO_SNDBUF and SO_RCVBUF
 * store twice what is asked (for the kernel's bookkeeping), capped by
 * wmem_max/rmem_max and floored; getsockopt gives the stored value back.
 * The big kernel lock protects every sock (include/linux/net.h).
 */
#include <linux/cred.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/time.h>
#include <net/sock.h>

namespace {

constexpr int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
              SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11,
              SO_PRIORITY = 12, SO_LINGER = 13, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18,
              SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21, SO_PEERNAME = 28, SO_ACCEPTCONN = 30,
              SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PROTOCOL = 38, SO_DOMAIN = 39;
constexpr int CAP_NET_ADMIN_ = 12, CAP_NET_RAW_ = 13;

struct timeval_k {
    long tv_sec;
    long tv_usec;
};
struct linger_k {
    int l_onoff;
    int l_linger;
};

constexpr unsigned flag_option(int optname)
{
    switch (optname) {
    case SO_DEBUG: return SK_DEBUG;
    case SO_DONTROUTE: return SK_LOCALROUTE;
    case SO_BROADCAST: return SK_BROADCAST;
    case SO_KEEPALIVE: return SK_KEEPOPEN;
    case SO_OOBINLINE: return SK_URGINLINE;
    case SO_REUSEADDR: return SK_REUSE;
    case SO_NO_CHECK: return SK_NO_CHECK;
    default: return ~0u;
    }
}

/* Linux's sock_set_timeout, for the old (64-bit) struct timeval. */
Result<void> sock_set_timeout(long& timeo, unsigned long optval, int optlen)
{
    if (optlen < static_cast<int>(sizeof(timeval_k)))
        return Errno::EINVAL;
    timeval_k tv;
    TRY(copy_from_user(reinterpret_cast<u8*>(&tv), user_in_ptr<const u8>(optval), sizeof(tv)));
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return Errno::EDOM;
    if (tv.tv_sec < 0) {
        timeo = 0;
        return {};
    }
    timeo = MAX_SCHEDULE_TIMEOUT;
    if ((tv.tv_sec || tv.tv_usec) && tv.tv_sec < MAX_SCHEDULE_TIMEOUT / SOCK_HZ - 1)
        timeo = tv.tv_sec * SOCK_HZ + (tv.tv_usec + (1000000 / SOCK_HZ) - 1) / (1000000 / SOCK_HZ);
    return {};
}

timeval_k sock_get_timeout(long timeo)
{
    if (timeo == MAX_SCHEDULE_TIMEOUT)
        return {0, 0};
    return {timeo / SOCK_HZ, (timeo % SOCK_HZ) * 1000000 / SOCK_HZ};
}

} // namespace

ucred current_ucred_eff()
{
    const cred* c = current_cred();
    return {current->tgid, c->euid, c->egid};
}

void sock_init_data(socket* sock, struct sock* sk)
{
    sk->sk_refcnt = 1;
    sk->sk_state = TCP_CLOSE;
    sk->sk_sndbuf = SYSCTL_WMEM_DEFAULT;
    sk->sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
    sk->sk_rcvlowat = 1;
    sk->sk_rcvtimeo = sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
    sk->sk_wq.head.init();
    sk->sk_socket = sock;
    if (sock) {
        sk->sk_type = sock->type;
        sock->sk = sk;
    }
}

void sock_put(struct sock* sk)
{
    if (--sk->sk_refcnt == 0)
        sk->sk_destruct(sk);
}

Result<void> sk_wait_until(wait_queue_head& wq, long& timeo, bool (*cond)(void*), void* arg)
{
    if (cond(arg))
        return {};
    if (!timeo)
        return Errno::EAGAIN;
    constexpr u64 NS_PER_JIFFY = 1000000000 / SOCK_HZ;
    u64 deadline = ~0ULL;
    if (timeo != MAX_SCHEDULE_TIMEOUT)
        deadline = ktime_get_ns() + static_cast<u64>(timeo) * NS_PER_JIFFY;
    wait_queue_entry w{current, {}};
    add_wait_queue(&wq, &w);
    Result<void> r;
    for (;;) {
        set_current_state(TASK_INTERRUPTIBLE);
        if (cond(arg))
            break;
        if (signal_pending(current)) {
            r = sock_intr_errno(timeo);
            break;
        }
        if (deadline == ~0ULL) {
            schedule();
            continue;
        }
        if (ktime_get_ns() >= deadline) {
            r = Errno::EAGAIN;
            break;
        }
        schedule_timeout_until(deadline);
    }
    set_current_state(TASK_RUNNING);
    remove_wait_queue(&wq, &w);
    if (deadline != ~0ULL) {
        u64 now = ktime_get_ns();
        timeo = now >= deadline ? 0 : static_cast<long>((deadline - now + NS_PER_JIFFY - 1) / NS_PER_JIFFY);
    }
    return r;
}

Result<void> sock_setsockopt(socket* sock, int optname, unsigned long optval, int optlen)
{
    struct sock* sk = sock->sk;
    if (optlen < static_cast<int>(sizeof(int)))
        return Errno::EINVAL;
    int val = TRY(get_user(user_in_ptr<const int>(optval)));
    bool valbool = val != 0;
    if (unsigned bit = flag_option(optname); bit != ~0u) {
        if (optname == SO_DEBUG && val && !capable(CAP_NET_ADMIN_))
            return Errno::EACCES;
        if (valbool)
            sk->sk_flags |= 1u << bit;
        else
            sk->sk_flags &= ~(1u << bit);
        return {};
    }
    switch (optname) {
    case SO_SNDBUFFORCE:
    case SO_SNDBUF:
        if (optname == SO_SNDBUFFORCE && !capable(CAP_NET_ADMIN_))
            return Errno::EPERM;
        if (optname == SO_SNDBUF)
            val = static_cast<int>(min(static_cast<u32>(val), static_cast<u32>(SYSCTL_WMEM_MAX)));
        else if (val < 0)
            val = 0;
        val = min(val, 0x7fffffff / 2);
        sk->sk_sndbuf = max(val * 2, SOCK_MIN_SNDBUF);
        wake_up(&sk->sk_wq); /* room for a writer, perhaps */
        return {};
    case SO_RCVBUFFORCE:
    case SO_RCVBUF:
        if (optname == SO_RCVBUFFORCE && !capable(CAP_NET_ADMIN_))
            return Errno::EPERM;
        if (optname == SO_RCVBUF)
            val = static_cast<int>(min(static_cast<u32>(val), static_cast<u32>(SYSCTL_RMEM_MAX)));
        else if (val < 0)
            val = 0;
        val = min(val, 0x7fffffff / 2);
        sk->sk_rcvbuf = max(val * 2, SOCK_MIN_RCVBUF);
        return {};
    case SO_PRIORITY:
        if ((val < 0 || val > 6) && !capable(CAP_NET_RAW_) && !capable(CAP_NET_ADMIN_))
            return Errno::EPERM;
        sk->sk_priority = val;
        return {};
    case SO_LINGER: {
        if (optlen < static_cast<int>(sizeof(linger_k)))
            return Errno::EINVAL;
        linger_k l;
        TRY(copy_from_user(reinterpret_cast<u8*>(&l), user_in_ptr<const u8>(optval), sizeof(l)));
        if (!l.l_onoff) {
            sk->sk_flags &= ~(1u << SK_LINGER);
        } else {
            if (static_cast<unsigned long>(static_cast<u32>(l.l_linger)) >= MAX_SCHEDULE_TIMEOUT / SOCK_HZ)
                sk->sk_lingertime = MAX_SCHEDULE_TIMEOUT;
            else
                sk->sk_lingertime = static_cast<long>(static_cast<u32>(l.l_linger)) * SOCK_HZ;
            sk->sk_flags |= 1u << SK_LINGER;
        }
        return {};
    }
    case SO_PASSCRED:
        if (valbool)
            sock->flags |= SOCKF_PASSCRED;
        else
            sock->flags &= ~SOCKF_PASSCRED;
        return {};
    case SO_RCVLOWAT:
        if (val < 0)
            val = 0x7fffffff;
        sk->sk_rcvlowat = val ? val : 1;
        return {};
    case SO_RCVTIMEO_OLD:
        return sock_set_timeout(sk->sk_rcvtimeo, optval, optlen);
    case SO_SNDTIMEO_OLD:
        return sock_set_timeout(sk->sk_sndtimeo, optval, optlen);
    default:
        return Errno::ENOPROTOOPT;
    }
}

Result<int> sock_getsockopt(socket* sock, int optname, unsigned long optval, int len)
{
    struct sock* sk = sock->sk;
    union {
        int val;
        linger_k ling;
        timeval_k tm;
        ucred peercred;
        sockaddr_storage addr;
    } v;
    memset(&v, 0, sizeof(v));
    int lv = sizeof(int);
    if (unsigned bit = flag_option(optname); bit != ~0u) {
        v.val = sock_flag(sk, bit);
    } else {
        switch (optname) {
        case SO_SNDBUF: v.val = sk->sk_sndbuf; break;
        case SO_RCVBUF: v.val = sk->sk_rcvbuf; break;
        case SO_TYPE: v.val = sk->sk_type; break;
        case SO_PROTOCOL: v.val = sk->sk_protocol; break;
        case SO_DOMAIN: v.val = sk->sk_family; break;
        case SO_ERROR: v.val = sock_error(sk); break;
        case SO_ACCEPTCONN: v.val = sk->sk_state == TCP_LISTEN; break;
        case SO_PASSCRED: v.val = (sock->flags & SOCKF_PASSCRED) != 0; break;
        case SO_PRIORITY: v.val = sk->sk_priority; break;
        case SO_RCVLOWAT: v.val = sk->sk_rcvlowat; break;
        case SO_LINGER:
            lv = sizeof(v.ling);
            v.ling.l_onoff = sock_flag(sk, SK_LINGER);
            v.ling.l_linger = static_cast<int>(sk->sk_lingertime / SOCK_HZ);
            break;
        case SO_RCVTIMEO_OLD:
        case SO_SNDTIMEO_OLD:
            lv = sizeof(v.tm);
            v.tm = sock_get_timeout(optname == SO_RCVTIMEO_OLD ? sk->sk_rcvtimeo : sk->sk_sndtimeo);
            break;
        case SO_PEERCRED:
            lv = sizeof(v.peercred);
            v.peercred = sk->sk_peer_cred_set ? sk->sk_peer_cred : ucred{0, static_cast<uid_t>(-1), static_cast<gid_t>(-1)};
            break;
        case SO_PEERNAME: {
            auto n = sock->ops->getname(sock, v.addr, true);
            if (!n.ok())
                return Errno::ENOTCONN;
            lv = n.value();
            if (lv < len)
                return Errno::EINVAL;
            break;
        }
        default: return Errno::ENOPROTOOPT;
        }
    }
    if (len > lv)
        len = lv;
    if (len)
        TRY(copy_to_user(user_out_ptr<u8>(optval), reinterpret_cast<const u8*>(&v), static_cast<size_t>(len)));
    return len;
}
