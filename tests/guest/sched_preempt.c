/*
 * Kernel preemption: a CPU-bound task inside one long system call does not
 * keep a task that wakes up from running, for a read that runs without the
 * kernel lock (/dev/zero: preempted anywhere) and for one under it (a file
 * in /tmp: a turn for others at every page). The hog reads /dev/zero with
 * readv, 1,024 buffers of 2 MiB (the same buffer again and again: the
 * 2 GiB that one read moves at most), over and over; on one CPU a sleeper
 * wakes every millisecond and measures how late it runs. Without kernel
 * preemption it waits for the whole call (seconds under emulation); with it
 * (or Linux's cond_resched in read_iter_zero) a few ticks. The hog's
 * nonvoluntary_ctxt_switches in /proc/PID/status count the preemptions.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

enum { NBUF = 1024, BUFSZ = 2 << 20, WAKEUPS = 200 };

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long status_field(pid_t pid, const char *name)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long v = -1;
    size_t n = strlen(name);
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, name, n) && line[n] == ':')
            v = atol(line + n + 1);
    fclose(f);
    return v;
}

/* A hog reading `path` with 2 GiB readv calls (from its start again at its
 * end); a sleeper here measures how late it wakes. */
static void hog_latency(const char *path, int verbose)
{
    SECTION(path);
    int go[2];
    if (pipe(go))
        return;
    pid_t hog = fork();
    if (hog == 0) {
        int fd = open(path, O_RDONLY);
        char *buf = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        static struct iovec iov[NBUF];
        for (int i = 0; i < NBUF; i++)
            iov[i] = (struct iovec){buf, BUFSZ};
        memset(buf, 1, BUFSZ); /* no page faults in the reads */
        write(go[1], "g", 1);
        for (;;) {
            ssize_t n = readv(fd, iov, NBUF);
            if (n == 0)
                lseek(fd, 0, SEEK_SET);
            else if (n < 0)
                _exit(1);
        }
    }
    char c;
    EQ(read(go[0], &c, 1), 1);
    close(go[0]);
    close(go[1]);
    usleep(50000); /* the hog is inside a read now */
    long long worst = 0, start = now_ns();
    for (int i = 0; i < WAKEUPS && now_ns() - start < 3000000000LL; i++) {
        long long before = now_ns();
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
        long long late = now_ns() - before - 1000000;
        if (late > worst)
            worst = late;
    }
    long preempted = status_field(hog, "nonvoluntary_ctxt_switches");
    TRUE(worst < 100000000LL); /* woken within 100 ms every time */
    TRUE(preempted > 0);
    if (verbose)
        printf("nonvoluntary %ld worst %lld us\n", preempted, worst / 1000);
    if (worst >= 100000000LL)
        printf("worst wake-up latency: %lld ms\n", worst / 1000000);
    kill(hog, SIGKILL);
    int st;
    EQ(waitpid(hog, &st, 0), hog);
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int main(int argc, char **argv)
{
    (void)argv;
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL); /* if it is not there yet */
    /* /dev/zero reads run without the kernel lock: preempted anywhere. */
    hog_latency("/dev/zero", argc > 1);
    /* A file's read runs under it: a turn for others at every page (a 2 GiB
     * file of holes, so the memory is not needed). */
    mkdir("/tmp", 01777);
    int f = open("/tmp/sched_preempt_big", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EQ(ftruncate(f, 2L << 30), 0);
    close(f);
    hog_latency("/tmp/sched_preempt_big", argc > 1);
    unlink("/tmp/sched_preempt_big");
    /* getrusage counts the same switches: ours (sleeps) and the reaped hogs' (preemptions). */
    struct rusage self, children;
    EQ(getrusage(RUSAGE_SELF, &self), 0);
    EQ(getrusage(RUSAGE_CHILDREN, &children), 0);
    TRUE(self.ru_nvcsw >= 100);
    TRUE(children.ru_nivcsw > 0);
    return summary();
}
