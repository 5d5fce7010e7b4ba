/*
 * A process group lives as long as a member does, a zombie included (Linux
 * counts tasks until they are reaped): another process of the session may
 * still join it, and a process whose pid names it may not setsid. The
 * busybox shell meets this in a pipeline whose first command has already
 * exited when it sets the terminal's foreground group.
 */
#include "musl_check.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int go[2];
    OK(pipe(go));
    pid_t a = fork();
    if (a == 0) {
        setpgid(0, 0);
        _exit(0);
    }
    setpgid(a, a); /* as a shell does, from both sides */
    siginfo_t si;
    EQ(waitid(P_PID, a, &si, WEXITED | WNOWAIT), 0); /* a is a zombie, not reaped */
    pid_t b = fork();
    if (b == 0) {
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(9);
        _exit(getpgrp() == a ? 3 : 4);
    }
    EQ(setpgid(b, a), 0); /* joins the zombie's group */
    EQ(write(go[1], "x", 1), 1);
    int status;
    EQ(waitpid(b, &status, 0), b);
    EQ(WEXITSTATUS(status), 3);
    EQ(waitpid(a, &status, 0), a);
    /* Reaped: the group is gone. */
    ERR(setpgid(0, a), EPERM);
    return summary();
}
