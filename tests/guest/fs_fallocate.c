/*
 * fallocate, fadvise64 and readahead on tmpfs (the root), a ramfs mount, a
 * pipe and a device: sizes, st_blocks, a punched hole reading as zeroes, and
 * each call's errors in Linux's order.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "musl_check.h"

#ifndef FALLOC_FL_COLLAPSE_RANGE
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#endif

static long blocks(int fd)
{
    struct stat st;
    fstat(fd, &st);
    return (long)st.st_blocks;
}

static long size(int fd)
{
    struct stat st;
    fstat(fd, &st);
    return (long)st.st_size;
}

int main(void)
{
    int fd = open("/tmp/f", O_CREAT | O_RDWR, 0644);
    EQ(fallocate(fd, 0, 0, 8192), 0);
    EQ(size(fd), 8192);
    EQ(blocks(fd), 16);
    EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 8192), 0);
    EQ(size(fd), 8192);
    EQ(blocks(fd), 32);
    EQ(fallocate(fd, 0, 100, 10), 0);
    EQ(size(fd), 8192);
    EQ(fallocate(fd, 0, 20000, 1), 0);
    EQ(size(fd), 20001);
    EQ(blocks(fd), 40);

    char buf[8192], zero[8192] = {0};
    memset(buf, 'x', sizeof(buf));
    EQ(pwrite(fd, buf, 8192, 0), 8192);
    EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 5000), 0);
    EQ(pread(fd, buf, 8192, 0), 8192);
    TRUE(buf[99] == 'x' && !memcmp(buf + 100, zero, 5000) && buf[5100] == 'x');
    EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 20001), 0);
    EQ(size(fd), 20001);
    EQ(blocks(fd), 8);

    ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
    ERR(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 10), EOPNOTSUPP);
    ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096), EOPNOTSUPP);
    ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 4096), EINVAL);
    ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 10), EOPNOTSUPP);
    ERR(fallocate(fd, 0x80, 0, 10), EOPNOTSUPP);
    ERR(fallocate(fd, 0, 0, 0), EINVAL);
    ERR(fallocate(fd, 0, -1, 10), EINVAL);
    ERR(fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000), EFBIG);
    ERR(fallocate(99, 0, 0, 10), EBADF);
    int ro = open("/tmp/f", O_RDONLY);
    ERR(fallocate(ro, 0, 0, 10), EBADF);
    int dir = open("/tmp", O_RDONLY);
    ERR(fallocate(dir, 0, 0, 10), EBADF);
    int p[2];
    pipe(p);
    ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
    int null = open("/dev/null", O_WRONLY);
    ERR(fallocate(null, 0, 0, 10), ENODEV);

    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {30000, 30000};
    setrlimit(RLIMIT_FSIZE, &rl);
    ERR(fallocate(fd, 0, 0, 40000), EFBIG);
    EQ(fallocate(fd, 0, 0, 30000), 0);
    EQ(size(fd), 30000);

    mkdir("/r", 0755);
    if (mount("ramfs", "/r", "ramfs", 0, 0) == 0) {
        int rf = open("/r/f", O_CREAT | O_RDWR, 0644);
        ERR(fallocate(rf, 0, 0, 10), EOPNOTSUPP);
        close(rf);
        umount("/r");
    }

    for (int advice = 0; advice <= 5; advice++)
        EQ(posix_fadvise(fd, 0, 4096, advice), 0);
    EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    EQ(posix_fadvise(fd, 0, 4096, 6), EINVAL);
    ERR(syscall(SYS_fadvise64, fd, 0, -1L, 0), EINVAL);
    EQ(posix_fadvise(p[0], 0, 4096, 0), ESPIPE);
    EQ(posix_fadvise(99, 0, 4096, 0), EBADF);
    EQ(posix_fadvise(dir, 0, 4096, POSIX_FADV_WILLNEED), 0);
    EQ(posix_fadvise(null, 0, 4096, POSIX_FADV_WILLNEED), 0);

    EQ(readahead(fd, 0, 4096), 0);
    EQ(readahead(ro, 0, 1 << 20), 0);
    ERR(readahead(p[0], 0, 4096), EINVAL);
    ERR(readahead(dir, 0, 4096), EINVAL);
    ERR(readahead(null, 0, 4096), EBADF);
    ERR(readahead(99, 0, 4096), EBADF);
    return summary();
}
