/*
 * fs_opath: an O_PATH descriptor names a file without opening it, as on
 * Linux (fdget leaves it out, fdget_raw takes it): reading, writing, lseek,
 * ftruncate, mmap, getdents, ioctl, fsync, fchmod, fchown and futimens are
 * EBADF, poll reports POLLNVAL, fcntl allows only F_DUPFD, F_GETFD, F_SETFD
 * and F_GETFL; fstat, fstatfs, fchdir, a dirfd for openat, dup and close work.
 * Also the neighbours Linux checks the same way: lseek on a directory is
 * SEEK_SET/SEEK_CUR only (EINVAL otherwise), sendfile's count is checked
 * against the file range (EINVAL for (size_t)-1), and mmap refuses a file
 * offset past LLONG_MAX (EOVERFLOW), MAP_GROWSDOWN on a file or shared
 * memory (EINVAL), and mprotect PROT_GROWSDOWN/PROT_GROWSUP where no area
 * grows (EINVAL).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "musl_check.h"

int main(void)
{
    char buf[64];
    struct stat st;
    struct statfs sfs;
    mkdir("/tmp", 01777);
    mkdir("/tmp/od", 0755);
    int w = open("/tmp/od/f", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EQ(write(w, "hello", 5), 5);

    SECTION("O_PATH file");
    int p = open("/tmp/od/f", O_PATH), q;
    TRUE(p >= 0);
    ERR(read(p, buf, 1), EBADF);
    ERR(write(p, "x", 1), EBADF);
    ERR(lseek(p, 0, SEEK_SET), EBADF);
    ERR(ftruncate(p, 0), EBADF);
    ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, p, 0), EBADF);
    int n = 0;
    ERR(ioctl(p, FIONREAD, &n), EBADF);
    ERR(fsync(p), EBADF);
    /* (musl's fchmod and fchown retry through /proc/self/fd: the calls themselves) */
    ERR(syscall(SYS_fchmod, p, 0644), EBADF);
    ERR(syscall(SYS_fchown, p, 0, 0), EBADF);
    ERR(futimens(p, NULL), EBADF);
    struct pollfd pfd = {p, POLLIN, 0};
    EQ(poll(&pfd, 1, 0), 1);
    TRUE(pfd.revents == POLLNVAL);
    EQ(fstat(p, &st), 0);
    EQ(st.st_size, 5);
    EQ(fstatfs(p, &sfs), 0);
    EQ(fcntl(p, F_GETFL), O_PATH); /* O_PATH keeps only O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC */
    q = open("/tmp/od/f", O_PATH | O_RDWR | O_APPEND | O_NONBLOCK | O_NOFOLLOW);
    EQ(fcntl(q, F_GETFL), O_PATH | O_NOFOLLOW);
    close(q);
    EQ(fcntl(p, F_SETFD, FD_CLOEXEC), 0);
    EQ(fcntl(p, F_GETFD), FD_CLOEXEC);
    ERR(fcntl(p, F_SETFL, O_NONBLOCK), EBADF);
    ERR(fcntl(p, F_GETPIPE_SZ), EBADF);
    q = dup(p);
    TRUE(q >= 0);
    ERR(read(q, buf, 1), EBADF);
    EQ(close(q), 0);
    q = fcntl(p, F_DUPFD_CLOEXEC, 10);
    EQ(q, 10);
    EQ(close(q), 0);
    EQ(close(p), 0);

    SECTION("O_PATH directory");
    int d = open("/tmp/od", O_PATH | O_DIRECTORY);
    TRUE(d >= 0);
    ERR(syscall(SYS_getdents64, d, buf, sizeof buf), EBADF);
    int f = openat(d, "f", O_RDONLY);
    TRUE(f >= 0);
    EQ(read(f, buf, 5), 5);
    close(f);
    EQ(fstatat(d, "f", &st, 0), 0);
    EQ(fchdir(d), 0);
    EQ(access("f", R_OK), 0);
    EQ(chdir("/"), 0);
    close(d);

    SECTION("directories seek from the start only");
    d = open("/tmp/od", O_RDONLY | O_DIRECTORY);
    ERR(lseek(d, 0, SEEK_END), EINVAL);
    ERR(lseek(d, 0, SEEK_DATA), EINVAL);
    ERR(lseek(d, -1, SEEK_SET), EINVAL);
    EQ(lseek(d, 0, SEEK_SET), 0);
    EQ(lseek(d, 0, SEEK_CUR), 0);
    close(d);

    SECTION("sendfile counts");
    int out = open("/tmp/od/g", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EQ(lseek(w, 0, SEEK_SET), 0);
    ERR(sendfile(out, w, NULL, (size_t)-1), EINVAL);
    ERR(sendfile(out, w, NULL, 1UL << 63), EINVAL);
    EQ(sendfile(out, w, NULL, 1UL << 62), 5);
    off_t off = 0x7ffffffffffffffeL;
    ERR(sendfile(out, w, &off, 4), EINVAL);
    close(out);

    SECTION("mmap and mprotect arguments");
    ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, w, 0x7ffffffffffff000L), EOVERFLOW);
    ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, w, -4096L), EOVERFLOW);
    ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, w, 0), EINVAL);
    ERR(mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), EINVAL);
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, w, 0x7fffffffffffe000L);
    TRUE(m != MAP_FAILED); /* past the end, but an offset the file can have */
    if (m != MAP_FAILED)
        munmap(m, 4096);
    m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ERR(mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN), EINVAL);
    ERR(mprotect(m, 4096, PROT_READ | PROT_GROWSUP), EINVAL);
    ERR(mprotect(m, 4096, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), EINVAL);
    EQ(mprotect(m, 4096, PROT_READ | PROT_WRITE), 0);
    close(w);
    unlink("/tmp/od/f");
    unlink("/tmp/od/g");
    rmdir("/tmp/od");
    return summary();
}
