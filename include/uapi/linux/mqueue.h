/* POSIX message queues' ABI (Linux's include/uapi/linux/mqueue.h). */
#pragma once
#include <linux/abi.h>
#include <linux/types.h>
#include <linux/compat.h>

constexpr int MQ_PRIO_MAX = 32768;
constexpr int MQ_BYTES_MAX = 819200; /* RLIMIT_MSGQUEUE's default */

/* x86-64's struct mq_attr: four longs and four reserved (64 bytes). */
struct mq_attr {
    long mq_flags;   /* O_NONBLOCK or 0 */
    long mq_maxmsg;
    long mq_msgsize;
    long mq_curmsgs;
    long __reserved[4];
};
static_assert(sizeof(mq_attr) == 64);
ABI_LAYOUT_DIFFERS(mq_attr); /* compat_mq_attr: 32 bytes of ints */

/* The 32-byte cookie a SIGEV_THREAD notification carries to its netlink socket. */
constexpr int NOTIFY_COOKIE_LEN = 32;

/* x86-64's struct sigevent as mq_notify reads it (64 bytes; kernel/time/
 * posix-timers.cpp has the same layout as its sigevent_user). */
struct mq_sigevent {
    u64 sigev_value; /* union sigval: sival_int in the low half, or sival_ptr */
    int sigev_signo;
    int sigev_notify;
    int _pad[12];
};
static_assert(sizeof(mq_sigevent) == 64);
ABI_LAYOUT_DIFFERS(mq_sigevent); /* compat_sigevent: a 4-byte sigval */

/* i386's compat_mq_attr: the same fields as ints (32 bytes). */
struct compat_mq_attr {
    compat_long_t mq_flags;
    compat_long_t mq_maxmsg;
    compat_long_t mq_msgsize;
    compat_long_t mq_curmsgs;
    compat_long_t __reserved[4];
};
static_assert(sizeof(compat_mq_attr) == 32);

/* i386's compat_sigevent: a 4-byte sigval, then signo, notify and the pad (64 bytes). */
struct compat_mq_sigevent {
    compat_uptr_t sigev_value;
    compat_int_t sigev_signo;
    compat_int_t sigev_notify;
    compat_int_t _pad[13];
};
static_assert(sizeof(compat_mq_sigevent) == 64);
