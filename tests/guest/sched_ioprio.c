/*
 * ioprio_get/ioprio_set: the default, each class and level, the errors
 * (bad class, level, which, a missing process, real-time or another user's
 * process without privilege), inheritance by fork, and the best of a
 * process group. There is no block I/O to order: the value is kept and
 * reported, as Linux keeps it for a task with no I/O under way.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define WHO_PROCESS 1
#define WHO_PGRP 2
#define WHO_USER 3
#define PRIO(cls, data) (((cls) << 13) | (data))

static long get(int which, int who) { return syscall(SYS_ioprio_get, which, who); }
static long set(int which, int who, int prio) { return syscall(SYS_ioprio_set, which, who, prio); }

int main(void)
{
    printf("default: %ld\n", get(WHO_PROCESS, 0));
    EQ(set(WHO_PROCESS, 0, PRIO(2, 7)), 0);
    EQ(get(WHO_PROCESS, 0), PRIO(2, 7));
    EQ(get(WHO_PROCESS, getpid()), PRIO(2, 7));
    EQ(set(WHO_PROCESS, 0, PRIO(3, 0)), 0);
    EQ(get(WHO_PROCESS, 0), PRIO(3, 0));
    EQ(set(WHO_PROCESS, 0, PRIO(1, 3)), 0); /* real-time: root may */
    EQ(get(WHO_PROCESS, 0), PRIO(1, 3));
    EQ(set(WHO_PROCESS, 0, PRIO(0, 0)), 0);
    printf("after class none: %ld\n", get(WHO_PROCESS, 0));
    ERR(set(WHO_PROCESS, 0, PRIO(0, 1)), EINVAL);
    ERR(set(WHO_PROCESS, 0, PRIO(2, 8)), EINVAL);
    ERR(set(WHO_PROCESS, 0, PRIO(4, 0)), EINVAL);
    ERR(set(0, 0, PRIO(2, 4)), EINVAL);
    ERR(set(4, 0, PRIO(2, 4)), EINVAL);
    ERR(get(0, 0), EINVAL);
    ERR(get(WHO_PROCESS, 99999), ESRCH);
    ERR(set(WHO_PROCESS, 99999, PRIO(2, 4)), ESRCH);

    SECTION("fork");
    EQ(set(WHO_PROCESS, 0, PRIO(2, 5)), 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        EQ(get(WHO_PROCESS, 0), PRIO(2, 5));
        /* A group of its own (init's holds the kernel's threads on Linux). */
        EQ(setsid(), getpid());
        EQ(set(WHO_PROCESS, 0, PRIO(2, 3)), 0);
        EQ(get(WHO_PGRP, 0), PRIO(2, 3));
        fflush(stdout);
        pid_t g = fork();
        if (g == 0) {
            EQ(set(WHO_PROCESS, 0, PRIO(0, 0)), 0);
            pause();
            _exit(0);
        }
        usleep(100000);
        printf("group's best with a member of class none: %ld\n", get(WHO_PGRP, 0));
        EQ(set(WHO_PGRP, 0, PRIO(3, 0)), 0); /* all of the group */
        EQ(get(WHO_PROCESS, g), PRIO(3, 0));
        EQ(get(WHO_PGRP, 0), PRIO(3, 0));
        kill(g, SIGKILL);
        waitpid(g, NULL, 0);
        fflush(stdout);
        _exit(summary());
    }
    int st;
    EQ(waitpid(c, &st, 0), c);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ(get(WHO_PROCESS, 0), PRIO(2, 5));

    SECTION("without privilege");
    fflush(stdout);
    c = fork();
    if (c == 0) {
        if (setuid(1000))
            _exit(9);
        ERR(set(WHO_PROCESS, 0, PRIO(1, 0)), EPERM);
        EQ(set(WHO_PROCESS, 0, PRIO(2, 6)), 0);
        EQ(set(WHO_PROCESS, 0, PRIO(3, 0)), 0);
        ERR(set(WHO_PROCESS, getppid(), PRIO(2, 6)), EPERM);
        EQ(get(WHO_PROCESS, getppid()), PRIO(2, 5));
        EQ(get(WHO_USER, 1000), PRIO(3, 0)); /* the only process of user 1000 */
        ERR(get(WHO_USER, 4242), ESRCH);
        fflush(stdout);
        _exit(summary());
    }
    EQ(waitpid(c, &st, 0), c);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return summary();
}
