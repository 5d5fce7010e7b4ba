/*
 * eventfd: the counter's arithmetic (add on write, all or one on read with
 * EFD_SEMAPHORE), the waits (EAGAIN when non-blocking, a blocked read woken
 * by another process's write), the limits (8-byte buffers, 2^64 - 1 refused,
 * 2^64 - 2 the most), poll's readiness, the flags, and what the descriptor
 * looks like (mode 0600 without a type, lseek a no-op, anon_inode:[eventfd]).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static long rd(int fd)
{
    uint64_t v = 0;
    long r = read(fd, &v, sizeof(v));
    return r == 8 ? (long)v : r;
}

static long wr(int fd, uint64_t v) { return write(fd, &v, sizeof(v)); }

static int pollmask(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    int fd = eventfd(5, 0);
    TRUE(fd >= 0);
    EQ(rd(fd), 5);
    EQ(wr(fd, 3), 8);
    EQ(wr(fd, 4), 8);
    EQ(rd(fd), 7);
    EQ(pollmask(fd), POLLOUT);
    EQ(wr(fd, 1), 8);
    EQ(pollmask(fd), POLLIN | POLLOUT);
    EQ(rd(fd), 1);

    char small[4];
    ERR(read(fd, small, 4), EINVAL);
    ERR(write(fd, small, 4), EINVAL);
    ERR(wr(fd, UINT64_MAX), EINVAL);
    EQ(lseek(fd, 0, SEEK_SET), 0); /* Linux's noop_llseek */
    struct stat st;
    EQ(fstat(fd, &st), 0);
    EQ(st.st_mode, 0600);
    char link[64] = "";
    char path[32];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    long n = readlink(path, link, sizeof(link) - 1);
    if (n > 0)
        link[n] = 0;
    printf("link: %s\n", link);
    EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);

    int nb = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ERR(rd(nb), EAGAIN);
    EQ(fcntl(nb, F_GETFD), FD_CLOEXEC);
    EQ(fcntl(nb, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    EQ(wr(nb, UINT64_MAX - 1), 8);
    EQ(pollmask(nb), POLLIN);
    ERR(wr(nb, 1), EAGAIN);
    EQ(rd(nb), (long)(UINT64_MAX - 1));

    int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    EQ(rd(sem), 1);
    EQ(rd(sem), 1);
    EQ(rd(sem), 1);
    ERR(rd(sem), EAGAIN);

    ERR(eventfd(0, 0x10), EINVAL);
    ERR(syscall(SYS_eventfd2, 0, O_APPEND), EINVAL);
    /* A bad buffer: EFAULT, and the value is gone (Linux takes it first). */
    EQ(wr(fd, 9), 8);
    ERR(syscall(SYS_read, fd, (void *)1, 8), EFAULT);
    EQ(pollmask(fd), POLLOUT);

    /* A blocked read, woken by a child's write. */
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        wr(fd, 42);
        _exit(0);
    }
    EQ(rd(fd), 42);
    waitpid(pid, NULL, 0);
    return summary();
}
