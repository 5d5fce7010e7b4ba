/*
 * The check framework of the 32-bit (i386, glibc) guest tests, as
 * tests/guest/musl_check.h for the 64-bit ones: each check prints what it
 * observed and a line starting with "FAIL" when it differs from what Linux
 * answers; summary() gives the exit status. No addresses or times are
 * printed, so the output is Linux's byte for byte.
 */
#ifndef GUEST_CHECK32_H
#define GUEST_CHECK32_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int checks, failures;

/* want_err != 0: the call must fail with that errno; else return want. */
__attribute__((unused)) static void report(const char *what, long r, int err, int want_err, long want)
{
    int ok = want_err ? (r == -1 && err == want_err) : (r == want);
    checks++;
    if (r == -1 && err)
        printf("%s = -1 %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "E?");
    else
        printf("%s = %ld\n", what, r);
    if (!ok) {
        failures++;
        printf("FAIL: %s: wanted %s%ld\n", what, want_err ? "errno " : "", want_err ? (long)want_err : want);
    }
    fflush(stdout);
}
#define CHECK(call, want) do { errno = 0; long r_ = (long)(call); report(#call, r_, errno, 0, (want)); } while (0)
#define CHECK_ERR(call, e) do { errno = 0; long r_ = (long)(call); report(#call, r_, errno, (e), 0); } while (0)
#define CHECK_TRUE(what, cond) do { checks++; int c_ = (cond); printf("%s: %s\n", what, c_ ? "yes" : "no"); \
    if (!c_) { failures++; printf("FAIL: %s\n", what); } fflush(stdout); } while (0)

__attribute__((unused)) static int summary(void)
{
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
#endif
