/*
 * proc_wait: fork, exit and the wait family, as Linux does them
 * (kernel/fork.c, kernel/exit.c; wait4(2), waitid(2), fork(2), _exit(2)).
 *   - fork returns 0 in the child and the child's pid in the parent; the
 *     child's getppid() is the parent; memory is copied (a write in the child,
 *     to data, heap or stack, is not seen by the parent).
 *   - wait4: ECHILD without children (with and without WNOHANG); WNOHANG on a
 *     running child returns 0; a specific pid waits for that child only; -1
 *     any child; 0 and -pgid wait for a process group (ECHILD when no child is
 *     in it); invalid option bits are EINVAL; the status encodings: exit codes
 *     are taken modulo 256 (exit(300) is 44), a kill gives WIFSIGNALED and
 *     WTERMSIG; raw values 0x2a00 and 9.
 *   - waitid: P_PID with WNOWAIT leaves the zombie (kill(pid, 0) still finds
 *     it, a second waitid gets it again); siginfo si_signo SIGCHLD, si_code
 *     CLD_EXITED/CLD_KILLED, si_pid, si_status; WNOHANG with nothing to report
 *     returns 0 with si_signo and si_pid zeroed; EINVAL for no state option
 *     and for P_PID 0; ECHILD once reaped; P_ALL and P_PGID.
 *   - a reaped child is gone: kill(pid, 0) is ESRCH.
 *   - orphans: a grandchild whose parent exits is re-parented to init (this
 *     program, pid 1): its getppid() becomes 1 and we reap it.
 *   - threads: SYS_exit ends one thread only; exit_group from another thread
 *     ends the process with its code, even after the leader has exited with
 *     another (wait_task_zombie reports signal->group_exit_code once
 *     SIGNAL_GROUP_EXIT is set); when the last thread ends with a plain
 *     SYS_exit, its code is the process's (kernel/exit.c
 *     synchronize_group_exit, Linux 6.0 and later: the last thread's exit
 *     sets SIGNAL_GROUP_EXIT with its code).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static int g_data = 1;

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A child that blocks until its pipe is written (or closed), then exits with code. */
static pid_t blocked_child(int *wfd, int code)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        for (int fd = 3; fd < 64; fd++) /* the other children's pipes too */
            if (fd != p[0])
                close(fd);
        read(p[0], &c, 1);
        _exit(code);
    }
    close(p[0]);
    *wfd = p[1];
    return pid;
}

/* A child that exits at once with code. */
static pid_t quick_child(int code)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

/* Waits (without reaping) until pid is a zombie. */
static void until_zombie(pid_t pid)
{
    siginfo_t si;
    waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
}

static int pipe_fd;
static void *thread_exit_group(void *arg)
{
    (void)arg;
    msleep(20);
    syscall(SYS_exit_group, 7);
    return NULL;
}
static void *thread_report_then(void *arg)
{
    long how = (long)arg;
    msleep(30);
    write(pipe_fd, "T", 1);
    if (how == 1)
        syscall(SYS_exit_group, 5);
    syscall(SYS_exit, 9);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int status = 0;
    pid_t me = getpid();

    SECTION("fork");
    {
        int p[2];
        char heap_init[] = "parent";
        char *heap = malloc(64);
        char stack[16] = "parent";
        strcpy(heap, heap_init);
        pipe(p);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            pid_t self = getpid(), pp = getppid();
            g_data = 2;
            strcpy(heap, "child");
            strcpy(stack, "child");
            write(p[1], &self, sizeof self);
            write(p[1], &pp, sizeof pp);
            _exit(g_data == 2 && strcmp(heap, "child") == 0 ? 0 : 1);
        }
        TRUE(pid > 0);
        pid_t child_self = 0, child_pp = 0;
        EQ(read(p[0], &child_self, sizeof child_self), sizeof child_self);
        EQ(read(p[0], &child_pp, sizeof child_pp), sizeof child_pp);
        TRUE(child_self == pid);     /* the child's getpid() is fork's result */
        TRUE(child_pp == me);        /* the child's getppid() is us */
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        TRUE(g_data == 1);           /* copy on write: the child's writes stay its own */
        TRUE(strcmp(heap, "parent") == 0);
        TRUE(strcmp(stack, "parent") == 0);
        close(p[0]);
        close(p[1]);
        free(heap);
    }

    SECTION("wait4 without children");
    ERR(wait4(-1, &status, 0, NULL), ECHILD);
    ERR(wait4(-1, &status, WNOHANG, NULL), ECHILD);
    ERR(wait4(12345, &status, 0, NULL), ECHILD);
    ERR(wait4(0, &status, 0, NULL), ECHILD);
    ERR(waitpid(-1, NULL, 0), ECHILD);

    SECTION("wait4 WNOHANG on a running child");
    {
        int w;
        pid_t pid = blocked_child(&w, 3);
        EQ(wait4(pid, &status, WNOHANG, NULL), 0);
        EQ(wait4(-1, &status, WNOHANG, NULL), 0);
        ERR(wait4(-1, &status, 0x1000000 /* WNOWAIT is waitid's only */, NULL), EINVAL);
        ERR(wait4(-1, &status, 0x40, NULL), EINVAL);
        write(w, "x", 1);
        close(w);
        status = -1;
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        TRUE(WIFEXITED(status));
        EQ(WEXITSTATUS(status), 3);
        ERR(wait4(pid, &status, WNOHANG, NULL), ECHILD);
    }

    SECTION("wait4 status encodings");
    {
        pid_t pid = quick_child(42);
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        EQ(status, 0x2a00);
        TRUE(WIFEXITED(status) && !WIFSIGNALED(status) && !WIFSTOPPED(status));
        EQ(WEXITSTATUS(status), 42);
        pid = quick_child(300);
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        EQ(WEXITSTATUS(status), 44); /* 300 & 0xff */
        pid = quick_child(0);
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        EQ(status, 0);
        int w;
        pid = blocked_child(&w, 0);
        EQ(kill(pid, SIGKILL), 0);
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        EQ(status, 9);
        TRUE(WIFSIGNALED(status) && !WIFEXITED(status));
        EQ(WTERMSIG(status), SIGKILL);
        TRUE(!WCOREDUMP(status));
        close(w);
        /* wait4 fills the rusage it is given */
        struct rusage ru;
        memset(&ru, 0xff, sizeof ru);
        pid = quick_child(1);
        TRUE(wait4(pid, &status, 0, &ru) == pid);
        TRUE(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
        TRUE(ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
        /* a NULL status pointer is allowed */
        pid = quick_child(1);
        TRUE(wait4(pid, NULL, 0, NULL) == pid);
    }

    SECTION("wait4 for a specific pid");
    {
        int wa, wb;
        pid_t a = blocked_child(&wa, 10);
        pid_t b = blocked_child(&wb, 11);
        close(wa);          /* a exits first */
        until_zombie(a);
        EQ(wait4(b, &status, WNOHANG, NULL), 0); /* a's exit does not satisfy a wait for b */
        close(wb);
        TRUE(wait4(b, &status, 0, NULL) == b);
        EQ(WEXITSTATUS(status), 11);
        TRUE(wait4(-1, &status, 0, NULL) == a);
        EQ(WEXITSTATUS(status), 10);
        ERR(wait4(-1, &status, 0, NULL), ECHILD);
    }

    SECTION("wait4 for a process group");
    {
        int w1, w2;
        pid_t c1 = blocked_child(&w1, 21); /* moved to a group of its own */
        pid_t c2 = blocked_child(&w2, 22); /* stays in ours */
        EQ(setpgid(c1, c1), 0);
        EQ(getpgid(c1) == c1, 1);
        EQ(getpgid(c2) == getpgrp(), 1);
        close(w1);
        close(w2);
        until_zombie(c1);
        until_zombie(c2);
        TRUE(wait4(0, &status, WNOHANG, NULL) == c2);  /* 0: our own group only */
        EQ(WEXITSTATUS(status), 22);
        ERR(wait4(0, &status, WNOHANG, NULL), ECHILD); /* c1 is not in our group */
        TRUE(wait4(-c1, &status, 0, NULL) == c1);     /* -pgid */
        EQ(WEXITSTATUS(status), 21);
    }

    SECTION("waitid");
    {
        siginfo_t si;
        int w;
        pid_t pid = blocked_child(&w, 7);
        memset(&si, 0x5a, sizeof si);
        EQ(waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0);
        EQ(si.si_signo, 0);        /* nothing to report: zeroed */
        EQ(si.si_pid, 0);
        ERR(waitid(P_ALL, 0, &si, 0), EINVAL);       /* no state asked for */
        ERR(waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
        ERR(waitid(P_PID, 0, &si, WEXITED), EINVAL);
        ERR(waitid(P_PGID, -1, &si, WEXITED), EINVAL);
        ERR(waitid(7, 0, &si, WEXITED), EINVAL);     /* bad idtype */
        close(w);
        memset(&si, 0, sizeof si);
        EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
        EQ(si.si_signo, SIGCHLD);
        EQ(si.si_code, CLD_EXITED);
        EQ(si.si_status, 7);
        TRUE(si.si_pid == pid);
        EQ(si.si_uid, 0);
        EQ(kill(pid, 0), 0); /* still a zombie */
        memset(&si, 0, sizeof si);
        EQ(waitid(P_ALL, 0, &si, WEXITED | WNOWAIT), 0);
        TRUE(si.si_pid == pid);
        memset(&si, 0, sizeof si);
        EQ(waitid(P_PID, pid, &si, WEXITED), 0); /* reaps */
        TRUE(si.si_pid == pid);
        EQ(si.si_status, 7);
        ERR(waitid(P_PID, pid, &si, WEXITED), ECHILD);
        ERR(kill(pid, 0), ESRCH); /* gone */

        pid = blocked_child(&w, 0);
        EQ(kill(pid, SIGTERM), 0);
        memset(&si, 0, sizeof si);
        EQ(waitid(P_ALL, 0, &si, WEXITED), 0);
        TRUE(si.si_pid == pid);
        EQ(si.si_code, CLD_KILLED);
        EQ(si.si_status, SIGTERM);
        close(w);

        pid = blocked_child(&w, 8);
        setpgid(pid, pid);
        close(w);
        memset(&si, 0, sizeof si);
        ERR(waitid(P_PGID, getpgrp(), &si, WEXITED), ECHILD);
        EQ(waitid(P_PGID, pid, &si, WEXITED), 0);
        TRUE(si.si_pid == pid);
        EQ(si.si_status, 8);
        ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    }

    SECTION("orphans go to init");
    {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t mid = fork();
        if (mid == 0) {
            pid_t g = fork();
            if (g == 0) {
                /* wait until our parent has exited */
                int ok = 0;
                for (int i = 0; i < 400 && !ok; i++) {
                    if (getppid() == 1)
                        ok = 1;
                    else
                        msleep(5);
                }
                char c = ok ? 'Y' : 'N';
                write(p[1], &c, 1);
                _exit(33);
            }
            write(p[1], &g, sizeof g);
            _exit(0);
        }
        close(p[1]);
        pid_t g = 0;
        EQ(read(p[0], &g, sizeof g), sizeof g);
        TRUE(wait4(mid, &status, 0, NULL) == mid);
        char c = 0;
        EQ(read(p[0], &c, 1), 1);
        TRUE(c == 'Y'); /* the grandchild's getppid() became 1 */
        TRUE(wait4(-1, &status, 0, NULL) == g); /* init reaps it */
        EQ(WEXITSTATUS(status), 33);
        ERR(wait4(-1, &status, 0, NULL), ECHILD);
        close(p[0]);
    }

    SECTION("exit and exit_group with threads");
    {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            pthread_t t;
            pthread_create(&t, NULL, thread_exit_group, NULL);
            for (;;)
                pause();
        }
        TRUE(wait4(pid, &status, 0, NULL) == pid);
        TRUE(WIFEXITED(status));
        EQ(WEXITSTATUS(status), 7); /* another thread's exit_group ends the process */

        for (long how = 1; how <= 2; how++) {
            int p[2];
            pipe(p);
            fflush(stdout);
            pid = fork();
            if (pid == 0) {
                pthread_t t;
                close(p[0]);
                pipe_fd = p[1];
                pthread_create(&t, NULL, thread_report_then, (void *)how);
                syscall(SYS_exit, 3); /* only the main thread ends */
            }
            close(p[1]);
            char c = 0;
            EQ(read(p[0], &c, 1), 1); /* the other thread still ran */
            close(p[0]);
            TRUE(wait4(pid, &status, 0, NULL) == pid);
            TRUE(WIFEXITED(status));
            if (how == 1)
                EQ(WEXITSTATUS(status), 5); /* exit_group's code */
            else
                EQ(WEXITSTATUS(status), 9); /* the last thread's plain exit gives the code */
        }
    }
    return summary();
}
