/*
 * Threads on every CPU contending for the same futex-based locks: a mutex
 * guarding a counter, a condition variable handing work from a producer to
 * consumers, and a barrier. Every count must come out exact (a lost wake-up
 * hangs the test; a lost update shows in the totals). Run with 2 and 4 CPUs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "musl_check.h"

enum { THREADS = 4, ROUNDS = 5000, ITEMS = 5000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile long unlocked_counter; /* updated with atomics, no lock */

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        __atomic_add_fetch(&unlocked_counter, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static int queue[16], qhead, qtail, qcount, done;
static long consumed_sum, consumed_items;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qcount == 16)
            pthread_cond_wait(&nonfull, &qlock);
        queue[qtail] = i;
        qtail = (qtail + 1) % 16;
        qcount++;
        pthread_cond_signal(&nonempty);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    done = 1;
    pthread_cond_broadcast(&nonempty);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qcount == 0 && !done)
            pthread_cond_wait(&nonempty, &qlock);
        if (qcount == 0 && done) {
            pthread_mutex_unlock(&qlock);
            return NULL;
        }
        int v = queue[qhead];
        qhead = (qhead + 1) % 16;
        qcount--;
        consumed_sum += v;
        consumed_items++;
        pthread_cond_signal(&nonfull);
        pthread_mutex_unlock(&qlock);
    }
}

static pthread_barrier_t barrier;
static volatile int phase_seen[THREADS][8];
static volatile int phase;

static void *barrier_worker(void *arg)
{
    long id = (long)arg;
    for (int p = 0; p < 8; p++) {
        phase_seen[id][p] = __atomic_load_n(&phase, __ATOMIC_SEQ_CST);
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&phase, 1, __ATOMIC_SEQ_CST);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, adder, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    EQ(counter, THREADS * ROUNDS);
    EQ(unlocked_counter, THREADS * ROUNDS);

    pthread_t p, c[3];
    pthread_create(&p, NULL, producer, NULL);
    for (int i = 0; i < 3; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    pthread_join(p, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(c[i], NULL);
    EQ(consumed_items, ITEMS);
    EQ(consumed_sum, (long)ITEMS * (ITEMS + 1) / 2);

    pthread_barrier_init(&barrier, NULL, THREADS);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, barrier_worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    int consistent = 1;
    for (int i = 0; i < THREADS; i++)
        for (int q = 0; q < 8; q++)
            consistent &= phase_seen[i][q] == q;
    truth("every thread saw each barrier phase in order", consistent);
    return summary();
}
