/*
 * fs_fifo_refs: a FIFO counts its readers and writers as Linux does
 * (fs/pipe.c fifo_open, pipe_release):
 *   - access mode 3 (neither read nor write) is EINVAL for a FIFO, blocking
 *     or not; it used to be counted as neither, so a reader's close freed the
 *     pipe under the second file.
 *   - a non-blocking writer with no reader gets ENXIO and changes no count:
 *     another writer still holds the pipe (its writes see no reader: EPIPE;
 *     once a reader comes they arrive), and a reader that comes later sees a
 *     writer (EAGAIN, not end of file).
 *   - the counts are right after all of that: with every writer gone the
 *     reader gets end of file, with every reader gone a writer gets EPIPE.
 *   - access mode 3 on other files: a directory is EISDIR (the mode asks for
 *     read and write permission), a regular file opens but is no writer, so
 *     once closed the program can still be executed (no ETXTBSY).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define FIFO "/tmp/fifo_refs"

/* Runs this program again (argv[1] = "child" exits at once): 0, or the errno of execve. */
static int exec_self(const char *self)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {(char *)self, "child", NULL};
        execv(self, argv);
        _exit(errno);
    }
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int main(int argc, char **argv)
{
    char buf[16];
    if (argc > 1 && !strcmp(argv[1], "child"))
        return 0;
    signal(SIGPIPE, SIG_IGN);
    mkdir("/tmp", 01777);
    EQ(mkfifo(FIFO, 0600), 0);

    SECTION("access mode 3");
    ERR(open(FIFO, 3 | O_NONBLOCK), EINVAL);
    ERR(open(FIFO, 3), EINVAL);
    int r = open(FIFO, O_RDONLY | O_NONBLOCK);
    TRUE(r >= 0);
    int x = open(FIFO, 3 | O_NONBLOCK);
    TRUE(x < 0 && errno == EINVAL);
    EQ(close(r), 0);
    if (x >= 0)
        close(x);
    int w = open(FIFO, O_RDWR | O_NONBLOCK);
    TRUE(w >= 0);
    EQ(write(w, "ab", 2), 2);
    EQ(read(w, buf, sizeof buf), 2);
    EQ(close(w), 0);

    SECTION("ENXIO leaves the counts alone");
    ERR(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO); /* no reader, no writer */
    r = open(FIFO, O_RDONLY | O_NONBLOCK);
    int w1 = open(FIFO, O_WRONLY | O_NONBLOCK);
    TRUE(r >= 0 && w1 >= 0);
    ERR(read(r, buf, sizeof buf), EAGAIN); /* a writer is there: no end of file */
    EQ(close(r), 0);
    ERR(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO); /* w1 alone */
    ERR(open(FIFO, O_WRONLY | O_NONBLOCK), ENXIO);
    ERR(write(w1, "x", 1), EPIPE);
    r = open(FIFO, O_RDONLY | O_NONBLOCK);
    TRUE(r >= 0);
    ERR(read(r, buf, sizeof buf), EAGAIN);
    EQ(write(w1, "hello", 5), 5);
    memset(buf, 0, sizeof buf);
    EQ(read(r, buf, sizeof buf), 5);
    TRUE(strcmp(buf, "hello") == 0);

    SECTION("last writer, last reader");
    int w2 = open(FIFO, O_WRONLY | O_NONBLOCK);
    TRUE(w2 >= 0);
    EQ(close(w1), 0);
    ERR(read(r, buf, sizeof buf), EAGAIN); /* w2 still there */
    EQ(write(w2, "z", 1), 1);
    EQ(close(w2), 0);
    EQ(read(r, buf, sizeof buf), 1);
    EQ(read(r, buf, sizeof buf), 0); /* every writer gone */
    w = open(FIFO, O_WRONLY | O_NONBLOCK);
    TRUE(w >= 0);
    EQ(close(r), 0);
    ERR(write(w, "y", 1), EPIPE);
    EQ(close(w), 0);
    EQ(unlink(FIFO), 0);

    SECTION("access mode 3 elsewhere");
    ERR(open("/tmp", 3), EISDIR);
    /* A copy of this program, which nothing runs yet. */
    int in = open(argv[0], O_RDONLY), out = open("/tmp/copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    TRUE(in >= 0 && out >= 0);
    char chunk[4096];
    long n;
    while ((n = read(in, chunk, sizeof chunk)) > 0)
        if (write(out, chunk, n) != n)
            break;
    close(in);
    close(out);
    int f = open("/tmp/copy", 3);
    TRUE(f >= 0);
    ERR(read(f, buf, 1), EBADF);
    ERR(write(f, buf, 1), EBADF);
    EQ(exec_self("/tmp/copy"), 0); /* open, but not for writing */
    EQ(close(f), 0);
    EQ(exec_self("/tmp/copy"), 0);
    f = open("/tmp/copy", O_WRONLY);
    TRUE(f >= 0);
    EQ(exec_self("/tmp/copy"), ETXTBSY);
    EQ(close(f), 0);
    EQ(exec_self("/tmp/copy"), 0);
    ERR(open(argv[0], O_WRONLY), ETXTBSY); /* running */
    f = open(argv[0], 3);
    TRUE(f >= 0); /* no writer: a running program may be opened so */
    close(f);
    EQ(unlink("/tmp/copy"), 0);
    return summary();
}
