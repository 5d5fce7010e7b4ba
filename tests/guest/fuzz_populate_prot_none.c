/* MAP_POPULATE of a huge PROT_NONE mapping: there is nothing to bring in,
 * and Linux skips such an area at once. Trapgate looked up the area of
 * every 4 KiB page of it, one by one: 15 s of kernel time for 1 TiB, with
 * nothing else running. (Seen while checking the fuzzer's pools: its mmap
 * lengths reach 1 TiB.) A file mapping past the end of its file stops at
 * the first page that cannot be had, as on Linux, instead of trying each. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static int failures;

static void try(const char *what, int prot, int flags, int fd)
{
    struct timespec a;
    clock_gettime(CLOCK_MONOTONIC, &a);
    void *p = mmap(0, 1UL << 40, prot, flags | MAP_POPULATE | MAP_NORESERVE, fd, 0);
    long ms = ms_since(&a);
    printf("%s: mmap of 1 TiB with MAP_POPULATE %s; under 3 s: %s\n", what, p == MAP_FAILED ? "failed" : "succeeded",
           ms < 3000 ? "yes" : "no");
    if (ms >= 3000) {
        printf("FAIL: %s took %ld ms\n", what, ms);
        failures++;
    }
    if (p != MAP_FAILED)
        munmap(p, 1UL << 40);
}

int main(void)
{
    try("PROT_NONE anonymous", PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    int fd = open("/tmp/populate", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "x", 1) != 1) {
        perror("/tmp/populate");
        return 1;
    }
    try("PROT_NONE file", PROT_NONE, MAP_SHARED, fd);
    try("PROT_READ file of one byte", PROT_READ, MAP_SHARED, fd);
    return failures ? 1 : 0;
}
