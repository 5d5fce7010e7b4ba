/* Memory: mmap + touch every page + munmap of 1 MiB (anonymous, private),
 * and one page fault (first write to an anonymous 4 KiB page). */
#include <sys/mman.h>

#include "bench.h"

#define PAGE 4096L
#define MIB (1L << 20)
#define FAULT_REGION (8 * MIB)

static int map_touch_unmap(void)
{
    char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return errno;
    for (long off = 0; off < MIB; off += PAGE)
        ((volatile char *)p)[off] = 1;
    if (munmap(p, MIB))
        return errno;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    int err = map_touch_unmap();
    if (err) {
        bench_missing("mmap_touch_1m", "mmap/munmap", err);
    } else {
        long n = iters(100);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            map_touch_unmap();
        bench_report("mmap_touch_1m", t, n);
    }

    /* Page faults: the mapping is made outside the timed part; 4 KiB pages
     * (Linux would use 2 MiB pages here otherwise: transparent huge pages). */
    long rounds = iters(400) / 100 + 1, pages = FAULT_REGION / PAGE;
    unsigned long long total = 0;
    long long total_ns = 0;
    int ok = 1;
    for (long r = 0; r < rounds && ok; r++) {
        char *p = mmap(NULL, FAULT_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            bench_missing("page_fault", "mmap", errno);
            ok = 0;
            break;
        }
        madvise(p, FAULT_REGION, MADV_NOHUGEPAGE); /* where it exists */
        struct bench_timer t = bench_start();
        for (long off = 0; off < FAULT_REGION; off += PAGE)
            ((volatile char *)p)[off] = 1;
        total += bench_rdtsc() - t.tsc;
        long long ns = bench_mono_ns();
        total_ns = (ns < 0 || t.ns < 0 || total_ns < 0) ? -1 : total_ns + (ns - t.ns);
        munmap(p, FAULT_REGION);
    }
    if (ok) {
        long n = rounds * pages;
        if (total_ns < 0)
            printf("bench page_fault %.0f -\n", (double)total / n);
        else
            printf("bench page_fault %.0f %.0f\n", (double)total / n, (double)total_ns / n);
    }
    return 0;
}
