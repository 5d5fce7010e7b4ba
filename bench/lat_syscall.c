/* System call latencies (lmbench's lat_syscall): null calls through `syscall`
 * and `int $0x80`, an unknown number, 1-byte read and write, open + close, stat. */
#include <fcntl.h>
#include <sys/stat.h>

#include "bench.h"

static inline long raw_syscall0(long nr)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
    return ret;
}

static inline long raw_int80(long nr)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
    return ret;
}

#define NR_GETPPID_64 110
#define NR_GETPPID_32 64
#define NR_UNKNOWN 9999
#define FILE_PATH "/tmp/bench_file"

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    long n;

    /* Check each call works once before timing it. */
    long r = raw_syscall0(NR_GETPPID_64);
    if (r < 0 && r > -4096) {
        bench_missing("getppid", "getppid", (int)-r);
    } else {
        n = iters(100000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            raw_syscall0(NR_GETPPID_64);
        bench_report("getppid", t, n);
    }

    r = raw_int80(NR_GETPPID_32);
    if (r < 0 && r > -4096) {
        bench_missing("getppid_int80", "int $0x80 getppid", (int)-r);
    } else {
        n = iters(100000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            raw_int80(NR_GETPPID_32);
        bench_report("getppid_int80", t, n);
    }

    r = raw_syscall0(NR_UNKNOWN);
    if (r != -ENOSYS) {
        printf("bench enosys missing syscall 9999 returned %ld, not -ENOSYS\n", r);
    } else {
        n = iters(100000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            raw_syscall0(NR_UNKNOWN);
        bench_report("enosys", t, n);
    }

    char c = 'x';
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0) {
        bench_missing("read_null", "open /dev/null", errno);
        bench_missing("write_null", "open /dev/null", errno);
    } else {
        if (read(fd, &c, 1) < 0) {
            bench_missing("read_null", "read", errno);
        } else {
            n = iters(50000);
            struct bench_timer t = bench_start();
            for (long i = 0; i < n; i++)
                read(fd, &c, 1);
            bench_report("read_null", t, n);
        }
        if (write(fd, &c, 1) != 1) {
            bench_missing("write_null", "write", errno);
        } else {
            n = iters(50000);
            struct bench_timer t = bench_start();
            for (long i = 0; i < n; i++)
                write(fd, &c, 1);
            bench_report("write_null", t, n);
        }
        close(fd);
    }

    fd = open("/dev/zero", O_RDONLY);
    if (fd < 0 || read(fd, &c, 1) != 1) {
        bench_missing("read_zero", "open/read /dev/zero", errno);
    } else {
        n = iters(50000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            read(fd, &c, 1);
        bench_report("read_zero", t, n);
    }
    if (fd >= 0)
        close(fd);

    fd = open(FILE_PATH, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        bench_missing("open_close", "create " FILE_PATH, errno);
        bench_missing("stat", "create " FILE_PATH, errno);
    } else {
        write(fd, "hello\n", 6);
        close(fd);
        n = iters(20000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            close(open(FILE_PATH, O_RDONLY));
        bench_report("open_close", t, n);

        struct stat st;
        if (stat(FILE_PATH, &st)) {
            bench_missing("stat", "stat", errno);
        } else {
            n = iters(20000);
            t = bench_start();
            for (long i = 0; i < n; i++)
                stat(FILE_PATH, &st);
            bench_report("stat", t, n);
        }
    }

    /* clock_gettime through the C library: musl calls the vDSO when the
     * kernel passes one (AT_SYSINFO_EHDR), else makes the system call. */
    {
        struct timespec ts;
        long n = iters(100000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            clock_gettime(CLOCK_MONOTONIC, &ts);
        bench_report("clock_gettime", t, n);
    }
    return 0;
}
