/*
 * kcmp: the same file through dup and across fork, different files; a
 * thread shares the address space, descriptor table, fs and signal
 * handlers, a forked child none of them; the order is consistent (one way
 * 1, the other 2); ESRCH, EBADF, EINVAL, and EPERM for another user's
 * process without CAP_SYS_PTRACE.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM };

static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y)
{
    return syscall(SYS_kcmp, a, b, type, x, y);
}

static volatile pid_t thread_tid;
static volatile int thread_done;

static void *thread(void *arg)
{
    (void)arg;
    thread_tid = syscall(SYS_gettid);
    while (!thread_done)
        usleep(1000);
    return NULL;
}

int main(void)
{
    pid_t me = getpid();
    int a = open("/a", O_CREAT | O_RDWR, 0644), b = open("/b", O_CREAT | O_RDWR, 0644);
    int d = dup(a);
    EQ(kcmp(me, me, KCMP_FILE, a, d), 0);
    long ab = kcmp(me, me, KCMP_FILE, a, b), ba = kcmp(me, me, KCMP_FILE, b, a);
    TRUE((ab == 1 && ba == 2) || (ab == 2 && ba == 1));

    SECTION("thread");
    pthread_t th;
    EQ(pthread_create(&th, NULL, thread, NULL), 0);
    while (!thread_tid)
        usleep(1000);
    EQ(kcmp(me, thread_tid, KCMP_VM, 0, 0), 0);
    EQ(kcmp(me, thread_tid, KCMP_FILES, 0, 0), 0);
    EQ(kcmp(me, thread_tid, KCMP_FS, 0, 0), 0);
    EQ(kcmp(me, thread_tid, KCMP_SIGHAND, 0, 0), 0);
    EQ(kcmp(me, thread_tid, KCMP_FILE, a, a), 0);
    thread_done = 1;
    pthread_join(th, NULL);

    SECTION("fork");
    int p[2];
    EQ(pipe(p), 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char x;
        read(p[0], &x, 1);
        _exit(0);
    }
    EQ(kcmp(me, c, KCMP_FILE, a, a), 0); /* the file is shared */
    TRUE(kcmp(me, c, KCMP_VM, 0, 0) > 0);
    TRUE(kcmp(me, c, KCMP_FILES, 0, 0) > 0);
    TRUE(kcmp(me, c, KCMP_FS, 0, 0) > 0);
    TRUE(kcmp(me, c, KCMP_SIGHAND, 0, 0) > 0);
    EQ(kcmp(me, c, KCMP_IO, 0, 0), 0); /* neither has an I/O context */
    /* The thread made the parent a semaphore undo list to share
     * (CLONE_SYSVSEM); fork gave the child none. */
    TRUE(kcmp(me, c, KCMP_SYSVSEM, 0, 0) > 0);

    SECTION("errors");
    ERR(kcmp(me, 99999, KCMP_VM, 0, 0), ESRCH);
    ERR(kcmp(99999, me, KCMP_VM, 0, 0), ESRCH);
    ERR(kcmp(me, me, KCMP_FILE, a, 999), EBADF);
    ERR(kcmp(me, me, KCMP_FILE, -1UL, a), EBADF);
    ERR(kcmp(me, me, 8, 0, 0), EINVAL);
    ERR(kcmp(me, me, -1, 0, 0), EINVAL);
    fflush(stdout);
    pid_t u = fork();
    if (u == 0) {
        if (setuid(1000))
            _exit(9);
        ERR(kcmp(getpid(), me, KCMP_VM, 0, 0), EPERM);
        EQ(kcmp(getpid(), getpid(), KCMP_VM, 0, 0), 0);
        fflush(stdout);
        _exit(summary());
    }
    int st;
    EQ(waitpid(u, &st, 0), u);
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    write(p[1], "x", 1);
    EQ(waitpid(c, &st, 0), c);
    return summary();
}
