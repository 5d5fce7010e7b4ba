/*
 * The oldest i386 calls, as Linux's 64-bit kernel serves 32-bit programs:
 * the 16-bit id calls (chown16 and friends, getresuid16, setfsuid16), the
 * old stat (struct __old_kernel_stat), utime/utimes/futimesat on 32-bit
 * seconds, nice, sgetmask/ssetmask, oldumount, sync_file_range with split
 * 64-bit arguments, sched_rr_get_interval on a 32-bit timespec.
 */
#include "check32.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct old_stat {
    unsigned short st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev;
    unsigned int st_size, st_atime_, st_mtime_, st_ctime_;
};

int main(void)
{
    int fd = open("/tmp/old", O_RDWR | O_CREAT | O_TRUNC, 0640);
    CHECK(write(fd, "twelve bytes", 12), 12);

    /* 16-bit ids: 0xffff is "leave it". */
    CHECK(syscall(182 /* chown16 */, "/tmp/old", 1234, 0xffff), 0);
    CHECK(syscall(95 /* fchown16 */, fd, 0xffff, 56), 0);
    CHECK(syscall(16 /* lchown16 */, "/tmp/old", 0xffff, 0xffff), 0);
    struct stat st;
    CHECK(stat("/tmp/old", &st), 0);
    CHECK(st.st_uid, 1234);
    CHECK(st.st_gid, 56);
    unsigned short r = 9, e = 9, s = 9;
    CHECK(syscall(165 /* getresuid16 */, &r, &e, &s), 0);
    CHECK(r + e + s, 0);
    CHECK(syscall(171 /* getresgid16 */, &r, &e, &s), 0);
    CHECK(syscall(138 /* setfsuid16 */, 0xffff), 0);
    CHECK(syscall(139 /* setfsgid16 */, 0xffff), 0);
    CHECK_ERR(syscall(165, (void *)8, &e, &s), EFAULT);

    /* The old stat. */
    struct old_stat os;
    memset(&os, 0xee, sizeof os);
    CHECK(syscall(18 /* oldstat */, "/tmp/old", &os), 0);
    CHECK(os.st_size, 12);
    CHECK(os.st_uid, 1234);
    CHECK(os.st_gid, 56);
    CHECK(os.st_mode, 0100640);
    CHECK(os.st_nlink, 1);
    CHECK(os.st_ino == (unsigned short)st.st_ino, 1);
    CHECK(syscall(28 /* oldfstat */, fd, &os), 0);
    CHECK(os.st_size, 12);
    CHECK(symlink("/tmp/old", "/tmp/oldlink"), 0);
    CHECK(syscall(84 /* oldlstat */, "/tmp/oldlink", &os), 0);
    CHECK(os.st_mode & 0170000, 0120000);
    CHECK_ERR(syscall(18, "/nonexistent", &os), ENOENT);
    CHECK_ERR(syscall(28, 99, &os), EBADF);

    /* utime, utimes, futimesat on 32-bit seconds. */
    int32_t ut[2] = {1000000, 2000000};
    CHECK(syscall(30 /* utime */, "/tmp/old", ut), 0);
    CHECK(stat("/tmp/old", &st), 0);
    CHECK(st.st_atime, 1000000);
    CHECK(st.st_mtime, 2000000);
    int32_t tv[4] = {3000000, 500000, 4000000, 999999};
    CHECK(syscall(271 /* utimes */, "/tmp/old", tv), 0);
    CHECK(stat("/tmp/old", &st), 0);
    CHECK(st.st_atim.tv_nsec, 500000000);
    CHECK(st.st_mtime, 4000000);
    tv[1] = 1000000;
    CHECK_ERR(syscall(271, "/tmp/old", tv), EINVAL);
    tv[1] = 0;
    CHECK(syscall(299 /* futimesat */, AT_FDCWD, "/tmp/old", tv), 0);
    CHECK(syscall(299, fd, NULL, NULL), 0);
    CHECK_ERR(syscall(299, AT_FDCWD, NULL, tv), EFAULT);

    /* nice. */
    CHECK(syscall(34 /* nice */, 3), 0);
    CHECK(getpriority(PRIO_PROCESS, 0), 3);
    CHECK(syscall(34, 100), 0);
    CHECK(getpriority(PRIO_PROCESS, 0), 19);

    /* sgetmask/ssetmask: the first word of the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_SETMASK, &set, NULL);
    CHECK(syscall(68 /* sgetmask */), 1 << (SIGUSR1 - 1));
    CHECK(syscall(69 /* ssetmask */, (1 << (SIGUSR2 - 1)) | (1 << (SIGKILL - 1))), 1 << (SIGUSR1 - 1));
    sigprocmask(SIG_SETMASK, NULL, &set);
    CHECK(sigismember(&set, SIGUSR2), 1);
    CHECK(sigismember(&set, SIGKILL), 0);
    CHECK(sigismember(&set, SIGUSR1), 0);

    /* oldumount: not a mount point. */
    CHECK_ERR(syscall(22 /* umount */, "/tmp/old"), EINVAL);

    /* sync_file_range: fd, offset and length in halves, flags. */
    CHECK(syscall(314, fd, 0, 0, 12, 0, 7), 0);
    CHECK_ERR(syscall(314, fd, 0, 0, 12, 0, 8), EINVAL);
    CHECK_ERR(syscall(314, fd, 0, 0x80000000, 0, 0, 0), EINVAL);
    int p[2];
    CHECK(pipe(p), 0);
    CHECK_ERR(syscall(314, p[0], 0, 0, 0, 0, 0), ESPIPE);
    CHECK_ERR(syscall(314, 99, 0, 0, 0, 0, 0), EBADF);

    /* sched_rr_get_interval on a 32-bit timespec: FIFO has no slice. */
    struct sched_param sp = {.sched_priority = 1};
    CHECK(sched_setscheduler(0, SCHED_FIFO, &sp), 0);
    int32_t ts[2] = {-1, -1};
    CHECK(syscall(161, 0, ts), 0);
    CHECK(ts[0] + ts[1], 0);
    return summary();
}
