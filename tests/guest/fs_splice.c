/*
 * splice, tee and vmsplice: a file into a pipe at the file position or at an
 * offset given (which moves and the position does not), a pipe into a file,
 * pipe to pipe, tee copying without taking, vmsplice both ways, what each
 * does at the end of the data and with SPLICE_F_NONBLOCK, SIGPIPE and EPIPE
 * without a reader, and the errors of bad descriptors, offsets and flags.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void show_pipe(const char *what, int fd)
{
    char buf[128];
    int n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: %d \"%s\"\n", what, n, buf);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int f = open("/data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    EQ(write(f, "0123456789abcdef", 16), 16);
    int p[2], q[2];
    EQ(pipe(p), 0);
    EQ(pipe(q), 0);

    SECTION("file to pipe");
    EQ(lseek(f, 2, SEEK_SET), 2);
    EQ(splice(f, NULL, p[1], NULL, 4, 0), 4);
    EQ(lseek(f, 0, SEEK_CUR), 6);
    loff_t off = 10;
    EQ(splice(f, &off, p[1], NULL, 100, 0), 6);
    EQ(off, 16);
    EQ(lseek(f, 0, SEEK_CUR), 6);
    EQ(splice(f, &off, p[1], NULL, 100, 0), 0); /* the end of the file */
    show_pipe("pipe", p[0]);

    SECTION("pipe to file");
    EQ(write(p[1], "XYZ", 3), 3);
    off = 1;
    EQ(splice(p[0], NULL, f, &off, 2, 0), 2);
    EQ(off, 3);
    EQ(splice(p[0], NULL, f, NULL, 10, 0), 1); /* at the position, 6 */
    EQ(lseek(f, 0, SEEK_CUR), 7);
    char buf[32] = {0};
    EQ(pread(f, buf, 16, 0), 16);
    printf("file: \"%s\"\n", buf);
    EQ(splice(p[0], NULL, f, NULL, 10, SPLICE_F_NONBLOCK), -1);
    printf("empty, nonblock: %s\n", ename(errno));

    SECTION("pipe to pipe and tee");
    EQ(write(p[1], "hello world", 11), 11);
    EQ(tee(p[0], q[1], 5, 0), 5);
    show_pipe("tee'd", q[0]);
    EQ(splice(p[0], NULL, q[1], NULL, 6, 0), 6);
    show_pipe("moved", q[0]);
    show_pipe("left", p[0]);
    ERR(tee(p[0], q[1], 5, SPLICE_F_NONBLOCK), EAGAIN);
    ERR(splice(p[0], NULL, q[1], NULL, 5, SPLICE_F_NONBLOCK), EAGAIN);

    SECTION("vmsplice");
    struct iovec iov[2] = {{"abc", 3}, {"defg", 4}};
    EQ(vmsplice(p[1], iov, 2, 0), 7);
    char a[4] = {0}, b[8] = {0};
    struct iovec out[2] = {{a, 2}, {b, 8}};
    EQ(vmsplice(p[0], out, 2, 0), 7);
    printf("vmspliced out: \"%.2s\" \"%s\"\n", a, b);
    ERR(vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK), EAGAIN);
    EQ(vmsplice(p[1], iov, 0, 0), 0);
    /* A pipe takes what fits, a buffer per page touched (16 in all): an
     * aligned buffer fills it, one 320 bytes into a page leaves 320 bytes;
     * then EAGAIN without blocking. */
    static char big[100000 + 4096] __attribute__((aligned(4096)));
    struct iovec bigv = {big, 100000};
    EQ(vmsplice(p[1], &bigv, 1, 0), 65536);
    ERR(vmsplice(p[1], &bigv, 1, SPLICE_F_NONBLOCK), EAGAIN);
    ERR(splice(f, NULL, p[1], NULL, 4, SPLICE_F_NONBLOCK), EAGAIN);
    EQ(read(p[0], big, 65536), 65536);
    bigv.iov_base = big + 320;
    EQ(vmsplice(p[1], &bigv, 1, 0), 65536 - 320);
    EQ(read(p[0], big, 65536), 65536 - 320);

    SECTION("end of data");
    int r[2];
    EQ(pipe(r), 0);
    EQ(write(r[1], "x", 1), 1);
    close(r[1]);
    EQ(splice(r[0], NULL, q[1], NULL, 10, 0), 1);
    EQ(splice(r[0], NULL, q[1], NULL, 10, 0), 0);
    EQ(tee(r[0], q[1], 10, 0), 0);
    EQ(splice(r[0], NULL, f, NULL, 10, 0), 0);
    close(r[0]);
    show_pipe("q", q[0]);

    SECTION("no reader");
    EQ(pipe(r), 0);
    close(r[0]);
    ERR(splice(f, &off, r[1], NULL, 4, 0), EPIPE);
    ERR(vmsplice(r[1], iov, 1, 0), EPIPE);
    close(r[1]);

    SECTION("errors");
    EQ(splice(-1, NULL, p[1], NULL, 0, 0), 0); /* a length of 0 is checked first */
    ERR(splice(-1, NULL, p[1], NULL, 1, 0), EBADF);
    ERR(splice(p[0], NULL, 99, NULL, 1, 0), EBADF);
    ERR(splice(f, NULL, f, NULL, 1, 0), EINVAL); /* no pipe */
    ERR(splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL); /* the same pipe */
    ERR(splice(p[0], &off, f, NULL, 1, 0), ESPIPE);
    ERR(splice(f, NULL, p[1], &off, 1, 0), ESPIPE);
    ERR(splice(f, NULL, p[1], NULL, 1, 0x10), EINVAL);
    ERR(splice(f, (loff_t *)8, p[1], NULL, 1, 0), EFAULT);
    off = -1;
    ERR(splice(f, &off, q[1], NULL, 1, 0), EINVAL);
    int wo = open("/data", O_WRONLY);
    ERR(splice(wo, NULL, q[1], NULL, 1, 0), EBADF);
    int ap = open("/data", O_RDWR | O_APPEND);
    ERR(splice(p[0], NULL, ap, NULL, 1, 0), EINVAL);
    ERR(tee(f, q[1], 1, 0), EINVAL);
    ERR(tee(p[0], p[1], 1, 0), EINVAL);
    ERR(tee(-1, q[1], 1, 0), EBADF);
    ERR(vmsplice(f, iov, 1, 0), EBADF);
    ERR(vmsplice(-1, iov, 1, 0), EBADF);
    ERR(vmsplice(q[1], iov, 1025, 0), EINVAL);
    ERR(vmsplice(q[1], iov, 1, 0x10), EINVAL);
    ERR(vmsplice(q[1], (struct iovec *)8, 1, 0), EFAULT);
    return summary();
}
