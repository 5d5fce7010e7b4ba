/*
 * TLS in i386 programs: set_thread_area/get_thread_area (struct user_desc,
 * GDT entries 12-14, entry_number -1 picks a free one, the checks Linux
 * makes), a selector loaded into %fs reading through its base, and glibc's
 * threads (clone with CLONE_SETTLS and a user_desc; each thread its own %gs
 * base under the same selector), kept across context switches and fork.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <asm/ldt.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static __thread int counter;
static __thread char tag[16];

static uintptr_t gs_self(void)
{
    uintptr_t v;
    __asm__ volatile("movl %%gs:0, %0" : "=r"(v));
    return v;
}

static unsigned short gs_sel(void)
{
    unsigned short v;
    __asm__ volatile("movw %%gs, %0" : "=r"(v));
    return v;
}

struct result {
    int id, counter_ok, sel_ok, self_ok;
};

static void *worker(void *arg)
{
    struct result *r = arg;
    snprintf(tag, sizeof tag, "thread %d", r->id);
    for (int i = 0; i < 1000; i++) {
        counter++;
        if (i % 100 == 0)
            sched_yield(); /* let the others run: each switch loads their descriptor */
    }
    r->counter_ok = counter == 1000 && tag[7] == '0' + r->id;
    r->sel_ok = gs_sel() == 0x63;
    r->self_ok = gs_self() == (uintptr_t)pthread_self();
    return NULL;
}

static long set_area(struct user_desc *u) { return syscall(SYS_set_thread_area, u); }
static long get_area(struct user_desc *u) { return syscall(SYS_get_thread_area, u); }

static unsigned int data_word = 0x5a5a1234;

int main(void)
{
    CHECK(gs_sel(), 0x63);
    struct user_desc u = {.entry_number = 12};
    CHECK(get_area(&u), 0);
    CHECK_TRUE("entry 12's base is glibc's thread pointer", u.base_addr == gs_self());
    printf("entry 12: limit %#x seg_32bit %u contents %u read_exec_only %u limit_in_pages %u present %u useable %u\n",
           u.limit, u.seg_32bit, u.contents, u.read_exec_only, u.limit_in_pages, !u.seg_not_present, u.useable);

    /* entry_number -1: the first free slot, written back. */
    struct user_desc n = {.entry_number = -1, .base_addr = (uintptr_t)&data_word, .limit = 0xfffff,
                          .seg_32bit = 1, .limit_in_pages = 1, .useable = 1};
    CHECK(set_area(&n), 0);
    CHECK(n.entry_number, 13);
    unsigned short sel = n.entry_number * 8 + 3;
    unsigned int through_fs;
    __asm__ volatile("movw %1, %%fs\n\tmovl %%fs:0, %0\n\tmovw %2, %%fs"
                     : "=r"(through_fs) : "r"(sel), "r"((unsigned short)0));
    CHECK_TRUE("a load through the new selector reads its base", through_fs == 0x5a5a1234);
    struct user_desc back = {.entry_number = 13};
    CHECK(get_area(&back), 0);
    CHECK_TRUE("it reads back", back.base_addr == (uintptr_t)&data_word && back.limit == 0xfffff &&
                                    back.seg_32bit && back.limit_in_pages && back.useable && !back.seg_not_present);
    n.entry_number = -1;
    CHECK(set_area(&n), 0);
    CHECK(n.entry_number, 14);
    n.entry_number = -1;
    CHECK_ERR(set_area(&n), ESRCH);
    n.entry_number = 11;
    CHECK_ERR(set_area(&n), EINVAL);
    n.entry_number = 14;
    n.seg_32bit = 0;
    CHECK_ERR(set_area(&n), EINVAL); /* 16-bit segments are refused */
    n.seg_32bit = 1;
    n.contents = 2;
    CHECK_ERR(set_area(&n), EINVAL); /* code segments too */
    struct user_desc clear = {.entry_number = 14, .read_exec_only = 1, .seg_not_present = 1};
    CHECK(set_area(&clear), 0);
    struct user_desc after = {.entry_number = 14};
    CHECK(get_area(&after), 0);
    printf("entry 14 cleared: base %#x limit %#x seg_32bit %u read_exec_only %u seg_not_present %u\n",
           after.base_addr, after.limit, after.seg_32bit, after.read_exec_only, after.seg_not_present);
    struct user_desc bad = {.entry_number = 20};
    CHECK_ERR(get_area(&bad), EINVAL);
    CHECK_ERR(get_area((struct user_desc *)0x10), EFAULT);
    CHECK_ERR(set_area((struct user_desc *)0x10), EFAULT);

    /* A child of fork has the same descriptors. */
    pid_t pid = fork();
    if (pid == 0) {
        struct user_desc c = {.entry_number = 13};
        _exit(get_area(&c) == 0 && c.base_addr == (uintptr_t)&data_word && gs_self() == u.base_addr ? 3 : 4);
    }
    int status;
    CHECK(syscall(SYS_waitpid, pid, &status, 0), pid);
    CHECK(WEXITSTATUS(status), 3);

    /* Threads: each its own TLS block behind the same selector. */
    pthread_t th[4];
    struct result res[4];
    counter = 5;
    for (int i = 0; i < 4; i++) {
        res[i] = (struct result){.id = i};
        CHECK(pthread_create(&th[i], NULL, worker, &res[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_join(th[i], NULL), 0);
        printf("thread %d: counter %s, %%gs %s, self %s\n", i, res[i].counter_ok ? "own" : "shared",
               res[i].sel_ok ? "0x63" : "other", res[i].self_ok ? "matches" : "differs");
        if (!res[i].counter_ok || !res[i].sel_ok || !res[i].self_ok)
            failures++;
    }
    CHECK(counter, 5);
    return summary();
}
