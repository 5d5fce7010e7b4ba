/*
 * Bandwidth, per KiB moved: a pipe (64 KiB written, then read back, in one
 * process), a file on the in-memory file system (64 KiB read with pread from
 * its page cache), and page faults on a private file mapping (a 1 MiB file,
 * every page touched once, reported per 4 KiB page).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "bench.h"

#define KIB 1024L
#define CHUNK (64 * KIB)
#define FILE_SIZE (1024 * KIB)

static char buf[CHUNK];

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    memset(buf, 'x', sizeof buf);

    int p[2];
    if (pipe(p)) {
        bench_missing("pipe_kib", "pipe", errno);
    } else {
        long n = iters(2000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++) {
            if (write(p[1], buf, CHUNK) != CHUNK || read(p[0], buf, CHUNK) != CHUNK) {
                bench_missing("pipe_kib", "pipe write/read of 64 KiB", errno);
                n = 0;
                break;
            }
        }
        if (n)
            bench_report_per("pipe_kib", t, n, CHUNK / KIB);
        close(p[0]);
        close(p[1]);
    }

    mkdir("/tmp", 0755);
    int fd = open("/tmp/bw", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int ok = fd >= 0;
    for (long off = 0; ok && off < FILE_SIZE; off += CHUNK)
        ok = write(fd, buf, CHUNK) == CHUNK;
    if (!ok) {
        bench_missing("file_read_kib", "a 1 MiB file", errno);
        bench_missing("file_fault", "a 1 MiB file", errno);
        return 0;
    }
    long n = iters(2000);
    struct bench_timer t = bench_start();
    for (long i = 0; i < n; i++)
        pread(fd, buf, CHUNK, (i % (FILE_SIZE / CHUNK)) * CHUNK);
    bench_report_per("file_read_kib", t, n, CHUNK / KIB);

    long rounds = iters(200) / 10 + 1, pages = FILE_SIZE / 4096;
    unsigned long long total = 0;
    for (long r = 0; r < rounds; r++) {
        char *m = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            bench_missing("file_fault", "mmap", errno);
            return 0;
        }
        unsigned long long t0 = bench_rdtsc();
        for (long off = 0; off < FILE_SIZE; off += 4096)
            (void)((volatile char *)m)[off];
        total += bench_rdtsc() - t0;
        munmap(m, FILE_SIZE);
    }
    printf("bench file_fault %.0f -\n", (double)total / (double)(rounds * pages));
    return 0;
}
