/*
 * The protocol's side of a socket (Linux's struct sock): what every family
 * keeps (buffer sizes, timeouts, shutdown bits, the pending error, the peer's
 * credentials) and the helpers the generic code and the families share. A
 * family's own sock (unix_sock) begins with one. The big kernel lock
 * protects every field (include/linux/net.h).
 */
#pragma once
#include <linux/net.h>
#include <linux/wait.h>

/* Linux's TCP_* states, which every family uses for sk_state. */
enum : int { TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_CLOSE = 7, TCP_LISTEN = 10 };

/* Linux's defaults (net.core.wmem_default/_max, rmem_*, somaxconn) and the
 * floors of SO_SNDBUF and SO_RCVBUF on x86-64. */
constexpr int SYSCTL_WMEM_DEFAULT = 212992, SYSCTL_WMEM_MAX = 212992;
constexpr int SYSCTL_RMEM_DEFAULT = 212992, SYSCTL_RMEM_MAX = 212992;
constexpr int SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
constexpr int SOMAXCONN = 4096;

/* Timeouts count Linux's jiffies at HZ=250 (what getsockopt gives back
 * rounds to them); MAX_SCHEDULE_TIMEOUT is "forever". */
constexpr long SOCK_HZ = 250;
constexpr long MAX_SCHEDULE_TIMEOUT = 0x7fffffffffffffffL;

/* sk_flags bits: the boolean SOL_SOCKET options. */
enum : unsigned { SK_DEBUG, SK_LOCALROUTE, SK_BROADCAST, SK_KEEPOPEN, SK_URGINLINE, SK_LINGER, SK_REUSE, SK_NO_CHECK };

struct ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

struct sock {
    int sk_refcnt;
    int sk_family;
    int sk_type;
    int sk_protocol;
    int sk_state;           /* TCP_* */
    unsigned sk_shutdown;   /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    int sk_err;             /* a pending error (positive errno), reported once */
    int sk_sndbuf, sk_rcvbuf;
    int sk_wmem_alloc;      /* bytes this sock sent that nobody has received yet */
    int sk_max_ack_backlog;
    int sk_rcvlowat;
    int sk_priority;
    long sk_rcvtimeo, sk_sndtimeo; /* jiffies (SOCK_HZ) */
    long sk_lingertime;
    unsigned sk_flags;      /* 1 << SK_* */
    bool sk_dead;           /* its socket is gone */
    bool sk_peer_cred_set;
    ucred sk_peer_cred;     /* SO_PEERCRED */
    socket* sk_socket;
    wait_queue_head sk_wq;  /* everyone waiting on this sock: readers, writers, accept, connect */
    void (*sk_destruct)(sock*);
};

void sock_init_data(socket* sock, struct sock* sk);
static inline void sock_hold(struct sock* sk) { sk->sk_refcnt++; }
void sock_put(struct sock* sk);
/* The pending error, cleared (Linux's sock_error, as a positive errno or 0). */
static inline int sock_error(struct sock* sk)
{
    int e = sk->sk_err;
    sk->sk_err = 0;
    return e;
}
static inline bool sock_flag(const struct sock* sk, unsigned bit) { return sk->sk_flags & (1u << bit); }
/* How long a receive or a send may wait: 0 with MSG_DONTWAIT. */
static inline long sock_rcvtimeo(const struct sock* sk, bool noblock) { return noblock ? 0 : sk->sk_rcvtimeo; }
static inline long sock_sndtimeo(const struct sock* sk, bool noblock) { return noblock ? 0 : sk->sk_sndtimeo; }
/* A signal ended a wait: restart it if it had no timeout, else EINTR. */
static inline Errno sock_intr_errno(long timeo) { return timeo == MAX_SCHEDULE_TIMEOUT ? Errno::ERESTARTSYS : Errno::EINTR; }
/* The current task's credentials as SO_PEERCRED gives them. */
ucred current_ucred_eff();

/*
 * Sleeps on wq until cond() holds: then {}. The time left goes back into
 * timeo; when it runs out, EAGAIN (at once when it is 0); a signal gives
 * sock_intr_errno. cond() is checked with the task queued, so no wake-up is
 * lost.
 */
Result<void> sk_wait_until(wait_queue_head& wq, long& timeo, bool (*cond)(void*), void* arg);
template <typename Cond>
Result<void> sk_wait_event(wait_queue_head& wq, long& timeo, Cond cond)
{
    return sk_wait_until(wq, timeo, [](void* c) { return (*static_cast<Cond*>(c))(); }, &cond);
}
