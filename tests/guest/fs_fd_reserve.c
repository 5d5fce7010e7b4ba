/*
 * fs_fd_reserve: a descriptor number is reserved from the moment open()
 * picks it, as Linux's get_unused_fd_flags marks it in open_fds before
 * the file exists (fs/file.c): a thread blocked in open() of a FIFO (waiting
 * for a writer) holds its number, so another thread's open() gets the next
 * one, and dup2() or dup3() onto the reserved number is EBUSY. When a writer comes,
 * both descriptors work and refer to their own files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

#define FIFO "/tmp/fd_reserve"

static int reader_fd = -2;

static void *reader(void *arg)
{
    (void)arg;
    reader_fd = open(FIFO, O_RDONLY); /* sleeps until a writer opens */
    return NULL;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(void)
{
    struct stat st;
    mkdir("/tmp", 01777);
    EQ(mkfifo(FIFO, 0600), 0);
    pthread_t t;
    EQ(pthread_create(&t, NULL, reader, NULL), 0);
    pause_ms(300); /* the reader is asleep in open() by now */

    int null_fd = open("/dev/null", O_WRONLY);
    EQ(null_fd, 4); /* 3 is the reader's */
    /* musl's dup2 retries on EBUSY: make the call itself. */
    ERR(syscall(SYS_dup2, null_fd, 3), EBUSY);
    ERR(syscall(SYS_dup3, null_fd, 3, 0), EBUSY);
    ERR(close(3), EBADF);
    int w = open(FIFO, O_WRONLY);
    EQ(w, 5);
    EQ(pthread_join(t, NULL), 0);
    EQ(reader_fd, 3);
    TRUE(reader_fd != null_fd);

    EQ(fstat(reader_fd, &st), 0);
    TRUE(S_ISFIFO(st.st_mode));
    EQ(fstat(null_fd, &st), 0);
    TRUE(S_ISCHR(st.st_mode));
    EQ(write(w, "ping", 4), 4);
    char buf[8] = {0};
    EQ(read(reader_fd, buf, sizeof buf), 4);
    TRUE(strcmp(buf, "ping") == 0);
    EQ(write(null_fd, "gone", 4), 4);

    /* Once installed, the number is an ordinary descriptor again. */
    EQ(dup2(null_fd, 3), 3);
    EQ(fstat(3, &st), 0);
    TRUE(S_ISCHR(st.st_mode));
    EQ(close(3), 0);
    EQ(dup(null_fd), 3);
    EQ(close(3), 0);
    EQ(close(null_fd), 0);
    EQ(close(w), 0);
    EQ(unlink(FIFO), 0);
    return summary();
}
