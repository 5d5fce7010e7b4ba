/*
 * The real-time classes on one CPU: SCHED_FIFO runs until it yields (an
 * equal child waits), a raised task preempts at once, RR's slice, the
 * reset-on-fork flag, sched_getattr's view, SCHED_DEADLINE's admission,
 * and the way back to SCHED_OTHER. Every check prints what it saw; the output is Linux's.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct sched_attr_v1 {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

static volatile int *flag;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spin_ms(long ms)
{
    long end = now_ms() + ms;
    while (now_ms() < end)
        ;
}

static int setsched(pid_t pid, int policy, int prio)
{
    struct sched_param p = {.sched_priority = prio};
    return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

int main(void)
{
    flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
    EQ(setsched(0, SCHED_FIFO, 10), 0);
    EQ(syscall(SYS_sched_getscheduler, 0), SCHED_FIFO);
    struct sched_param sp = {0};
    EQ(syscall(SYS_sched_getparam, 0, &sp), 0);
    EQ(sp.sched_priority, 10);
    ERR(setsched(0, SCHED_FIFO, 0), EINVAL);
    ERR(setsched(0, SCHED_OTHER, 5), EINVAL);
    ERR(setsched(0, SCHED_FIFO, 100), EINVAL);
    ERR(setsched(0, 4, 0), EINVAL);

    /* An equal-priority FIFO child waits until the parent yields. */
    *flag = 0;
    pid_t child = fork();
    if (child == 0) {
        *flag = 1;
        _exit(syscall(SYS_sched_getscheduler, 0));
    }
    spin_ms(50);
    EQ(*flag, 0);
    sched_yield();
    EQ(*flag, 1);
    int status;
    EQ(waitpid(child, &status, 0), child);
    EQ(WEXITSTATUS(status), SCHED_FIFO);

    /* A child raised above the parent runs before the raise returns. */
    *flag = 0;
    child = fork();
    if (child == 0) {
        while (*flag == 0)
            sched_yield();
        *flag = 2;
        _exit(0);
    }
    *flag = 5;
    EQ(setsched(child, SCHED_FIFO, 20), 0);
    EQ(*flag, 2);
    EQ(waitpid(child, &status, 0), child);

    /* RR: the slice; FIFO has none. */
    struct timespec ts;
    EQ(sched_rr_get_interval(0, &ts), 0);
    EQ(ts.tv_sec * 1000000000L + ts.tv_nsec, 0);
    EQ(setsched(0, SCHED_RR, 3), 0);
    EQ(sched_rr_get_interval(0, &ts), 0);
    EQ(ts.tv_sec * 1000000000L + ts.tv_nsec, 100000000);

    /* Reset on fork: the child starts as SCHED_OTHER. */
    EQ(setsched(0, SCHED_FIFO | 0x40000000, 7), 0);
    EQ(syscall(SYS_sched_getscheduler, 0), SCHED_FIFO | 0x40000000);
    child = fork();
    if (child == 0)
        _exit(syscall(SYS_sched_getscheduler, 0));
    EQ(waitpid(child, &status, 0), child);
    EQ(WEXITSTATUS(status), SCHED_OTHER);

    struct sched_attr_v1 a;
    memset(&a, 0xff, sizeof a);
    EQ(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0), 0);
    EQ(a.size, sizeof a);
    EQ(a.sched_policy, SCHED_FIFO);
    EQ(a.sched_flags, 1);
    EQ(a.sched_priority, 7);
    EQ(a.sched_nice, 0);
    EQ(a.sched_util_max, 0);
    ERR(syscall(SYS_sched_getattr, 0, &a, 47, 0), EINVAL);

    /* Back to SCHED_OTHER with sched_setattr, nice 5, the flag kept. */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.sched_policy = SCHED_OTHER;
    a.sched_nice = 5;
    a.sched_flags = 1;
    EQ(syscall(SYS_sched_setattr, 0, &a, 0), 0);
    EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER | 0x40000000);
    EQ(getpriority(PRIO_PROCESS, 0), 5);
    a.sched_flags = 0x20; /* SCHED_FLAG_UTIL_CLAMP_MIN */
    ERR(syscall(SYS_sched_setattr, 0, &a, 0), EOPNOTSUPP);
    a.sched_flags = 0;
    a.size = 40;
    ERR(syscall(SYS_sched_setattr, 0, &a, 0), E2BIG);
    EQ(a.size, 56);

    /* SCHED_DEADLINE: 10 ms every 30 ms admitted; too much is EBUSY; a
     * deadline task may not fork; back to SCHED_OTHER. */
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.sched_policy = 6;
    a.sched_runtime = 10000000;
    a.sched_deadline = a.sched_period = 30000000;
    EQ(syscall(SYS_sched_setattr, 0, &a, 0), 0);
    EQ(syscall(SYS_sched_getscheduler, 0), 6);
    struct sched_attr_v1 g;
    EQ(syscall(SYS_sched_getattr, 0, &g, sizeof g, 0), 0);
    EQ(g.sched_policy, 6);
    EQ(g.sched_runtime, 10000000);
    EQ(g.sched_deadline, 30000000);
    EQ(g.sched_period, 30000000);
    ERR(fork(), EAGAIN);
    spin_ms(100); /* throttled and replenished along the way */
    EQ(sched_rr_get_interval(0, &ts), 0);
    EQ(ts.tv_sec * 1000000000L + ts.tv_nsec, 0);
    a.sched_runtime = 29000000;
    ERR(syscall(SYS_sched_setattr, 0, &a, 0), EBUSY);
    a.sched_runtime = 40000000;
    ERR(syscall(SYS_sched_setattr, 0, &a, 0), EINVAL);
    a.sched_runtime = 100;
    ERR(syscall(SYS_sched_setattr, 0, &a, 0), EINVAL);
    EQ(setsched(0, SCHED_OTHER, 0), 0);
    EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
    a.sched_runtime = 5000000; /* admitted beside what Linux still holds for the last one until its 0-lag time */
    EQ(syscall(SYS_sched_setattr, 0, &a, 0), 0);
    EQ(setsched(0, SCHED_OTHER, 0), 0);

    /* Unprivileged: no real time without RLIMIT_RTPRIO. */
    child = fork();
    if (child == 0) {
        setuid(1000);
        _exit(setsched(0, SCHED_FIFO, 1) == -1 && errno == EPERM ? 0 : 1);
    }
    EQ(waitpid(child, &status, 0), child);
    EQ(WEXITSTATUS(status), 0);
    return summary();
}
