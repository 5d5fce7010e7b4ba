/* Processes (lmbench's lat_proc): fork + _exit + waitpid, and
 * fork + execve(a static `true`) + waitpid. */
#include <sys/wait.h>

#include "bench.h"

#define TRUE_PATH "/true"

static int fork_exit_wait(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0)
        _exit(0);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return errno;
    return 0;
}

static int fork_exec_wait(void)
{
    static char *argv[] = {TRUE_PATH, NULL};
    static char *envp[] = {"HOME=/", "TERM=linux", NULL};
    pid_t pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0) {
        execve(TRUE_PATH, argv, envp);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return errno;
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return ENOEXEC;
    return 0;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    int err = fork_exit_wait();
    if (err) {
        bench_missing("fork_exit", "fork/waitpid", err);
    } else {
        long n = iters(500);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            fork_exit_wait();
        bench_report("fork_exit", t, n);
    }

    err = fork_exec_wait();
    if (err) {
        bench_missing("fork_exec", "fork/execve/waitpid", err);
    } else {
        long n = iters(200);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            fork_exec_wait();
        bench_report("fork_exec", t, n);
    }
    return 0;
}
