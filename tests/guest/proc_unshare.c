/* unshare(2) and vhangup(2), compared with Linux: unshare's flag checks, what
 * CLONE_FILES, CLONE_FS and CLONE_SYSVSEM really unshare (a clone sharing the
 * table or the directories, a semaphore's undo), CLONE_VM, CLONE_SIGHAND and
 * CLONE_THREAD accepted alone and refused beside a second thread, the
 * namespace flags without CAP_SYS_ADMIN; vhangup without CAP_SYS_TTY_CONFIG
 * and without a controlling terminal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static int fd_probe = -1;
static int do_unshare;
static char stack[65536] __attribute__((aligned(16)));

static int child_files(void *arg)
{
    (void)arg;
    if (do_unshare && unshare(CLONE_FILES) != 0)
        return 3;
    close(fd_probe);
    return 0;
}

static int child_fs(void *arg)
{
    (void)arg;
    if (do_unshare && unshare(CLONE_FS) != 0)
        return 3;
    if (chdir("/tmp") != 0)
        return 4;
    umask(077);
    return 0;
}

static int run_clone(int (*fn)(void *), int flags)
{
    pid_t pid = clone(fn, stack + sizeof stack, flags | SIGCHLD, NULL);
    if (pid < 0)
        return -1;
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static volatile int thread_go;
static void *thread_fn(void *arg)
{
    (void)arg;
    while (!thread_go)
        usleep(1000);
    return NULL;
}

static int in_child_as(uid_t uid, void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0; /* the child's own */
        if (uid && setuid(uid) != 0)
            _exit(2);
        fn();
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static void unprivileged(void)
{
    ERR(unshare(CLONE_NEWNS), EPERM);
    ERR(unshare(CLONE_NEWUTS), EPERM);
    ERR(unshare(CLONE_NEWIPC), EPERM);
    ERR(unshare(CLONE_NEWNET), EPERM);
    ERR(unshare(CLONE_NEWPID), EPERM);
    ERR(unshare(CLONE_NEWCGROUP), EPERM);
    ERR(unshare(-1), EINVAL);
    EQ(unshare(CLONE_FILES | CLONE_FS | CLONE_SYSVSEM), 0);
    ERR(syscall(SYS_vhangup), EPERM);
}

/* Printed, not checked: the one declared difference (no namespaces here). */
static void root_namespace(void)
{
    errno = 0;
    int r = unshare(CLONE_NEWUTS);
    printf("root: unshare(CLONE_NEWUTS) = %d %s\n", r, r ? ename(errno) : "");
}

static void no_ctty(void)
{
    TRUE(setsid() == getpid());
    EQ(syscall(SYS_vhangup), 0);
    EQ(write(1, "", 0), 0); /* the console is not hung up */
}

int main(void)
{
    SECTION("flags");
    ERR(unshare(-1), EINVAL);
    ERR(unshare(CLONE_PARENT), EINVAL);
    ERR(unshare(CLONE_VFORK), EINVAL);
    ERR(unshare(CLONE_SETTLS), EINVAL);
    ERR(unshare(0x80000000), EINVAL); /* CLONE_IO */
    EQ(unshare(0), 0);
    EQ(unshare(CLONE_FILES), 0);
    EQ(unshare(CLONE_FS), 0);
    EQ(unshare(CLONE_SYSVSEM), 0);
    EQ(unshare(CLONE_THREAD), 0);
    EQ(unshare(CLONE_SIGHAND), 0);
    EQ(unshare(CLONE_VM), 0);
    EQ(unshare(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FILES | CLONE_FS), 0);

    SECTION("CLONE_FILES");
    fd_probe = open("/", O_RDONLY);
    do_unshare = 0;
    EQ(run_clone(child_files, CLONE_FILES), 0);
    ERR(fcntl(fd_probe, F_GETFD), EBADF); /* the shared table lost it */
    fd_probe = open("/", O_RDONLY);
    do_unshare = 1;
    EQ(run_clone(child_files, CLONE_FILES), 0);
    EQ(fcntl(fd_probe, F_GETFD), 0); /* the child closed its own copy */
    close(fd_probe);

    SECTION("CLONE_FS");
    char cwd[64];
    mkdir("/tmp", 0777);
    do_unshare = 0;
    EQ(run_clone(child_fs, CLONE_FS), 0);
    TRUE(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp") == 0);
    EQ(umask(022), 077);
    EQ(chdir("/"), 0);
    do_unshare = 1;
    EQ(run_clone(child_fs, CLONE_FS), 0);
    TRUE(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0);
    EQ(umask(022), 022);

    SECTION("CLONE_SYSVSEM");
    int sem = semget(IPC_PRIVATE, 1, 0600);
    TRUE(sem >= 0);
    struct sembuf up = {0, 2, SEM_UNDO};
    EQ(semop(sem, &up, 1), 0);
    EQ(semctl(sem, 0, GETVAL), 2);
    EQ(unshare(CLONE_SYSVSEM), 0); /* the undo is done, as at exit */
    EQ(semctl(sem, 0, GETVAL), 0);
    EQ(semctl(sem, 0, IPC_RMID), 0);

    SECTION("a second thread");
    pthread_t th;
    EQ(pthread_create(&th, NULL, thread_fn, NULL), 0);
    ERR(unshare(CLONE_THREAD), EINVAL);
    ERR(unshare(CLONE_SIGHAND), EINVAL);
    ERR(unshare(CLONE_VM), EINVAL);
    ERR(unshare(CLONE_VM | CLONE_FILES), EINVAL);
    EQ(unshare(CLONE_FILES), 0);
    EQ(unshare(CLONE_FS), 0);
    thread_go = 1;
    EQ(pthread_join(th, NULL), 0); /* (the thread may still be leaving the group: not asked again) */

    SECTION("without CAP_SYS_ADMIN");
    EQ(in_child_as(1000, unprivileged), 0);
    SECTION("root's namespace");
    EQ(in_child_as(0, root_namespace), 0);
    SECTION("vhangup without a controlling terminal");
    EQ(in_child_as(0, no_ctty), 0);
    return summary();
}
