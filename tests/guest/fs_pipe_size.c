/*
 * fs_pipe_size: F_SETPIPE_SZ and F_GETPIPE_SZ as Linux (fs/pipe.c
 * pipe_set_size): 64 KiB to start with; a new size is rounded up to a power
 * of two of pages (at least one page), is EINVAL past 2^31, may pass pipe-max-size (1 MiB) with CAP_SYS_RESOURCE
 * (root here), and is EBUSY below the pages the pipe's data takes. The data
 * survives a resize, and the capacity is what a non-blocking writer can put
 * in. A FIFO opened by name takes it too; another file is EBADF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "musl_check.h"

static char big[1 << 17];

int main(void)
{
    int p[2];
    char buf[20000];
    EQ(pipe2(p, O_NONBLOCK), 0);
    EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
    EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
    EQ(fcntl(p[0], F_SETPIPE_SZ, 0), 4096);
    EQ(fcntl(p[1], F_GETPIPE_SZ), 4096);
    EQ(fcntl(p[0], F_SETPIPE_SZ, 4097), 8192);
    EQ(fcntl(p[0], F_SETPIPE_SZ, 40000), 65536);
    EQ(fcntl(p[0], F_SETPIPE_SZ, 1 << 20), 1 << 20);
    EQ(fcntl(p[0], F_SETPIPE_SZ, (1 << 20) + 1), 1 << 21);
    ERR(fcntl(p[0], F_SETPIPE_SZ, (1UL << 31) + 1), EINVAL);
    ERR(fcntl(p[0], F_SETPIPE_SZ, (1UL << 32) + 5000), EINVAL); /* not cut to 32 bits */
    EQ(fcntl(p[0], F_SETPIPE_SZ, 4096), 4096);

    /* The capacity is what goes in. */
    memset(big, 'x', sizeof big);
    EQ(write(p[1], big, 8192), 4096);
    ERR(write(p[1], big, 1), EAGAIN);
    EQ(read(p[0], buf, sizeof buf), 4096);

    /* Data survives; the pipe cannot shrink below it. */
    for (int i = 0; i < 10000; i++)
        big[i] = (char)('a' + i % 26);
    EQ(fcntl(p[1], F_SETPIPE_SZ, 65536), 65536);
    EQ(write(p[1], big, 10000), 10000);
    ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    ERR(fcntl(p[1], F_SETPIPE_SZ, 8192), EBUSY);
    EQ(fcntl(p[1], F_SETPIPE_SZ, 16384), 16384);
    EQ(read(p[0], buf, 3), 3);
    EQ(fcntl(p[1], F_SETPIPE_SZ, 16384), 16384);
    EQ(read(p[0], buf + 3, sizeof buf), 9997);
    TRUE(memcmp(buf, big, 10000) == 0);
    EQ(write(p[1], big, 20000), 16384);
    close(p[0]);
    close(p[1]);

    /* A FIFO, and a file that is no pipe. */
    mkdir("/tmp", 01777);
    EQ(mkfifo("/tmp/pipe_size", 0600), 0);
    int r = open("/tmp/pipe_size", O_RDONLY | O_NONBLOCK);
    EQ(fcntl(r, F_GETPIPE_SZ), 65536);
    EQ(fcntl(r, F_SETPIPE_SZ, 12288), 16384);
    int w = open("/tmp/pipe_size", O_WRONLY | O_NONBLOCK);
    EQ(fcntl(w, F_GETPIPE_SZ), 16384);
    close(r);
    close(w);
    unlink("/tmp/pipe_size");
    int f = open("/tmp/not_a_pipe", O_RDWR | O_CREAT, 0600);
    ERR(fcntl(f, F_GETPIPE_SZ), EBADF);
    ERR(fcntl(f, F_SETPIPE_SZ, 4096), EBADF);
    close(f);
    unlink("/tmp/not_a_pipe");
    return summary();
}
