/* RLIMIT_SIGPENDING: each queued siginfo counts against the receiver's real
 * user. Past the limit a real-time signal with a siginfo of its own
 * (sigqueue, tgkill) fails with EAGAIN, while kill(2)'s and any standard
 * signal still arrive, without a queued siginfo; /proc/self/status's SigQ
 * shows the count and the limit. Compared with Linux. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "musl_check.h"

static void show_sigq(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "SigQ:", 5))
            fputs(line, stdout);
    if (f)
        fclose(f);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMIN + 1);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct rlimit rl = {2, 2};
    EQ(setrlimit(RLIMIT_SIGPENDING, &rl), 0);
    show_sigq();

    union sigval v = {.sival_int = 7};
    EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
    EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
    show_sigq();
    ERR(sigqueue(getpid(), SIGRTMIN, v), EAGAIN);
    ERR(syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN + 1), EAGAIN);
    EQ(kill(getpid(), SIGRTMIN + 1), 0);     /* SI_USER: pending, no siginfo queued */
    EQ(sigqueue(getpid(), SIGUSR1, v), 0);   /* a standard signal: pending all the same */
    show_sigq();

    siginfo_t si;
    struct timespec zero = {0, 0};
    /* Standard signals first. SIGUSR1 came with no room left: the siginfo is
     * the stand-in Linux gives one it could not queue (SI_USER, no sender). */
    EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
    EQ(si.si_code, SI_USER);
    EQ(si.si_pid, 0);
    EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN);
    EQ(si.si_code, SI_QUEUE);
    EQ(si.si_value.sival_int, 7);
    show_sigq();
    EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN);
    EQ(si.si_code, SI_QUEUE);
    show_sigq();
    EQ(sigtimedwait(&set, &si, &zero), SIGRTMIN + 1);
    EQ(si.si_code, SI_USER);
    EQ(si.si_pid, 0);
    ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
    return summary();
}
