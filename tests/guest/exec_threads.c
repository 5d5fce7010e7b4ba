/*
 * execve in a process with several threads (fs/exec_thread.cpp, Linux's
 * de_thread): the other threads are gone, the program runs as a process of
 * one thread with the same pid, the same parent, the same children, and the
 * parent's waitpid sees the new program's exit. Once from a thread that is
 * not the leader (it takes the leader's pid) and once from the leader.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static const char *self;
static pid_t pid_before, ppid_before, grandchild;
static volatile int started;

static int task_count(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL); /* if it is not there yet */
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* The new program: what it sees of its process. */
static int after(char **argv)
{
    pid_t was = atoi(argv[2]), parent = atoi(argv[3]), child = atoi(argv[4]);
    TRUE(getpid() == was);
    TRUE(syscall(SYS_gettid) == getpid());
    TRUE(getppid() == parent);
    EQ(task_count(), 1);
    /* The child made before the exec is still ours. */
    int st;
    TRUE(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 5);
    return failures ? 1 : 7;
}

static void exec_again(void)
{
    char a[16], b[16], c[16];
    snprintf(a, sizeof a, "%d", pid_before);
    snprintf(b, sizeof b, "%d", ppid_before);
    snprintf(c, sizeof c, "%d", grandchild);
    execl(self, self, "after", a, b, c, (char *)NULL);
    _exit(99);
}

static void *spinner(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        ;
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        pause();
    return NULL;
}

static void *execer(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < 2)
        ;
    exec_again();
    return NULL;
}

/* The child process: a spinning and a sleeping thread, then the exec. */
static void child(int from_leader)
{
    pid_before = getpid();
    ppid_before = getppid();
    grandchild = fork();
    if (grandchild == 0) {
        usleep(20000);
        _exit(5);
    }
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    pthread_create(&t, NULL, sleeper, NULL);
    if (from_leader) {
        while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < 2)
            ;
        exec_again();
    }
    pthread_create(&t, NULL, execer, NULL);
    for (;;)
        pause(); /* the leader waits; the exec ends it */
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc == 5 && !strcmp(argv[1], "after"))
        return after(argv);
    for (int from_leader = 0; from_leader < 2; from_leader++) {
        SECTION(from_leader ? "exec from the leader" : "exec from another thread");
        pid_t pid = fork();
        if (pid == 0)
            child(from_leader);
        int st;
        TRUE(waitpid(pid, &st, 0) == pid);
        TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    }
    return summary();
}
