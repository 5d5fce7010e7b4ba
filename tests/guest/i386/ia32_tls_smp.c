/*
 * TLS slots on several CPUs: six i386 threads each take a free GDT slot
 * with set_thread_area, load it into %fs, read through it, yield, and
 * clear it while %fs still names it (the kernel loads null into %fs then).
 * Each CPU has its own GDT, and a switch or a migration between the calls
 * must leave every thread its own descriptors: once, the CPUs shared one
 * GDT, so a thread's new slot could be another CPU's empty one (SIGSEGV on
 * the load) and a switch could fault loading a saved %fs (kernel panic).
 */
#define _GNU_SOURCE
#include "check32.h"
#include <asm/ldt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 6
#define ROUNDS 5000

static unsigned int words[THREADS];

struct result {
    int id, read_bad, not_nulled, set_failed;
};

static void *worker(void *arg)
{
    struct result *r = arg;
    words[r->id] = 0x1000u + (unsigned)r->id;
    for (int i = 0; i < ROUNDS; i++) {
        struct user_desc n = {.entry_number = -1, .base_addr = (uintptr_t)&words[r->id], .limit = 0xfffff,
                              .seg_32bit = 1, .limit_in_pages = 1, .useable = 1};
        if (syscall(SYS_set_thread_area, &n) != 0) {
            r->set_failed++;
            break;
        }
        unsigned short sel = n.entry_number * 8 + 3;
        unsigned int through;
        __asm__ volatile("movw %1, %%fs\n\tmovl %%fs:0, %0" : "=r"(through) : "r"(sel));
        if (i % 7 == 0)
            sched_yield();
        unsigned int again;
        __asm__ volatile("movl %%fs:0, %0" : "=r"(again));
        if (through != words[r->id] || again != words[r->id])
            r->read_bad++;
        struct user_desc clear = {.entry_number = n.entry_number, .read_exec_only = 1, .seg_not_present = 1};
        syscall(SYS_set_thread_area, &clear);
        unsigned short fs;
        __asm__ volatile("movw %%fs, %0" : "=r"(fs));
        if (fs != 0)
            r->not_nulled++;
    }
    return NULL;
}

int main(void)
{
    pthread_t th[THREADS];
    struct result res[THREADS];
    for (int i = 0; i < THREADS; i++) {
        res[i] = (struct result){.id = i};
        CHECK(pthread_create(&th[i], NULL, worker, &res[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(th[i], NULL), 0);
        printf("thread %d: %d rounds, reads through %%fs %s, %%fs after the clear %s\n", i, ROUNDS,
               res[i].read_bad || res[i].set_failed ? "wrong" : "right", res[i].not_nulled ? "kept" : "null");
        if (res[i].read_bad || res[i].not_nulled || res[i].set_failed)
            failures++;
    }
    return summary();
}
