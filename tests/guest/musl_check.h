/*
 * The check framework of the musl guest tests: each check prints what it
 * observed ("open(...) = -1 ENOENT"), and a line starting with "FAIL" when it
 * differs from Linux's answer; summary() gives the exit status. Outputs are
 * compared with Linux's byte for byte, so checks print no addresses or times.
 */
#ifndef GUEST_MUSL_CHECK_H
#define GUEST_MUSL_CHECK_H
#include <errno.h>
#include <stdio.h>

static int checks, failures;

__attribute__((unused)) static const char *ename(int e)
{
    switch (e) {
#define E_(x) case x: return #x;
    E_(EPERM) E_(ENOENT) E_(ESRCH) E_(EINTR) E_(EIO) E_(ENXIO) E_(E2BIG) E_(ENOEXEC) E_(EBADF) E_(ECHILD)
    E_(EAGAIN) E_(ENOMEM) E_(EACCES) E_(EFAULT) E_(EBUSY) E_(EEXIST) E_(EXDEV) E_(ENODEV) E_(ENOTDIR)
    E_(EISDIR) E_(EINVAL) E_(ENFILE) E_(EMFILE) E_(ENOTTY) E_(ETXTBSY) E_(EFBIG) E_(ENOSPC) E_(ESPIPE)
    E_(EROFS) E_(EMLINK) E_(EPIPE) E_(EDOM) E_(ERANGE) E_(ENAMETOOLONG) E_(ENOSYS) E_(ENOTEMPTY)
    E_(ELOOP) E_(EOVERFLOW) E_(EOPNOTSUPP) E_(ETIMEDOUT) E_(ELIBBAD)
    E_(ENOTSOCK) E_(EDESTADDRREQ) E_(EMSGSIZE) E_(EPROTOTYPE) E_(ENOPROTOOPT) E_(EPROTONOSUPPORT)
    E_(ESOCKTNOSUPPORT) E_(EAFNOSUPPORT) E_(EADDRINUSE) E_(ECONNRESET) E_(ENOBUFS) E_(EISCONN) E_(ENOTCONN)
    E_(ECONNREFUSED) E_(ECONNABORTED) E_(EADDRNOTAVAIL) E_(ENETUNREACH) E_(EINPROGRESS) E_(EALREADY)
    E_(EHOSTUNREACH)
#undef E_
    }
    return "E?";
}

/* want_err != 0: the call must fail with that errno; else return want. */
__attribute__((unused)) static void report(const char *what, long r, int err, int want_err, long want)
{
    int ok = want_err ? (r == -1 && err == want_err) : (r == want);
    checks++;
    if (r == -1 && err)
        printf("%s = -1 %s\n", what, ename(err));
    else
        printf("%s = %ld\n", what, r);
    if (!ok) {
        failures++;
        if (want_err)
            printf("FAIL: %s: expected -1 %s\n", what, ename(want_err));
        else
            printf("FAIL: %s: expected %ld\n", what, want);
    }
}

__attribute__((unused)) static void truth(const char *what, int cond)
{
    checks++;
    printf("%s: %s\n", what, cond ? "yes" : "no");
    if (!cond) {
        failures++;
        printf("FAIL: %s\n", what);
    }
}

/* EQ(call, value), ERR(call, errno), OK(call) (any result but -1, not printed), TRUE(condition). */
#define EQ(expr, v) do { errno = 0; long r_ = (long)(expr); int e_ = errno; report(#expr, r_, e_, 0, (long)(v)); } while (0)
#define ERR(expr, e) do { errno = 0; long r_ = (long)(expr); int e_ = errno; report(#expr, r_, e_, (e), 0); } while (0)
#define OK(expr) do { errno = 0; long r_ = (long)(expr); int e_ = errno; checks++; \
        if (r_ == -1) { failures++; printf("%s = -1 %s\nFAIL: %s: expected success\n", #expr, ename(e_), #expr); } \
        else printf("%s = ok\n", #expr); } while (0)
#define TRUE(cond) truth(#cond, (cond))
#define SECTION(name) printf("== %s ==\n", name)

__attribute__((unused)) static int summary(void)
{
    printf("%d checks, %d failed\n", checks, failures);
    fflush(stdout);
    return failures ? 1 : 0;
}
#endif
