/*
 * rw_huge: read and write check the whole buffer the count describes
 * against user space before moving a byte, as Linux 6.1's vfs_read and
 * vfs_write do (access_ok(buf, count), then the count is cut to
 * MAX_RW_COUNT): read(pipe, buf, (size_t)-1) is EFAULT and leaves the data in
 * the pipe. The same for write, pread64, pwrite64 on a pipe, a regular file,
 * /dev/null and /dev/zero, in Linux's order of checks (EBADF for the wrong
 * direction and ESPIPE for a pipe come first). The vector forms check each
 * iov_len (EINVAL when negative as ssize_t, EFAULT past user space).
 * A count that ends inside user space is only cut, not refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "musl_check.h"

static char buf[8192];

static long sys(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r == -1 ? -errno : r;
}

static void show(const char *what, long r, long want)
{
    checks++;
    if (r < 0)
        printf("%s = -%s\n", what, ename((int)-r));
    else
        printf("%s = %ld\n", what, r);
    if (r != want) {
        failures++;
        printf("FAIL: %s: expected %ld\n", what, want);
    }
}

/* Counts that take buf past user space: access_ok fails for each. */
static struct {
    const char *name;
    unsigned long count;
} huge[] = {
    {"-1", ~0UL},
    {"1 << 63", 1UL << 63},
    {"SSIZE_MAX", ~0UL >> 1},
    {"up to 1 << 63", 0},
    {"up to 2^64", 0},
};
#define NHUGE (sizeof(huge) / sizeof(huge[0]))

static void init_counts(void)
{
    huge[3].count = (1UL << 63) - (unsigned long)buf;
    huge[4].count = -(unsigned long)buf;
}

static void each_count(const char *call, long nr, int fd, long pos, long want)
{
    char what[128];
    for (unsigned i = 0; i < NHUGE; i++) {
        snprintf(what, sizeof what, "%s(%d, buf, %s)", call, fd, huge[i].name);
        show(what, sys(nr, fd, (long)buf, (long)huge[i].count, pos), want);
    }
}

int main(void)
{
    int p[2];
    mkdir("/tmp", 01777);
    init_counts();

    SECTION("pipe");
    EQ(pipe(p), 0);
    EQ(write(p[1], "abc", 3), 3);
    each_count("read", SYS_read, p[0], 0, -EFAULT);
    each_count("write", SYS_write, p[1], 0, -EFAULT);
    each_count("pread64", SYS_pread64, p[0], 0, -ESPIPE);
    each_count("pwrite64", SYS_pwrite64, p[1], 0, -ESPIPE);
    each_count("read", SYS_read, p[1], 0, -EBADF); /* the write end */
    each_count("write", SYS_write, p[0], 0, -EBADF);
    show("read(pipe, buf, 3)", sys(SYS_read, p[0], (long)buf, 3, 0), 3); /* nothing was taken */
    TRUE(memcmp(buf, "abc", 3) == 0);
    /* Ending at the top of user space: only cut to what is there. */
    EQ(write(p[1], "de", 2), 2);
    show("read(pipe, buf, up to 1 << 47)", sys(SYS_read, p[0], (long)buf, (1L << 47) - (long)buf, 0), 2);

    SECTION("regular file");
    int f = open("/tmp/rw_huge", O_RDWR | O_CREAT | O_TRUNC, 0600);
    TRUE(f >= 0);
    EQ(write(f, "0123456789", 10), 10);
    each_count("read", SYS_read, f, 0, -EFAULT);
    each_count("write", SYS_write, f, 0, -EFAULT);
    each_count("pread64", SYS_pread64, f, 0, -EFAULT);
    each_count("pwrite64", SYS_pwrite64, f, 0, -EFAULT);
    EQ(lseek(f, 0, SEEK_CUR), 10);
    show("pread64(f, buf, up to 1 << 47, 0)", sys(SYS_pread64, f, (long)buf, (1L << 47) - (long)buf, 0), 10);
    struct stat st;
    EQ(fstat(f, &st), 0);
    EQ(st.st_size, 10);
    int ro = open("/tmp/rw_huge", O_RDONLY);
    each_count("write", SYS_write, ro, 0, -EBADF);
    each_count("pwrite64", SYS_pwrite64, ro, 0, -EBADF);
    close(ro);

    SECTION("devices");
    int dn = open("/dev/null", O_RDWR), dz = open("/dev/zero", O_RDWR);
    TRUE(dn >= 0 && dz >= 0);
    each_count("read", SYS_read, dn, 0, -EFAULT);
    each_count("write", SYS_write, dn, 0, -EFAULT);
    each_count("read", SYS_read, dz, 0, -EFAULT);
    each_count("write", SYS_write, dz, 0, -EFAULT);
    each_count("pread64", SYS_pread64, dz, 0, -EFAULT);
    show("read(/dev/zero, buf, 16)", sys(SYS_read, dz, (long)buf, 16, 0), 16);
    show("write(/dev/null, buf, 1 << 20)", sys(SYS_write, dn, (long)buf, 1L << 20, 0), 1L << 20);

    SECTION("vectors");
    char what[128];
    EQ(write(p[1], "vec", 3), 3);
    for (unsigned i = 0; i < NHUGE; i++) {
        struct iovec iov[2] = {{buf, 1}, {buf + 1, huge[i].count}};
        if (i >= 3)
            iov[1].iov_len -= 1; /* the same end for the second buffer */
        long want = (long)iov[1].iov_len < 0 ? -EINVAL : -EFAULT;
        snprintf(what, sizeof what, "readv(pipe, {1, %s})", huge[i].name);
        show(what, sys(SYS_readv, p[0], (long)iov, 2, 0), want);
        snprintf(what, sizeof what, "writev(pipe, {1, %s})", huge[i].name);
        show(what, sys(SYS_writev, p[1], (long)iov, 2, 0), want);
        snprintf(what, sizeof what, "preadv(f, {1, %s}, 0)", huge[i].name);
        show(what, sys(SYS_preadv, f, (long)iov, 2, 0), want);
        snprintf(what, sizeof what, "pwritev(f, {1, %s}, 0)", huge[i].name);
        show(what, sys(SYS_pwritev, f, (long)iov, 2, 0), want);
        snprintf(what, sizeof what, "writev(/dev/null, {1, %s})", huge[i].name);
        show(what, sys(SYS_writev, dn, (long)iov, 2, 0), want);
    }
    struct iovec cut[2] = {{buf, 1}, {buf + 1, (1UL << 47) - (unsigned long)buf - 1}};
    show("readv(pipe, {1, up to 1 << 47})", sys(SYS_readv, p[0], (long)cut, 2, 0), 3);
    TRUE(memcmp(buf, "vec", 3) == 0);
    show("preadv(f, {1, up to 1 << 47}, 0)", sys(SYS_preadv, f, (long)cut, 2, 0), 10);
    close(f);
    close(dn);
    close(dz);
    close(p[0]);
    close(p[1]);
    unlink("/tmp/rw_huge");
    return summary();
}
