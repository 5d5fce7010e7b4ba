/*
 * kern_waitid_rusage: the raw waitid system call fills its fifth argument,
 * a struct rusage, as wait4 does (Linux's kernel_waitid: the child's
 * getrusage(RUSAGE_BOTH), written only when a child is reported): a child
 * that spun in user mode for 100 ms of CPU time shows user time > 0; WNOWAIT
 * reports it too; WNOHANG with nothing to report leaves the buffer alone; a
 * bad rusage pointer is EFAULT. Values are compared against bounds, never
 * printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static long raw_waitid(int which, pid_t pid, siginfo_t *info, int options, struct rusage *ru)
{
    return syscall(SYS_waitid, which, pid, info, options, ru);
}

static pid_t busy_child(int ms, int code)
{
    pid_t p = fork();
    if (p == 0) {
        /* Spin in user mode (clock_gettime for the CPU clocks is a system
         * call: asked too often, the time would be system time). */
        struct timespec t;
        do {
            for (volatile long i = 0; i < 200000; i++)
                ;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while (t.tv_sec * 1000 + t.tv_nsec / 1000000 < ms);
        _exit(code);
    }
    return p;
}

static long usec(struct timeval tv) { return tv.tv_sec * 1000000 + tv.tv_usec; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    siginfo_t info;
    struct rusage ru;

    SECTION("a busy child, reaped");
    pid_t p = busy_child(100, 3);
    memset(&ru, 0xff, sizeof ru);
    memset(&info, 0, sizeof info);
    EQ(raw_waitid(P_PID, p, &info, WEXITED, &ru), 0);
    TRUE(info.si_pid == p && info.si_code == CLD_EXITED && info.si_status == 3);
    TRUE(usec(ru.ru_utime) > 0);
    TRUE(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    TRUE(ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
    TRUE(usec(ru.ru_utime) + usec(ru.ru_stime) >= 50000);
    TRUE(usec(ru.ru_utime) < 60 * 1000000L);

    SECTION("WNOWAIT reports it, then wait4 agrees");
    p = busy_child(60, 4);
    memset(&ru, 0, sizeof ru);
    EQ(raw_waitid(P_PID, p, &info, WEXITED | WNOWAIT, &ru), 0);
    TRUE(usec(ru.ru_utime) > 0);
    struct rusage ru4;
    int st;
    TRUE(wait4(p, &st, 0, &ru4) == p && WIFEXITED(st) && WEXITSTATUS(st) == 4);
    TRUE(usec(ru4.ru_utime) == usec(ru.ru_utime) && usec(ru4.ru_stime) == usec(ru.ru_stime));

    SECTION("WNOHANG, nothing to report");
    int fds[2];
    OK(pipe(fds));
    p = fork();
    if (p == 0) {
        char c;
        read(fds[0], &c, 1);
        _exit(0);
    }
    memset(&ru, 0x5a, sizeof ru);
    memset(&info, 0x5a, sizeof info);
    EQ(raw_waitid(P_PID, p, &info, WEXITED | WNOHANG, &ru), 0);
    TRUE(info.si_pid == 0 && info.si_signo == 0);
    unsigned char *b = (unsigned char *)&ru;
    int untouched = 1;
    for (size_t i = 0; i < sizeof ru; i++)
        untouched &= b[i] == 0x5a;
    TRUE(untouched);
    SECTION("a stopped child's usage");
    kill(p, SIGSTOP);
    memset(&ru, 0x5a, sizeof ru);
    EQ(raw_waitid(P_PID, p, &info, WSTOPPED, &ru), 0);
    TRUE(info.si_code == CLD_STOPPED && info.si_status == SIGSTOP);
    TRUE(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec >= 0 &&
         ru.ru_stime.tv_usec < 1000000);
    kill(p, SIGCONT);
    write(fds[1], "x", 1);
    SECTION("bad rusage pointer");
    /* The child is reaped all the same (Linux copies the rusage out last). */
    ERR(raw_waitid(P_PID, p, &info, WEXITED, (struct rusage *)8), EFAULT);
    ERR(raw_waitid(P_ALL, 0, &info, WEXITED, NULL), ECHILD);
    return summary();
}
