/* Processes (lmbench's lat_proc): fork + _exit + waitpid,
 * fork + execve(a static `true`) + waitpid, and the same with Debian's
 * dynamically linked /usr/bin/true (the loader, libc, relocations). */
#include <sys/wait.h>

#include "bench.h"

#define TRUE_PATH "/true"
#define DYNAMIC_TRUE_PATH "/usr/bin/true"

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

static int fork_exec_wait(const char *path)
{
    char *argv[] = {(char *)path, NULL};
    static char *envp[] = {"HOME=/", "TERM=linux", NULL};
    pid_t pid = fork();
    if (pid < 0)
        return errno;
    if (pid == 0) {
        execve(path, argv, envp);
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

    err = fork_exec_wait(TRUE_PATH);
    if (err) {
        bench_missing("fork_exec", "fork/execve/waitpid", err);
    } else {
        long n = iters(200);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            fork_exec_wait(TRUE_PATH);
        bench_report("fork_exec", t, n);
    }

    err = fork_exec_wait(DYNAMIC_TRUE_PATH);
    if (err) {
        bench_missing("fork_exec_dynamic", "fork/execve/waitpid of " DYNAMIC_TRUE_PATH, err);
    } else {
        long n = iters(100);
        struct bench_timer t = bench_start();
        for (long i = 0; i < n; i++)
            fork_exec_wait(DYNAMIC_TRUE_PATH);
        bench_report("fork_exec_dynamic", t, n);
    }
    return 0;
}
