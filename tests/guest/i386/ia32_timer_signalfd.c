/*
 * The i386 entry points of timer_create (the compat sigevent: a 4-byte
 * sigval at 0, signo, notify, the thread id at 12) and signalfd/signalfd4
 * (the compat sigset: two 4-byte words, sigsetsize 8), compared with Linux.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "check32.h"

/* The i386 layout, given to the raw call as the kernel reads it. */
struct ev32 {
    int32_t value;
    int signo;
    int notify;
    int tid;
    int pad[12];
};

static long raw_timer_create(int clock, struct ev32 *ev, int *id)
{
    return syscall(SYS_timer_create, clock, ev, id);
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL), 0);

    printf("-- timer_create\n");
    struct ev32 ev = {.value = 0x1234, .signo = SIGUSR1, .notify = SIGEV_SIGNAL};
    int id = -1;
    CHECK(raw_timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
    CHECK(id, 0);
    struct itimerspec its = {.it_value = {0, 1000000}};
    CHECK(timer_settime((timer_t)(long)id, 0, &its, NULL), 0);
    siginfo_t si;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGUSR1);
    CHECK(sigwaitinfo(&one, &si), SIGUSR1);
    CHECK(si.si_code, SI_TIMER);
    CHECK(si.si_value.sival_int, 0x1234);
    CHECK(si.si_timerid, id);

    /* SIGEV_THREAD_ID: this thread's id at offset 12. */
    struct ev32 evt = {.value = 77, .signo = SIGUSR2, .notify = SIGEV_SIGNAL | SIGEV_THREAD_ID,
                       .tid = (int)syscall(SYS_gettid)};
    int id2 = -1;
    CHECK(raw_timer_create(CLOCK_REALTIME, &evt, &id2), 0);
    CHECK(id2, 1);
    CHECK(timer_settime((timer_t)(long)id2, 0, &its, NULL), 0);
    sigemptyset(&one);
    sigaddset(&one, SIGUSR2);
    CHECK(sigwaitinfo(&one, &si), SIGUSR2);
    CHECK(si.si_value.sival_int, 77);

    /* No event: SIGALRM with the timer's id as its value. */
    int id3 = -1;
    CHECK(raw_timer_create(CLOCK_MONOTONIC, NULL, &id3), 0);
    CHECK(timer_settime((timer_t)(long)id3, 0, &its, NULL), 0);
    sigemptyset(&one);
    sigaddset(&one, SIGALRM);
    CHECK(sigwaitinfo(&one, &si), SIGALRM);
    CHECK(si.si_value.sival_int, id3);

    struct ev32 bad = {.signo = SIGUSR1, .notify = 99};
    CHECK_ERR(raw_timer_create(CLOCK_MONOTONIC, &bad, &id), EINVAL);
    bad.notify = SIGEV_SIGNAL;
    bad.signo = 65;
    CHECK_ERR(raw_timer_create(CLOCK_MONOTONIC, &bad, &id), EINVAL);
    bad.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    bad.signo = SIGUSR1;
    bad.tid = 99999;
    CHECK_ERR(raw_timer_create(CLOCK_MONOTONIC, &bad, &id), EINVAL);
    CHECK_ERR(raw_timer_create(CLOCK_MONOTONIC, (struct ev32 *)8, &id), EFAULT);
    CHECK_ERR(raw_timer_create(CLOCK_MONOTONIC, &ev, (int *)8), EFAULT);
    CHECK(timer_delete((timer_t)(long)id), 0);
    CHECK(timer_delete((timer_t)(long)id2), 0);
    CHECK(timer_delete((timer_t)(long)id3), 0);

    printf("-- signalfd\n");
    uint32_t mask[2] = {1u << (SIGUSR2 - 1), 0};
    CHECK_ERR(syscall(SYS_signalfd4, -1, mask, 4, 0), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, mask, 16, 0), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, mask, 8, 0x10), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, (void *)8, 8, 0), EFAULT);
    CHECK_ERR(syscall(SYS_signalfd, -1, mask, 4), EINVAL);
    int fd = syscall(SYS_signalfd4, -1, mask, 8, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK_TRUE("signalfd4 made a descriptor", fd >= 0);
    struct signalfd_siginfo ssi;
    CHECK_ERR(read(fd, &ssi, sizeof(ssi)), EAGAIN);
    CHECK(raise(SIGUSR2), 0);
    CHECK(read(fd, &ssi, sizeof(ssi)), (long)sizeof(ssi));
    CHECK(ssi.ssi_signo, SIGUSR2);
    CHECK(ssi.ssi_code, SI_TKILL);
    /* The mask of an existing descriptor, changed by the old call. */
    mask[0] = 1u << (SIGUSR1 - 1);
    CHECK(syscall(SYS_signalfd, fd, mask, 8), fd);
    CHECK(raise(SIGUSR2), 0);
    CHECK_ERR(read(fd, &ssi, sizeof(ssi)), EAGAIN);
    CHECK(raise(SIGUSR1), 0);
    CHECK(read(fd, &ssi, sizeof(ssi)), (long)sizeof(ssi));
    CHECK(ssi.ssi_signo, SIGUSR1);
    CHECK(syscall(SYS_signalfd, fd, (void *)8, 8) == -1 ? errno : 0, EFAULT);
    CHECK_ERR(syscall(SYS_signalfd, 0, mask, 8), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd, 99, mask, 8), EBADF);
    return summary();
}
