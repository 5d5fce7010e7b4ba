/* Boot to the first user instruction, and memory in use once booted.
 * As the first program, its first act is to read the TSC: under -icount, the
 * guest ns (instructions) since the machine started. On Linux the reference
 * wrapper, the first program there, reads it the same way (tools/linux_init.c). */
#include <sys/sysinfo.h>

#include "bench.h"

int main(int argc, char **argv)
{
    unsigned long long start = bench_rdtsc();
    bench_init(argc, argv);
    printf("bench boot_tsc %llu -\n", start);

    struct sysinfo si;
    if (sysinfo(&si)) {
        bench_missing("mem_total_kib", "sysinfo", errno);
        bench_missing("mem_free_kib", "sysinfo", errno);
    } else {
        printf("bench mem_total_kib %llu -\n", (unsigned long long)si.totalram * si.mem_unit / 1024);
        printf("bench mem_free_kib %llu -\n", (unsigned long long)si.freeram * si.mem_unit / 1024);
    }

    /* The two clocks over one interval: equal under -icount (a check of the method). */
    struct bench_timer t = bench_start();
    volatile long x = 0;
    for (long i = 0; i < 1000000; i++)
        x += i;
    bench_report("clock_check", t, 1);
    return 0;
}
