/* File locks and shared futexes: flock between open file descriptions
 * (EWOULDBLOCK, conversion, release at the last close), POSIX record locks
 * seen from another process (F_GETLK's type, range and pid after splits and
 * merges), the close-of-any-descriptor rule, F_SETLKW waiting and its
 * EDEADLK, OFD locks against POSIX ones, and futexes in MAP_SHARED memory
 * waking another process; compared with Linux. */
#define _GNU_SOURCE
#include <fcntl.h>
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define PATH "/tmp/locks.dat"

static int lk(int fd, int cmd, short type, long start, long len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* In a child: F_GETLK for a write lock on [start, start + len); prints what is in the way. */
static void probe(const char *what, long start, long len)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(PATH, O_RDWR);
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
        fcntl(fd, F_GETLK, &fl);
        printf("%s: type %s start %ld len %ld pid %s\n", what,
               fl.l_type == F_RDLCK ? "F_RDLCK" : fl.l_type == F_WRLCK ? "F_WRLCK" : "F_UNLCK", (long)fl.l_start,
               (long)fl.l_len, fl.l_type == F_UNLCK ? "-" : fl.l_pid == parent ? "parent" : "other");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

static long futex(uint32_t *a, int op, uint32_t v, const struct timespec *t)
{
    return syscall(SYS_futex, a, op, v, t, NULL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/tmp", 01777);
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789abcdefghij", 20);

    /* flock: held by the open file description. */
    int other = open(PATH, O_RDWR);
    EQ(flock(fd, LOCK_SH), 0);
    EQ(flock(other, LOCK_SH | LOCK_NB), 0);
    ERR(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    EQ(flock(fd, LOCK_UN), 0);
    EQ(flock(other, LOCK_EX | LOCK_NB), 0); /* converted: the shared lock went first */
    ERR(flock(fd, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    int dup_other = dup(other);
    close(other);
    ERR(flock(fd, LOCK_SH | LOCK_NB), EWOULDBLOCK); /* the description lives on in the dup */
    close(dup_other);
    EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
    EQ(flock(fd, LOCK_UN), 0);
    ERR(flock(fd, 0), EINVAL);
    ERR(flock(99, LOCK_SH), EBADF);

    /* POSIX locks, seen from a child. */
    EQ(lk(fd, F_SETLK, F_WRLCK, 10, 5), 0);
    EQ(lk(fd, F_SETLK, F_RDLCK, 1, 5), 0);
    probe("whole file", 0, 0);
    probe("from 6", 6, 0);
    probe("from 15", 15, 0);
    EQ(lk(fd, F_SETLK, F_RDLCK, 12, 1), 0); /* splits the write lock */
    probe("from 11", 11, 0);
    probe("from 13", 13, 0);
    EQ(lk(fd, F_SETLK, F_RDLCK, 6, 4), 0); /* touches [1,5]: merges with it */
    probe("from 0 again", 0, 0);
    EQ(lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
    probe("after unlocking all", 0, 0);
    struct flock bad = {.l_type = F_WRLCK, .l_whence = 7};
    ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
    bad.l_whence = SEEK_SET;
    bad.l_start = -5;
    ERR(fcntl(fd, F_SETLK, &bad), EINVAL);
    int rd = open(PATH, O_RDONLY);
    ERR(lk(rd, F_SETLK, F_WRLCK, 0, 1), EBADF);

    /* Closing any descriptor of the file drops the process's locks. */
    EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
    close(rd);
    probe("after closing another descriptor", 0, 0);

    /* A child blocked in F_SETLKW gets the lock when the parent lets go;
     * two processes waiting for each other: EDEADLK. */
    EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open(PATH, O_RDWR);
        lk(cfd, F_SETLK, F_WRLCK, 5, 1);
        write(p[1], "x", 1);
        int r = lk(cfd, F_SETLKW, F_WRLCK, 0, 1); /* waits for the parent */
        _exit(r == 0 ? 0 : 1);
    }
    char c;
    read(p[0], &c, 1);
    usleep(50000);
    ERR(lk(fd, F_SETLKW, F_WRLCK, 5, 1), EDEADLK);
    EQ(lk(fd, F_SETLK, F_UNLCK, 0, 1), 0);
    int st;
    waitpid(pid, &st, 0);
    truth("the waiter got the lock", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* OFD locks belong to the description: they conflict with this
     * process's POSIX locks, and with each other across descriptions. */
    EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
    int o1 = open(PATH, O_RDWR), o2 = open(PATH, O_RDWR);
    ERR(lk(o1, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);
    EQ(lk(o1, F_OFD_SETLK, F_WRLCK, 3, 1), 0);
    ERR(lk(o2, F_OFD_SETLK, F_RDLCK, 3, 1), EAGAIN);
    struct flock ofd_pid = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 1, .l_pid = 1};
    ERR(fcntl(o2, F_OFD_SETLK, &ofd_pid), EINVAL);
    struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 1};
    EQ(fcntl(o2, F_OFD_GETLK, &q), 0);
    printf("OFD F_GETLK: type %d pid %d\n", q.l_type, q.l_pid);
    close(o1);
    EQ(lk(o2, F_OFD_SETLK, F_RDLCK, 3, 1), 0);

    /* Futexes in shared memory: a child waits, the parent wakes it. */
    uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *word = 0;
    pid = fork();
    if (pid == 0) {
        struct timespec t = {5, 0};
        long r = futex(word, FUTEX_WAIT, 0, &t);
        _exit(r == 0 ? 0 : 1);
    }
    usleep(50000);
    long woken = 0;
    for (int i = 0; i < 100 && !woken; i++) {
        woken = futex(word, FUTEX_WAKE, 1, NULL);
        if (!woken)
            usleep(10000);
    }
    EQ(woken, 1);
    waitpid(pid, &st, 0);
    truth("the child in shared memory was woken", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* A shared file mapping at different addresses in two processes. */
    ftruncate(fd, 4096);
    uint32_t *m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m1[4] = 0;
    pid = fork();
    if (pid == 0) {
        munmap(m1, 4096);
        uint32_t *m2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        struct timespec t = {5, 0};
        long r = futex(m2 + 4, FUTEX_WAIT, 0, &t);
        _exit(r == 0 ? 0 : 1);
    }
    usleep(50000);
    woken = 0;
    for (int i = 0; i < 100 && !woken; i++) {
        woken = futex(m1 + 4, FUTEX_WAKE, 1, NULL);
        if (!woken)
            usleep(10000);
    }
    EQ(woken, 1);
    waitpid(pid, &st, 0);
    truth("the child mapping the file elsewhere was woken", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* A private futex stays in its address space. */
    EQ(futex(word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL), 0);
    return summary();
}
