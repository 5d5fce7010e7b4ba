/*
 * sig_basic: the signal system calls as Linux does them (kernel/signal.c,
 * arch/x86/kernel/signal.c; sigaction(2), sigprocmask(2), sigpending(2),
 * sigsuspend(2), sigaltstack(2), kill(2), tgkill(2)).
 *   - rt_sigaction: the old action comes back (handler, flags, mask); unknown
 *     flag bits are dropped (Linux 5.11+, UAPI_SA_FLAGS); EINVAL for SIGKILL
 *     and SIGSTOP (a query is allowed), signal 0 or 65, sigsetsize != 8.
 *   - SA_SIGINFO: si_signo, si_code SI_USER for kill and SI_TKILL for
 *     tgkill/tkill, si_pid and si_uid of the sender; the handler runs with the
 *     signal and sa_mask blocked (not with SA_NODEFER), uc_sigmask holds the
 *     mask to come back to; SA_RESETHAND resets to SIG_DFL (and, on Linux,
 *     still blocks the signal in the handler).
 *   - rt_sigprocmask: a blocked signal stays pending (rt_sigpending shows it)
 *     and is delivered when unblocked, before sigprocmask returns; SIGKILL and
 *     SIGSTOP are never blocked; EINVAL for a bad how or sigsetsize; standard
 *     signals do not queue, real-time ones do; several unblocked at once are
 *     dequeued lowest first, each handler frame stacked on the previous one,
 *     so the handlers run highest first.
 *   - rt_sigpending: sigsetsize up to 8 is fine (EINVAL above).
 *   - rt_sigsuspend: returns -1 EINTR after a handler ran; the mask is back.
 *   - sigaltstack: SS_DISABLE at first; an SA_ONSTACK handler runs on it and
 *     sees SS_ONSTACK; EPERM to change it from there; ENOMEM below
 *     MINSIGSTKSZ; EINVAL for bad flags; a handler without SA_ONSTACK stays on
 *     the normal stack.
 *   - kill/tgkill/tkill: signal 0 tests existence; ESRCH, EINVAL (bad signal,
 *     tgid <= 0, tid <= 0, pid INT_MIN is ESRCH); kill(0) and kill(-pgid)
 *     reach every member of a group; as uid 65534, EPERM for a root process
 *     and kill(-1, 0) is 0 when it found processes it may not signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "musl_check.h"

struct ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

static volatile int hits;
static volatile int last_signo, last_code, last_pid, last_uid;
static volatile int blocked_inside_self, blocked_inside_mask, uc_had_usr2;
static volatile int order[8], norder;

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sigset_t now;
    hits++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_uid = si->si_uid;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside_self = sigismember(&now, sig);
    blocked_inside_mask = sigismember(&now, SIGWINCH);
    uc_had_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
}

static void on_count(int sig)
{
    if (norder < 8)
        order[norder++] = sig;
    hits++;
}

static char *alt;
static size_t alt_size = 65536;
static volatile int on_alt, saw_onstack, change_errno;

static void on_altstack(int sig)
{
    (void)sig;
    char local;
    stack_t ss, nss;
    on_alt = (uintptr_t)&local >= (uintptr_t)alt && (uintptr_t)&local < (uintptr_t)alt + alt_size;
    sigaltstack(NULL, &ss);
    saw_onstack = ss.ss_flags == SS_ONSTACK;
    nss.ss_sp = malloc(alt_size);
    nss.ss_size = alt_size;
    nss.ss_flags = 0;
    errno = 0;
    change_errno = sigaltstack(&nss, NULL) == -1 ? errno : 0;
}

static int group_pipe;
static void on_group(int sig)
{
    (void)sig;
    char c = 'g';
    write(group_pipe, &c, 1);
}

static long raw_sigaction(int sig, const struct ksigaction *act, struct ksigaction *old, long size)
{
    return syscall(SYS_rt_sigaction, sig, act, old, size);
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t me = getpid();
    struct sigaction sa, old;
    struct ksigaction ka, ko;
    sigset_t set, oset;

    SECTION("rt_sigaction");
    memset(&old, 0x5a, sizeof old);
    EQ(sigaction(SIGUSR1, NULL, &old), 0);
    TRUE(old.sa_handler == SIG_DFL);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGWINCH);
    EQ(sigaction(SIGUSR1, &sa, NULL), 0);
    EQ(sigaction(SIGUSR1, &sa, &old), 0);
    TRUE(old.sa_sigaction == on_info);
    EQ(old.sa_flags & ~SA_RESTORER, SA_SIGINFO | SA_RESTART);
    TRUE(old.sa_flags & SA_RESTORER); /* musl always gives a restorer */
    TRUE(sigismember(&old.sa_mask, SIGWINCH) && !sigismember(&old.sa_mask, SIGUSR2));
    memset(&ka, 0, sizeof ka);
    ka.handler = SIG_IGN;
    ka.flags = SA_RESTART | 0x400 /* SA_UNSUPPORTED */ | 0x00800000 /* unknown */;
    EQ(raw_sigaction(SIGUSR2, &ka, NULL, 8), 0);
    EQ(raw_sigaction(SIGUSR2, NULL, &ko, 8), 0);
    EQ(ko.flags, SA_RESTART);
    TRUE(ko.handler == SIG_IGN);
    ka.handler = SIG_DFL;
    ka.flags = 0;
    EQ(raw_sigaction(SIGUSR2, &ka, NULL, 8), 0);
    ERR(raw_sigaction(SIGUSR2, &ka, NULL, 4), EINVAL);
    ERR(raw_sigaction(SIGUSR2, &ka, NULL, 16), EINVAL);
    ERR(raw_sigaction(SIGKILL, &ka, NULL, 8), EINVAL);
    ERR(raw_sigaction(SIGSTOP, &ka, NULL, 8), EINVAL);
    ka.handler = SIG_IGN;
    ERR(raw_sigaction(SIGKILL, &ka, NULL, 8), EINVAL);
    EQ(raw_sigaction(SIGKILL, NULL, &ko, 8), 0);
    TRUE(ko.handler == SIG_DFL);
    ERR(raw_sigaction(0, NULL, &ko, 8), EINVAL);
    ERR(raw_sigaction(65, NULL, &ko, 8), EINVAL);
    ERR(raw_sigaction(-1, NULL, &ko, 8), EINVAL);
    EQ(raw_sigaction(64, NULL, &ko, 8), 0);

    SECTION("SA_SIGINFO handler");
    hits = 0;
    EQ(kill(me, SIGUSR1), 0);
    EQ(hits, 1); /* delivered on the way out of kill */
    EQ(last_signo, SIGUSR1);
    EQ(last_code, SI_USER);
    TRUE(last_pid == me);
    EQ(last_uid, 0);
    TRUE(blocked_inside_self);  /* the signal itself is blocked in its handler */
    TRUE(blocked_inside_mask);  /* and sa_mask */
    sigprocmask(SIG_BLOCK, NULL, &set);
    TRUE(!sigismember(&set, SIGUSR1) && !sigismember(&set, SIGWINCH)); /* restored after */
    EQ(syscall(SYS_tgkill, me, syscall(SYS_gettid), SIGUSR1), 0);
    EQ(hits, 2);
    EQ(last_code, SI_TKILL);
    TRUE(last_pid == me);
    EQ(syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR1), 0);
    EQ(hits, 3);
    EQ(last_code, SI_TKILL);
    /* uc_sigmask is the mask from before the handler */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(me, SIGUSR1);
    TRUE(uc_had_usr2);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(me, SIGUSR1);
    TRUE(!uc_had_usr2);
    /* SA_NODEFER: the signal is not blocked inside */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    kill(me, SIGUSR1);
    TRUE(!blocked_inside_self);
    /* SA_RESETHAND: one delivery, then SIG_DFL */
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    kill(me, SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    TRUE(old.sa_handler == SIG_DFL);
    TRUE(blocked_inside_self); /* Linux: SA_RESETHAND does not imply SA_NODEFER */

    SECTION("rt_sigprocmask and rt_sigpending");
    set_handler(SIGUSR1, on_count, 0);
    set_handler(SIGUSR2, on_count, 0);
    set_handler(SIGHUP, on_count, 0);
    hits = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    EQ(sigprocmask(SIG_BLOCK, &set, &oset), 0);
    EQ(kill(me, SIGUSR1), 0);
    EQ(kill(me, SIGUSR1), 0);
    EQ(hits, 0);
    sigemptyset(&set);
    EQ(sigpending(&set), 0);
    TRUE(sigismember(&set, SIGUSR1) && !sigismember(&set, SIGUSR2));
    unsigned long raw = 0;
    EQ(syscall(SYS_rt_sigpending, &raw, 8), 0);
    EQ(raw, 1UL << (SIGUSR1 - 1));
    raw = 0;
    EQ(syscall(SYS_rt_sigpending, &raw, 4), 0); /* smaller is fine */
    EQ(raw, 1UL << (SIGUSR1 - 1));
    ERR(syscall(SYS_rt_sigpending, &raw, 16), EINVAL);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
    EQ(hits, 1); /* delivered before sigprocmask returned, once: no queueing */
    EQ(sigpending(&set), 0);
    TRUE(!sigismember(&set, SIGUSR1));
    /* SIGKILL and SIGSTOP cannot be blocked */
    unsigned long all = ~0UL;
    EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &oset, 8), 0);
    raw = 0;
    EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &raw, 8), 0);
    TRUE(!(raw & (1UL << (SIGKILL - 1))) && !(raw & (1UL << (SIGSTOP - 1))));
    EQ(raw, ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1))));
    EQ(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &oset, NULL, 8), 0);
    ERR(syscall(SYS_rt_sigprocmask, 3, &set, NULL, 8), EINVAL);
    ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    EQ(syscall(SYS_rt_sigprocmask, 3, NULL, &raw, 8), 0); /* how is ignored without a set */
    /* delivery order and queueing */
    set_handler(40, on_count, 0);
    sigfillset(&set);
    sigprocmask(SIG_BLOCK, &set, &oset);
    norder = 0;
    hits = 0;
    kill(me, SIGUSR2);
    kill(me, 40);
    kill(me, SIGUSR1);
    kill(me, 40);
    kill(me, SIGHUP);
    kill(me, SIGUSR2);
    sigprocmask(SIG_SETMASK, &oset, NULL);
    EQ(hits, 5);
    /* Linux dequeues the lowest number first but builds a frame for every
     * deliverable signal before returning to user mode, so the last one's
     * handler runs first; the second 40 waits until the first's handler
     * returns (40 is blocked in it). */
    printf("delivery order: %d %d %d %d %d\n", order[0], order[1], order[2], order[3], order[4]);
    TRUE(order[0] == 40 && order[1] == 40 && order[2] == SIGUSR2 && order[3] == SIGUSR1 && order[4] == SIGHUP);

    SECTION("rt_sigsuspend");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &oset);
    hits = 0;
    kill(me, SIGUSR1); /* pending */
    sigset_t none;
    sigemptyset(&none);
    ERR(sigsuspend(&none), EINTR);
    EQ(hits, 1);
    sigprocmask(SIG_BLOCK, NULL, &set);
    TRUE(sigismember(&set, SIGUSR1)); /* the old mask is back */
    ERR(syscall(SYS_rt_sigsuspend, &none, 4), EINVAL);
    sigprocmask(SIG_SETMASK, &oset, NULL);

    SECTION("sigaltstack");
    {
        stack_t ss, os;
        memset(&os, 0x5a, sizeof os);
        EQ(sigaltstack(NULL, &os), 0);
        EQ(os.ss_flags, SS_DISABLE);
        EQ(os.ss_size, 0);
        alt = malloc(alt_size);
        ss.ss_sp = alt;
        ss.ss_size = 1024;
        ss.ss_flags = 0;
        ERR(sigaltstack(&ss, NULL), ENOMEM);
        ss.ss_size = alt_size;
        ss.ss_flags = 5;
        ERR(sigaltstack(&ss, NULL), EINVAL);
        ss.ss_flags = 0;
        EQ(sigaltstack(&ss, NULL), 0);
        EQ(sigaltstack(NULL, &os), 0);
        EQ(os.ss_flags, 0);
        TRUE(os.ss_sp == alt && os.ss_size == alt_size);
        set_handler(SIGUSR2, on_altstack, SA_ONSTACK);
        kill(me, SIGUSR2);
        TRUE(on_alt);
        TRUE(saw_onstack);
        EQ(change_errno, EPERM);
        EQ(sigaltstack(NULL, &os), 0);
        EQ(os.ss_flags, 0); /* off it again */
        set_handler(SIGUSR2, on_altstack, 0);
        kill(me, SIGUSR2);
        TRUE(!on_alt);        /* no SA_ONSTACK: the normal stack */
        TRUE(!saw_onstack);
        EQ(change_errno, 0);  /* and the stack may change */
        ss.ss_flags = SS_DISABLE;
        ss.ss_size = 0;
        EQ(sigaltstack(&ss, NULL), 0);
        EQ(sigaltstack(NULL, &os), 0);
        EQ(os.ss_flags, SS_DISABLE);
    }

    SECTION("kill, tgkill, tkill");
    EQ(kill(me, 0), 0);
    ERR(kill(99999, 0), ESRCH);
    ERR(kill(me, 65), EINVAL);
    ERR(kill(me, -1), EINVAL);
    ERR(kill(INT_MIN, 0), ESRCH);
    ERR(kill(-99999, 0), ESRCH);
    ERR(syscall(SYS_tgkill, me, 99999, 0), ESRCH);
    ERR(syscall(SYS_tgkill, 0, me, 0), EINVAL);
    ERR(syscall(SYS_tgkill, me, 0, 0), EINVAL);
    ERR(syscall(SYS_tgkill, me, me, 65), EINVAL);
    ERR(syscall(SYS_tkill, 0, 0), EINVAL);
    ERR(syscall(SYS_tkill, -1, 0), EINVAL);
    ERR(syscall(SYS_tkill, 99999, 0), ESRCH);
    EQ(syscall(SYS_tgkill, me, me, 0), 0);
    {
        int w[2];
        pipe(w);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            char x;
            close(w[1]);
            read(w[0], &x, 1);
            _exit(0);
        }
        close(w[0]);
        ERR(syscall(SYS_tgkill, me, c, 0), ESRCH); /* c is not a thread of ours */
        EQ(syscall(SYS_tgkill, c, c, 0), 0);
        close(w[1]);
        waitpid(c, NULL, 0);
    }

    SECTION("kill to a process group");
    {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t leader = fork();
        if (leader == 0) {
            group_pipe = p[1];
            set_handler(SIGUSR1, on_group, 0);
            setpgid(0, 0);
            pid_t kids[2];
            int go[2];
            pipe(go);
            for (int i = 0; i < 2; i++) {
                kids[i] = fork();
                if (kids[i] == 0) {
                    char x;
                    close(go[1]);
                    /* until EOF (the handler interrupts the read: no SA_RESTART) */
                    while (read(go[0], &x, 1) < 0 && errno == EINTR)
                        ;
                    _exit(0);
                }
            }
            close(go[0]);
            kill(0, SIGUSR1); /* the whole group: us and both children */
            sigset_t usr1, none;
            sigemptyset(&usr1);
            sigaddset(&usr1, SIGUSR1);
            sigemptyset(&none);
            sigprocmask(SIG_BLOCK, &usr1, NULL); /* so the next one cannot come before sigsuspend */
            char c = 'x';
            write(p[1], &c, 1); /* marks that kill(0) returned */
            sigsuspend(&none);  /* until the parent's kill(-pgid) */
            close(go[1]);
            for (int i = 0; i < 2; i++)
                waitpid(kids[i], NULL, 0);
            _exit(0);
        }
        close(p[1]);
        /* 3 'g' from the handlers and the 'x', in some order */
        char buf[8];
        int n = 0, gs = 0, xs = 0;
        while (n < 4) {
            int r = read(p[0], buf, 1);
            if (r <= 0)
                break;
            n++;
            gs += buf[0] == 'g';
            xs += buf[0] == 'x';
        }
        EQ(gs, 3);
        EQ(xs, 1);
        EQ(kill(-leader, SIGUSR1), 0);
        gs = 0;
        while (gs < 3 && read(p[0], buf, 1) == 1)
            gs += buf[0] == 'g';
        EQ(gs, 3);
        int st;
        waitpid(leader, &st, 0);
        EQ(st, 0);
        close(p[0]);
    }

    SECTION("kill as uid 65534");
    {
        int w[2];
        pipe(w);
        fflush(stdout);
        pid_t rootkid = fork();
        if (rootkid == 0) {
            char x;
            close(w[1]);
            read(w[0], &x, 1);
            _exit(0);
        }
        pid_t c = fork();
        if (c == 0) {
            close(w[0]);
            close(w[1]);
            if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
                _exit(99);
            int f0 = failures;
            ERR(kill(1, SIGUSR1), EPERM);
            ERR(kill(1, 0), EPERM);
            ERR(kill(rootkid, SIGTERM), EPERM);
            EQ(kill(getpid(), 0), 0);
            EQ(kill(-1, 0), 0); /* found processes (none it may signal): 0 */
            ERR(kill(99999, 0), ESRCH);
            fflush(stdout);
            _exit(failures != f0);
        }
        int st;
        waitpid(c, &st, 0);
        EQ(st, 0);
        close(w[0]);
        close(w[1]);
        waitpid(rootkid, &st, 0);
    }
    return summary();
}
