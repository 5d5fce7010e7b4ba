/*
 * sig_timer: alarm and interval timers, and what a signal does to a sleeping
 * system call, as Linux does it (kernel/time/itimer.c, kernel/signal.c,
 * arch/x86/kernel/signal.c handle_signal; alarm(2), setitimer(2), signal(7)
 * "Interruption of system calls and library functions by signal handlers").
 *   - alarm: returns the seconds left of the previous alarm (rounded:
 *     alarm_setitimer), 0 cancels; SIGALRM arrives and ends pause() (EINTR).
 *   - setitimer/getitimer(ITIMER_REAL): the old value comes back, getitimer
 *     shows the time left (never more than was set), a periodic timer fires
 *     again; EINVAL for tv_usec >= 1000000, negative values or a bad which;
 *     alarm and ITIMER_REAL are the same timer. ITIMER_VIRTUAL counts user
 *     CPU time and sends SIGVTALRM.
 *   - an unhandled default-ignored or stop/continue signal never interrupts:
 *     a read in a stopped-and-continued child goes on and gets its data.
 *   - with a handler without SA_RESTART, a blocked read of an empty pipe and
 *     wait4 return EINTR; with SA_RESTART they go on (read gets the data, wait4
 *     the child); nanosleep, select and poll return EINTR even with
 *     SA_RESTART (ERESTART_RESTARTBLOCK / ERESTARTNOHAND); nanosleep writes
 *     the remaining time; clock_nanosleep returns EINTR as its result, with
 *     the remainder for a relative sleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static volatile int alrms, vtalrms;
static void on_alrm(int sig)
{
    (void)sig;
    alrms++;
}
static void on_vtalrm(int sig)
{
    (void)sig;
    vtalrms++;
}

static void handler(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void arm_ms(long ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static long us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct itimerval it, old;

    SECTION("alarm");
    handler(SIGALRM, on_alrm, 0);
    EQ(alarm(0), 0);
    EQ(alarm(5), 0);
    EQ(alarm(7), 5);
    EQ(alarm(0), 7);
    EQ(alarm(0), 0);
    alrms = 0;
    EQ(alarm(1), 0);
    ERR(pause(), EINTR);
    EQ(alrms, 1);
    EQ(alarm(0), 0); /* it fired: nothing left */

    SECTION("setitimer and getitimer");
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = 3;
    EQ(setitimer(ITIMER_REAL, &it, &old), 0);
    EQ(us(old.it_value), 0);
    EQ(getitimer(ITIMER_REAL, &old), 0);
    TRUE(us(old.it_value) > 2500000 && us(old.it_value) <= 3000000);
    EQ(us(old.it_interval), 0);
    EQ(alarm(0), 3); /* the same timer */
    EQ(getitimer(ITIMER_REAL, &old), 0);
    EQ(us(old.it_value), 0);
    it.it_value.tv_sec = 0;
    it.it_value.tv_usec = 1000000;
    ERR(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it.it_value.tv_usec = -1;
    ERR(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it.it_value.tv_usec = 0;
    ERR(setitimer(5, &it, NULL), EINVAL);
    ERR(getitimer(5, &old), EINVAL);
    ERR(getitimer(-1, &old), EINVAL);
    /* one shot */
    alrms = 0;
    it.it_value.tv_usec = 30000;
    EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
    EQ(getitimer(ITIMER_REAL, &old), 0);
    TRUE(us(old.it_value) > 0 && us(old.it_value) <= 30000);
    ERR(pause(), EINTR);
    EQ(alrms, 1);
    EQ(getitimer(ITIMER_REAL, &old), 0);
    EQ(us(old.it_value), 0);
    /* periodic */
    alrms = 0;
    it.it_value.tv_usec = 10000;
    it.it_interval.tv_usec = 10000;
    {
        /* counted with SIGALRM blocked outside sigsuspend, so exactly 3 */
        sigset_t alrm, none;
        sigemptyset(&alrm);
        sigaddset(&alrm, SIGALRM);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &alrm, NULL);
        EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
        while (alrms < 3)
            sigsuspend(&none);
        EQ(getitimer(ITIMER_REAL, &old), 0);
        EQ(us(old.it_interval), 10000);
        TRUE(us(old.it_value) > 0 && us(old.it_value) <= 10000);
        memset(&it, 0, sizeof it);
        EQ(setitimer(ITIMER_REAL, &it, &old), 0);
        EQ(us(old.it_interval), 10000);
        EQ(alrms, 3);
        signal(SIGALRM, SIG_IGN); /* drops one that may be pending */
        sigprocmask(SIG_UNBLOCK, &alrm, NULL);
        handler(SIGALRM, on_alrm, 0);
    }

    SECTION("ITIMER_VIRTUAL");
    handler(SIGVTALRM, on_vtalrm, 0);
    EQ(getitimer(ITIMER_VIRTUAL, &old), 0);
    EQ(us(old.it_value), 0);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 20000;
    EQ(setitimer(ITIMER_VIRTUAL, &it, NULL), 0);
    {
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do /* spin in user mode until it fires (or 1 s passes) */
            clock_gettime(CLOCK_MONOTONIC, &t);
        while (!vtalrms && (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 1000000000L);
    }
    EQ(vtalrms, 1);

    SECTION("a stop and continue does not interrupt");
    {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            char buf[4];
            close(p[1]);
            errno = 0;
            ssize_t r = read(p[0], buf, 4);
            _exit(r == 4 ? 0 : errno == EINTR ? 2 : 1);
        }
        close(p[0]);
        msleep(20);
        int st;
        kill(c, SIGSTOP);
        waitpid(c, &st, WUNTRACED);
        kill(c, SIGCONT);
        kill(c, SIGWINCH); /* default: ignored */
        msleep(20);
        write(p[1], "data", 4);
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, 0); /* the read went on and got the data */
        close(p[1]);
    }

    SECTION("EINTR without SA_RESTART");
    {
        int p[2];
        char buf[8];
        pipe(p);
        handler(SIGALRM, on_alrm, 0);
        alrms = 0;
        arm_ms(20);
        ERR(read(p[0], buf, sizeof buf), EINTR);
        EQ(alrms, 1);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            msleep(200);
            _exit(4);
        }
        arm_ms(20);
        ERR(wait4(c, NULL, 0, NULL), EINTR);
        int st;
        TRUE(waitpid(c, &st, 0) == c);
        close(p[0]);
        close(p[1]);
    }

    SECTION("SA_RESTART");
    {
        int p[2];
        char buf[8];
        pipe(p);
        handler(SIGALRM, on_alrm, SA_RESTART);
        alrms = 0;
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            msleep(200);
            write(p[1], "late", 4);
            _exit(4);
        }
        arm_ms(20);
        EQ(read(p[0], buf, sizeof buf), 4); /* restarted after the handler */
        EQ(alrms, 1);
        int st;
        TRUE(waitpid(c, &st, 0) == c);
        c = fork();
        if (c == 0) {
            msleep(200);
            _exit(4);
        }
        arm_ms(20);
        TRUE(wait4(c, &st, 0, NULL) == c); /* restarted too */
        EQ(alrms, 2);
        EQ(WEXITSTATUS(st), 4);
        /* never restarted: nanosleep, select, poll */
        struct timespec ts = {1, 0}, rem = {0, 0};
        arm_ms(20);
        ERR(nanosleep(&ts, &rem), EINTR);
        EQ(alrms, 3);
        TRUE(rem.tv_sec == 0 && rem.tv_nsec > 500000000 && rem.tv_nsec < 1000000000);
        arm_ms(20);
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(p[0], &rd);
        struct timeval tv = {1, 0};
        ERR(select(p[0] + 1, &rd, NULL, NULL, &tv), EINTR);
        arm_ms(20);
        struct pollfd pf = {p[0], POLLIN, 0};
        ERR(poll(&pf, 1, 1000), EINTR);
        arm_ms(20);
        ERR(pause(), EINTR);
        EQ(alrms, 6);
        close(p[0]);
        close(p[1]);
    }

    SECTION("nanosleep and clock_nanosleep interrupted");
    {
        handler(SIGALRM, on_alrm, 0);
        struct timespec ts = {1, 0}, rem = {5, 5};
        arm_ms(20);
        ERR(nanosleep(&ts, &rem), EINTR);
        TRUE(rem.tv_sec == 0 && rem.tv_nsec > 500000000 && rem.tv_nsec < 1000000000);
        rem.tv_sec = 5;
        arm_ms(20);
        EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem), EINTR); /* the result, not errno */
        TRUE(rem.tv_sec == 0 && rem.tv_nsec > 500000000 && rem.tv_nsec < 1000000000);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        now.tv_sec += 1;
        rem.tv_sec = 5;
        rem.tv_nsec = 5;
        arm_ms(20);
        EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, &rem), EINTR);
        TRUE(rem.tv_sec == 5 && rem.tv_nsec == 5); /* not written for an absolute sleep */
        /* a sleep with NULL rem */
        arm_ms(20);
        ERR(nanosleep(&ts, NULL), EINTR);
    }
    return summary();
}
