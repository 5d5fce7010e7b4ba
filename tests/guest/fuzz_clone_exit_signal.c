/* Found by the fuzzer (seed 1): a child whose exit signal is not a valid
 * signal number (legacy clone takes any value in CSIGNAL, 0..255) made the
 * kernel shift 1 by 65 places when it exited. Linux sends no signal then, and
 * the parent still reaps the child with __WALL; clone3 refuses the value. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void try_clone(int exit_signal)
{
    long pid = syscall(SYS_clone, (long)exit_signal, 0L, 0L, 0L, 0L);
    if (pid == 0)
        _exit(7);
    if (pid < 0) {
        printf("clone(exit signal %d) = -1 %s\n", exit_signal, strerror(errno));
        return;
    }
    int status = 0;
    long w = waitpid((pid_t)pid, &status, __WALL);
    printf("clone(exit signal %d): child %s, exit status %d\n", exit_signal, w == pid ? "reaped" : "lost",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
    sigset_t none;
    sigemptyset(&none);
    int sigs[] = {0, SIGCHLD, 64, 65, 66, 100, 255};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        try_clone(sigs[i]);
    /* clone3 checks the exit signal: struct clone_args, 64 bytes (CLONE_ARGS_SIZE_VER0). */
    unsigned long args[8] = {0};
    args[4] = 65; /* exit_signal */
    long r = syscall(435 /* clone3 */, args, 64L);
    if (r == 0)
        _exit(0);
    printf("clone3(exit signal 65) = %ld %s\n", r, r < 0 ? strerror(errno) : "");
    return 0;
}
