/*
 * rt_sigtimedwait (sigtimedwait, sigwaitinfo): a pending blocked signal is
 * taken at once with its siginfo; a zero timeout polls (EAGAIN); a short
 * timeout expires (EAGAIN); a signal sent while waiting is returned; another
 * signal with a handler interrupts (EINTR); a bad set size is EINVAL; a
 * queued real-time signal keeps its value.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

static volatile int handled;
static void on_alarm(int sig) { (void)sig; handled++; }

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct timespec zero = {0, 0}, short_wait = {0, 20000000};
    siginfo_t si;

    ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    ERR(sigtimedwait(&set, &si, &short_wait), EAGAIN);

    kill(getpid(), SIGUSR1);
    memset(&si, 0, sizeof(si));
    EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
    EQ(si.si_signo, SIGUSR1);
    EQ(si.si_code, SI_USER);
    EQ(si.si_pid, getpid());

    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGRTMIN, v);
    memset(&si, 0, sizeof(si));
    EQ(sigwaitinfo(&set, &si), SIGRTMIN);
    EQ(si.si_code, SI_QUEUE);
    EQ(si.si_value.sival_int, 42);

    /* Sent by a child while we wait. */
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    EQ(sigwaitinfo(&set, &si), SIGUSR1);
    EQ(si.si_pid, pid);
    waitpid(pid, NULL, 0);

    /* Another signal, handled: EINTR. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    struct timespec long_wait = {5, 0};
    ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &long_wait, 8), EINTR); /* musl's wrapper retries */
    EQ(handled, 1);

    /* Bad arguments. */
    ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 4), EINVAL);
    struct timespec bad = {0, 1000000000};
    ERR(sigtimedwait(&set, &si, &bad), EINVAL);
    ERR(syscall(SYS_rt_sigtimedwait, (void *)1, &si, &zero, 8), EFAULT);
    kill(getpid(), SIGUSR1);
    ERR(syscall(SYS_rt_sigtimedwait, &set, (void *)1, &zero, 8), EFAULT);
    return summary();
}
