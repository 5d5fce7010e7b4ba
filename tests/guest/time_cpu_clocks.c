/*
 * CPU-time clocks by id (clock_getcpuclockid, pthread_getcpuclockid): a
 * thread's clock counts that thread's work only, the process's all of it,
 * another process's clock is readable, a thread of another process is not
 * (EINVAL), nor a missing process; resolution; no sleeping on a thread's
 * CPU clock.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t))
        return -1;
    return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile int stop;
static clockid_t worker_clock;

static void *worker(void *arg)
{
    (void)arg;
    pthread_getcpuclockid(pthread_self(), &worker_clock);
    while (!stop)
        ;
    return NULL;
}

int main(void)
{
    clockid_t self_thread, proc;
    EQ(pthread_getcpuclockid(pthread_self(), &self_thread), 0);
    EQ(clock_getcpuclockid(0, &proc), 0);
    pthread_t th;
    EQ(pthread_create(&th, NULL, worker, NULL), 0);
    struct timespec nap = {0, 300000000};
    nanosleep(&nap, NULL); /* the worker spins, this thread sleeps */
    double mine = secs(self_thread), theirs = secs(worker_clock), all = secs(proc);
    stop = 1;
    pthread_join(th, NULL);
    TRUE(mine >= 0 && mine < 0.1);
    TRUE(theirs > 0.1);
    TRUE(all >= theirs);
    struct timespec res;
    EQ(clock_getres(proc, &res), 0);
    printf("process clock resolution: %ld ns\n", res.tv_nsec);
    EQ(clock_getres(self_thread, &res), 0);
    printf("thread clock resolution: %ld ns\n", res.tv_nsec);
    int e = clock_nanosleep(self_thread, 0, &nap, NULL); /* returns the error itself */
    printf("clock_nanosleep on a thread's clock: %s\n", e ? ename(e) : "0");

    SECTION("another process");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        while (1)
            ;
    }
    nanosleep(&nap, NULL);
    clockid_t child;
    EQ(clock_getcpuclockid(c, &child), 0);
    TRUE(secs(child) > 0.05);
    struct timespec t;
    /* A thread clock naming another process's thread. */
    clockid_t foreign = (clockid_t)(((unsigned)~c << 3) | 4 | 2);
    ERR(clock_gettime(foreign, &t), EINVAL);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    ERR(clock_gettime(child, &t), EINVAL); /* gone */
    ERR(clock_gettime((clockid_t)(((unsigned)~99999 << 3) | 2), &t), EINVAL);
    ERR(clock_gettime((clockid_t)(((unsigned)~0 << 3) | 3), &t), EINVAL);
    return summary();
}
