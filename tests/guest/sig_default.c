/*
 * sig_default: default signal actions, stop/continue, SIGCHLD and SIGPIPE as
 * Linux does them (kernel/signal.c get_signal, do_notify_parent,
 * do_notify_parent_cldstop; fs/coredump.c; signal(7), wait4(2), pipe(7)).
 * Each victim is a child (init ignores signals it has no handler for).
 *   - SIGTERM terminates: WIFSIGNALED, WTERMSIG 15, no core bit; so do
 *     SIGALRM from an interval timer and SIGUSR1.
 *   - SIGQUIT dumps core only when RLIMIT_CORE allows a dump: with a limit
 *     of 0 the status has no core bit (0x80) and waitid says CLD_KILLED; with
 *     an unlimited RLIMIT_CORE (the dump lands in the cwd, /tmp) WCOREDUMP
 *     and CLD_DUMPED (fs/coredump.c coredump_finish sets 0x80 only when a
 *     dump was written).
 *   - SIGCHLD, SIGWINCH, SIGURG and SIGCONT are ignored by default.
 *   - SIGSTOP stops: wait4(WUNTRACED) reports WIFSTOPPED/WSTOPSIG (0x137f),
 *     a stopped child does not run; SIGCONT resumes it and wait4(WCONTINUED)
 *     reports WIFCONTINUED (0xffff); waitid says CLD_STOPPED/CLD_CONTINUED;
 *     the parent's SIGCHLD handler hears both unless SA_NOCLDSTOP; SIGKILL
 *     ends a stopped child.
 *   - SIGCHLD on a child's exit: si_code CLD_EXITED, si_pid, si_status;
 *     pending while blocked.
 *   - SA_NOCLDWAIT or SIG_IGN for SIGCHLD: children are reaped by the kernel
 *     and wait4 blocks until they are gone, then says ECHILD; SA_NOCLDWAIT
 *     with a handler still gets SIGCHLD.
 *   - SIGPIPE: writing to a pipe without readers kills with SIGPIPE; ignored,
 *     the write fails with EPIPE; caught, the handler runs and write is EPIPE.
 *   - init (this program, pid 1) is not killed by its own SIGTERM, SIGKILL or
 *     SIGSTOP (SIGNAL_UNKILLABLE: the kernel drops them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A child blocked on a pipe; closing/writing *w lets it exit(code). */
static pid_t blocked_child(int *w, int code)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1);
        _exit(code);
    }
    close(p[0]);
    *w = p[1];
    return pid;
}

static volatile int chld_count, chld_code, chld_status, chld_pid_ok;
static volatile pid_t chld_expect;
static volatile int codes[8], ncodes;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid_ok = si->si_pid == chld_expect;
    if (ncodes < 8)
        codes[ncodes++] = si->si_code;
}

static volatile int pipe_hits;
static void on_pipe(int sig)
{
    (void)sig;
    pipe_hits++;
}

static void set_action(int sig, void (*h)(int), void (*sa3)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (sa3) {
        sa.sa_sigaction = sa3;
        flags |= SA_SIGINFO;
    } else {
        sa.sa_handler = h;
    }
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int st, w;
    siginfo_t si;

    SECTION("SIGTERM");
    {
        pid_t c = blocked_child(&w, 0);
        EQ(kill(c, SIGTERM), 0);
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, SIGTERM);
        TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st));
        close(w);
    }

    SECTION("SIGQUIT and RLIMIT_CORE");
    {
        chdir("/tmp");
        for (int unlimited = 0; unlimited <= 1; unlimited++) {
            fflush(stdout);
            pid_t c = fork();
            if (c == 0) {
                struct rlimit rl = {unlimited ? RLIM_INFINITY : 0, RLIM_INFINITY};
                setrlimit(RLIMIT_CORE, &rl);
                kill(getpid(), SIGQUIT);
                _exit(0);
            }
            memset(&si, 0, sizeof si);
            EQ(waitid(P_PID, c, &si, WEXITED | WNOWAIT), 0);
            EQ(si.si_status, SIGQUIT);
            if (unlimited) {
                EQ(si.si_code, CLD_DUMPED);
            } else {
                EQ(si.si_code, CLD_KILLED);
            }
            TRUE(waitpid(c, &st, 0) == c);
            TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT);
            if (unlimited) {
                EQ(st, 0x80 | SIGQUIT);
                TRUE(WCOREDUMP(st));
            } else {
                EQ(st, SIGQUIT);
                TRUE(!WCOREDUMP(st));
            }
        }
        unlink("/tmp/core");
        chdir("/");
    }

    SECTION("SIGALRM and SIGUSR1 terminate");
    {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            struct itimerval it = {{0, 0}, {0, 10000}};
            setitimer(ITIMER_REAL, &it, NULL);
            for (;;)
                pause();
        }
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, SIGALRM);
        pid_t c2 = blocked_child(&w, 0);
        kill(c2, SIGUSR1);
        TRUE(waitpid(c2, &st, 0) == c2);
        EQ(st, SIGUSR1);
        close(w);
    }

    SECTION("ignored by default");
    {
        int sigs[] = {SIGCHLD, SIGWINCH, SIGURG, SIGCONT};
        for (int i = 0; i < 4; i++) {
            fflush(stdout);
            pid_t c = fork();
            if (c == 0) {
                kill(getpid(), sigs[i]);
                _exit(40 + i);
            }
            TRUE(waitpid(c, &st, 0) == c);
            printf("signal %d: ", sigs[i]);
            EQ(st, (40 + i) << 8);
        }
    }

    SECTION("SIGSTOP and SIGCONT");
    {
        chld_count = 0;
        ncodes = 0;
        set_action(SIGCHLD, NULL, on_chld, SA_RESTART);
        /* the child echoes each byte of pipe a to pipe b and exits 12 at EOF */
        int a[2], b[2];
        pipe(a);
        pipe2(b, O_NONBLOCK);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            char x;
            close(a[1]);
            close(b[0]);
            while (read(a[0], &x, 1) == 1)
                write(b[1], &x, 1);
            _exit(12);
        }
        close(a[0]);
        close(b[1]);
        chld_expect = c;
        EQ(kill(c, SIGSTOP), 0);
        TRUE(waitpid(c, &st, WUNTRACED) == c);
        EQ(st, 0x137f);
        TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && !WIFEXITED(st) && !WIFSIGNALED(st));
        EQ(waitpid(c, &st, WUNTRACED | WNOHANG), 0); /* reported once */
        char x;
        write(a[1], "x", 1);
        msleep(30);
        ERR(read(b[0], &x, 1), EAGAIN); /* a stopped child does not run */
        EQ(kill(c, SIGCONT), 0);
        TRUE(waitpid(c, &st, WCONTINUED) == c);
        EQ(st, 0xffff);
        TRUE(WIFCONTINUED(st));
        int fl = fcntl(b[0], F_GETFL);
        fcntl(b[0], F_SETFL, fl & ~O_NONBLOCK);
        EQ(read(b[0], &x, 1), 1); /* it runs again */
        close(a[1]);
        TRUE(waitpid(c, &st, 0) == c);
        EQ(WEXITSTATUS(st), 12);
        close(b[0]);
        /* the parent heard CLD_STOPPED, CLD_CONTINUED, CLD_EXITED */
        EQ(ncodes, 3);
        TRUE(codes[0] == CLD_STOPPED && codes[1] == CLD_CONTINUED && codes[2] == CLD_EXITED);

        /* waitid's view; SA_NOCLDSTOP keeps the stop/continue SIGCHLDs away */
        ncodes = 0;
        set_action(SIGCHLD, NULL, on_chld, SA_NOCLDSTOP | SA_RESTART);
        c = blocked_child(&w, 0);
        chld_expect = c;
        kill(c, SIGSTOP);
        memset(&si, 0, sizeof si);
        EQ(waitid(P_PID, c, &si, WSTOPPED), 0);
        EQ(si.si_code, CLD_STOPPED);
        EQ(si.si_status, SIGSTOP);
        TRUE(si.si_pid == c);
        kill(c, SIGCONT);
        memset(&si, 0, sizeof si);
        EQ(waitid(P_PID, c, &si, WCONTINUED), 0);
        EQ(si.si_code, CLD_CONTINUED);
        EQ(si.si_status, SIGCONT);
        kill(c, SIGSTOP);
        EQ(waitid(P_PID, c, &si, WSTOPPED), 0);
        EQ(kill(c, SIGKILL), 0); /* kills a stopped child */
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, SIGKILL);
        close(w);
        EQ(ncodes, 1);
        EQ(codes[0], CLD_KILLED);
    }

    SECTION("SIGCHLD on exit");
    {
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        set_action(SIGCHLD, NULL, on_chld, SA_RESTART);
        sigprocmask(SIG_BLOCK, &set, &old);
        chld_count = 0;
        fflush(stdout);
        pid_t c = fork();
        if (c == 0)
            _exit(5);
        chld_expect = c;
        waitid(P_PID, c, &si, WEXITED | WNOWAIT);
        sigpending(&set);
        TRUE(sigismember(&set, SIGCHLD));
        EQ(chld_count, 0);
        sigprocmask(SIG_SETMASK, &old, NULL);
        EQ(chld_count, 1);
        EQ(chld_code, CLD_EXITED);
        EQ(chld_status, 5);
        TRUE(chld_pid_ok);
        TRUE(waitpid(c, &st, 0) == c);
    }

    SECTION("SA_NOCLDWAIT and SIG_IGN");
    {
        chld_count = 0;
        set_action(SIGCHLD, NULL, on_chld, SA_NOCLDWAIT | SA_RESTART);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            msleep(20);
            _exit(1);
        }
        chld_expect = c;
        ERR(waitpid(-1, &st, 0), ECHILD); /* waits for it to go, then nothing is left */
        EQ(chld_count, 1);                /* a handler still hears it */
        ERR(kill(c, 0), ESRCH);
        set_action(SIGCHLD, SIG_IGN, NULL, 0);
        c = fork();
        if (c == 0) {
            msleep(20);
            _exit(1);
        }
        ERR(waitpid(c, &st, 0), ECHILD);
        ERR(kill(c, 0), ESRCH);
        c = fork();
        if (c == 0)
            _exit(2);
        memset(&si, 0, sizeof si);
        ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
        set_action(SIGCHLD, SIG_DFL, NULL, 0);
        c = fork();
        if (c == 0)
            _exit(3);
        TRUE(waitpid(c, &st, 0) == c); /* back to normal */
        EQ(WEXITSTATUS(st), 3);
    }

    SECTION("SIGPIPE");
    {
        int p[2];
        pipe(p);
        close(p[0]);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            write(p[1], "x", 1);
            _exit(0);
        }
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, SIGPIPE);
        c = fork();
        if (c == 0) {
            signal(SIGPIPE, SIG_IGN);
            errno = 0;
            ssize_t r = write(p[1], "x", 1);
            _exit(r == -1 && errno == EPIPE ? 0 : 1);
        }
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, 0);
        set_action(SIGPIPE, on_pipe, NULL, 0);
        ERR(write(p[1], "x", 1), EPIPE);
        EQ(pipe_hits, 1);
        signal(SIGPIPE, SIG_IGN);
        ERR(write(p[1], "x", 1), EPIPE);
        EQ(pipe_hits, 1);
        signal(SIGPIPE, SIG_DFL);
        close(p[1]);
    }

    SECTION("init survives its own signals");
    EQ(kill(1, SIGTERM), 0);
    EQ(kill(1, SIGKILL), 0);
    EQ(kill(1, SIGSTOP), 0);
    EQ(kill(1, SIGQUIT), 0);
    sigset_t pend;
    sigpending(&pend);
    TRUE(!sigismember(&pend, SIGTERM) && !sigismember(&pend, SIGKILL)); /* dropped, not pending */
    printf("still running\n");
    return summary();
}
