/*
 * kern_itimer_alloc: signals generated from the timer interrupt while the
 * interrupted system call is inside the kernel's allocator (issue 7). Four
 * processes arm ITIMER_VIRTUAL and ITIMER_PROF at 1 us and ITIMER_REAL at
 * 1 ms (all three fire on every tick of a 1000 Hz tick-based kernel; Linux's
 * high-resolution ITIMER_REAL at 1 us would flood an emulated machine), handle SIGALRM, SIGVTALRM and SIGPROF, and
 * create, write and unlink files in a loop: every tick queues signals while
 * open() and close() allocate and free inodes, dentries and files. On a kernel
 * whose interrupt path shares a non-reentrant allocator with them, this
 * corrupts the allocator. What is printed is deterministic: each worker's
 * "done" line (in pid order, from the parent) and whether any timer signal
 * arrived at all. On the kernel before the fix, 8 runs of 8 panicked in
 * kmalloc called from itimer_tick (6000 rounds; about 1 in 3 survives 1500).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

enum { WORKERS = 4, FILES = 40 };
static int ROUNDS = 6000;

static volatile unsigned long timer_signals;
static int debug_counts;

static void on_timer(int sig)
{
    (void)sig;
    timer_signals++;
}

static int retry_open(const char *path)
{
    int fd;
    do
        fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    while (fd < 0 && errno == EINTR);
    return fd;
}

/* One worker: 1 us timers of all three kinds, then files in a loop. Exit
 * status 0 when every call worked and some timer signal arrived. */
static int worker(int n)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_timer;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGVTALRM, &sa, NULL);
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval it = {{0, 1}, {0, 1}}, real = {{0, 1000}, {0, 1000}};
    if (setitimer(ITIMER_REAL, &real, NULL) || setitimer(ITIMER_VIRTUAL, &it, NULL) ||
        setitimer(ITIMER_PROF, &it, NULL))
        return 2;
    char path[64], buf[256];
    memset(buf, 'a' + n, sizeof buf);
    /* Many files alive at once, so the allocator's pages fill and empty
     * (every 16th inode takes the last object of a page). */
    for (int i = 0; i < ROUNDS; i++) {
        for (int f = 0; f < FILES; f++) {
            snprintf(path, sizeof path, "/tmp/itimer-%d-%d", n, f);
            int fd = retry_open(path);
            if (fd < 0)
                return 3;
            ssize_t w;
            do
                w = write(fd, buf, sizeof buf);
            while (w < 0 && errno == EINTR);
            if (w != (ssize_t)sizeof buf)
                return 4;
            if (close(fd))
                return 5;
        }
        for (int f = 0; f < FILES; f++) {
            snprintf(path, sizeof path, "/tmp/itimer-%d-%d", n, f);
            if (unlink(path))
                return 6;
        }
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    setitimer(ITIMER_PROF, &off, NULL);
    if (debug_counts)
        fprintf(stderr, "worker %d: %lu signals\n", n, timer_signals);
    return timer_signals > 0 ? 0 : 7;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1)
        ROUNDS = atoi(argv[1]);
    debug_counts = argc > 2;
    mkdir("/tmp", 0777);
    pid_t pids[WORKERS];
    for (int n = 0; n < WORKERS; n++) {
        pids[n] = fork();
        if (pids[n] == 0)
            _exit(worker(n));
        if (pids[n] < 0) {
            printf("FAIL: fork: %s\n", strerror(errno));
            return 1;
        }
    }
    for (int n = 0; n < WORKERS; n++) {
        int st = 0;
        pid_t r;
        do
            r = waitpid(pids[n], &st, 0);
        while (r < 0 && errno == EINTR);
        char what[64];
        snprintf(what, sizeof what, "worker %d exit status", n);
        report(what, r == pids[n] && WIFEXITED(st) ? WEXITSTATUS(st) : -100 - WTERMSIG(st), 0, 0, 0);
        printf("worker %d done\n", n);
    }
    return summary();
}
