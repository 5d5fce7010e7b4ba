/*
 * process_vm_readv/process_vm_writev: iovecs on both sides, a transfer
 * that stops at the first remote address that cannot be had (the bytes
 * before it, or EFAULT when none moved), a bad local buffer, a read-only
 * remote page (no FOLL_FORCE here: EFAULT), EINVAL for flags and counts,
 * ESRCH, and EPERM for a process with other ids.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static char remote_a[64] = "alpha-remote-buffer";
static char remote_b[64] = "beta";
static const char remote_ro[16] = "read-only";

static ssize_t vm_readv(pid_t pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn, unsigned long f)
{
    return syscall(SYS_process_vm_readv, pid, l, ln, r, rn, f);
}
static ssize_t vm_writev(pid_t pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn, unsigned long f)
{
    return syscall(SYS_process_vm_writev, pid, l, ln, r, rn, f);
}

int main(void)
{
    int p[2], q[2];
    pipe(p);
    pipe(q);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* Changes its buffers so the parent's copies differ, then waits. */
        strcpy(remote_a, "ALPHA-child-buffer");
        strcpy(remote_b, "BETA-child");
        write(q[1], "r", 1);
        char c;
        read(p[0], &c, 1);
        /* The parent wrote into us: report what we see. */
        int ok = !strcmp(remote_a, "written-by-parent") && !strcmp(remote_b, "XYZA-child");
        _exit(ok ? 0 : 1);
    }
    char c;
    read(q[0], &c, 1);

    SECTION("read");
    char l1[5], l2[32];
    memset(l1, 0, sizeof l1);
    memset(l2, 0, sizeof l2);
    struct iovec local[2] = {{l1, 5}, {l2, 20}};
    struct iovec remote[2] = {{remote_a, 6}, {remote_b, 10}};
    EQ(vm_readv(pid, local, 2, remote, 2, 0), 16);
    TRUE(!memcmp(l1, "ALPHA", 5) && !strcmp(l2, "-BETA-child"));
    /* A bad second remote range: the first's bytes. */
    char *bad = (char *)0x1000;
    struct iovec r_bad[2] = {{remote_a, 4}, {bad, 10}};
    memset(l2, 0, sizeof l2);
    struct iovec l_one = {l2, 32};
    EQ(vm_readv(pid, &l_one, 1, r_bad, 2, 0), 4);
    struct iovec r_first_bad[1] = {{bad, 10}};
    ERR(vm_readv(pid, &l_one, 1, r_first_bad, 1, 0), EFAULT);
    /* A remote range that runs into an unmapped page part way. */
    char *map = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(map + 4096, 4096);
    struct iovec r_edge = {map + 4096 - 8, 100};
    EQ(vm_readv(getpid(), &l_one, 1, &r_edge, 1, 0), 8);
    struct iovec l_bad = {bad, 8};
    struct iovec r_ok = {remote_a, 8};
    ERR(vm_readv(pid, &l_bad, 1, &r_ok, 1, 0), EFAULT);
    ERR(vm_readv(pid, local, 2, remote, 2, 1), EINVAL);
    ERR(vm_readv(pid, local, 1025, remote, 2, 0), EINVAL);
    ERR(vm_readv(pid, local, 2, remote, 1025, 0), EINVAL);
    ERR(vm_readv(99999, local, 2, remote, 2, 0), ESRCH);
    ERR(vm_readv(pid, local, 2, (struct iovec *)8, 2, 0), EFAULT);
    ERR(vm_readv(pid, (struct iovec *)8, 2, remote, 2, 0), EFAULT);
    EQ(vm_readv(99999, local, 0, remote, 2, 0), 0); /* nothing to move: no lookup */
    struct iovec zero = {remote_a, 0};
    EQ(vm_readv(99999, local, 2, &zero, 1, 0), 0);
    struct iovec neg = {remote_a, (size_t)-1};
    ERR(vm_readv(pid, local, 2, &neg, 1, 0), EINVAL);

    SECTION("write");
    char w1[] = "written-by-parent";
    struct iovec lw[2] = {{w1, sizeof w1}, {"XYZ", 3}};
    struct iovec rw[2] = {{remote_a, sizeof w1}, {remote_b, 3}};
    struct iovec r_ro = {(void *)remote_ro, 4};
    ERR(vm_writev(pid, lw, 1, &r_ro, 1, 0), EFAULT);
    EQ(vm_writev(pid, lw, 2, rw, 2, 0), (long)sizeof w1 + 3);
    TRUE(!strcmp(remote_a, "alpha-remote-buffer")); /* ours is untouched */
    write(p[1], "w", 1);
    int st;
    waitpid(pid, &st, 0);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ERR(vm_readv(pid, local, 2, remote, 2, 0), ESRCH);

    SECTION("permission");
    fflush(stdout);
    pid_t other = fork();
    if (other == 0) {
        setresuid(1000, 1000, 1000);
        pause();
        _exit(0);
    }
    pid_t prober = fork();
    if (prober == 0) {
        setresuid(1001, 1001, 1001);
        usleep(50000);
        errno = 0;
        long r = vm_readv(other, local, 2, remote, 2, 0);
        _exit(r == -1 && errno == EPERM ? 0 : 1);
    }
    waitpid(prober, &st, 0);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ(vm_readv(other, local, 2, remote, 2, 0) > 0, 1); /* root may */
    kill(other, SIGKILL);
    waitpid(other, &st, 0);
    return summary();
}
