/*
 * futex_wake_zero: FUTEX_WAKE with a count of 0 wakes one waiter, as Linux's
 * futex_wake counts after waking (Linux's fsgsbase selftest hands off between
 * two threads this way, and hung on Trapgate).
 */
#define _GNU_SOURCE
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "musl_check.h"

static volatile unsigned int word;

static void *waiter(void *arg)
{
    (void)arg;
    while (word == 0)
        syscall(SYS_futex, &word, FUTEX_WAIT, 0, NULL, NULL, 0);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, 0, waiter, 0);
    long woken = 0;
    /* Until the thread sleeps on the word (a few tries at most). */
    for (int i = 0; i < 200 && woken == 0; i++) {
        usleep(10000);
        woken = syscall(SYS_futex, &word, FUTEX_WAKE, 0, NULL, NULL, 0);
    }
    EQ(woken, 1);
    word = 1;
    syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0);
    pthread_join(t, 0);
    return summary();
}
