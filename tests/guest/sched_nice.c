/*
 * Nice values weigh in the scheduler: two CPU-bound children share one CPU
 * for a while, one at nice 0 and one at nice 10 (weights 1024 and 110 on
 * Linux: about 9 to 1), and their CPU times show it. The check allows a wide
 * margin (more than 3 to 1); the times themselves are not printed. A third
 * child at nice 0 beside a nice-0 sibling gets about half (within 1 to 2).
 * Everything is pinned to CPU 0: with a CPU each, nice would not matter.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static pid_t spin(int nice_value)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setpriority(PRIO_PROCESS, 0, nice_value))
            _exit(1);
        for (;;)
            __asm__ volatile("" ::: "memory");
    }
    return pid;
}

/* CPU time (user + system, in ms) of a child killed after the run. */
static long stop(pid_t pid)
{
    struct rusage ru;
    int status;
    kill(pid, SIGKILL);
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static void run_for_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

int main(void)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof(one), &one); /* inherited by the children */
    /* The parent sleeps meanwhile: it must not take the CPU's share. */
    pid_t a = spin(0), b = spin(10);
    run_for_ms(400);
    long ta = stop(a), tb = stop(b);
    TRUE(ta > 0 && tb >= 0);
    TRUE(ta > 3 * tb); /* nice 0 gets far more than nice 10 */

    pid_t c = spin(0), d = spin(0);
    run_for_ms(400);
    long tc = stop(c), td = stop(d);
    TRUE(tc > 0 && td > 0);
    TRUE(tc < 2 * td && td < 2 * tc); /* two equals share evenly */

    EQ(getpriority(PRIO_PROCESS, 0), 0);
    return summary();
}
