/* POSIX timers through the system calls: the errors, ids, the signal's
 * siginfo (SI_TIMER, timer id, value, overruns), SIGEV_NONE, a periodic
 * timer's overruns and timer_getoverrun, a CPU-time timer, SIGEV_THREAD_ID,
 * and that timers are neither inherited by fork nor kept across exec;
 * compared with Linux. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

#define MS 1000000L

struct ksigevent {
    long value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};

static long tcreate(int clock, struct ksigevent *ev, int *id) { return syscall(SYS_timer_create, clock, ev, id); }
static long tset(int id, int flags, long value, long interval, struct itimerspec *old)
{
    struct itimerspec t = {{interval / 1000000000L, interval % 1000000000L}, {value / 1000000000L, value % 1000000000L}};
    return syscall(SYS_timer_settime, id, flags, &t, old);
}
static long tget(int id, struct itimerspec *v) { return syscall(SYS_timer_gettime, id, v); }
static long ns_of(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct itimerspec v;
    if (argc > 1) {
        /* After an exec: the timers are gone. */
        ERR(tget(0, &v), EINVAL);
        return summary();
    }
    int id = -1;
    struct ksigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.signo = SIGUSR1;
    ev.notify = 99;
    ERR(tcreate(99, NULL, &id), EINVAL);
    ERR(tcreate(CLOCK_MONOTONIC_RAW, NULL, &id), EOPNOTSUPP);
    ERR(tcreate(CLOCK_REALTIME, &ev, &id), EINVAL);
    ev.notify = SIGEV_SIGNAL;
    ev.signo = 0;
    ERR(tcreate(CLOCK_REALTIME, &ev, &id), EINVAL);
    ev.signo = 65;
    ERR(tcreate(CLOCK_REALTIME, &ev, &id), EINVAL);
    ev.signo = SIGUSR1;
    ev.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev.tid = 999999;
    ERR(tcreate(CLOCK_REALTIME, &ev, &id), EINVAL);
    ERR(tcreate(CLOCK_REALTIME, (void *)8, &id), EFAULT);

    /* Ids count from where the failures left them. */
    int first, second;
    EQ(tcreate(CLOCK_MONOTONIC, NULL, &first), 0);
    EQ(tcreate(CLOCK_MONOTONIC, NULL, &second), 0);
    EQ(second - first, 1);

    /* The default: SIGALRM whose value is the timer id. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    EQ(tset(second, 0, 10 * MS, 0, NULL), 0);
    siginfo_t si;
    EQ(sigwaitinfo(&set, &si), SIGALRM);
    EQ(si.si_code, SI_TIMER);
    truth("si_timerid is the id", si.si_timerid == second);
    truth("si_value is the id", si.si_value.sival_int == second);
    EQ(si.si_overrun, 0);
    EQ(tget(second, &v), 0);
    truth("expired one-shot reads as zero", ns_of(v.it_value) == 0 && ns_of(v.it_interval) == 0);

    /* settime's checks. */
    ERR(syscall(SYS_timer_settime, second, 0, NULL, NULL), EINVAL);
    ERR(tset(12345, 0, MS, 0, NULL), EINVAL);
    struct itimerspec bad = {{0, 0}, {0, 1000000000L}};
    ERR(syscall(SYS_timer_settime, second, 0, &bad, NULL), EINVAL);
    ERR(syscall(SYS_timer_settime, second, 0, (void *)8, NULL), EFAULT);
    ERR(tget(second, (void *)8), EFAULT);
    ERR(tget(-1, &v), EINVAL);

    /* A periodic timer, its signal blocked: the expirations meanwhile are overruns. */
    memset(&ev, 0, sizeof(ev));
    ev.signo = SIGUSR1;
    ev.notify = SIGEV_SIGNAL;
    ev.value = 0x1234;
    int per;
    EQ(tcreate(CLOCK_REALTIME, &ev, &per), 0);
    EQ(tset(per, 0, 5 * MS, 5 * MS, NULL), 0);
    usleep(60 * 1000);
    EQ(sigwaitinfo(&set, &si), SIGUSR1);
    EQ(si.si_value.sival_int, 0x1234);
    truth("overruns counted while pending", si.si_overrun >= 6 && si.si_overrun <= 12);
    truth("timer_getoverrun says the same", syscall(SYS_timer_getoverrun, per) == si.si_overrun);
    EQ(tget(per, &v), 0);
    truth("interval kept", ns_of(v.it_interval) == 5 * MS);
    truth("next expiry within a period", ns_of(v.it_value) > 0 && ns_of(v.it_value) <= 5 * MS);
    struct itimerspec old;
    EQ(tset(per, 0, 0, 0, &old), 0);
    truth("old interval", ns_of(old.it_interval) == 5 * MS);
    EQ(syscall(SYS_timer_delete, per), 0);
    ERR(syscall(SYS_timer_delete, per), EINVAL);
    ERR(syscall(SYS_timer_getoverrun, per), EINVAL);
    /* Its last signal, if one came after the wait, is still delivered: drain it. */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, &si, &zero) > 0)
        ;

    /* SIGEV_NONE: no signal, but the time runs. */
    ev.notify = SIGEV_NONE;
    int none;
    EQ(tcreate(CLOCK_MONOTONIC, &ev, &none), 0);
    EQ(tset(none, 0, 1000 * MS, 0, NULL), 0);
    EQ(tget(none, &v), 0);
    truth("SIGEV_NONE counts down", ns_of(v.it_value) > 900 * MS && ns_of(v.it_value) <= 1000 * MS);
    EQ(tset(none, TIMER_ABSTIME, 1, 0, NULL), 0);
    usleep(5000);
    EQ(tget(none, &v), 0);
    truth("an absolute time past has expired", ns_of(v.it_value) == 0);
    struct timespec wait10 = {0, 20 * MS};
    ERR(sigtimedwait(&set, &si, &wait10), EAGAIN);

    /* SIGEV_THREAD_ID to this thread. */
    ev.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev.signo = SIGUSR2;
    ev.tid = (int)syscall(SYS_gettid);
    int th;
    EQ(tcreate(CLOCK_MONOTONIC, &ev, &th), 0);
    EQ(tset(th, 0, 5 * MS, 0, NULL), 0);
    EQ(sigwaitinfo(&set, &si), SIGUSR2);
    truth("SIGEV_THREAD_ID's si_timerid", si.si_timerid == th);

    /* CPU time: the process's clock, while it spins. */
    ev.notify = SIGEV_SIGNAL;
    ev.signo = SIGUSR1;
    int cpu;
    EQ(tcreate(CLOCK_PROCESS_CPUTIME_ID, &ev, &cpu), 0);
    /* The clock is read before the timer is armed: CPU time is time on the
     * CPU, and under emulation a millisecond of it can pass between two calls. */
    struct timespec start, now, cstart, cnow;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cstart);
    EQ(tset(cpu, 0, 30 * MS, 0, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    int got = 0;
    do {
        sigset_t pend;
        sigpending(&pend);
        got = sigismember(&pend, SIGUSR1);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (!got && ns_of(now) - ns_of(start) < 5000 * MS);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cnow);
    truth("the CPU-time timer fired", got);
    truth("after 30 ms of CPU time", ns_of(cnow) - ns_of(cstart) >= 29 * MS);
    EQ(sigwaitinfo(&set, &si), SIGUSR1);
    EQ(syscall(SYS_timer_delete, cpu), 0);

    /* Not inherited by fork; gone at exec. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(tget(first, &v) == -1 && errno == EINVAL ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    truth("a child has none of its parent's timers", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pid = fork();
    if (pid == 0) {
        int mine;
        tcreate(CLOCK_MONOTONIC, NULL, &mine);
        execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
        execl(argv[0], argv[0], "exec", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    truth("none after exec", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return summary();
}
