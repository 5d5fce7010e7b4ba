/*
 * time_clocks: clocks, sleeps and usage accounting as Linux provides them
 * (kernel/time/posix-timers.c, posix-cpu-timers.c, hrtimer.c, kernel/sys.c
 * getrusage/sysinfo/times; clock_gettime(2), clock_nanosleep(2),
 * nanosleep(2), times(2), getrusage(2), sysinfo(2), gettimeofday(2)).
 * No absolute times are printed, only relations.
 *   - clock_gettime: MONOTONIC never goes back (checked in a loop, through
 *     the library and the raw system call); BOOTTIME >= MONOTONIC; REALTIME
 *     after 2020 and within a second of gettimeofday() and time(); the CPU
 *     clocks grow with work and not with sleep; EINVAL for unknown clocks.
 *   - clock_getres: 1 ns for the high-resolution clocks; a NULL res is fine;
 *     EINVAL for an unknown clock.
 *   - nanosleep: sleeps at least as asked; EINVAL for tv_nsec >= 1e9 or < 0
 *     or tv_sec < 0.
 *   - clock_nanosleep: relative and TIMER_ABSTIME (a past time returns at
 *     once); errors come back as the result (EINVAL for a bad tv_nsec, for
 *     CLOCK_THREAD_CPUTIME_ID, for a bad flag... only TIMER_ABSTIME counts).
 *   - times(): the return value grows; the children's times are counted
 *     once they are waited for.
 *   - getrusage: RUSAGE_SELF, RUSAGE_THREAD, RUSAGE_CHILDREN (after a wait),
 *     ru_maxrss > 0; EINVAL for an unknown who.
 *   - sysinfo: a plausible uptime, totalram > 0, freeram <= totalram, procs >= 1,
 *     mem_unit >= 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long now_ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return ns(t);
}

/* Spins in user mode for about ms of monotonic time. */
static void spin(long ms)
{
    long long end = now_ns(CLOCK_MONOTONIC) + ms * 1000000LL;
    volatile unsigned long x = 0;
    while (now_ns(CLOCK_MONOTONIC) < end)
        for (int i = 0; i < 1000; i++)
            x += i;
}

/* Spins until the process has had ms of CPU time: a check of CPU-time
 * accounting must not depend on how much of the wall-clock time the host gave
 * this guest CPU (times() failed with 2 CPUs on a loaded host). */
static void spin_cpu(long ms)
{
    long long end = now_ns(CLOCK_PROCESS_CPUTIME_ID) + ms * 1000000LL;
    volatile unsigned long x = 0;
    while (now_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
        for (int i = 0; i < 1000; i++)
            x += i;
}

static long long tv_us(struct timeval t) { return t.tv_sec * 1000000LL + t.tv_usec; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct timespec t, r;

    SECTION("clock_gettime");
    {
        clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                           CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME};
        for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            printf("clock %d: ", ids[i]);
            EQ(syscall(SYS_clock_gettime, ids[i], &t), 0);
        }
        ERR(clock_gettime(100, &t), EINVAL);
        ERR(syscall(SYS_clock_gettime, 100, &t), EINVAL);
        ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8), EFAULT);
        int back = 0;
        long long prev = now_ns(CLOCK_MONOTONIC);
        for (int i = 0; i < 2000; i++) {
            long long n;
            if (i & 1) {
                syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
                n = ns(t);
            } else {
                n = now_ns(CLOCK_MONOTONIC);
            }
            if (n < prev)
                back++;
            prev = n;
        }
        EQ(back, 0);
        TRUE(now_ns(CLOCK_BOOTTIME) >= now_ns(CLOCK_MONOTONIC) - 1000000);
        TRUE(now_ns(CLOCK_MONOTONIC) >= 0);
        clock_gettime(CLOCK_REALTIME, &t);
        TRUE(t.tv_sec > 1577836800); /* after 2020-01-01 */
        TRUE(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
        struct timeval tv;
        EQ(gettimeofday(&tv, NULL), 0);
        TRUE(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        long long d = tv_us(tv) - ns(t) / 1000;
        TRUE(d > -1000000 && d < 1000000);
        time_t secs = time(NULL);
        TRUE(secs - tv.tv_sec >= -1 && secs - tv.tv_sec <= 1);
        EQ(syscall(SYS_gettimeofday, &tv, NULL), 0);
        EQ(syscall(SYS_gettimeofday, NULL, NULL), 0);
        time_t via = 0;
        long ret = syscall(SYS_time, &via);
        /* time() reads the coarse seconds, updated at the tick: it may trail clock_gettime by one. */
        TRUE(ret == via && via >= secs - 1);
        /* CPU clocks: work counts, sleep does not */
        long long c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), th0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
        spin(50);
        long long c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), th1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
        TRUE(c1 - c0 >= 20000000); /* at least 20 of the 50 ms */
        TRUE(th1 - th0 >= 20000000);
        struct timespec nap = {0, 100000000};
        nanosleep(&nap, NULL);
        long long c2 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
        TRUE(c2 - c1 < 50000000); /* a 100 ms sleep is not CPU time */
    }

    SECTION("clock_getres");
    {
        clockid_t hr[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID,
                          CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW};
        for (unsigned i = 0; i < sizeof hr / sizeof hr[0]; i++) {
            memset(&r, 0x55, sizeof r);
            printf("clock %d: ", hr[i]);
            EQ(syscall(SYS_clock_getres, hr[i], &r), 0);
            TRUE(r.tv_sec == 0 && r.tv_nsec == 1);
        }
        EQ(syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &r), 0);
        TRUE(r.tv_sec == 0 && r.tv_nsec >= 1000000 && r.tv_nsec <= 10000000); /* one tick */
        EQ(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0);
        ERR(syscall(SYS_clock_getres, 100, &r), EINVAL);
    }

    SECTION("nanosleep");
    {
        long long a = now_ns(CLOCK_MONOTONIC);
        t = (struct timespec){0, 20000000};
        EQ(nanosleep(&t, NULL), 0);
        TRUE(now_ns(CLOCK_MONOTONIC) - a >= 20000000);
        t = (struct timespec){0, 0};
        EQ(nanosleep(&t, NULL), 0);
        t = (struct timespec){0, 1000000000};
        ERR(nanosleep(&t, NULL), EINVAL);
        t = (struct timespec){0, -1};
        ERR(nanosleep(&t, NULL), EINVAL);
        t = (struct timespec){-1, 0};
        ERR(nanosleep(&t, NULL), EINVAL);
        ERR(syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
    }

    SECTION("clock_nanosleep");
    {
        long long a = now_ns(CLOCK_MONOTONIC);
        t = (struct timespec){0, 20000000};
        EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL), 0);
        TRUE(now_ns(CLOCK_MONOTONIC) - a >= 20000000);
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += 20000000;
        if (t.tv_nsec >= 1000000000) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000;
        }
        EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
        TRUE(now_ns(CLOCK_MONOTONIC) >= ns(t));
        t = (struct timespec){0, 1}; /* long past on the monotonic clock */
        a = now_ns(CLOCK_MONOTONIC);
        EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
        TRUE(now_ns(CLOCK_MONOTONIC) - a < 10000000);
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec = 0;
        EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL), 0); /* the past too */
        t = (struct timespec){0, 10000000};
        EQ(clock_nanosleep(CLOCK_REALTIME, 0, &t, NULL), 0);
        EQ(clock_nanosleep(CLOCK_BOOTTIME, 0, &t, NULL), 0);
        EQ(clock_nanosleep(CLOCK_MONOTONIC, 0x10, &t, NULL), 0); /* other flag bits: ignored */
        t = (struct timespec){0, 1000000000};
        EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL), EINVAL);
        t = (struct timespec){0, 1000};
        EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &t, NULL), EINVAL);
        EQ(clock_nanosleep(100, 0, &t, NULL), EINVAL);
    }

    SECTION("times");
    {
        struct tms a, b;
        clock_t t0 = times(&a);
        TRUE(t0 != (clock_t)-1);
        spin_cpu(60);
        clock_t t1 = times(&b);
        TRUE(t1 > t0); /* in clock ticks (USER_HZ = 100) */
        TRUE(t1 - t0 >= 4 && t1 - t0 < 100);
        TRUE((b.tms_utime + b.tms_stime) - (a.tms_utime + a.tms_stime) >= 2);
        EQ(b.tms_cutime + b.tms_cstime, 0);
        EQ(sysconf(_SC_CLK_TCK), 100);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            spin_cpu(60);
            _exit(0);
        }
        struct tms m;
        spin(1);
        times(&m);
        EQ(m.tms_cutime + m.tms_cstime, 0); /* not before the wait */
        waitpid(c, NULL, 0);
        times(&m);
        TRUE(m.tms_cutime + m.tms_cstime >= 2);
        EQ(syscall(SYS_times, NULL) > 0, 1);
    }

    SECTION("getrusage");
    {
        struct rusage u, v;
        EQ(getrusage(RUSAGE_SELF, &u), 0);
        TRUE(u.ru_maxrss > 0);
        TRUE(tv_us(u.ru_utime) + tv_us(u.ru_stime) > 0);
        EQ(getrusage(RUSAGE_THREAD, &v), 0);
        EQ(getrusage(RUSAGE_CHILDREN, &u), 0);
        long long before = tv_us(u.ru_utime) + tv_us(u.ru_stime);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            spin_cpu(60);
            _exit(0);
        }
        waitpid(c, NULL, 0);
        EQ(getrusage(RUSAGE_CHILDREN, &u), 0);
        TRUE(tv_us(u.ru_utime) + tv_us(u.ru_stime) - before >= 20000);
        TRUE(u.ru_maxrss > 0);
        ERR(getrusage(5, &u), EINVAL);
        ERR(getrusage(-3, &u), EINVAL);
        ERR(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), EFAULT);
    }

    SECTION("sysinfo");
    {
        struct sysinfo si;
        memset(&si, 0, sizeof si);
        EQ(sysinfo(&si), 0);
        TRUE(si.uptime < 100000); /* seconds since boot */
        TRUE(si.totalram > 0);
        TRUE(si.freeram <= si.totalram && si.freeram > 0);
        TRUE(si.procs >= 1);
        TRUE(si.mem_unit >= 1);
        TRUE((unsigned long long)si.totalram * si.mem_unit >= 16ULL << 20);
        ERR(syscall(SYS_sysinfo, (void *)8), EFAULT);
    }
    return summary();
}
