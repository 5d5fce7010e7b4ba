/* /proc/sys/fs/nr_open: writable (64 and up), it bounds RLIMIT_NOFILE's
 * hard limit (EPERM past it), a new descriptor's number (dup2: EMFILE) and
 * the copy of a table that fork and unshare(CLONE_FILES) make (EMFILE when
 * a descriptor is past it). Compared with Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static long put(const char *v)
{
    int fd = open("/proc/sys/fs/nr_open", O_WRONLY);
    if (fd < 0)
        return -1;
    long r = write(fd, v, strlen(v));
    close(fd);
    return r;
}

static void show(void)
{
    char buf[32] = {0};
    int fd = open("/proc/sys/fs/nr_open", O_RDONLY);
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("nr_open: %s", buf);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    show();
    EQ(dup2(2, 200), 200);
    ERR(put("63"), EINVAL);
    EQ(put("128"), 3);
    show();
    struct rlimit rl = {100, 129};
    ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
    rl.rlim_max = 128;
    EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ERR(dup2(2, 150), EBADF); /* past RLIMIT_NOFILE (100) */
    rl.rlim_cur = 128;
    EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ERR(fork(), EMFILE); /* descriptor 200 cannot be copied */
    EQ(close(200), 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    truth("fork once nothing is past nr_open", pid > 0);
    int st;
    truth("waited for it", waitpid(pid, &st, 0) == pid);
    EQ(put("1048576"), 7);
    show();
    return summary();
}
