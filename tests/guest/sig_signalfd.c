/* signalfd: the errors, reading blocked signals as signalfd_siginfo (kill,
 * sigqueue's value, a child's SIGCHLD), several in one read, poll, changing
 * the mask of an existing descriptor, and a blocking read woken by another
 * process's signal; compared with Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);

    ERR(syscall(SYS_signalfd4, -1, &mask, 8, 0x10), EINVAL);
    ERR(syscall(SYS_signalfd4, -1, &mask, 4, 0), EINVAL);
    ERR(syscall(SYS_signalfd4, 99, &mask, 8, 0), EBADF);
    int p[2];
    pipe(p);
    ERR(syscall(SYS_signalfd4, p[0], &mask, 8, 0), EINVAL);
    ERR(syscall(SYS_signalfd4, -1, (void *)8, 8, 0), EFAULT);

    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    truth("signalfd made", sfd >= 0);
    truth("close-on-exec", (fcntl(sfd, F_GETFD) & FD_CLOEXEC) != 0);
    struct signalfd_siginfo si[2];
    ERR(read(sfd, si, sizeof(si)), EAGAIN);
    ERR(read(sfd, si, 64), EINVAL);
    struct pollfd pf = {sfd, POLLIN, 0};
    EQ(poll(&pf, 1, 0), 0);

    kill(getpid(), SIGUSR1);
    EQ(poll(&pf, 1, 0), 1);
    EQ(read(sfd, si, sizeof(si)), 128);
    EQ(si[0].ssi_signo, SIGUSR1);
    EQ(si[0].ssi_code, SI_USER);
    truth("ssi_pid is the sender", si[0].ssi_pid == (unsigned)getpid());
    EQ(si[0].ssi_uid, 0);

    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGUSR2, v);
    kill(getpid(), SIGUSR1);
    EQ(read(sfd, si, sizeof(si)), 256);
    EQ(si[0].ssi_signo, SIGUSR1);
    EQ(si[1].ssi_signo, SIGUSR2);
    EQ(si[1].ssi_code, SI_QUEUE);
    EQ(si[1].ssi_int, 42);

    /* A child's exit. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    struct pollfd wait_pf = {sfd, POLLIN, 0};
    EQ(poll(&wait_pf, 1, 5000), 1);
    EQ(read(sfd, si, sizeof(si)), 128);
    EQ(si[0].ssi_signo, SIGCHLD);
    EQ(si[0].ssi_code, CLD_EXITED);
    EQ(si[0].ssi_status, 7);
    truth("ssi_pid is the child", si[0].ssi_pid == (unsigned)pid);
    waitpid(pid, NULL, 0);

    /* A new mask on the same descriptor. */
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    EQ(signalfd(sfd, &only2, 0), sfd);
    kill(getpid(), SIGUSR1);
    ERR(read(sfd, si, sizeof(si)), EAGAIN);
    sigset_t pend;
    sigpending(&pend);
    truth("SIGUSR1 still pending", sigismember(&pend, SIGUSR1));

    /* A blocking read, woken by another process's signal. */
    int bfd = signalfd(-1, &only2, 0);
    pid_t parent = getpid();
    pid = fork();
    if (pid == 0) {
        usleep(20000);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    EQ(read(bfd, si, sizeof(si)), 128);
    EQ(si[0].ssi_signo, SIGUSR2);
    waitpid(pid, NULL, 0);
    return summary();
}
