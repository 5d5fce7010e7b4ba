/*
 * The robust futex list, checked the same way from both ABIs (included by
 * futex_robust.c, 64-bit musl, and i386/ia32_futex_robust.c, i386 glibc,
 * whose long and pointers are 4 bytes: the compat list). The includer gives
 * EQ(expr, value), ERR(expr, errno), TRUE(cond) and summary().
 *
 * A hand-built list (struct rhead, the ABI's robust_list_head) in a
 * MAP_SHARED page, registered by a child process or a thread that then dies
 * or execs: each word holding its TID gets FUTEX_OWNER_DIED (FUTEX_WAITERS
 * kept), a word with another TID is left alone, the pending entry is done
 * too, a circular list ends at ROBUST_LIST_LIMIT, and a waiter is woken. Then
 * libc's robust mutexes: the next locker gets EOWNERDEAD after the owner
 * thread exits and after the owner process (a pshared mutex) exits.
 */
#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define R_FUTEX_WAIT 0
#define R_WAITERS 0x80000000u
#define R_OWNER_DIED 0x40000000u

struct rlist {
    struct rlist *next;
};
struct rhead {
    struct rlist list;
    long futex_offset;
    struct rlist *pending;
};

/* The shared page: entries in the upper half, their words 1 KiB below
 * (a negative futex_offset), the head at the end. */
struct shared {
    uint32_t pad[256];
    uint32_t words[16]; /* entry i's word is W(i), an entry's size apart */
    uint32_t pad2[256 - 16];
    struct rlist entries[8];
    struct rhead head;
    pthread_mutex_t mutex;
};

static struct shared *sh;
#define W(i) (*(uint32_t *)((char *)&sh->words[0] + (i) * sizeof(struct rlist)))

static long set_list(struct rhead *h, size_t len) { return syscall(SYS_set_robust_list, h, len); }
static long get_list(int pid, struct rhead **h, size_t *len) { return syscall(SYS_get_robust_list, pid, h, len); }
static int tid(void) { return (int)syscall(SYS_gettid); }

static struct rlist *pi(struct rlist *e) { return (struct rlist *)((uintptr_t)e | 1); }

/* The list head -> entries[0] -> [1] (PI) -> [2] -> head; entries[3] pending. */
static void build_list(int me)
{
    memset(sh, 0, offsetof(struct shared, mutex));
    sh->head.futex_offset = (long)((char *)&W(0) - (char *)&sh->entries[0]);
    sh->head.list.next = &sh->entries[0];
    sh->entries[0].next = pi(&sh->entries[1]);
    sh->entries[1].next = &sh->entries[2];
    sh->entries[2].next = &sh->head.list;
    sh->head.pending = &sh->entries[3];
    W(0) = me;             /* ours: owner died */
    W(1) = me | R_WAITERS; /* ours, PI, with waiters: both bits, no wake */
    W(2) = me + 1;         /* another thread's: untouched */
    W(3) = me;             /* the pending one: owner died */
}

static void check_list(int me, const char *when)
{
    printf("-- %s\n", when);
    TRUE(W(0) == R_OWNER_DIED);
    TRUE(W(1) == (R_OWNER_DIED | R_WAITERS));
    TRUE(W(2) == (uint32_t)me + 1);
    TRUE(W(3) == R_OWNER_DIED);
}

static int wait_child(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void *list_thread(void *arg)
{
    int *me = arg;
    *me = tid();
    build_list(*me);
    if (set_list(&sh->head, sizeof(struct rhead)))
        return (void *)1;
    return NULL; /* the thread's exit walks it */
}

static void *lock_and_exit(void *arg)
{
    return (void *)(long)pthread_mutex_lock(arg);
}

static void raw_lists(const char *self)
{
    /* A child process that exits. */
    pid_t c = fork();
    if (c == 0) {
        build_list(tid());
        _exit(set_list(&sh->head, sizeof(struct rhead)) ? 1 : 0);
    }
    EQ(wait_child(c), 0);
    check_list(c, "process exit");

    /* A child killed by a signal. */
    int p[2];
    EQ(pipe(p), 0);
    c = fork();
    if (c == 0) {
        build_list(tid());
        set_list(&sh->head, sizeof(struct rhead));
        write(p[1], "x", 1);
        pause();
        _exit(1);
    }
    char b;
    EQ(read(p[0], &b, 1), 1);
    kill(c, SIGKILL);
    EQ(wait_child(c), 128 + SIGKILL);
    check_list(c, "killed by SIGKILL");

    /* A child that execs: the old program's locks are released. */
    c = fork();
    if (c == 0) {
        build_list(tid());
        set_list(&sh->head, sizeof(struct rhead));
        execl(self, self, "exit0", (char *)NULL);
        _exit(2);
    }
    EQ(wait_child(c), 0);
    check_list(c, "exec");

    /* A thread that exits, the process living on. */
    int me = 0;
    pthread_t t;
    void *ret;
    EQ(pthread_create(&t, NULL, list_thread, &me), 0);
    EQ(pthread_join(t, &ret), 0);
    TRUE(ret == NULL);
    check_list(me, "thread exit");

    /* A circular list that never comes back to the head: the walk ends. */
    c = fork();
    if (c == 0) {
        int m = tid();
        build_list(m);
        sh->head.list.next = &sh->entries[4];
        sh->entries[4].next = &sh->entries[4];
        W(4) = m;
        sh->head.pending = NULL;
        _exit(set_list(&sh->head, sizeof(struct rhead)) ? 1 : 0);
    }
    EQ(wait_child(c), 0);
    printf("-- circular list\n");
    TRUE(W(4) == R_OWNER_DIED);

    /* An unaligned futex_offset: nothing is written. */
    c = fork();
    if (c == 0) {
        build_list(tid());
        sh->head.futex_offset += 1;
        sh->head.pending = NULL;
        _exit(set_list(&sh->head, sizeof(struct rhead)) ? 1 : 0);
    }
    EQ(wait_child(c), 0);
    printf("-- unaligned word\n");
    TRUE(W(0) == (uint32_t)c);

    /* A waiter on a word with FUTEX_WAITERS is woken by the owner's death. */
    c = fork();
    if (c == 0) {
        int m = tid();
        build_list(m);
        W(0) = m | R_WAITERS;
        set_list(&sh->head, sizeof(struct rhead));
        write(p[1], "x", 1);
        struct timespec d = {0, 300000000};
        nanosleep(&d, NULL);
        _exit(0);
    }
    EQ(read(p[0], &b, 1), 1);
    struct timespec limit = {10, 0};
    EQ(syscall(SYS_futex, &W(0), R_FUTEX_WAIT, (uint32_t)c | R_WAITERS, &limit, NULL, 0), 0);
    TRUE(W(0) == (R_OWNER_DIED | R_WAITERS));
    EQ(wait_child(c), 0);
    close(p[0]);
    close(p[1]);
}

static void mutexes(void)
{
    pthread_mutexattr_t a;
    pthread_mutex_t m;
    pthread_t t;
    void *ret;

    printf("-- owner thread exits\n");
    EQ(pthread_mutexattr_init(&a), 0);
    EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
    EQ(pthread_mutex_init(&m, &a), 0);
    EQ(pthread_create(&t, NULL, lock_and_exit, &m), 0);
    EQ(pthread_join(t, &ret), 0);
    TRUE(ret == NULL);
    EQ(pthread_mutex_lock(&m), EOWNERDEAD);
    EQ(pthread_mutex_consistent(&m), 0);
    EQ(pthread_mutex_unlock(&m), 0);
    EQ(pthread_mutex_lock(&m), 0);
    EQ(pthread_mutex_unlock(&m), 0);

    printf("-- owner process exits (shared mutex)\n");
    EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
    EQ(pthread_mutex_init(&sh->mutex, &a), 0);
    pid_t c = fork();
    if (c == 0)
        _exit(pthread_mutex_lock(&sh->mutex));
    EQ(wait_child(c), 0);
    EQ(pthread_mutex_lock(&sh->mutex), EOWNERDEAD);
    EQ(pthread_mutex_consistent(&sh->mutex), 0);
    EQ(pthread_mutex_unlock(&sh->mutex), 0);

    printf("-- owner process exits while the next locker waits\n");
    int p[2];
    EQ(pipe(p), 0);
    c = fork();
    if (c == 0) {
        int r = pthread_mutex_lock(&sh->mutex);
        write(p[1], "x", 1);
        struct timespec d = {0, 300000000};
        nanosleep(&d, NULL);
        _exit(r);
    }
    char b;
    EQ(read(p[0], &b, 1), 1);
    EQ(pthread_mutex_lock(&sh->mutex), EOWNERDEAD);
    EQ(pthread_mutex_consistent(&sh->mutex), 0);
    EQ(pthread_mutex_unlock(&sh->mutex), 0);
    EQ(wait_child(c), 0);
    EQ(pthread_mutex_trylock(&sh->mutex), 0);
    EQ(pthread_mutex_unlock(&sh->mutex), 0);
}

static int robust_main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exit0"))
        return 0; /* the exec'd half of raw_lists */
    sh = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TRUE(sh != MAP_FAILED);
    setvbuf(stdout, NULL, _IONBF, 0);

    printf("-- the calls\n");
    struct rhead *h = NULL;
    size_t len = 0;
    EQ(get_list(0, &h, &len), 0);
    TRUE(len == sizeof(struct rhead));
    ERR(set_list(&sh->head, sizeof(struct rhead) - 1), EINVAL);
    ERR(set_list(&sh->head, sizeof(struct rhead) + 1), EINVAL);
    ERR(get_list(99999, &h, &len), ESRCH);
    ERR(get_list(0, NULL, &len), EFAULT);
    ERR(get_list(0, &h, NULL), EFAULT);
    EQ(get_list(getpid(), &h, &len), 0);

    raw_lists(argv[0]);
    mutexes();
    return summary();
}
