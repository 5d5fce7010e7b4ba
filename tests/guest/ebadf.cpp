/*
 * ebadf: descriptors that are not open, or not open for the operation.
 * Linux looks the descriptor up first (fdget: an unsigned int index, so -1 is
 * 4294967295, never open), before looking at any other argument: read, write,
 * close, fstat, lseek, ioctl, readv, writev, pread64 on fd 99, -1 or 1000000
 * are -EBADF even with bad pointers or counts. close of a closed descriptor is
 * -EBADF. A file opened O_RDONLY is -EBADF for write (vfs_write: no
 * FMODE_WRITE), O_WRONLY for read. *at() calls with a closed dirfd and a
 * relative path are -EBADF, but an absolute path ignores dirfd. ioctl on a
 * regular file with a tty request is -ENOTTY. dup/dup2/dup3/fcntl/fchdir/
 * ftruncate/fsync/getdents64 likewise -EBADF; dup2 to a newfd at or above
 * RLIMIT_NOFILE is -EBADF, dup2(fd, fd) returns fd, dup3(fd, fd, 0) is -EINVAL
 * (fs/file.c). poll marks a closed fd POLLNVAL; select fails with -EBADF.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;
using test::label;

int main(int, char**, char**)
{
    static char buf[16];
    static struct stat st;
    static iovec iov = {buf, sizeof(buf)};
    const long fds[] = {99, -1, 1000000, 0x7fffffff};

    test::section("descriptors that were never open");
    for (long fd : fds) {
        test::expect_eq(label("read(", fd, ", buf, 16)"), sys_read(fd, buf, 16), EBADF);
        test::expect_eq(label("read(", fd, ", NULL, 16)"), sys_read(fd, nullptr, 16), EBADF);
        test::expect_eq(label("write(", fd, ", buf, 16)"), sys_write(fd, buf, 16), EBADF);
        test::expect_eq(label("write(", fd, ", buf, 0)"), sys_write(fd, buf, 0), EBADF);
        test::expect_eq(label("close(", fd, ")"), sys_close(fd), EBADF);
        test::expect_eq(label("fstat(", fd, ", &st)"), sys_fstat(fd, &st), EBADF);
        test::expect_eq(label("fstat(", fd, ", NULL)"), sys_fstat(fd, nullptr), EBADF);
        test::expect_eq(label("lseek(", fd, ", 0, SEEK_SET)"), sys_lseek(fd, 0, SEEK_SET), EBADF);
        test::expect_eq(label("lseek(", fd, ", 0, 12345)"), sys_lseek(fd, 0, 12345), EBADF);
        test::expect_eq(label("ioctl(", fd, ", TCGETS, buf)"), sys_ioctl(fd, TCGETS, buf), EBADF);
        test::expect_eq(label("readv(", fd, ", &iov, 1)"), sys_readv(fd, &iov, 1), EBADF);
        test::expect_eq(label("writev(", fd, ", &iov, 1)"), sys_writev(fd, &iov, 1), EBADF);
        test::expect_eq(label("pread64(", fd, ", buf, 16, 0)"), sys_pread64(fd, buf, 16, 0), EBADF);
        test::expect_eq(label("newfstatat(", fd, ", \"tmp\", &st, 0)"), sys_newfstatat(fd, "tmp", &st, 0), EBADF);
        test::expect_eq(label("openat(", fd, ", \"tmp\", O_RDONLY)"), sys_openat(fd, "tmp", O_RDONLY), EBADF);
        test::expect_eq(label("dup(", fd, ")"), sys_dup(fd), EBADF);
        test::expect_eq(label("dup2(", fd, ", 10)"), sys_dup2(fd, 10), EBADF);
        test::expect_eq(label("dup3(", fd, ", 10, 0)"), sys_dup3(fd, 10, 0), EBADF);
        test::expect_eq(label("dup2(1, ", fd, ")"), sys_dup2(1, fd), fd == 99 ? SysResult(99) : SysResult::from_errno(EBADF));
        if (fd == 99)
            sys_close(99);
        test::expect_eq(label("fcntl(", fd, ", F_GETFD)"), sys_fcntl(fd, 1, 0), EBADF);
        test::expect_eq(label("fchdir(", fd, ")"), sys_fchdir(fd), EBADF);
        test::expect_eq(label("ftruncate(", fd, ", 0)"), sys_ftruncate(fd, 0), EBADF);
        test::expect_eq(label("fsync(", fd, ")"), sys_fsync(fd), EBADF);
        test::expect_eq(label("getdents64(", fd, ", buf, 16)"), sys_getdents64(fd, buf, 16), EBADF);
    }

    test::section("poll and select");
    /* poll reports a closed descriptor in revents (POLLNVAL 0x20), not as an
     * error; select fails with EBADF (fs/select.c max_select_fd). */
    static struct { int fd; short events, revents; } pfd = {99, 1, 0};
    CHECK_EQ(sys_poll(&pfd, 1, 0), 1);
    CHECK_EQ(pfd.revents, 0x20);
    static unsigned long fds_bits[16];
    fds_bits[99 / 64] = 1UL << (99 % 64);
    static timespec zero = {0, 0};
    CHECK_EQ(sys_select(100, fds_bits, nullptr, nullptr, &zero), EBADF);

    test::section("dup2 and dup3 with good descriptors");
    CHECK_EQ(sys_dup2(1, 1), 1); /* same descriptor: returned as is */
    CHECK_EQ(sys_dup3(1, 1, 0), EINVAL); /* dup3 refuses that */
    CHECK_EQ(sys_dup2(1, -1), EBADF); /* newfd out of range */
    CHECK_EQ(sys_dup2(1, 1000000), EBADF);

    test::section("close twice");
    SysResult fd = sys_open("/tmp/ebadf", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    CHECK_EQ(sys_close(fd.value()), 0);
    CHECK_EQ(sys_close(fd.value()), EBADF);
    CHECK_EQ(sys_read(fd.value(), buf, 1), EBADF);
    CHECK_EQ(sys_fstat(fd.value(), &st), EBADF);

    test::section("open for the wrong direction");
    SysResult ro = sys_open("/tmp/ebadf", O_RDONLY);
    CHECK_EQ(ro, 3); /* the lowest free descriptor again */
    CHECK_EQ(sys_write(ro.value(), "x", 1), EBADF);
    CHECK_EQ(sys_writev(ro.value(), &iov, 1), EBADF);
    CHECK_EQ(sys_pwrite64(ro.value(), "x", 1, 0), EBADF);
    CHECK_EQ(sys_read(ro.value(), buf, 16), 0);
    SysResult wo = sys_open("/tmp/ebadf", O_WRONLY);
    CHECK_EQ(wo, 4);
    CHECK_EQ(sys_read(wo.value(), buf, 1), EBADF);
    CHECK_EQ(sys_readv(wo.value(), &iov, 1), EBADF);
    CHECK_EQ(sys_pread64(wo.value(), buf, 1, 0), EBADF);
    CHECK_EQ(sys_write(wo.value(), "x", 1), 1);
    CHECK_EQ(sys_fstat(wo.value(), &st), 0); /* fstat needs no access mode */
    CHECK_EQ(st.st_size, 1);

    test::section("dirfd");
    CHECK_EQ(sys_openat(99, "/tmp/ebadf", O_RDONLY), 5); /* absolute: dirfd unused */
    CHECK_EQ(sys_close(5), 0);
    CHECK_EQ(sys_newfstatat(99, "/tmp/ebadf", &st, 0), 0);
    CHECK_EQ(sys_openat(ro.value(), "x", O_RDONLY), ENOTDIR); /* a file, not a directory */

    test::section("ioctl on a regular file");
    CHECK_EQ(sys_ioctl(ro.value(), TCGETS, buf), ENOTTY);

    CHECK_EQ(sys_close(ro.value()), 0);
    CHECK_EQ(sys_close(wo.value()), 0);
    CHECK_EQ(sys_close(wo.value()), EBADF);
    return test::summary();
}
