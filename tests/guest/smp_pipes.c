/*
 * Pipes and descriptors shared by threads on several CPUs, with reads and
 * writes running without the kernel lock (fs/pipe.cpp, fs/file.cpp): two
 * writers put 64-byte records (atomic: at most PIPE_BUF) into one pipe, two
 * readers take them; every record must arrive exactly once, each writer's in
 * order. Meanwhile another thread dups a descriptor to ever higher numbers
 * and closes them (the table grows under the readers' lookups), and another
 * dup2s over a descriptor that a third thread keeps reading from /dev/zero.
 * Run with 2 and 4 CPUs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "musl_check.h"

enum { WRITERS = 2, READERS = 2, RECORDS = 20000, RECORD = 64, CHURN = 300 };

struct record {
    int writer, seq;
    char pad[RECORD - 2 * sizeof(int)];
};

static int pipefd[2];
static long got[READERS], bad_order[READERS], bad_size[READERS];
static long seen[WRITERS][RECORDS];
static volatile int stop;

static void *writer(void *arg)
{
    int w = (int)(long)arg;
    struct record r;
    memset(&r, 'x', sizeof(r));
    r.writer = w;
    for (int i = 0; i < RECORDS; i++) {
        r.seq = i;
        if (write(pipefd[1], &r, sizeof(r)) != sizeof(r))
            return (void *)1;
    }
    return NULL;
}

static void *reader(void *arg)
{
    int me = (int)(long)arg;
    int last[WRITERS] = {-1, -1};
    struct record r;
    for (;;) {
        ssize_t n = read(pipefd[0], &r, sizeof(r));
        if (n == 0)
            break;
        if (n != sizeof(r) || r.writer < 0 || r.writer >= WRITERS || r.seq < 0 || r.seq >= RECORDS) {
            bad_size[me]++;
            continue;
        }
        if (r.seq <= last[r.writer])
            bad_order[me]++;
        last[r.writer] = r.seq;
        __atomic_add_fetch(&seen[r.writer][r.seq], 1, __ATOMIC_RELAXED);
        got[me]++;
    }
    return NULL;
}

/* Grows and shrinks the descriptor table under the lookups. */
static void *churn(void *arg)
{
    (void)arg;
    for (int round = 0; round < CHURN; round++) {
        int top = 64 << (round % 4); /* 64 .. 512: the table doubles to 1,024 slots */
        if (dup2(pipefd[0], top + 7) < 0) {
            printf("churn: dup2(%d, %d): %s\n", pipefd[0], top + 7, ename(errno));
            return (void *)1;
        }
        if (close(top + 7)) {
            printf("churn: close(%d): %s\n", top + 7, ename(errno));
            return (void *)1;
        }
    }
    return NULL;
}

/* A descriptor replaced while another thread reads through it. */
static int victim;
static long zero_reads;
static void *zero_reader(void *arg)
{
    (void)arg;
    char buf[256];
    while (!stop) {
        ssize_t n = read(victim, buf, sizeof(buf));
        if (n == (ssize_t)sizeof(buf))
            zero_reads++;
        else if (n < 0 && errno != EBADF)
            return (void *)1;
    }
    return NULL;
}
static void *replacer(void *arg)
{
    (void)arg;
    int zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_RDONLY);
    for (int i = 0; i < CHURN * 4; i++)
        if (dup2(i % 2 ? zero : null, victim) < 0)
            return (void *)1;
    dup2(zero, victim);
    close(zero);
    close(null);
    return NULL;
}

int main(void)
{
    EQ(pipe(pipefd), 0);
    victim = open("/dev/zero", O_RDONLY);
    pthread_t w[WRITERS], r[READERS], c, z, rep;
    for (long i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, (void *)i);
    for (long i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, (void *)i);
    pthread_create(&c, NULL, churn, NULL);
    pthread_create(&z, NULL, zero_reader, NULL);
    pthread_create(&rep, NULL, replacer, NULL);
    void *ret;
    long writer_failed = 0;
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(w[i], &ret);
        writer_failed += ret != NULL;
    }
    close(pipefd[1]);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    void *churn_ret, *replacer_ret, *zero_ret;
    pthread_join(c, &churn_ret);
    pthread_join(rep, &replacer_ret);
    stop = 1;
    pthread_join(z, &zero_ret);
    EQ(writer_failed, 0);
    EQ(churn_ret != NULL, 0);
    EQ(replacer_ret != NULL, 0);
    EQ(zero_ret != NULL, 0);
    EQ(got[0] + got[1], WRITERS * RECORDS);
    EQ(bad_size[0] + bad_size[1], 0);
    EQ(bad_order[0] + bad_order[1], 0);
    long once = 0;
    for (int i = 0; i < WRITERS; i++)
        for (int s = 0; s < RECORDS; s++)
            once += seen[i][s] == 1;
    EQ(once, WRITERS * RECORDS);
    TRUE(zero_reads > 0);
    return summary();
}
