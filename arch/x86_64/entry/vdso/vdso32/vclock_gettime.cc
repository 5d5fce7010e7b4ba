/*
 * The i386 vDSO's clocks: clock_gettime (32-bit and time64), gettimeofday,
 * time and clock_getres (no getcpu: Linux 6.1's i386 vDSO has none), from
 * the same [vvar] page and code as the 64-bit vDSO (../vclock.h), so both
 * agree with the system calls to the nanosecond. Built with -m32 into its
 * own image; what the page cannot answer goes to the kernel by int $0x80
 * with the i386 numbers.
 */
#include "../vclock.h"
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

namespace {

constexpr u32 NSEC_PER_SEC32 = 1000000000;

long int80(long nr, long a, long b)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
    return ret;
}

/* From 32-bit halves (no __int128 here): exact modulo 2^64. */
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
