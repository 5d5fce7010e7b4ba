/*
 * Signal-driven I/O on a pipe: O_ASYNC and F_SETOWN give the owner SIGIO when
 * bytes arrive (readers) or room returns (writers); F_SETSIG a signal with
 * si_code POLL_IN/POLL_OUT, si_fd and si_band; F_GETOWN/F_SETOWN_EX/
 * F_GETOWN_EX for threads, processes and groups; ESRCH and EINVAL.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static siginfo_t got;
static volatile int count;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    got = *si;
    count++;
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGIO, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    int p[2];
    EQ(pipe(p), 0);
    EQ(fcntl(p[0], F_GETOWN), 0);
    struct f_owner_ex ex;
    EQ(fcntl(p[0], F_GETOWN_EX, &ex), 0);
    printf("initial owner: type %d pid %d sig %d\n", ex.type, ex.pid, (int)fcntl(p[0], F_GETSIG));
    EQ(fcntl(p[0], F_SETOWN, getpid()), 0);
    EQ(fcntl(p[0], F_GETOWN), getpid());
    EQ(fcntl(p[0], F_SETFL, O_ASYNC), 0);
    EQ(write(p[1], "x", 1), 1);
    printf("plain: count %d signo %s code %d\n", count, got.si_signo == SIGIO ? "SIGIO" : "?", got.si_code);
    char c;
    read(p[0], &c, 1);
    EQ(fcntl(p[0], F_SETSIG, SIGUSR1), 0);
    EQ(fcntl(p[0], F_GETSIG), SIGUSR1);
    count = 0;
    EQ(write(p[1], "y", 1), 1);
    printf("F_SETSIG: count %d signo %s code %d fd %d band %#lx\n", count, got.si_signo == SIGUSR1 ? "SIGUSR1" : "?",
           got.si_code, got.si_fd == p[0], (long)got.si_band);
    read(p[0], &c, 1);

    SECTION("writers");
    EQ(fcntl(p[1], F_SETOWN, getpid()), 0);
    EQ(fcntl(p[1], F_SETSIG, SIGUSR1), 0);
    EQ(fcntl(p[1], F_SETFL, O_ASYNC | O_NONBLOCK), 0);
    count = 0;
    EQ(write(p[1], "z", 1), 1); /* a writer's own write: only readers hear it */
    int readers_heard = count;
    count = 0;
    read(p[0], &c, 1); /* room: the writer end's owner hears */
    printf("writer: readers heard %d, room heard %d code %d fd %d\n", readers_heard, count, got.si_code,
           got.si_fd == p[1]);

    SECTION("off again");
    EQ(fcntl(p[0], F_SETFL, 0), 0);
    EQ(fcntl(p[1], F_SETFL, 0), 0);
    count = 0;
    write(p[1], "w", 1);
    read(p[0], &c, 1);
    printf("without O_ASYNC: count %d\n", count);

    SECTION("owners");
    ex.type = F_OWNER_TID;
    ex.pid = syscall(SYS_gettid);
    EQ(fcntl(p[0], F_SETOWN_EX, &ex), 0);
    EQ(fcntl(p[0], F_GETOWN_EX, &ex), 0);
    printf("tid owner: type %d self %d\n", ex.type, ex.pid == getpid());
    EQ(setpgid(0, 0), 0);
    EQ(fcntl(p[0], F_SETOWN, -getpgrp()), 0);
    EQ(fcntl(p[0], F_GETOWN), -getpgrp());
    EQ(fcntl(p[0], F_GETOWN_EX, &ex), 0);
    printf("group owner: type %d\n", ex.type);
    ERR(fcntl(p[0], F_SETOWN, 99999), ESRCH);
    ex.type = 7;
    ERR(fcntl(p[0], F_SETOWN_EX, &ex), EINVAL);
    ERR(fcntl(p[0], F_SETSIG, 65), EINVAL);
    ERR(fcntl(p[0], F_SETOWN_EX, (void *)8), EFAULT);
    return summary();
}
