/*
 * Helpers shared by the System V IPC guest tests (ipc_msg, ipc_sem,
 * ipc_shm): errno names the check framework lacks, and waiting until a
 * child sleeps in the kernel (its state in /proc/PID/stat), so that a test
 * wakes a sleeper rather than racing it. No test prints an id, an address
 * or a time: they differ from boot to boot and between kernels.
 */
#ifndef GUEST_IPC_COMMON_H
#define GUEST_IPC_COMMON_H
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

__attribute__((unused)) static const char *ipc_ename(int e)
{
    switch (e) {
    case EIDRM: return "EIDRM";
    case ENOMSG: return "ENOMSG";
    case ENOSYS: return "ENOSYS";
    }
    return ename(e);
}

/* ERR with the IPC errnos spelled out. */
#define IERR(expr, e) do { errno = 0; long r_ = (long)(expr); int e_ = errno; checks++; \
        if (r_ == -1) printf("%s = -1 %s\n", #expr, ipc_ename(e_)); else printf("%s = %ld\n", #expr, r_); \
        if (!(r_ == -1 && e_ == (e))) { failures++; printf("FAIL: %s: expected -1 %s\n", #expr, ipc_ename(e)); } \
    } while (0)

__attribute__((unused)) static void mount_proc(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
}

__attribute__((unused)) static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (up to about 10 s) until pid sleeps interruptibly: state S in /proc/PID/stat. */
__attribute__((unused)) static int wait_sleeping(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    for (int i = 0; i < 1000; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return 0;
        long n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] == 'S')
                return 1;
        }
        sleep_ms(10);
    }
    return 0;
}
#endif
