/*
 * Address-space changes while another thread of the process runs on another
 * CPU: its TLB must not keep the old translation.
 *  - munmap: a thread that read a page just before it was unmapped gets
 *    SIGSEGV on its next access, never the old contents;
 *  - munmap then mmap at the same address: the thread reads the new page;
 *  - fork: the parent's pages become copy-on-write, so a thread that keeps
 *    writing a page during the fork must not change the child's copy.
 * Run with 2 CPUs (each thread pinned to its own), and with 1.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

enum { ROUNDS = 200 };

static volatile char *page;
static volatile int state, round_no;
static volatile long reads;
static volatile int stale, faults, fresh; /* volatile: changed between sigsetjmp and siglongjmp */
static sigjmp_buf env;

enum { IDLE, READY, UNMAPPED, REMAPPED, CHECKED };

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

static long online; /* counted before any pinning: musl's sysconf counts the caller's mask */

static void pin(int cpu)
{
    if (online < 2)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void wait_for(int s)
{
    while (__atomic_load_n(&state, __ATOMIC_SEQ_CST) != s)
        ;
}

static void *toucher(void *arg)
{
    (void)arg;
    pin(1);
    for (int r = 0; r < ROUNDS; r++) {
        while (__atomic_load_n(&state, __ATOMIC_SEQ_CST) != READY || round_no != r)
            ;
        /* Keep the translation hot until the page goes (a read that
         * finds it already gone faults, which is fine here). */
        if (sigsetjmp(env, 1) == 0) {
            while (__atomic_load_n(&state, __ATOMIC_SEQ_CST) == READY) {
                (void)page[0];
                __atomic_add_fetch(&reads, 1, __ATOMIC_SEQ_CST);
            }
        }
        while (__atomic_load_n(&state, __ATOMIC_SEQ_CST) == READY)
            ;
        if (state == UNMAPPED) {
            if (sigsetjmp(env, 1) == 0) {
                (void)page[0];
                stale++;
            } else {
                faults++;
            }
        } else { /* REMAPPED */
            if (page[0] == 'y')
                fresh++;
        }
        __atomic_store_n(&state, CHECKED, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static volatile long *cow_word;
static volatile int cow_stop;

static void *cow_writer(void *arg)
{
    (void)arg;
    pin(1);
    while (!cow_stop)
        (*cow_word)++;
    return NULL;
}

int main(void)
{
    online = sysconf(_SC_NPROCESSORS_ONLN);
    pin(0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);

    pthread_t t;
    pthread_create(&t, NULL, toucher, NULL);
    for (int r = 0; r < ROUNDS; r++) {
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = 'x';
        page = p;
        long before = reads;
        round_no = r;
        __atomic_store_n(&state, READY, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&reads, __ATOMIC_SEQ_CST) < before + 10)
            ;
        munmap(p, 4096);
        if (r % 2) {
            /* The same address again, new contents. */
            char *q = mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            q[0] = 'y';
            __atomic_store_n(&state, REMAPPED, __ATOMIC_SEQ_CST);
            wait_for(CHECKED);
            munmap(q, 4096);
        } else {
            __atomic_store_n(&state, UNMAPPED, __ATOMIC_SEQ_CST);
            wait_for(CHECKED);
        }
    }
    pthread_join(t, NULL);
    EQ(faults, ROUNDS / 2);
    EQ(stale, 0);
    EQ(fresh, ROUNDS / 2);

    /* fork while a thread writes: the child's copy stays as it was. */
    cow_word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pthread_t w;
    pthread_create(&w, NULL, cow_writer, NULL);
    while (*cow_word < 1000)
        ;
    int changed_children = 0;
    for (int i = 0; i < 20; i++) {
        int fd[2];
        pipe(fd);
        pid_t pid = fork();
        if (pid == 0) {
            long a = *cow_word;
            for (volatile int d = 0; d < 2000000; d++)
                ;
            long b = *cow_word;
            char c = a == b ? 's' : 'c';
            write(fd[1], &c, 1);
            _exit(0);
        }
        char c = 0;
        read(fd[0], &c, 1);
        waitpid(pid, NULL, 0);
        close(fd[0]);
        close(fd[1]);
        changed_children += c == 'c';
    }
    cow_stop = 1;
    pthread_join(w, NULL);
    EQ(changed_children, 0);
    return summary();
}
