/*
 * Shared by the benchmark programs (bench/run_bench.py runs them on Linux and
 * on Trapgate under QEMU's -icount shift=0,sleep=off, where one guest
 * instruction takes one guest nanosecond).
 *
 * Each figure is printed as one line,
 *     bench NAME INSTRUCTIONS NANOSECONDS
 * per operation: INSTRUCTIONS from the TSC (under -icount it counts guest ns,
 * that is instructions, since the machine started; no kernel calibration
 * involved), NANOSECONDS from clock_gettime(CLOCK_MONOTONIC) (the same under
 * -icount up to each kernel's TSC calibration; the wall clock under KVM), or
 * "-" where the clock fails. An operation the kernel cannot do prints
 *     bench NAME missing WHY
 * and never a number. Loop overhead (a few instructions) is included, as in
 * lmbench.
 *
 * argv[1] == "smoke": 1/100 of the iterations (a quick check, not a figure).
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long bench_scale_div = 1;

static inline unsigned long long bench_rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (unsigned long long)hi << 32 | lo;
}

static inline long long bench_mono_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts))
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void bench_init(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && !strcmp(argv[1], "smoke"))
        bench_scale_div = 100;
}

/* Iterations for a full run, scaled down for a smoke run (at least 2). */
static inline long iters(long n)
{
    n /= bench_scale_div;
    return n < 2 ? 2 : n;
}

struct bench_timer {
    unsigned long long tsc;
    long long ns;
};

static inline struct bench_timer bench_start(void)
{
    struct bench_timer t;
    t.ns = bench_mono_ns();
    t.tsc = bench_rdtsc();
    return t;
}

/* Reports the time since t per unit: n operations of `per` units each (1: per operation). */
static inline void bench_report_per(const char *name, struct bench_timer t, long n, long per)
{
    unsigned long long tsc = bench_rdtsc();
    long long ns = bench_mono_ns();
    double units = (double)n * (double)per;
    double per_tsc = (double)(tsc - t.tsc) / units;
    if (ns < 0 || t.ns < 0)
        printf("bench %s %.0f -\n", name, per_tsc);
    else
        printf("bench %s %.0f %.0f\n", name, per_tsc, (double)(ns - t.ns) / units);
}

static inline void bench_report(const char *name, struct bench_timer t, long n) { bench_report_per(name, t, n, 1); }

static inline void bench_missing(const char *name, const char *what, int err)
{
    printf("bench %s missing %s: %s\n", name, what, strerror(err));
}

#endif
