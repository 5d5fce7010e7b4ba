/*
 * What both vDSO images (vclock_gettime.cc, built 64-bit, and
 * vdso32/vclock_gettime.cc, built -m32) compute alike: which clocks the
 * [vvar] page answers, and its nanoseconds under the sequence count, with
 * the kernel's formula (asm/vdso.h). Each image gives the product's
 * high half its own way (mul_shr32: __int128 has no i386 form).
 */
#pragma once
#include <asm/vdso.h>
#include <uapi/linux/time.h>

extern "C" const char __ehdr_start[] __attribute__((visibility("hidden")));

namespace {

/* (a * b) >> 32, as each image can compute it. */
u64 mul_shr32(u64 a, u64 b);

/* The ELF header of this image: the page before it is [vvar]. */
const volatile vdso_data* vvar()
{
    return reinterpret_cast<const volatile vdso_data*>(__ehdr_start - VVAR_SIZE);
}

/* Nanoseconds of CLOCK_MONOTONIC, or of CLOCK_REALTIME if real. */
s64 read_clock(bool real)
{
    const volatile vdso_data* d = vvar();
    for (;;) {
        u32 seq = d->seq;
        asm volatile("" ::: "memory");
        if (seq & 1)
            continue;
        u32 lo, hi;
        asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
        u64 tsc = static_cast<u64>(hi) << 32 | lo;
        u64 base = d->tsc_at_boot, mult = d->tsc_to_ns_mult;
        s64 offset = d->realtime_offset_ns;
        asm volatile("" ::: "memory");
        if (d->seq != seq)
            continue;
        s64 ns = static_cast<s64>(mul_shr32(tsc - base, mult));
        return real ? offset + ns : ns;
    }
}

/* 1: a realtime clock, 0: a monotonic one, -1: not on the page (the system call answers). */
int clock_kind(int clk)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return 1; /* CLOCK_TAI adds adjtimex's TAI offset: the system call's */
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return 0;
    default:
        return -1;
    }
}

}  // namespace
