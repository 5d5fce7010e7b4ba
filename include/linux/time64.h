#pragma once
#include <linux/types.h>

struct timespec64 {
    s64 tv_sec;
    long tv_nsec;
};

constexpr s64 NSEC_PER_SEC = 1000000000LL;
constexpr s64 NSEC_PER_MSEC = 1000000LL;
constexpr s64 NSEC_PER_USEC = 1000LL;

static inline timespec64 ns_to_timespec64(s64 ns) { return {ns / NSEC_PER_SEC, static_cast<long>(ns % NSEC_PER_SEC)}; }
/* The largest time the kernel counts, and its seconds (Linux's ktime_t limits). */
constexpr s64 KTIME_MAX = static_cast<s64>(~0ULL >> 1);
constexpr s64 KTIME_SEC_MAX = KTIME_MAX / NSEC_PER_SEC;

/* Saturates at KTIME_MAX instead of overflowing, as Linux's does (the
 * callers have rejected negative times). */
static inline s64 timespec64_to_ns(const timespec64& ts)
{
    if (ts.tv_sec >= KTIME_SEC_MAX)
        return KTIME_MAX;
    return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* a + b for times that are not negative, KTIME_MAX if that overflows (Linux's ktime_add_safe). */
static inline s64 ktime_add_safe(s64 a, s64 b)
{
    s64 sum;
    if (__builtin_add_overflow(a, b, &sum) || sum < 0)
        return KTIME_MAX;
    return sum;
}
