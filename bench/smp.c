/*
 * Work on several CPUs (issue 9): W workers at once, each doing the same
 * fixed amount of one kind of work, and the wall-clock time until the last
 * one ends. bench/run_bench.py boots each kernel with -smp 1 and -smp 2 under
 * multi-threaded TCG (not -icount, which runs the CPUs one after another)
 * and reports the ratio of the two times: the speed-up the second CPU gives.
 *
 *     smp [smoke] [WORKERS]
 *     bench smp_NAME_wW TSC NANOSECONDS
 *
 * cpu       W processes counting in registers, no system call
 * getppid   W processes each making the null call in a loop
 * pingpong  W pairs of processes passing a byte through two pipes
 *
 * The workers wait on a pipe until all exist, so forking is not timed.
 */
#include <signal.h>
#include <sys/wait.h>

#include "bench.h"

static int go[2];

static void wait_for_go(void)
{
    char c;
    if (read(go[0], &c, 1) != 1)
        _exit(2);
}

static void cpu_work(long n)
{
    unsigned long x = 1;
    for (long i = 0; i < n; i++)
        __asm__ volatile("imul $33, %0, %0; add $7, %0" : "+r"(x));
    _exit(x == 0);
}

static void getppid_work(long n)
{
    for (long i = 0; i < n; i++)
        getppid();
    _exit(0);
}

/* A pair: this worker and a partner child it forks, n round trips. */
static void pingpong_work(long n)
{
    int p[2], q[2];
    char c = 'x';
    if (pipe(p) || pipe(q))
        _exit(3);
    pid_t partner = fork();
    if (partner < 0)
        _exit(4);
    if (partner == 0) {
        close(p[1]);
        close(q[0]);
        while (read(p[0], &c, 1) == 1)
            write(q[1], &c, 1);
        _exit(0);
    }
    close(p[0]);
    close(q[1]);
    for (long i = 0; i < n; i++)
        if (write(p[1], &c, 1) != 1 || read(q[0], &c, 1) != 1)
            _exit(5);
    close(p[1]);
    waitpid(partner, NULL, 0);
    _exit(0);
}

static void run(const char *name, void (*work)(long), long n, int workers)
{
    char full[64];
    snprintf(full, sizeof full, "smp_%s_w%d", name, workers);
    if (pipe(go)) {
        bench_missing(full, "pipe", errno);
        return;
    }
    pid_t pids[64];
    for (int i = 0; i < workers; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            bench_missing(full, "fork", errno);
            return;
        }
        if (pids[i] == 0) {
            close(go[1]);
            wait_for_go();
            work(n);
        }
    }
    close(go[0]);
    struct bench_timer t = bench_start();
    char c[64] = {0};
    if (write(go[1], c, workers) != workers) {
        bench_missing(full, "write", errno);
        return;
    }
    int failed = 0;
    for (int i = 0; i < workers; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    }
    close(go[1]);
    if (failed)
        printf("bench %s missing a worker failed\n", full);
    else
        bench_report(full, t, 1);
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    int workers = 2;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "smoke"))
            workers = atoi(argv[i]);
    if (workers < 1 || workers > 64)
        workers = 2;
    run("cpu", cpu_work, iters(100000000), workers);
    run("getppid", getppid_work, iters(400000), workers);
    run("pingpong", pingpong_work, iters(20000), workers);
    return 0;
}
