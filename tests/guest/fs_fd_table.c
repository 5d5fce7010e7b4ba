/*
 * A large descriptor table, as Linux's fdtable behaves: ten thousand
 * descriptors get consecutive numbers, a closed one is the next one reused
 * (always the lowest free), F_DUPFD finds the lowest at or above its start,
 * dup2 far past the table grows it, RLIMIT_NOFILE bounds every way of making
 * a descriptor (EMFILE, EBADF for dup2 and EINVAL for F_DUPFD past it), the
 * hard limit stops at /proc/sys/fs/nr_open (EPERM), and fork copies the lot.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

int main(void)
{
    struct rlimit rl = {20000, 20000};
    EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    int first = dup(0), last = first, gaps = 0;
    for (int i = 1; i < 10000; i++) {
        int fd = dup(0);
        if (fd != last + 1)
            gaps++;
        last = fd;
    }
    EQ(first, 3);
    EQ(last, 10002);
    EQ(gaps, 0);
    EQ(close(7000), 0);
    EQ(close(500), 0);
    EQ(close(9999), 0);
    EQ(dup(0), 500);
    EQ(dup(0), 7000);
    EQ(dup(0), 9999);
    EQ(dup(0), 10003);
    EQ(fcntl(0, F_DUPFD, 5000), 10004);
    EQ(close(6000), 0);
    EQ(fcntl(0, F_DUPFD, 5000), 6000);
    EQ(fcntl(0, F_DUPFD_CLOEXEC, 15000), 15000);
    EQ(fcntl(15000, F_GETFD), FD_CLOEXEC);
    EQ(dup2(0, 19999), 19999);
    ERR(dup2(0, 20000), EBADF);
    ERR(fcntl(0, F_DUPFD, 20000), EINVAL);
    EQ(close(19999), 0);

    /* fork copies every descriptor; the child sees the same numbers. */
    pid_t pid = fork();
    if (pid == 0) {
        int ok = fcntl(10002, F_GETFD) >= 0 && fcntl(15000, F_GETFD) == FD_CLOEXEC && fcntl(19999, F_GETFD) < 0;
        _exit(ok && dup(0) == 10005 ? 0 : 1);
    }
    int status;
    EQ(waitpid(pid, &status, 0), pid);
    EQ(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);

    /* A lower limit: new descriptors stop at it, old ones stay. */
    struct rlimit low = {100, 20000};
    EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    EQ(close(50), 0);
    EQ(dup(0), 50);
    ERR(dup(0), EMFILE);
    ERR(open("/", O_RDONLY), EMFILE);
    EQ(fcntl(10002, F_GETFD), 0);

    /* The hard limit's ceiling is nr_open. */
    EQ(close(50), 0); /* a descriptor for fopen */
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    FILE *f = fopen("/proc/sys/fs/nr_open", "r");
    long nr_open = -1;
    if (f) {
        if (fscanf(f, "%ld", &nr_open) != 1)
            nr_open = -1;
        fclose(f);
    }
    EQ(nr_open, 1048576);
    struct rlimit too_big = {100, (rlim_t)nr_open + 1};
    ERR(setrlimit(RLIMIT_NOFILE, &too_big), EPERM);
    struct rlimit at_max = {100, (rlim_t)nr_open};
    EQ(setrlimit(RLIMIT_NOFILE, &at_max), 0);
    return summary();
}
