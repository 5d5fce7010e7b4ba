/* CLONE_PIDFD: clone3 writes the child's pidfd to args.pidfd, legacy clone
 * to its parent_tid argument; the descriptor is close-on-exec, polls
 * readable once the child exits and waitid(P_PIDFD) reaps it. Linux's
 * refusals: with CLONE_THREAD (EINVAL), legacy clone with
 * CLONE_PARENT_SETTID at the same address (EINVAL), a bad address for the
 * number (EFAULT, and no child is made). Compared with Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#define P_PIDFD 3

struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static long clone3(struct clone_args_v0 *a) { return syscall(SYS_clone3, a, sizeof(*a)); }

/* Legacy clone without a new stack: fork-like, x86-64's argument order. */
static long clone_legacy(unsigned long flags, int *parent_tid)
{
    return syscall(SYS_clone, flags, 0, parent_tid, 0, 0);
}

static void reap_by_pidfd(const char *what, int fd, int code)
{
    struct pollfd pf = {fd, POLLIN, 0};
    EQ(poll(&pf, 1, 5000), 1);
    truth("POLLIN once the child exited", (pf.revents & POLLIN) != 0);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    EQ(waitid(P_PIDFD, fd, &si, WEXITED), 0);
    truth(what, si.si_code == CLD_EXITED && si.si_status == code);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);

    int pidfd = -1;
    struct clone_args_v0 a;
    memset(&a, 0, sizeof(a));
    a.flags = CLONE_PIDFD;
    a.pidfd = (uintptr_t)&pidfd;
    a.exit_signal = SIGCHLD;
    long pid = clone3(&a);
    if (pid == 0)
        _exit(5);
    truth("clone3 made a child", pid > 0);
    truth("clone3 wrote a descriptor", pidfd >= 3);
    truth("close-on-exec", (fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0);
    EQ(fcntl(pidfd, F_GETFL) & O_ACCMODE, O_RDWR);
    reap_by_pidfd("clone3's child exited 5", pidfd, 5);

    int fd = -1;
    pid = clone_legacy(CLONE_PIDFD | SIGCHLD, &fd);
    if (pid == 0)
        _exit(6);
    truth("legacy clone made a child", pid > 0);
    truth("legacy clone wrote the descriptor to parent_tid", fd >= 3);
    reap_by_pidfd("clone's child exited 6", fd, 6);

    /* Refusals. */
    a.flags = CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    ERR(clone3(&a), EINVAL);
    ERR(clone_legacy(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, &fd), EINVAL);
    void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a.flags = CLONE_PIDFD;
    a.pidfd = (uintptr_t)bad;
    ERR(clone3(&a), EFAULT);
    ERR(clone_legacy(CLONE_PIDFD | SIGCHLD, (int *)bad), EFAULT);
    /* No child was left behind, and no descriptor: the next is still 3's successor. */
    ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    int next = open("/", O_RDONLY);
    truth("no descriptor leaked", next == 3);
    return summary();
}
