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
static inline s64 timespec64_to_ns(const timespec64& ts) { return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec; }
