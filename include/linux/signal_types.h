/* Signal bookkeeping types (the behaviour is in kernel/signal.cpp). */
#pragma once
#include <linux/abi.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/asm/signal.h>

struct sigset_t {
    u64 sig = 0;

    static constexpr u64 bit(int signo) { return 1ULL << (signo - 1); }
    bool has(int signo) const { return sig & bit(signo); }
    void add(int signo) { sig |= bit(signo); }
    void del(int signo) { sig &= ~bit(signo); }
};

/* siginfo_t as user space sees it: 128 bytes, fields per signal kind. */
struct siginfo_t {
    int si_signo;
    int si_errno;
    int si_code;
    int _pad0;
    union {
        struct {
            int pid;
            unsigned int uid;
        } kill;
        struct {
            int pid;
            unsigned int uid;
            int status;
            int _pad;
            long utime;
            long stime;
        } sigchld;
        struct {
            unsigned long addr;
            short addr_lsb;
        } sigfault;
        struct {
            int tid;
            int overrun;
            long value;
        } timer;
        struct {
            long band; /* POLLIN and friends */
            int fd;
        } sigpoll;
        char _pad[128 - 16];
    };
};
ABI_LAYOUT_DIFFERS(siginfo_t); /* compat_siginfo */

static_assert(sizeof(siginfo_t) == 128);

struct k_itimer;

struct sigqueue {
    list_head list;
    siginfo_t info;
    /* A POSIX timer's own entry, allocated with the timer and queued again at
     * each expiry it is not pending (kernel/time/posix-timers.cpp); null for
     * every other signal, whose entry is freed once taken. */
    k_itimer* timer = nullptr;
    bool queued = false; /* the timer's entry is on a pending list */
    struct ucounts* ucounts = nullptr; /* the user it counts against (RLIMIT_SIGPENDING; linux/ucount.h) */
};

/* Pending signals: the set, and a queued siginfo for each. */
struct sigpending {
    list_head list;
    sigset_t signal;
};

struct k_sigaction {
    unsigned long handler; /* SIG_DFL, SIG_IGN or a user address */
    unsigned long flags;
    unsigned long restorer;
    sigset_t mask;
};
