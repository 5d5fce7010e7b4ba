/*
 * The vDSO: clock_gettime, gettimeofday, time, getcpu and clock_getres in
 * user mode, mapped into every process and found by the C library through
 * AT_SYSINFO_EHDR (symbol versions LINUX_2.6, as on Linux). The clocks are
 * computed from the [vvar] page the kernel publishes just below this image
 * (asm/vdso.h), with the kernel's own formula, so they agree with the system
 * calls to the nanosecond. What the page cannot answer (CPU-time clocks, bad
 * clock ids, a timezone) goes to the system call.
 *
 * Built as its own small shared object (vdso.lds: one PT_LOAD, no data), not
 * as part of the kernel; the kernel carries the image (vdso-image.S).
 */
#include "vclock.h"
#include <linux/time.h>
#include <asm/unistd_64.h> /* generated from syscall_64.tbl */

namespace {

u64 mul_shr32(u64 a, u64 b) { return static_cast<u64>((static_cast<unsigned __int128>(a) * b) >> 32); }

long syscall2(long nr, long a, long b)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

long syscall3(long nr, long a, long b, long c)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

}  // namespace

extern "C" {

int __vdso_clock_gettime(int clk, timespec_user* ts)
{
    int kind = clock_kind(clk);
    if (kind < 0)
        return static_cast<int>(syscall2(__NR_clock_gettime, clk, reinterpret_cast<long>(ts)));
    long ns = read_clock(kind == 1);
    long sec = ns / NSEC_PER_SEC, rem = ns % NSEC_PER_SEC;
    if (rem < 0) {
        rem += NSEC_PER_SEC;
        sec--;
    }
    ts->tv_sec = sec;
    ts->tv_nsec = rem;
    return 0;
}

int __vdso_gettimeofday(timeval_user* tv, void* tz)
{
    if (tz)
        return static_cast<int>(syscall2(__NR_gettimeofday, reinterpret_cast<long>(tv), reinterpret_cast<long>(tz)));
    if (tv) {
        long ns = read_clock(true);
        tv->tv_sec = ns / NSEC_PER_SEC;
        tv->tv_usec = (ns % NSEC_PER_SEC) / 1000;
    }
    return 0;
}

long __vdso_time(long* t)
{
    long now = read_clock(true) / NSEC_PER_SEC;
    if (t)
        *t = now;
    return now;
}

int __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache)
{
    (void)cache;
    u32 lo, hi, aux;
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    if (cpu)
        *cpu = aux & 0xfff;
    if (node)
        *node = aux >> 12;
    return 0;
}

int __vdso_clock_getres(int clk, timespec_user* res)
{
    return static_cast<int>(syscall3(__NR_clock_getres, clk, reinterpret_cast<long>(res), 0));
}

int clock_gettime(int, timespec_user*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(timeval_user*, void*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, timespec_user*) __attribute__((weak, alias("__vdso_clock_getres")));

}  // extern "C"
