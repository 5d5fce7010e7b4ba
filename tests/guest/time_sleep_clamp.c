/*
 * time_sleep_clamp: a sleep longer than the clock can count ends at
 * KTIME_MAX (2^63 - 1 ns of CLOCK_MONOTONIC) as on Linux, whose
 * timespec64_to_ns and ktime_add_safe saturate instead of wrapping
 * (kernel/time/hrtimer.c): nanosleep({LONG_MAX, 999999999}) and requests just
 * below the limit sleep until a signal comes, and the time left is KTIME_MAX
 * minus now: about 9223372036 seconds, never negative. The same for
 * clock_nanosleep, relative and TIMER_ABSTIME (which leaves rem alone).
 * Ordinary requests still report the time left within the request.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

#define KTIME_SEC_MAX 9223372036L /* KTIME_MAX / NSEC_PER_SEC */

static void on_alrm(int sig) { (void)sig; }

/* Arms a one-shot SIGALRM in 50 ms. */
static void arm(void)
{
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static long raw_clock_nanosleep(int clock, int flags, const struct timespec *req, struct timespec *rem)
{
    long r = syscall(SYS_clock_nanosleep, clock, flags, req, rem);
    return r == -1 ? -errno : r;
}

/* The time left after an interrupted huge sleep: KTIME_MAX minus an uptime of
 * less than an hour. */
static int rem_is_clamped(const struct timespec *rem)
{
    return rem->tv_sec > KTIME_SEC_MAX - 3600 && rem->tv_sec <= KTIME_SEC_MAX && rem->tv_nsec >= 0 &&
           rem->tv_nsec < 1000000000L;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alrm; /* no SA_RESTART: the sleep ends with EINTR */
    sigaction(SIGALRM, &sa, NULL);

    static const struct {
        const char *name;
        struct timespec req;
    } reqs[] = {
        {"{LONG_MAX, 999999999}", {LONG_MAX, 999999999}},
        {"{LONG_MAX / 1000000000 + 1, 0}", {LONG_MAX / 1000000000 + 1, 0}},
        {"{KTIME_SEC_MAX, 0}", {KTIME_SEC_MAX, 0}},
        {"{KTIME_SEC_MAX - 1, 999999999}", {KTIME_SEC_MAX - 1, 999999999}},
        {"{KTIME_SEC_MAX - 100, 0}", {KTIME_SEC_MAX - 100, 0}},
    };
    char what[160];
    for (unsigned i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        struct timespec rem = {-1, -1};
        SECTION(reqs[i].name);
        arm();
        snprintf(what, sizeof what, "nanosleep(%s)", reqs[i].name);
        errno = 0;
        long r = nanosleep(&reqs[i].req, &rem);
        report(what, r, errno, EINTR, 0);
        snprintf(what, sizeof what, "nanosleep(%s) leaves KTIME_MAX - now", reqs[i].name);
        truth(what, rem_is_clamped(&rem));

        static const struct {
            const char *name;
            int id;
        } clocks[] = {{"CLOCK_MONOTONIC", CLOCK_MONOTONIC}, {"CLOCK_REALTIME", CLOCK_REALTIME},
                      {"CLOCK_BOOTTIME", CLOCK_BOOTTIME}};
        for (unsigned c = 0; c < 3; c++) {
            rem.tv_sec = rem.tv_nsec = -1;
            arm();
            snprintf(what, sizeof what, "clock_nanosleep(%s, 0, %s)", clocks[c].name, reqs[i].name);
            r = raw_clock_nanosleep(clocks[c].id, 0, &reqs[i].req, &rem);
            printf("%s = %s\n", what, r == -EINTR ? "EINTR" : r == 0 ? "0" : "another value");
            checks++;
            if (r != -EINTR) {
                failures++;
                printf("FAIL: %s: expected EINTR\n", what);
            }
            if (clocks[c].id != CLOCK_REALTIME) {
                snprintf(what, sizeof what, "clock_nanosleep(%s, 0, %s) leaves KTIME_MAX - now", clocks[c].name,
                         reqs[i].name);
                truth(what, rem_is_clamped(&rem));
            } else {
                snprintf(what, sizeof what, "clock_nanosleep(%s, 0, %s) leaves a positive time", clocks[c].name,
                         reqs[i].name);
                truth(what, rem.tv_sec > 0 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000L);
            }
            rem.tv_sec = rem.tv_nsec = -1;
            arm();
            snprintf(what, sizeof what, "clock_nanosleep(%s, TIMER_ABSTIME, %s)", clocks[c].name, reqs[i].name);
            r = raw_clock_nanosleep(clocks[c].id, TIMER_ABSTIME, &reqs[i].req, &rem);
            printf("%s = %s\n", what, r == -EINTR ? "EINTR" : r == 0 ? "0" : "another value");
            checks++;
            if (r != -EINTR) {
                failures++;
                printf("FAIL: %s: expected EINTR\n", what);
            }
            TRUE(rem.tv_sec == -1 && rem.tv_nsec == -1);
        }
    }

    SECTION("ordinary requests");
    struct timespec req = {5, 0}, rem = {-1, -1};
    arm();
    errno = 0;
    long r = nanosleep(&req, &rem);
    report("nanosleep({5, 0})", r, errno, EINTR, 0);
    TRUE(rem.tv_sec == 4 && rem.tv_nsec > 0);
    req.tv_sec = 0;
    req.tv_nsec = 1000000;
    EQ(nanosleep(&req, &rem), 0);
    req.tv_sec = -1;
    ERR(nanosleep(&req, &rem), EINVAL);
    req.tv_sec = 0;
    req.tv_nsec = 1000000000L;
    ERR(nanosleep(&req, &rem), EINVAL);
    req.tv_nsec = -1;
    ERR(nanosleep(&req, &rem), EINVAL);
    return summary();
}
