/*
 * The i386 vDSO's clocks: clock_gettime (32-bit and time64), gettimeofday,
 * time and clock_getres (no getcpu: Linux 6.1's i386 vDSO has none), from the same [vvar] page and with the same
 * formula as the 64-bit vDSO (../vclock_gettime.cc, asm/vdso.h), so both
 * agree with the system calls to the nanosecond. Built with -m32 into its
 * own image; what the page cannot answer goes to the kernel by int $0x80
 * with the i386 numbers.
 */
#include <asm/vdso.h>
#include <uapi/linux/time32.h>
#include <asm/unistd_32.h> /* generated from syscall_32.tbl */

static_assert(sizeof(void*) == 4, "the i386 vDSO is built with -m32");
static_assert(__builtin_offsetof(vdso_data, tsc_at_boot) == 8 && __builtin_offsetof(vdso_data, tsc_to_ns_mult) == 16 &&
                  __builtin_offsetof(vdso_data, realtime_offset_ns) == 24,
              "[vvar] has the 64-bit kernel's layout");

/* __kernel_timespec: the time64 calls' layout, the same in both ABIs. */
struct kernel_timespec64 {
    s64 tv_sec;
    s64 tv_nsec;
};
static_assert(sizeof(kernel_timespec64) == 16);

extern "C" const char __ehdr_start[] __attribute__((visibility("hidden")));

namespace {

constexpr u32 NSEC_PER_SEC32 = 1000000000;
constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
              CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;

const volatile vdso_data* vvar()
{
    return reinterpret_cast<const volatile vdso_data*>(__ehdr_start - VVAR_SIZE);
}

long int80(long nr, long a, long b)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
    return ret;
}

/* (a * b) >> 32 for 64-bit a and b, from 32-bit halves (no __int128 here):
 * exact modulo 2^64. */
u64 mul_shr32(u64 a, u64 b)
{
    u64 al = static_cast<u32>(a), ah = a >> 32, bl = static_cast<u32>(b), bh = b >> 32;
    return ((ah * bh) << 32) + ah * bl + al * bh + ((al * bl) >> 32);
}

/* n / 10^9 and n % 10^9 for n >= 0, with two divl (no libgcc here). */
void split_ns(u64 n, s64& sec, s64& nsec)
{
    u32 hi = static_cast<u32>(n >> 32), lo = static_cast<u32>(n);
    u32 qhi = hi / NSEC_PER_SEC32, rhi = hi % NSEC_PER_SEC32;
    u32 qlo, rem;
    asm("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(rhi), "rm"(NSEC_PER_SEC32));
    sec = static_cast<s64>((static_cast<u64>(qhi) << 32) | qlo);
    nsec = rem;
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

int clock_kind(int clk)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        return 1;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return 0;
    default:
        return -1;
    }
}

/* Seconds and nanoseconds of a clock (the realtime one is never before 1970 here). */
void read_split(bool real, s64& sec, s64& nsec)
{
    s64 ns = read_clock(real);
    if (ns < 0) {
        split_ns(static_cast<u64>(-ns), sec, nsec);
        sec = -sec;
        if (nsec) {
            sec--;
            nsec = NSEC_PER_SEC32 - nsec;
        }
        return;
    }
    split_ns(static_cast<u64>(ns), sec, nsec);
}

}  // namespace

extern "C" {

int __vdso_clock_gettime(int clk, old_timespec32* ts)
{
    int kind = clock_kind(clk);
    if (kind < 0)
        return static_cast<int>(int80(__NR_clock_gettime, clk, reinterpret_cast<long>(ts)));
    s64 sec, nsec;
    read_split(kind == 1, sec, nsec);
    ts->tv_sec = static_cast<s32>(sec);
    ts->tv_nsec = static_cast<s32>(nsec);
    return 0;
}

int __vdso_clock_gettime64(int clk, kernel_timespec64* ts)
{
    int kind = clock_kind(clk);
    if (kind < 0)
        return static_cast<int>(int80(__NR_clock_gettime64, clk, reinterpret_cast<long>(ts)));
    s64 sec, nsec;
    read_split(kind == 1, sec, nsec);
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return 0;
}

int __vdso_gettimeofday(old_timeval32* tv, void* tz)
{
    if (tz)
        return static_cast<int>(int80(__NR_gettimeofday, reinterpret_cast<long>(tv), reinterpret_cast<long>(tz)));
    if (tv) {
        s64 sec, nsec;
        read_split(true, sec, nsec);
        tv->tv_sec = static_cast<s32>(sec);
        tv->tv_usec = static_cast<s32>(static_cast<u32>(nsec) / 1000);
    }
    return 0;
}

old_time32_t __vdso_time(old_time32_t* t)
{
    s64 sec, nsec;
    read_split(true, sec, nsec);
    auto now = static_cast<old_time32_t>(sec);
    if (t)
        *t = now;
    return now;
}

int __vdso_clock_getres(int clk, old_timespec32* res)
{
    return static_cast<int>(int80(__NR_clock_getres, clk, reinterpret_cast<long>(res)));
}

}  // extern "C"
