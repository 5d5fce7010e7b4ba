/*
 * musl_errno: system-call errors as a libc program sees them: -1 and errno
 * set from the kernel's -errno, the messages strerror/perror give (musl's
 * strings, so the same program prints the same text on any kernel that
 * returns the same errors), and errno left alone by calls that succeed
 * (C11 7.5: no library function sets errno to zero).
 *   open of a missing file       ENOENT  "No such file or directory"
 *   read on fd 99                EBADF   "Bad file descriptor"
 *   open("/tmp", O_WRONLY)       EISDIR  "Is a directory" (fs/namei.c do_open)
 *   O_CREAT|O_EXCL on a file     EEXIST  "File exists"
 *   a path through a file        ENOTDIR "Not a directory"
 *   read into NULL from a file   EFAULT  "Bad address"
 *   syscall(100000)              ENOSYS  "Function not implemented"
 * perror writes to stderr, which for init is the console like stdout; stdout
 * is flushed first so the order is fixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failed;

static void expect(const char *what, long ret, int want)
{
    int e = errno;
    printf("%s = %ld, errno %d (%s)\n", what, ret, e, strerror(e));
    if (ret != -1 || e != want) {
        printf("FAIL: %s: expected -1 and errno %d (%s)\n", what, want, strerror(want));
        failed = 1;
    }
}

int main(void)
{
    char buf[8];
    errno = 0;
    expect("open(\"/nonexistent\", O_RDONLY)", open("/nonexistent", O_RDONLY), ENOENT);
    fflush(stdout);
    perror("open /nonexistent");
    fflush(stderr);

    getpid();
    printf("errno after a successful getpid: %s\n", errno == ENOENT ? "still ENOENT" : "changed");
    if (errno != ENOENT)
        failed = 1;

    expect("read(99, buf, 8)", read(99, buf, 8), EBADF);
    expect("open(\"/tmp\", O_WRONLY)", open("/tmp", O_WRONLY), EISDIR);

    int fd = open("/tmp/musl_errno", O_RDWR | O_CREAT | O_TRUNC, 0600);
    printf("open(\"/tmp/musl_errno\", O_RDWR|O_CREAT|O_TRUNC) = %d\n", fd);
    if (fd != 3)
        failed = 1;
    write(fd, "data", 4);
    lseek(fd, 0, SEEK_SET);
    expect("open(\"/tmp/musl_errno\", O_CREAT|O_EXCL)", open("/tmp/musl_errno", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
    expect("open(\"/tmp/musl_errno/x\", O_RDONLY)", open("/tmp/musl_errno/x", O_RDONLY), ENOTDIR);
    expect("read(fd, NULL, 4)", read(fd, NULL, 4), EFAULT);
    expect("syscall(100000)", syscall(100000), ENOSYS);
    errno = 0;
    printf("close(fd) = %d, errno %d\n", close(fd), errno);

    fflush(stdout);
    errno = EBADF;
    perror("perror with EBADF");
    fflush(stderr);
    printf("%s\n", failed ? "FAIL" : "all as expected");
    return failed;
}
