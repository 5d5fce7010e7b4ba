/*
 * A process whose leader thread exits first and whose last thread exits
 * right after it, over and over, on several CPUs: the last thread releases
 * the zombie leader (its parent ignores SIGCHLD) or the parent reaps it
 * (waitpid), while the leader may still be in its last schedule() on
 * another CPU. The kernel once freed such a leader twice, there and in the
 * switch away from it, and a task later allocated in the same memory was
 * freed while it slept: a freed task at the head of the sleepers list, and
 * every timed sleep in the system never ended (the fuzzer, two CPUs).
 * release_task now panics on a task that is not dead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

enum { ROUNDS = 150, BATCH = 10 };

static volatile int leader_gone;

static void *last_thread(void *arg)
{
    long mode = (long)arg;
    while (!leader_gone)
        ;
    if (mode & 1) {
        /* A short timed sleep: a task on the sleepers list when the other
         * exits, as the fuzzer's were. */
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    syscall(SYS_exit, 0);
    return NULL;
}

static char holder_stack[BATCH][16384];

/* Shares the address space, descriptors and fs of the process, so that the
 * last thread's exit has little to tear down and reaches the leader at once. */
static int holder(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 30000000};
    nanosleep(&ts, NULL);
    return 0;
}

/* The child: a second thread, then the leader leaves first. */
static void child(long mode)
{
    if (clone(holder, holder_stack[mode] + sizeof holder_stack[mode], CLONE_VM | CLONE_FILES | CLONE_FS | SIGCHLD,
              NULL) < 0)
        _exit(4);
    pthread_t t;
    if (pthread_create(&t, NULL, last_thread, (void *)mode))
        _exit(3);
    leader_gone = 1;
    syscall(SYS_exit, 0); /* this thread only: the process lives on in the other */
}

static int run(int reap)
{
    int done = 0;
    for (int r = 0; r < ROUNDS / BATCH; r++) {
        pid_t pids[BATCH];
        for (int i = 0; i < BATCH; i++) {
            pids[i] = fork();
            if (pids[i] < 0)
                return -1;
            if (pids[i] == 0)
                child(i);
        }
        if (reap) {
            for (int i = 0; i < BATCH; i++) {
                int st;
                if (waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0)
                    done++;
            }
            /* The holders, ours once their parent is gone (we are init). */
            while (wait(NULL) > 0)
                ;
        } else {
            /* SIGCHLD ignored: the children are reaped as they end, and wait
             * says ECHILD once none is left. */
            if (wait(NULL) == -1 && errno == ECHILD)
                done += BATCH;
        }
    }
    return done;
}

int main(void)
{
    EQ(run(1), ROUNDS);
    signal(SIGCHLD, SIG_IGN);
    EQ(run(0), ROUNDS);
    /* The system still wakes timed sleepers. */
    struct timespec ts = {0, 20000000}, a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    EQ(nanosleep(&ts, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    TRUE((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 20000000L);
    return summary();
}
