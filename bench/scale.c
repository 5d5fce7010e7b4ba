/*
 * Costs against the size of the work (issue 8): each operation with N other
 * things around it (directory entries, mappings, open descriptors, runnable
 * processes, touched memory), at several N. A kernel whose structures are
 * lists shows costs growing with N; one built on trees, hashes and bitmaps
 * stays flat.
 *
 * Every row runs in a child of its own with a budget of guest time
 * (alarm(); under -icount shift=0 one second is 10^9 instructions), setup
 * included: a row over budget prints "missing" with the budget, a lower bound,
 * instead of holding the machine. The number of timed iterations is chosen
 * from two untimed ones (about 3x10^8 instructions in all, 3 to 2000), so slow
 * rows still finish and fast ones are measured over many calls; under -icount
 * the choice, and so the figure, is the same on every run.
 *
 *     bench scale_NAME_N INSTRUCTIONS NANOSECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench.h"

#define PAGE 4096L
#define BUDGET_SECONDS 5       /* guest seconds per row, setup included */
#define MEASURE_INSTR 300000000.0

typedef void (*op_fn)(long n);

static char path_buf[64];
static char *region;   /* mappings: 2N pages, every other one PROT_NONE */
static int pipe_a[2], pipe_b[2];

/* Runs op `count` times; returns instructions per call. */
static double run_op(op_fn op, long n, long count)
{
    unsigned long long t0 = bench_rdtsc();
    for (long i = 0; i < count; i++)
        op(n);
    return (double)(bench_rdtsc() - t0) / (double)count;
}

static void measure(const char *name, long n, op_fn op)
{
    double guess = run_op(op, n, 2);
    long count = guess > 0 ? (long)(MEASURE_INSTR / guess) : 2000;
    if (count < 3)
        count = 3;
    if (count > 2000)
        count = 2000;
    if (bench_scale_div > 1)
        count = 3; /* smoke: that it runs, not a figure */
    struct bench_timer t = bench_start();
    for (long i = 0; i < count; i++)
        op(n);
    char full[64];
    snprintf(full, sizeof full, "scale_%s_%ld", name, n);
    bench_report(full, t, count);
}

/* ---- open + close of a file in a directory of N entries ---- */
static int setup_open(long n)
{
    char dir[32];
    snprintf(dir, sizeof dir, "/tmp/scale%ld", n);
    if (mkdir("/tmp", 0755) && errno != EEXIST)
        return -1;
    if (mkdir(dir, 0755))
        return -1;
    for (long i = 0; i < n; i++) {
        snprintf(path_buf, sizeof path_buf, "%s/f%ld", dir, i);
        int fd = open(path_buf, O_CREAT | O_WRONLY, 0644);
        if (fd < 0)
            return -1;
        close(fd);
    }
    snprintf(path_buf, sizeof path_buf, "%s/f%ld", dir, n / 2);
    return 0;
}
static void op_open(long n)
{
    (void)n;
    close(open(path_buf, O_RDONLY));
}

/* ---- N mappings: one region of 2N pages, every other page PROT_NONE ---- */
static int setup_maps(long n)
{
    region = mmap(NULL, 2 * n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        return -1;
    for (long i = 0; i < n; i++)
        if (mprotect(region + (2 * i + 1) * PAGE, PAGE, PROT_NONE))
            return -1;
    return 0;
}
static void op_mmap_touch(long n)
{
    (void)n;
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
        *(volatile char *)p = 1;
        munmap(p, PAGE);
    }
}
static long mprotect_flip;
static void op_mprotect(long n)
{
    mprotect(region + (n & ~1L) * PAGE, PAGE, (mprotect_flip++ & 1) ? PROT_READ | PROT_WRITE : PROT_READ);
}

/* ---- dup + close with N descriptors open ---- */
static int setup_fds(long n)
{
    struct rlimit rl = {(rlim_t)n + 64, (rlim_t)n + 64};
    if (setrlimit(RLIMIT_NOFILE, &rl))
        return -1;
    for (long i = 0; i < n; i++)
        if (dup(0) < 0)
            return -1;
    return 0;
}
static void op_dup(long n)
{
    (void)n;
    close(dup(0));
}

/* ---- pipe ping-pong (round trip) with N other runnable processes ---- */
static int setup_pingpong(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0)
            for (;;)
                __asm__ volatile("" ::: "memory");  /* runnable, always */
    }
    /* Let them run a while (0.2 s) first, so the row measures the steady
     * state, where each has had its turn: just after the forks, a new task's
     * start debit (it starts a slice behind its parent) leaves the pair ahead
     * of them all for some milliseconds, and a short window measured only
     * that (Linux 16,014 instructions at N = 64, then; 380,000-470,000 over
     * 1,000 round trips later). */
    if (n)
        usleep(200000);
    if (pipe(pipe_a) || pipe(pipe_b))
        return -1;
    pid_t echo = fork();
    if (echo < 0)
        return -1;
    if (echo == 0) {
        char c;
        while (read(pipe_a[0], &c, 1) == 1)
            write(pipe_b[1], &c, 1);
        _exit(0);
    }
    return 0;
}
static void op_pingpong(long n)
{
    (void)n;
    char c = 'x';
    write(pipe_a[1], &c, 1);
    read(pipe_b[0], &c, 1);
}

/* ---- fork + exit + wait of a process with N MiB touched ---- */
static int setup_fork(long n)
{
    char *m = mmap(NULL, n << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    for (long off = 0; off < n << 20; off += PAGE)
        m[off] = 1;
    return 0;
}
static void op_fork(long n)
{
    (void)n;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

struct row {
    const char *name;
    int (*setup)(long n);
    op_fn op;
    long sizes[3];
};

static const struct row rows[] = {
    {"open", setup_open, op_open, {10, 1000, 10000}},
    {"mmap", setup_maps, op_mmap_touch, {10, 1000, 10000}},
    {"mprotect", setup_maps, op_mprotect, {10, 1000, 10000}},
    {"dup", setup_fds, op_dup, {10, 1000, 10000}},
    {"pingpong", setup_pingpong, op_pingpong, {0, 16, 64}},
    {"fork", setup_fork, op_fork, {1, 16, 64}},
};

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    int smoke = bench_scale_div > 1;
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (int s = 0; s < (smoke ? 1 : 3); s++) {
            long n = rows[r].sizes[s];
            char full[64];
            snprintf(full, sizeof full, "scale_%s_%ld", rows[r].name, n);
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0) {
                bench_missing(full, "fork", errno);
                continue;
            }
            if (pid == 0) {
                /* Its own process group, so the runnable helpers go with it. */
                setpgid(0, 0);
                alarm(BUDGET_SECONDS);
                if (rows[r].setup(n)) {
                    bench_missing(full, "setup", errno);
                    _exit(0);
                }
                measure(rows[r].name, n, rows[r].op);
                fflush(stdout);
                _exit(0);
            }
            int status = 0;
            waitpid(pid, &status, 0);
            kill(-pid, SIGKILL);
            while (waitpid(-pid, NULL, 0) > 0)
                ;
            if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
                printf("bench %s missing over budget: more than %d×10⁹ instructions, setup included\n", full,
                       BUDGET_SECONDS);
            else if (!WIFEXITED(status))
                printf("bench %s missing the row's process died (signal %d)\n", full, WTERMSIG(status));
        }
    }
    return 0;
}
