/*
 * RLIMIT_CPU: a process past its soft limit gets SIGXCPU (and again a second
 * later, the soft limit moving on), and at the hard limit SIGKILL.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int xcpu;

static void on_xcpu(int sig)
{
    (void)sig;
    xcpu++;
}

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct rlimit r = {1, 3};
        signal(SIGXCPU, on_xcpu);
        if (setrlimit(RLIMIT_CPU, &r))
            _exit(9);
        int seen_at_2 = -1;
        while (cpu_seconds() < 10) {
            if (seen_at_2 < 0 && cpu_seconds() >= 2.5)
                seen_at_2 = xcpu;
        }
        _exit(100); /* never: the hard limit kills first */
    }
    int st;
    EQ(waitpid(c, &st, 0), c);
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* Without a handler, SIGXCPU itself ends the process (it dumps core). */
    c = fork();
    if (c == 0) {
        struct rlimit r = {1, RLIM_INFINITY};
        if (setrlimit(RLIMIT_CPU, &r))
            _exit(9);
        while (cpu_seconds() < 10)
            ;
        _exit(100);
    }
    EQ(waitpid(c, &st, 0), c);
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU);

    /* The soft limit moves a second on at each SIGXCPU. */
    c = fork();
    if (c == 0) {
        struct rlimit r = {1, 5};
        signal(SIGXCPU, on_xcpu);
        if (setrlimit(RLIMIT_CPU, &r))
            _exit(9);
        while (cpu_seconds() < 3.5)
            ;
        getrlimit(RLIMIT_CPU, &r);
        printf("after 3.5 s: %d SIGXCPU, soft limit %lu\n", xcpu, (unsigned long)r.rlim_cur);
        fflush(stdout);
        _exit(0);
    }
    EQ(waitpid(c, &st, 0), c);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return summary();
}
