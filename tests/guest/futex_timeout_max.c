/*
 * futex with the largest timeouts (found by the fuzzer: tv_sec * 10^9
 * overflowed, which the checked kernel's UBSan caught): the timeout
 * saturates as Linux's does, so a wait on a changed value still answers
 * EAGAIN at once and a bitset wait with an absolute deadline far ahead is
 * refused or waits like any other; bad timespecs give EINVAL.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

/* Linux's futex operations (uapi linux/futex.h). */
#define FUTEX_WAIT 0
#define FUTEX_WAIT_BITSET 9
#define FUTEX_CLOCK_REALTIME 256

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

int main(void)
{
    uint32_t word = 1;
    struct timespec huge = {LONG_MAX, 999999999};
    struct timespec big = {LONG_MAX / 2, 0};
    struct timespec bad_nsec = {1, 1000000000};
    struct timespec negative = {-1, 0};
    ERR(futex(&word, FUTEX_WAIT, 0, &huge, 0), EAGAIN);
    ERR(futex(&word, FUTEX_WAIT, 0, &big, 0), EAGAIN);
    ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &huge, ~0u), EAGAIN);
    ERR(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &huge, ~0u), EAGAIN);
    ERR(futex(&word, FUTEX_WAIT, 1, &bad_nsec, 0), EINVAL);
    ERR(futex(&word, FUTEX_WAIT, 1, &negative, 0), EINVAL);
    /* An absolute deadline already past: times out at once. */
    struct timespec past = {0, 1};
    ERR(futex(&word, FUTEX_WAIT_BITSET, 1, &past, ~0u), ETIMEDOUT);
    return summary();
}
