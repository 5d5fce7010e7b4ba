/*
 * A futex in a MAP_SHARED mapping across fork (what LTP's checkpoints and
 * process-shared mutexes use): the parent's FUTEX_WAKE finds the child
 * waiting on the same word, and the private form does not cross processes.
 */
#define _GNU_SOURCE
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | 128)
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *t)
{
    return syscall(SYS_futex, w, op, val, t, NULL, 0);
}

/* Wakes the word until one waiter is woken (the child may not wait yet). */
static long wake_one(uint32_t *w, int op)
{
    struct timespec d = {0, 20000000};
    for (int i = 0; i < 100; i++) {
        long n = futex(w, op, 1, NULL);
        if (n != 0)
            return n;
        nanosleep(&d, NULL);
    }
    return 0;
}

int main(void)
{
    uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TRUE(w != MAP_FAILED);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct timespec t = {5, 0};
        _exit(futex(w, FUTEX_WAIT, 0, &t) == 0 ? 0 : 1);
    }
    EQ(futex(w, FUTEX_WAKE_PRIVATE, 1, NULL), 0); /* private: another key */
    EQ(wake_one(w, FUTEX_WAKE), 1);
    int status;
    EQ(waitpid(child, &status, 0), child);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return summary();
}
