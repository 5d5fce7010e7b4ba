/* Pipes: a 1-byte write + read in one process, and a 1-byte ping-pong between
 * two processes (two context switches a round trip; lmbench's lat_pipe). */
#include <signal.h>
#include <sys/wait.h>

#include "bench.h"

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    int p[2], q[2];
    char c = 'x';

    if (pipe(p)) {
        bench_missing("pipe_rw", "pipe", errno);
        bench_missing("pipe_pingpong", "pipe", errno);
        return 0;
    }
    if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1) {
        bench_missing("pipe_rw", "pipe write/read", errno);
    } else {
        long n = iters(50000);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++) {
            write(p[1], &c, 1);
            read(p[0], &c, 1);
        }
        bench_report("pipe_rw", t, n);
    }

    if (pipe(q)) {
        bench_missing("pipe_pingpong", "pipe", errno);
        return 0;
    }
    long n = iters(5000);
    pid_t pid = fork();
    if (pid < 0) {
        bench_missing("pipe_pingpong", "fork", errno);
        return 0;
    }
    if (pid == 0) {
        for (;;) {
            if (read(p[0], &c, 1) != 1)
                _exit(0);
            write(q[1], &c, 1);
        }
    }
    /* One round trip first: the child is running. */
    write(p[1], &c, 1);
    if (read(q[0], &c, 1) != 1) {
        bench_missing("pipe_pingpong", "read", errno);
    } else {
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++) {
            write(p[1], &c, 1);
            read(q[0], &c, 1);
        }
        bench_report("pipe_pingpong", t, n);
    }
    close(p[1]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
}
