/*
 * kern_vfork_kill: the parent of a vfork waits for the child's exec or exit,
 * but that wait is killable (Linux's wait_for_vfork_done, TASK_KILLABLE):
 * P vforks C, C stops itself with SIGSTOP, and SIGKILL from a third process
 * (the test, P's parent) must end P while C stays stopped. Then C, now
 * the test's (init's) child, is continued and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int fds[2];
    OK(pipe(fds));
    pid_t p = fork();
    if (p == 0) {
        /* P: vfork a child that reports its pid and stops. */
        pid_t c = vfork();
        if (c == 0) {
            pid_t me = getpid();
            write(fds[1], &me, sizeof me);
            kill(me, SIGSTOP);
            _exit(7);
        }
        _exit(c > 0 ? 0 : 1); /* reached only once C has exited */
    }
    close(fds[1]);
    pid_t c = 0;
    EQ(read(fds[0], &c, sizeof c), sizeof c);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL); /* let C stop */
    EQ(kill(p, SIGKILL), 0);
    int st = 0;
    TRUE(waitpid(p, &st, 0) == p);
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    /* C was P's child: it is ours (init's) now, still stopped. */
    TRUE(waitpid(c, &st, WUNTRACED) == c);
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    EQ(kill(c, SIGCONT), 0);
    TRUE(waitpid(c, &st, 0) == c);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    return summary();
}
