/*
 * proc_threads: a second thread as procfs shows it, the same on Linux:
 * /proc/self/task lists both thread ids, task/<tid>/stat and status describe
 * the thread (Pid = tid, Tgid = the process), /proc/self/status counts
 * Threads: 2, /proc/thread-self from the thread is "1/task/<tid>", a thread id
 * can be looked up at the top (/proc/<tid>) though readdir lists only
 * processes, and once the thread is joined its entries are gone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int tid_ready, may_exit;
static pid_t thread_tid;
static char thread_self[64];

#define CHECK(cond, ...)                 \
    do {                                 \
        if (!(cond)) {                   \
            printf("FAIL: " __VA_ARGS__); \
            printf("\n");                \
            failed = 1;                  \
        }                                \
    } while (0)

static char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *buf = calloc(1, 8192);
    ssize_t n = read(fd, buf, 8191);
    close(fd);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int status_int(const char *text, const char *key)
{
    const char *p = text ? strstr(text, key) : NULL;
    return p ? atoi(p + strlen(key)) : -1;
}

static void *thread_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    thread_tid = (pid_t)syscall(SYS_gettid);
    ssize_t n = readlink("/proc/thread-self", thread_self, sizeof(thread_self) - 1);
    thread_self[n > 0 ? n : 0] = 0;
    tid_ready = 1;
    pthread_cond_broadcast(&cond);
    while (!may_exit)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int list_tasks(int *ids, int max)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && n < max)
            ids[n++] = atoi(e->d_name);
    if (d)
        closedir(d);
    return n;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
        printf("FAIL: mkdir /proc: %s\n", strerror(errno));
    if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
        printf("FAIL: mount proc: %s\n", strerror(errno));
        return 1;
    }
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    pthread_mutex_lock(&lock);
    while (!tid_ready)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);

    int ids[8];
    int n = list_tasks(ids, 8);
    printf("task:");
    for (int i = 0; i < n; i++)
        printf(" %d", ids[i]);
    printf("\n");
    CHECK(n == 2 && ids[0] == 1 && ids[1] == thread_tid, "task should list 1 and the thread");
    printf("thread's /proc/thread-self -> %s\n", thread_self);
    char expect[64];
    snprintf(expect, sizeof(expect), "1/task/%d", (int)thread_tid);
    CHECK(!strcmp(thread_self, expect), "thread-self from the thread");

    char *s = slurp("/proc/self/status");
    printf("process Threads: %d\n", status_int(s, "Threads:\t"));
    CHECK(status_int(s, "Threads:\t") == 2, "Threads should be 2");
    free(s);

    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)thread_tid);
    s = slurp(path);
    int pid = status_int(s, "\nPid:\t"), tgid = status_int(s, "\nTgid:\t");
    printf("thread status: Pid is the tid: %s, Tgid: %d\n", pid == thread_tid ? "yes" : "no", tgid);
    CHECK(pid == thread_tid && tgid == 1, "thread status");
    free(s);
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)thread_tid);
    s = slurp(path);
    printf("thread stat starts with its tid: %s\n", s && atoi(s) == thread_tid ? "yes" : "no");
    CHECK(s && atoi(s) == thread_tid && strstr(s, " (proc_threads) "), "thread stat: %s", s ? s : "(none)");
    free(s);
    snprintf(path, sizeof(path), "/proc/self/task/%d/task", (int)thread_tid);
    struct stat st;
    CHECK(stat(path, &st) < 0 && errno == ENOENT, "a thread's directory has no task/");

    snprintf(path, sizeof(path), "/proc/%d/status", (int)thread_tid);
    s = slurp(path);
    printf("/proc/<tid> can be looked up: %s\n", s ? "yes" : "no");
    CHECK(s && status_int(s, "\nTgid:\t") == 1, "/proc/<tid>/status");
    free(s);
    DIR *d = opendir("/proc");
    struct dirent *e;
    int listed = 0;
    while (d && (e = readdir(d)))
        listed |= atoi(e->d_name) == thread_tid;
    closedir(d);
    printf("/proc lists the thread: %s\n", listed ? "yes" : "no");
    CHECK(!listed, "readdir of /proc lists processes only");

    pthread_mutex_lock(&lock);
    may_exit = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    pthread_join(th, NULL);
    /* The thread's exit is complete once the kernel has cleared its tid. */
    snprintf(path, sizeof(path), "/proc/self/task/%d", (int)thread_tid);
    int gone = 0;
    for (int tries = 0; tries < 1000 && !gone; tries++) {
        gone = stat(path, &st) < 0 && errno == ENOENT;
        if (!gone)
            usleep(1000);
    }
    printf("joined thread's entry gone: %s\n", gone ? "yes" : "no");
    CHECK(gone, "joined thread still in task/");
    n = list_tasks(ids, 8);
    printf("task after join: %d entr%s\n", n, n == 1 ? "y" : "ies");
    s = slurp("/proc/self/status");
    printf("process Threads: %d\n", status_int(s, "Threads:\t"));
    free(s);
    umount("/proc");
    printf("%s\n", failed ? "some checks failed" : "all as expected");
    return failed;
}
