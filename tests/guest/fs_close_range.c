/*
 * close_range(2), as Python's subprocess calls it in the child before exec:
 * a range closed, CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE with a table shared
 * by a CLONE_FILES child, and the EINVAL cases.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static long close_range(unsigned a, unsigned b, unsigned flags) { return syscall(SYS_close_range, a, b, flags); }

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

static char stack[65536];

static int child(void *arg)
{
    (void)arg;
    /* Its own table now: the parent's fd 12 stays open. */
    close_range(12, 12, CLOSE_RANGE_UNSHARE);
    return is_open(12) ? 1 : 0;
}

int main(void)
{
    for (int fd = 10; fd < 16; fd++)
        dup2(1, fd);
    EQ(close_range(11, 13, 0), 0);
    TRUE(is_open(10));
    TRUE(!is_open(11) && !is_open(12) && !is_open(13));
    TRUE(is_open(14));
    EQ(close_range(14, 15, CLOSE_RANGE_CLOEXEC), 0);
    EQ(fcntl(14, F_GETFD), FD_CLOEXEC);
    EQ(fcntl(15, F_GETFD), FD_CLOEXEC);
    EQ(fcntl(10, F_GETFD), 0);
    EQ(close_range(20, 4000000000U, 0), 0);
    ERR(close_range(5, 4, 0), EINVAL);
    ERR(close_range(0, 10, 1), EINVAL);
    ERR(close_range(0, 10, 8), EINVAL);

    dup2(1, 12);
    pid_t pid = clone(child, stack + sizeof(stack), CLONE_FILES | SIGCHLD, 0);
    int status;
    EQ(waitpid(pid, &status, 0), pid);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    TRUE(is_open(12));

    EQ(close_range(3, ~0U, 0), 0);
    TRUE(!is_open(10) && !is_open(12) && !is_open(15));
    TRUE(is_open(0) && is_open(1) && is_open(2));
    return summary();
}
