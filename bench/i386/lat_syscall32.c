/*
 * The i386 null call, from a 32-bit program (glibc's, gcc -m32 -static):
 * getppid through the vDSO's __kernel_vsyscall (AT_SYSINFO: SYSCALL from
 * compatibility mode and back by sysretl on Trapgate and on Linux with this
 * CPU) and through int $0x80 itself.
 */
#include "../bench.h"
#include <sys/auxv.h>

#define NR_GETPPID_32 64

static unsigned long vsyscall_entry;

/* __kernel_vsyscall keeps every register but eax. */
static inline long vsyscall0(long nr)
{
    long r;
    __asm__ volatile("call *%1" : "=a"(r) : "m"(vsyscall_entry), "0"(nr) : "memory", "cc");
    return r;
}

static inline long int80_0(long nr)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "0"(nr) : "memory", "cc");
    return r;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    vsyscall_entry = getauxval(AT_SYSINFO);
    long n;
    if (!vsyscall_entry) {
        bench_missing("getppid_vsyscall32", "__kernel_vsyscall getppid", ENOSYS);
    } else {
        n = iters(100000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            vsyscall0(NR_GETPPID_32);
        bench_report("getppid_vsyscall32", t, n);
    }
    n = iters(100000);
    struct bench_timer t = bench_start();
    for (long i = 0; i < n; i++)
        int80_0(NR_GETPPID_32);
    bench_report("getppid_int80_32", t, n);
    return 0;
}
