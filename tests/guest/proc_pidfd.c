/* pidfds: pidfd_open's checks, poll turning readable when the process
 * exits, pidfd_send_signal (with and without a siginfo), pidfd_getfd,
 * waitid(P_PIDFD), and a pidfd of a reaped process naming nothing; compared
 * with Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#define SYS_pidfd_send_signal 424
#define SYS_pidfd_getfd 438
#endif
#define P_PIDFD 3

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    ERR(pidfd_open(getpid(), 1), EINVAL);
    ERR(pidfd_open(0, 0), EINVAL);
    ERR(pidfd_open(-1, 0), EINVAL);
    ERR(pidfd_open(999999, 0), ESRCH);
    int self = (int)pidfd_open(getpid(), 0);
    truth("pidfd of oneself", self >= 0);
    truth("close-on-exec", (fcntl(self, F_GETFD) & FD_CLOEXEC) != 0);
    EQ(pidfd_send_signal(self, 0, NULL, 0), 0);
    ERR(pidfd_send_signal(self, 0, NULL, 1), EINVAL);
    ERR(pidfd_send_signal(1, SIGUSR1, NULL, 0), EBADF);
    ERR(pidfd_send_signal(99, SIGUSR1, NULL, 0), EBADF);

    /* A child: signalled through its pidfd, polled, waited for by it. */
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        read(p[0], &c, 1);
        pause();
        _exit(3);
    }
    close(p[0]);
    int fd = (int)pidfd_open(pid, O_NONBLOCK);
    truth("pidfd of the child", fd >= 0);
    struct pollfd pf = {fd, POLLIN, 0};
    EQ(poll(&pf, 1, 0), 0);
    /* Its descriptor 1 (our stdout), copied. */
    int copy = (int)syscall(SYS_pidfd_getfd, fd, 1, 0);
    truth("pidfd_getfd copied a descriptor", copy >= 0);
    truth("the copy is close-on-exec", (fcntl(copy, F_GETFD) & FD_CLOEXEC) != 0);
    ERR(syscall(SYS_pidfd_getfd, fd, 77, 0), EBADF);
    ERR(syscall(SYS_pidfd_getfd, fd, 1, 1), EINVAL);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_USER;
    ERR(pidfd_send_signal(fd, SIGUSR2, &si, 0), EINVAL); /* si_signo must be the signal */
    ERR(pidfd_send_signal(fd, SIGUSR1, &si, 0), EPERM);  /* only to oneself may it claim SI_USER */
    ERR(pidfd_send_signal(fd, 99, NULL, 0), EINVAL);
    write(p[1], "x", 1);
    EQ(pidfd_send_signal(fd, SIGTERM, NULL, 0), 0);
    EQ(poll(&pf, 1, 5000), 1);
    truth("POLLIN once it exited", pf.revents & POLLIN);
    siginfo_t wi;
    memset(&wi, 0, sizeof(wi));
    EQ(waitid(P_PIDFD, fd, &wi, WEXITED), 0);
    truth("waitid(P_PIDFD) reaped it", wi.si_pid == pid);
    EQ(wi.si_code, CLD_KILLED);
    EQ(wi.si_status, SIGTERM);
    /* Reaped: the pidfd names nothing now. */
    ERR(pidfd_send_signal(fd, 0, NULL, 0), ESRCH);
    ERR(waitid(P_PIDFD, fd, &wi, WEXITED | WNOHANG), ECHILD);
    ERR(waitid(P_PIDFD, 1, &wi, WEXITED), EBADF);
    EQ(poll(&pf, 1, 0), 1);
    return summary();
}
