/*
 * fs_rw_limits: the limits Linux's rw_verify_area and getdents put on
 * offsets and counts (fs/read_write.c, fs/readdir.c):
 *   - a read or write whose end (position + count) passes LLONG_MAX is
 *     EINVAL, for pread64/pwrite64, for read/write at a file position set with
 *     lseek, and for the vector forms; a count of 0 there is fine; lseek past
 *     LLONG_MAX is EINVAL.
 *   - getdents64 and getdents count in an int: a count of 2^31 or more is
 *     negative, so not even one entry fits (EINVAL); so is a count smaller
 *     than one entry; at the end of the directory any count gives 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "musl_check.h"

int main(void)
{
    char buf[4096];
    mkdir("/tmp", 01777);
    int f = open("/tmp/rw_limits", O_RDWR | O_CREAT | O_TRUNC, 0600);
    TRUE(f >= 0);
    EQ(write(f, "0123456789", 10), 10);

    SECTION("position + count past LLONG_MAX");
    ERR(pwrite(f, "a", 1, LLONG_MAX), EINVAL);
    ERR(pwrite(f, "ab", 2, LLONG_MAX - 1), EINVAL);
    ERR(pread(f, buf, 2, LLONG_MAX - 1), EINVAL);
    ERR(pread(f, buf, 1, LLONG_MAX), EINVAL);
    EQ(pread(f, buf, 0, LLONG_MAX), 0);
    EQ(pread(f, buf, 1, LLONG_MAX - 1), 0); /* ends at LLONG_MAX: past the end of the file */
    ERR(pread(f, buf, 1, -1), EINVAL);
    struct iovec iov = {buf, 2};
    ERR(preadv(f, &iov, 1, LLONG_MAX - 1), EINVAL);
    ERR(pwritev(f, &iov, 1, LLONG_MAX - 1), EINVAL);
    EQ(lseek(f, LLONG_MAX, SEEK_SET), LLONG_MAX);
    ERR(read(f, buf, 1), EINVAL);
    ERR(write(f, "a", 1), EINVAL);
    ERR(readv(f, &iov, 1), EINVAL);
    EQ(read(f, buf, 0), 0);
    ERR(lseek(f, 1, SEEK_CUR), EINVAL);
    EQ(lseek(f, LLONG_MAX, SEEK_SET), LLONG_MAX);
    EQ(lseek(f, 0, SEEK_SET), 0);
    EQ(read(f, buf, sizeof buf), 10);

    SECTION("getdents counts");
    mkdir("/tmp/d", 0755);
    close(open("/tmp/d/a_file", O_WRONLY | O_CREAT, 0600));
    int d = open("/tmp/d", O_RDONLY | O_DIRECTORY);
    TRUE(d >= 0);
    ERR(syscall(SYS_getdents64, d, buf, 0), EINVAL);
    ERR(syscall(SYS_getdents64, d, buf, 1), EINVAL);
    ERR(syscall(SYS_getdents64, d, buf, 0x80000000UL), EINVAL);
    ERR(syscall(SYS_getdents64, d, buf, 0xffffffffUL), EINVAL);
    ERR(syscall(SYS_getdents, d, buf, 1), EINVAL);
    ERR(syscall(SYS_getdents, d, buf, 0x80000000UL), EINVAL);
    long n = syscall(SYS_getdents64, d, buf, sizeof buf);
    TRUE(n > 0);
    EQ(syscall(SYS_getdents64, d, buf, sizeof buf), 0);
    EQ(syscall(SYS_getdents64, d, buf, 1), 0);
    EQ(syscall(SYS_getdents64, d, buf, 0xffffffffUL), 0);
    close(d);
    unlink("/tmp/d/a_file");
    rmdir("/tmp/d");
    close(f);
    unlink("/tmp/rw_limits");
    return summary();
}
