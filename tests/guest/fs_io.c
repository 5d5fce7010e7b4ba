/*
 * fs_io: descriptors and I/O as Linux does them (fs/open.c, fs/read_write.c,
 * fs/fcntl.c, fs/file.c, fs/pipe.c, fs/select.c, drivers/char/mem.c;
 * open(2), read(2), lseek(2), dup(2), fcntl(2), pipe(7), poll(2), select(2),
 * sendfile(2)).
 *   - open/openat/creat: O_CREAT|O_EXCL is EEXIST (also on a dangling
 *     symlink: O_EXCL does not follow), O_TRUNC empties, O_APPEND writes at
 *     the end even after lseek and even for pwrite (Linux's documented bug),
 *     O_DIRECTORY on a file ENOTDIR, O_NOFOLLOW on a symlink ELOOP, a
 *     directory for writing EISDIR, "" ENOENT; creat is write-only; openat
 *     relative to a directory fd, ENOTDIR for a file fd, EBADF for a bad fd,
 *     a bad fd ignored for an absolute path.
 *   - read/write/pread64/pwrite64/readv/writev/lseek: EBADF on the wrong
 *     access mode, pread/pwrite leave the offset, EINVAL for a negative
 *     offset, ESPIPE on pipes, iovec gather/scatter, EINVAL for iovcnt above
 *     1024 or negative; lseek SEEK_SET/CUR/END/DATA/HOLE, EINVAL for a
 *     negative result or bad whence, a hole reads as zeros.
 *   - dup/dup2/dup3: lowest free number, a shared offset, FD_CLOEXEC cleared;
 *     dup2 onto itself; EBADF; dup3 EINVAL onto itself or with bad flags.
 *   - fcntl: F_DUPFD(_CLOEXEC) from a minimum, F_GETFD/F_SETFD, F_GETFL with
 *     O_LARGEFILE set by the x86-64 kernel for open() (force_o_largefile),
 *     F_SETFL changes O_APPEND/O_NONBLOCK but not the access mode,
 *     F_GETPIPE_SZ 65536, EINVAL for an unknown command.
 *   - pipes: O_NONBLOCK EAGAIN when empty and when full, a capacity of 64 KiB,
 *     a non-blocking write bigger than PIPE_BUF writes what fits; FIONREAD;
 *     EOF after the writers close; pipe2 EINVAL for bad flags.
 *   - sendfile: with an offset pointer (updated, the file position not), and
 *     without (the position moves); a short count at EOF.
 *   - poll/ppoll/select/pselect6: readable after a write, POLLHUP after the
 *     writer closes, POLLERR for a writer without readers, POLLNVAL for a
 *     closed fd, a timeout of 0 returns 0, select's EBADF and EINVAL, select
 *     writes back the time left.
 *   - /dev/null, /dev/zero, /dev/full (ENOSPC), /dev/urandom, getrandom.
 *   - sync, fsync (EINVAL on a pipe), fdatasync, syncfs; close twice EBADF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "musl_check.h"

static off_t fsize(int fd)
{
    struct stat st;
    fstat(fd, &st);
    return st.st_size;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char buf[256];
    int fd, fd2;

    mkdir("/tmp/io", 0755);
    chdir("/tmp/io");

    SECTION("open flags");
    fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0644);
    EQ(fd, 3);
    EQ(write(fd, "0123456789", 10), 10);
    ERR(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    EQ(symlink("nowhere", "dangling"), 0);
    ERR(open("dangling", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR(access("nowhere", F_OK), ENOENT); /* O_EXCL did not create the target */
    OK(fd2 = open("dangling", O_RDWR | O_CREAT, 0644)); /* without O_EXCL: follows, creates */
    close(fd2);
    EQ(access("nowhere", F_OK), 0);
    EQ(fsize(fd), 10);
    fd2 = open("f", O_WRONLY | O_TRUNC);
    EQ(fsize(fd), 0);
    close(fd2);
    ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR(open("f/", O_RDONLY), ENOTDIR);
    EQ(symlink("f", "link"), 0);
    ERR(open("link", O_RDONLY | O_NOFOLLOW), ELOOP);
    fd2 = open("link", O_RDONLY);
    TRUE(fd2 >= 0);
    close(fd2);
    ERR(open(".", O_WRONLY), EISDIR);
    ERR(open(".", O_RDWR), EISDIR);
    ERR(open(".", O_RDONLY | O_CREAT, 0644), EISDIR);
    ERR(open("", O_RDONLY), ENOENT);
    ERR(open("missing", O_RDONLY), ENOENT);
    ERR(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT);
    fd2 = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    EQ(fcntl(fd2, F_GETFD), FD_CLOEXEC);
    close(fd2);
    /* creat: O_CREAT|O_WRONLY|O_TRUNC */
    fd2 = creat("c", 0644);
    TRUE(fd2 >= 0);
    ERR(read(fd2, buf, 1), EBADF);
    EQ(write(fd2, "abc", 3), 3);
    EQ(fcntl(fd2, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(fd2);
    /* openat */
    int dfd = open("/tmp/io", O_RDONLY | O_DIRECTORY);
    fd2 = openat(dfd, "c", O_RDONLY);
    EQ(read(fd2, buf, 10), 3);
    close(fd2);
    ERR(openat(fd, "c", O_RDONLY), ENOTDIR);
    ERR(openat(99, "c", O_RDONLY), EBADF);
    fd2 = openat(99, "/tmp/io/c", O_RDONLY); /* absolute: dirfd unused */
    TRUE(fd2 >= 0);
    close(fd2);
    fd2 = openat(AT_FDCWD, "c", O_RDONLY);
    TRUE(fd2 >= 0);
    close(fd2);
    close(dfd);

    SECTION("O_APPEND");
    {
        int a = open("app", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
        EQ(write(a, "hello", 5), 5);
        EQ(lseek(a, 0, SEEK_SET), 0);
        EQ(write(a, "world", 5), 5); /* at the end anyway */
        EQ(lseek(a, 0, SEEK_CUR), 10);
        EQ(pwrite(a, "XY", 2, 0), 2); /* Linux: appends, ignoring the offset */
        EQ(pread(a, buf, sizeof buf, 0), 12);
        buf[12] = 0;
        printf("contents: %s\n", buf);
        TRUE(strcmp(buf, "helloworldXY") == 0);
        close(a);
    }

    SECTION("read, write, pread, pwrite, lseek");
    close(fd);
    fd = open("f", O_RDWR | O_TRUNC);
    EQ(write(fd, "abcdefghij", 10), 10);
    EQ(lseek(fd, 0, SEEK_CUR), 10);
    EQ(read(fd, buf, 10), 0); /* EOF */
    EQ(lseek(fd, 2, SEEK_SET), 2);
    EQ(read(fd, buf, 3), 3);
    TRUE(memcmp(buf, "cde", 3) == 0);
    EQ(lseek(fd, -2, SEEK_CUR), 3);
    EQ(lseek(fd, -1, SEEK_END), 9);
    EQ(read(fd, buf, 10), 1);
    ERR(lseek(fd, -11, SEEK_END), EINVAL);
    ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    ERR(lseek(fd, 0, 7), EINVAL);
    EQ(lseek(fd, 0, SEEK_CUR), 10); /* unchanged by the failures */
    EQ(pread(fd, buf, 4, 6), 4);
    TRUE(memcmp(buf, "ghij", 4) == 0);
    EQ(pwrite(fd, "XY", 2, 0), 2);
    EQ(lseek(fd, 0, SEEK_CUR), 10); /* pread/pwrite leave the offset */
    ERR(pread(fd, buf, 4, -1), EINVAL);
    ERR(pwrite(fd, buf, 4, -1), EINVAL);
    EQ(pread(fd, buf, 4, 100), 0);
    EQ(lseek(fd, 0, SEEK_DATA), 0);
    EQ(lseek(fd, 0, SEEK_HOLE), 10);
    ERR(lseek(fd, 10, SEEK_DATA), ENXIO);
    /* a hole reads as zeros */
    EQ(lseek(fd, 20, SEEK_SET), 20);
    EQ(write(fd, "Z", 1), 1);
    EQ(fsize(fd), 21);
    memset(buf, 'q', 16);
    EQ(pread(fd, buf, 16, 10), 11);
    TRUE(buf[0] == 0 && buf[9] == 0 && buf[10] == 'Z');
    fd2 = open("f", O_RDONLY);
    ERR(write(fd2, "x", 1), EBADF);
    ERR(pwrite(fd2, "x", 1, 0), EBADF);
    close(fd2);
    fd2 = open("f", O_WRONLY);
    ERR(read(fd2, buf, 1), EBADF);
    ERR(pread(fd2, buf, 1, 0), EBADF);
    close(fd2);
    EQ(write(fd, buf, 0), 0);
    ERR(read(99, buf, 1), EBADF);

    SECTION("readv and writev");
    {
        struct iovec iov[3];
        char a[4], b[4], c[4];
        EQ(ftruncate(fd, 0), 0);
        EQ(lseek(fd, 0, SEEK_SET), 0);
        iov[0] = (struct iovec){"one", 3};
        iov[1] = (struct iovec){"", 0};
        iov[2] = (struct iovec){"three", 5};
        EQ(writev(fd, iov, 3), 8);
        EQ(lseek(fd, 0, SEEK_SET), 0);
        iov[0] = (struct iovec){a, 2};
        iov[1] = (struct iovec){b, 4};
        iov[2] = (struct iovec){c, 4};
        EQ(readv(fd, iov, 3), 8);
        TRUE(memcmp(a, "on", 2) == 0 && memcmp(b, "ethr", 4) == 0 && memcmp(c, "ee", 2) == 0);
        EQ(readv(fd, iov, 0), 0);
        ERR(readv(fd, iov, -1), EINVAL);
        ERR(readv(fd, iov, 1025), EINVAL);
        ERR(writev(fd, iov, 1025), EINVAL);
        EQ(preadv(fd, iov, 1, 3), 2);
        TRUE(memcmp(a, "th", 2) == 0);
        EQ(lseek(fd, 0, SEEK_CUR), 8);
    }

    SECTION("dup, dup2, dup3");
    {
        EQ(lseek(fd, 1, SEEK_SET), 1);
        fd2 = dup(fd);
        EQ(fd2, 4); /* the lowest free number */
        EQ(lseek(fd2, 0, SEEK_CUR), 1); /* the same open file: shared offset */
        EQ(lseek(fd2, 5, SEEK_SET), 5);
        EQ(lseek(fd, 0, SEEK_CUR), 5);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        int d = dup(fd);
        EQ(fcntl(d, F_GETFD), 0); /* dup clears FD_CLOEXEC */
        EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
        close(d);
        EQ(dup2(fd, fd), fd);
        EQ(dup2(fd, 20), 20);
        EQ(fcntl(20, F_GETFD), 0);
        EQ(dup2(fd2, 20), 20); /* closes the old 20 silently */
        ERR(dup2(99, 20), EBADF);
        EQ(fcntl(20, F_GETFD), 0); /* still open */
        ERR(dup2(fd, -1), EBADF);
        ERR(dup2(fd, 100000000), EBADF);
        ERR(dup(99), EBADF);
        /* raw: musl's dup3 turns flags without O_CLOEXEC into dup2 */
        ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
        ERR(syscall(SYS_dup3, fd, 21, O_NONBLOCK), EINVAL);
        EQ(syscall(SYS_dup3, fd, 21, O_CLOEXEC), 21);
        EQ(fcntl(21, F_GETFD), FD_CLOEXEC);
        close(20);
        close(21);
        close(fd2);
        fcntl(fd, F_SETFD, 0);
    }

    SECTION("fcntl");
    {
        EQ(fcntl(fd, F_DUPFD, 10), 10);
        EQ(fcntl(fd, F_DUPFD, 10), 11);
        EQ(fcntl(fd, F_DUPFD_CLOEXEC, 10), 12);
        EQ(fcntl(12, F_GETFD), FD_CLOEXEC);
        EQ(fcntl(11, F_GETFD), 0);
        ERR(fcntl(fd, F_DUPFD, 100000000), EINVAL);
        ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
        close(10);
        close(11);
        close(12);
        EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
        EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
        EQ(fcntl(fd, F_SETFD, 0), 0);
        int fl = fcntl(fd, F_GETFL);
        printf("F_GETFL of an O_RDWR file: 0%o\n", fl);
        EQ(fl, O_RDWR | 0100000); /* O_LARGEFILE */
        EQ(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY), 0);
        fl = fcntl(fd, F_GETFL);
        printf("after F_SETFL O_APPEND|O_NONBLOCK|O_WRONLY: 0%o\n", fl);
        EQ(fl, O_RDWR | 0100000 | O_APPEND | O_NONBLOCK); /* the access mode stays */
        EQ(fcntl(fd, F_SETFL, 0), 0);
        EQ(fcntl(fd, F_GETFL), O_RDWR | 0100000); /* O_LARGEFILE stays too */
        ERR(fcntl(fd, 9999), EINVAL);
        ERR(fcntl(99, F_GETFD), EBADF);
        ERR(fcntl(99, F_GETFL), EBADF);
    }

    SECTION("pipes");
    {
        int p[2];
        EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
        EQ(fcntl(p[0], F_GETFL), O_RDONLY | O_NONBLOCK);
        EQ(fcntl(p[1], F_GETFL), O_WRONLY | O_NONBLOCK);
        EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
        EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
        ERR(read(p[0], buf, 1), EAGAIN);
        ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
        ERR(pread(p[0], buf, 1, 0), ESPIPE);
        ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
        char *big = calloc(1, 65536);
        long total = 0;
        ssize_t r;
        while ((r = write(p[1], big, 4096)) > 0)
            total += r;
        EQ(total, 65536);
        ERR(write(p[1], big, 1), EAGAIN);
        int n = -1;
        EQ(ioctl(p[0], FIONREAD, &n), 0);
        EQ(n, 65536);
        EQ(read(p[0], big, 4096), 4096);
        EQ(write(p[1], big, 8192), 4096); /* more than PIPE_BUF: what fits */
        ERR(write(p[1], big, 1), EAGAIN);
        EQ(read(p[0], big, 65536), 65536);
        ERR(read(p[0], big, 1), EAGAIN);
        free(big);
        close(p[0]);
        close(p[1]);
        ERR(pipe2(p, O_RDWR), EINVAL);
        ERR(pipe2(p, 0x40000000), EINVAL);
        EQ(pipe(p), 0);
        EQ(fcntl(p[0], F_GETFD), 0);
        EQ(write(p[1], "xyz", 3), 3);
        close(p[1]);
        EQ(read(p[0], buf, 10), 3); /* the data first */
        EQ(read(p[0], buf, 10), 0); /* then EOF: no writers */
        close(p[0]);
    }

    SECTION("sendfile");
    {
        int src = open("src", O_RDWR | O_CREAT | O_TRUNC, 0644);
        write(src, "0123456789", 10);
        lseek(src, 2, SEEK_SET);
        int dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
        off_t off = 4;
        EQ(sendfile(dst, src, &off, 3), 3);
        EQ(off, 7);
        EQ(lseek(src, 0, SEEK_CUR), 2); /* the position stays */
        EQ(sendfile(dst, src, NULL, 3), 3);
        EQ(lseek(src, 0, SEEK_CUR), 5); /* now it moves */
        off = 8;
        EQ(sendfile(dst, src, &off, 100), 2); /* up to EOF */
        EQ(off, 10);
        EQ(sendfile(dst, src, &off, 100), 0);
        EQ(pread(dst, buf, 100, 0), 8);
        buf[8] = 0;
        printf("dst: %s\n", buf);
        TRUE(strcmp(buf, "45623489") == 0);
        int p[2];
        pipe(p);
        off = 0;
        EQ(sendfile(p[1], src, &off, 4), 4);
        EQ(read(p[0], buf, 10), 4);
        TRUE(memcmp(buf, "0123", 4) == 0);
        ERR(sendfile(dst, 99, NULL, 1), EBADF);
        off = -1;
        ERR(sendfile(dst, src, &off, 1), EINVAL);
        int ro = open("src", O_RDONLY);
        ERR(sendfile(ro, src, NULL, 1), EBADF); /* out not open for writing */
        close(ro);
        close(p[0]);
        close(p[1]);
        close(src);
        close(dst);
    }

    SECTION("poll and ppoll");
    {
        int p[2];
        pipe(p);
        struct pollfd pf[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 77}};
        EQ(poll(pf, 3, 0), 1);
        EQ(pf[0].revents, 0);
        EQ(pf[1].revents, POLLOUT);
        EQ(pf[2].revents, 0); /* negative fd: ignored, revents cleared */
        pf[1].events = 0;
        EQ(poll(pf, 2, 0), 0); /* timeout 0: nothing ready */
        write(p[1], "a", 1);
        EQ(poll(pf, 2, 0), 1);
        EQ(pf[0].revents, POLLIN);
        EQ(poll(pf, 1, -1), 1); /* ready: no waiting */
        close(p[1]);
        EQ(poll(pf, 1, 0), 1);
        EQ(pf[0].revents, POLLIN | POLLHUP); /* data and no writer */
        read(p[0], buf, 1);
        EQ(poll(pf, 1, 0), 1);
        EQ(pf[0].revents, POLLHUP);
        pf[0].fd = 99;
        EQ(poll(pf, 1, 0), 1);
        EQ(pf[0].revents, POLLNVAL);
        close(p[0]);
        pipe(p);
        close(p[0]);
        pf[0] = (struct pollfd){p[1], POLLOUT, 0};
        EQ(poll(pf, 1, 0), 1);
        EQ(pf[0].revents, POLLOUT | POLLERR); /* no reader */
        close(p[1]);
        ERR(poll(pf, 100000000, 0), EINVAL);
        pipe(p);
        struct timespec ts = {0, 0};
        sigset_t mask;
        sigemptyset(&mask);
        pf[0] = (struct pollfd){p[0], POLLIN, 0};
        EQ(ppoll(pf, 1, &ts, &mask), 0);
        ts.tv_nsec = 1000000000;
        ERR(ppoll(pf, 1, &ts, NULL), EINVAL);
        ts.tv_nsec = 10000000; /* 10 ms */
        EQ(ppoll(pf, 1, &ts, NULL), 0);
        write(p[1], "b", 1);
        EQ(ppoll(pf, 1, NULL, &mask), 1);
        close(p[0]);
        close(p[1]);
    }

    SECTION("select and pselect6");
    {
        /* the raw system call: musl passes select a copy of the timeout */
#define SELECT(n, r, w, e, t) syscall(SYS_select, n, r, w, e, t)
        int p[2];
        pipe(p);
        fd_set rd, wr;
        struct timeval tv = {0, 0};
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_SET(p[0], &rd);
        FD_SET(p[1], &wr);
        EQ(SELECT(p[1] + 1, &rd, &wr, NULL, &tv), 1);
        TRUE(!FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr));
        FD_SET(p[0], &rd);
        tv.tv_usec = 20000;
        EQ(SELECT(p[0] + 1, &rd, NULL, NULL, &tv), 0);
        TRUE(!FD_ISSET(p[0], &rd));
        TRUE(tv.tv_sec == 0 && tv.tv_usec == 0); /* the time left is written back */
        write(p[1], "c", 1);
        FD_SET(p[0], &rd);
        tv.tv_sec = 5;
        EQ(SELECT(p[0] + 1, &rd, NULL, NULL, &tv), 1);
        TRUE(FD_ISSET(p[0], &rd));
        TRUE(tv.tv_sec <= 5 && tv.tv_sec >= 4); /* time left, less than given */
        FD_ZERO(&rd);
        FD_SET(50, &rd);
        tv.tv_sec = 0;
        tv.tv_usec = 0;
        ERR(SELECT(51, &rd, NULL, NULL, &tv), EBADF);
        ERR(SELECT(-1, NULL, NULL, NULL, &tv), EINVAL);
        tv.tv_usec = -1;
        ERR(SELECT(0, NULL, NULL, NULL, &tv), EINVAL);
        FD_ZERO(&rd);
        FD_SET(50, &rd);
        tv.tv_usec = 0;
        EQ(SELECT(50, &rd, NULL, NULL, &tv), 0); /* fd 50 is beyond nfds */
        struct timespec ts = {0, 0};
        FD_ZERO(&rd);
        FD_SET(p[0], &rd);
        sigset_t mask;
        sigemptyset(&mask);
        EQ(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &mask), 1);
        close(p[1]);
        read(p[0], buf, 1);
        FD_SET(p[0], &rd);
        EQ(pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL), 1); /* EOF is readable */
        close(p[0]);
    }

    SECTION("/dev/null, /dev/zero, /dev/full, /dev/urandom");
    {
        int n = open("/dev/null", O_RDWR);
        EQ(read(n, buf, 10), 0);
        EQ(write(n, "abc", 3), 3);
        EQ(lseek(n, 100, SEEK_SET), 0);
        close(n);
        int z = open("/dev/zero", O_RDWR);
        memset(buf, 'x', 64);
        EQ(read(z, buf, 64), 64);
        TRUE(buf[0] == 0 && buf[63] == 0);
        EQ(write(z, "abc", 3), 3);
        close(z);
        int f = open("/dev/full", O_RDWR);
        ERR(write(f, "abc", 3), ENOSPC);
        memset(buf, 'x', 8);
        EQ(read(f, buf, 8), 8);
        TRUE(buf[0] == 0 && buf[7] == 0);
        close(f);
        int u = open("/dev/urandom", O_RDONLY);
        unsigned char r1[32] = {0}, r2[32] = {0};
        EQ(read(u, r1, 32), 32);
        EQ(read(u, r2, 32), 32);
        TRUE(memcmp(r1, r2, 32) != 0);
        close(u);
        EQ(getrandom(r1, 32, 0), 32);
        EQ(getrandom(r1, 32, GRND_NONBLOCK), 32);
        ERR(getrandom(r1, 32, 0x100), EINVAL);
        struct stat st;
        EQ(stat("/dev/null", &st), 0);
        TRUE(S_ISCHR(st.st_mode));
        EQ(major(st.st_rdev), 1);
        EQ(minor(st.st_rdev), 3);
    }

    SECTION("sync, fsync, close");
    {
        sync();
        EQ(fsync(fd), 0);
        EQ(fdatasync(fd), 0);
        EQ(syncfs(fd), 0);
        int p[2];
        pipe(p);
        ERR(fsync(p[0]), EINVAL);
        ERR(fsync(99), EBADF);
        ERR(fdatasync(99), EBADF);
        close(p[0]);
        close(p[1]);
        EQ(close(fd), 0);
        ERR(close(fd), EBADF);
        ERR(close(-1), EBADF);
    }
    return summary();
}
