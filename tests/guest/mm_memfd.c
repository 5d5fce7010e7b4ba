/*
 * memfd_create: the name in /proc/self/fd, flags and their errors; an
 * ordinary tmpfs-like file to read, write, mmap; without MFD_ALLOW_SEALING
 * only F_SEAL_SEAL; with it each seal refuses what it should: shrink, grow
 * (a write stops at the last page inside the file), write (EBUSY while a
 * writable shared mapping exists, then EPERM for write, mmap, fallocate's
 * hole), future write (existing mappings still write), and the seal seal.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static int memfd(const char *name, unsigned flags) { return syscall(SYS_memfd_create, name, flags); }

static void show_link(int fd)
{
    char path[64], buf[256] = {0};
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    readlink(path, buf, sizeof buf - 1);
    printf("fd link: %s\n", buf);
}

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    int fd = memfd("plain", MFD_CLOEXEC);
    TRUE(fd >= 0);
    EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    show_link(fd);
    struct stat st;
    EQ(fstat(fd, &st), 0);
    printf("mode %o size %lld nlink %lu\n", st.st_mode, (long long)st.st_size, (unsigned long)st.st_nlink);
    EQ(write(fd, "hello", 5), 5);
    EQ(ftruncate(fd, 8192), 0);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE(m != MAP_FAILED);
    m[4096] = 'x';
    char b[8] = {0};
    EQ(pread(fd, b, 5, 0), 5);
    EQ(pread(fd, b + 5, 1, 4096), 1);
    printf("contents: %.6s\n", b);
    munmap(m, 8192);
    EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(fd);

    SECTION("errors");
    ERR(memfd("x", 0x100), EINVAL);
    char longname[260];
    memset(longname, 'a', 249);
    longname[249] = 0;
    fd = memfd(longname, 0);
    TRUE(fd >= 0);
    close(fd);
    longname[249] = 'a';
    longname[250] = 0;
    ERR(memfd(longname, 0), EINVAL);
    ERR(memfd((char *)8, 0), EFAULT);
    int tmp = open("/tmpfile", O_CREAT | O_RDWR, 0644);
    EQ(fcntl(tmp, F_GET_SEALS), F_SEAL_SEAL); /* a tmpfs file: born sealed */
    int p[2];
    pipe(p);
    ERR(fcntl(p[0], F_GET_SEALS), EINVAL);

    SECTION("shrink and grow");
    fd = memfd("sealed", MFD_ALLOW_SEALING);
    EQ(fcntl(fd, F_GET_SEALS), 0);
    EQ(ftruncate(fd, 6000), 0);
    EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
    EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW);
    ERR(ftruncate(fd, 100), EPERM);
    ERR(ftruncate(fd, 10000), EPERM);
    EQ(ftruncate(fd, 6000), 0);
    static char big[8192];
    EQ(pwrite(fd, big, 8192, 0), 4096); /* up to the last page inside the file */
    ERR(pwrite(fd, big, 100, 5950), EPERM);
    EQ(pwrite(fd, big, 50, 5950), 50);
    ERR(fallocate(fd, 0, 0, 10000), EPERM);
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    ERR(open(self, O_RDWR | O_TRUNC), EPERM); /* O_TRUNC would shrink it */
    close(fd);

    SECTION("write");
    fd = memfd("w", MFD_ALLOW_SEALING);
    EQ(write(fd, "abc", 3), 3);
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE(m != MAP_FAILED);
    ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    munmap(m, 4096);
    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY); /* read-only, but through a writable descriptor */
    munmap(m, 4096);
    EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    TRUE(m != MAP_FAILED);
    ERR(mprotect(m, 4096, PROT_READ | PROT_WRITE), EACCES);
    ERR(write(fd, "d", 1), EPERM);
    TRUE(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    TRUE(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED);
    ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), EPERM);
    EQ(ftruncate(fd, 3), 0);
    printf("mapped: %.3s\n", m);
    EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), 0);
    ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    ERR(fcntl(fd, F_ADD_SEALS, 0x20), EINVAL); /* unknown bits first, then the seal seal */
    close(fd);
    fd = memfd("bad", MFD_ALLOW_SEALING);
    ERR(fcntl(fd, F_ADD_SEALS, 0x20), EINVAL);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int r2 = open(path, O_RDONLY);
    ERR(fcntl(r2, F_ADD_SEALS, F_SEAL_GROW), EPERM); /* not open for writing */
    close(fd);

    SECTION("future write");
    fd = memfd("fw", MFD_ALLOW_SEALING);
    EQ(write(fd, "abc", 3), 3);
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0);
    m[0] = 'X'; /* the mapping made before still writes */
    ERR(write(fd, "d", 1), EPERM);
    TRUE(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    TRUE(r != MAP_FAILED);
    ERR(mprotect(r, 4096, PROT_READ | PROT_WRITE), EACCES);
    printf("read back: %.3s\n", r);
    return summary();
}
