/*
 * Linux native AIO (fs/aio.cpp, fs/aio_submit.cpp) through syscall(): the
 * ring io_setup maps (its header, /proc/self/maps, aio-nr), io_setup's and
 * io_submit's refusals, reads and writes (plain and vectored) completing
 * into the ring, fsync, RWF_NOWAIT on an empty pipe, the aio_resfd eventfd,
 * IOCB_CMD_POLL ready at once or completed later (io_getevents asleep until
 * another process writes the pipe), io_cancel, io_getevents' and
 * io_pgetevents' arguments and timeout, io_destroy and exit giving the
 * events back to aio-nr.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

/* Linux's include/uapi/linux/aio_abi.h */
enum { CMD_PREAD = 0, CMD_PWRITE = 1, CMD_FSYNC = 2, CMD_FDSYNC = 3, CMD_POLL = 5, CMD_NOOP = 6, CMD_PREADV = 7,
       CMD_PWRITEV = 8 };
#define FLAG_RESFD 1u
struct iocb_ {
    uint64_t data;
    uint32_t key;
    int32_t rw_flags;
    uint16_t opcode;
    int16_t reqprio;
    uint32_t fildes;
    uint64_t buf, nbytes;
    int64_t offset;
    uint64_t reserved2;
    uint32_t flags, resfd;
};
struct event_ {
    uint64_t data, obj;
    int64_t res, res2;
};
struct ring_ {
    unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
};
struct aio_sigset_ {
    const sigset_t *sigmask;
    size_t sigsetsize;
};

static long setup(long nr, unsigned long *ctx) { return syscall(SYS_io_setup, nr, ctx); }
static long destroy(unsigned long ctx) { return syscall(SYS_io_destroy, ctx); }
static long submit(unsigned long ctx, long nr, struct iocb_ **cbs) { return syscall(SYS_io_submit, ctx, nr, cbs); }
static long getevents(unsigned long ctx, long min, long nr, struct event_ *ev, struct timespec *ts)
{
    return syscall(SYS_io_getevents, ctx, min, nr, ev, ts);
}

static struct iocb_ cb;
static struct iocb_ *cbs[1] = {&cb};

static long one(unsigned long ctx, int op, int fd, void *buf, size_t n, long long off)
{
    memset(&cb, 0, sizeof(cb));
    cb.key = 77; /* the kernel sets it to 0 */
    cb.opcode = (uint16_t)op;
    cb.fildes = (uint32_t)fd;
    cb.buf = (uintptr_t)buf;
    cb.nbytes = n;
    cb.offset = off;
    cb.data = 0x1234;
    return submit(ctx, 1, cbs);
}

/* The event of the request just submitted: its result, checked to be ours. */
static long reap(unsigned long ctx)
{
    struct event_ ev;
    struct timespec ts = {1, 0};
    long n = getevents(ctx, 1, 1, &ev, &ts);
    if (n != 1)
        return -1000 - n;
    if (ev.obj != (uintptr_t)&cb || ev.data != 0x1234)
        return -2000;
    return (long)ev.res;
}

static long aio_nr(void)
{
    long v = -1;
    FILE *f = fopen("/proc/sys/fs/aio-nr", "r");
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -2;
        fclose(f);
    }
    return v;
}

static int maps_has(unsigned long addr, const char *name)
{
    char line[512];
    int found = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == addr && strstr(line, name))
            found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    unsigned long ctx = 0, bad = 5;
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    SECTION("io_setup");
    long max_nr = -1;
    FILE *f = fopen("/proc/sys/fs/aio-max-nr", "r");
    TRUE(f && fscanf(f, "%ld", &max_nr) == 1);
    if (f)
        fclose(f);
    EQ(max_nr, 65536);
    EQ(aio_nr(), 0);
    ERR(setup(1, NULL), EFAULT);
    ERR(setup(1, &bad), EINVAL);
    ERR(setup(0, &ctx), EINVAL);
    ERR(setup(-1, &ctx), EINVAL);
    ERR(setup(max_nr + 1, &ctx), EAGAIN);
    EQ(setup(1, &ctx), 0);
    struct ring_ *ring = (struct ring_ *)ctx;
    TRUE(ctx != 0 && (ctx & 4095) == 0);
    EQ(ring->id, 0);
    EQ(ring->nr, 127);
    EQ(ring->head, 0);
    EQ(ring->tail, 0);
    EQ(ring->magic, 0xa10a10a1);
    EQ(ring->compat_features, 1);
    EQ(ring->incompat_features, 0);
    EQ(ring->header_length, 32);
    TRUE(maps_has(ctx, "/[aio] (deleted)"));
    EQ(aio_nr(), 1);
    unsigned long ctx2 = 0;
    EQ(setup(10, &ctx2), 0);
    EQ(((struct ring_ *)ctx2)->id, 1);
    EQ(aio_nr(), 11);

    SECTION("read and write");
    int fd = open("/tmp/aio_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    TRUE(fd >= 0);
    char buf[64] = "hello, ring";
    EQ(one(ctx, CMD_PWRITE, fd, buf, 11, 0), 1);
    EQ(cb.key, 0);
    EQ(ring->tail, 1);
    EQ(reap(ctx), 11);
    EQ(ring->head, 1);
    memset(buf, 0, sizeof(buf));
    EQ(one(ctx, CMD_PREAD, fd, buf, 5, 7), 1);
    EQ(reap(ctx), 4);
    EQ(strcmp(buf, "ring"), 0);
    EQ(lseek(fd, 0, SEEK_CUR), 0);
    char a[3] = "ab", b[3] = "cd";
    struct iovec wv[2] = {{a, 2}, {b, 2}};
    EQ(one(ctx, CMD_PWRITEV, fd, wv, 2, 20), 1);
    EQ(reap(ctx), 4);
    char r1[2], r2[8];
    struct iovec rv[2] = {{r1, 2}, {r2, 8}};
    EQ(one(ctx, CMD_PREADV, fd, rv, 2, 19), 1);
    EQ(reap(ctx), 5);
    EQ(r1[0], 0);
    EQ(r1[1], 'a');
    EQ(memcmp(r2, "bcd", 3), 0);
    EQ(one(ctx, CMD_FSYNC, fd, NULL, 0, 0), 1);
    EQ(reap(ctx), 0);
    EQ(one(ctx, CMD_FDSYNC, fd, NULL, 0, 0), 1);
    EQ(reap(ctx), 0);
    EQ(one(ctx, CMD_PREAD, fd, buf, 0, 0), 1);
    EQ(reap(ctx), 0);
    EQ(submit(ctx, 0, NULL), 0);
    struct event_ ev[4];
    struct timespec zero = {0, 0};
    EQ(getevents(ctx, 0, 4, ev, &zero), 0);

    SECTION("io_submit errors");
    int p[2];
    TRUE(pipe(p) == 0);
    int wo = open("/tmp/aio_file", O_WRONLY);
    ERR(submit(bad, 1, cbs), EINVAL);
    ERR(submit(0, 1, cbs), EINVAL);
    ERR(submit(ctx, -1, cbs), EINVAL);
    ERR(submit(ctx, 1, (struct iocb_ **)-1), EFAULT);
    struct iocb_ *nulls[1] = {NULL};
    ERR(submit(ctx, 1, nulls), EFAULT);
    ERR(one(ctx, CMD_PREAD, -1, buf, 5, 0), EBADF);
    ERR(one(ctx, CMD_PREAD, wo, buf, 5, 0), EBADF);
    ERR(one(ctx, CMD_PWRITE, p[0], buf, 5, 0), EBADF);
    ERR(one(ctx, 4, fd, buf, 5, 0), EINVAL);
    ERR(one(ctx, CMD_NOOP, fd, buf, 5, 0), EINVAL);
    ERR(one(ctx, 99, fd, buf, 5, 0), EINVAL);
    ERR(one(ctx, CMD_PREAD, fd, buf, 5, -1), EINVAL);
    ERR(one(ctx, CMD_PREAD, fd, (void *)-4096L, 5, 0), EFAULT);
    ERR(one(ctx, CMD_PREAD, fd, buf, (size_t)-1, 0), EINVAL);
    ERR(one(ctx, CMD_FSYNC, fd, buf, 0, 0), EINVAL);
    ERR(one(ctx, CMD_FSYNC, p[0], NULL, 0, 0), EINVAL);
    ERR(one(ctx, CMD_PREADV, fd, rv, 2000, 0), EINVAL);
    memset(&cb, 0, sizeof(cb));
    cb.fildes = (uint32_t)fd;
    cb.reserved2 = 1;
    ERR(submit(ctx, 1, cbs), EINVAL);
    cb.reserved2 = 0;
    cb.rw_flags = 0x100;
    ERR(submit(ctx, 1, cbs), EOPNOTSUPP);
    cb.rw_flags = 8; /* RWF_NOWAIT: 6.1's tmpfs files lack FMODE_NOWAIT */
    cb.buf = (uintptr_t)buf;
    cb.nbytes = 4;
    ERR(submit(ctx, 1, cbs), EOPNOTSUPP);
    /* two requests, the second bad: the count of the first */
    struct iocb_ good = {.opcode = CMD_PREAD, .fildes = (uint32_t)fd, .buf = (uintptr_t)buf, .nbytes = 2};
    struct iocb_ badcb = {.opcode = CMD_PREAD, .fildes = (uint32_t)-1};
    struct iocb_ *two[2] = {&good, &badcb};
    EQ(submit(ctx, 2, two), 1);
    EQ(getevents(ctx, 1, 4, ev, &zero), 1);
    EQ(ev[0].res, 2);

    SECTION("RWF_NOWAIT and aio_resfd");
    memset(&cb, 0, sizeof(cb));
    cb.opcode = CMD_PREAD;
    cb.fildes = (uint32_t)p[0];
    cb.buf = (uintptr_t)buf;
    cb.nbytes = 8;
    cb.rw_flags = 8; /* and so do its pipes */
    cb.data = 0x1234;
    ERR(submit(ctx, 1, cbs), EOPNOTSUPP);
    int efd = eventfd(0, EFD_NONBLOCK);
    cb.rw_flags = 0;
    cb.flags = FLAG_RESFD;
    cb.resfd = (uint32_t)fd;
    ERR(submit(ctx, 1, cbs), EINVAL);
    cb.resfd = 999;
    ERR(submit(ctx, 1, cbs), EBADF);
    cb.resfd = (uint32_t)efd;
    cb.opcode = CMD_PWRITE;
    cb.fildes = (uint32_t)p[1];
    EQ(submit(ctx, 1, cbs), 1);
    uint64_t count = 0;
    EQ(read(efd, &count, 8), 8);
    EQ(count, 1);
    EQ(reap(ctx), 8);
    EQ(read(p[0], buf, sizeof(buf)), 8);

    SECTION("poll");
    memset(&cb, 0, sizeof(cb));
    cb.opcode = CMD_POLL;
    cb.fildes = (uint32_t)p[0];
    cb.buf = POLLIN;
    cb.data = 0x1234;
    cb.offset = 1;
    ERR(submit(ctx, 1, cbs), EINVAL);
    cb.offset = 0;
    cb.buf = 0x10000;
    ERR(submit(ctx, 1, cbs), EINVAL);
    cb.buf = POLLIN;
    EQ(write(p[1], "x", 1), 1);
    EQ(submit(ctx, 1, cbs), 1);
    EQ(reap(ctx), POLLIN);
    EQ(read(p[0], buf, 1), 1);
    EQ(submit(ctx, 1, cbs), 1); /* queued: the pipe is empty */
    EQ(getevents(ctx, 1, 1, ev, &zero), 0);
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        (void)!write(p[1], "y", 1);
        _exit(0);
    }
    EQ(reap(ctx), POLLIN | POLLRDNORM); /* asleep until the child writes: the pipe's wake-up mask */
    int status;
    EQ(waitpid(child, &status, 0), child);
    EQ(read(p[0], buf, 1), 1);
    ERR(syscall(SYS_io_cancel, ctx, &cb, ev), EINVAL); /* completed */
    cb.key = 1;
    ERR(syscall(SYS_io_cancel, ctx, &cb, ev), EINVAL);
    ERR(syscall(SYS_io_cancel, ctx, (void *)-4096L, ev), EFAULT);
    EQ(submit(ctx, 1, cbs), 1);
    ERR(syscall(SYS_io_cancel, bad, &cb, ev), EINVAL);
    ERR(syscall(SYS_io_cancel, ctx, &cb, ev), EINPROGRESS);
    EQ(reap(ctx), 0);

    SECTION("io_getevents");
    struct timespec ms10 = {0, 10000000};
    ERR(getevents(bad, 1, 1, ev, &ms10), EINVAL);
    ERR(getevents(ctx, 2, 1, ev, &ms10), EINVAL);
    ERR(getevents(ctx, -1, 1, ev, &ms10), EINVAL);
    ERR(getevents(ctx, 1, 1, ev, (struct timespec *)-4096L), EFAULT);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EQ(getevents(ctx, 1, 1, ev, &ms10), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long waited = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    TRUE(waited >= 10000000);
    EQ(one(ctx, CMD_PREAD, fd, buf, 3, 0), 1);
    EQ(one(ctx, CMD_PREAD, fd, buf, 4, 0), 1);
    ERR(getevents(ctx, 1, 2, NULL, &ms10), EFAULT);
    EQ(ring->tail - ring->head, 2);
    EQ(getevents(ctx, 1, 1, ev, &ms10), 1);
    EQ(ev[0].res, 3);
    EQ(getevents(ctx, 1, 4, ev, NULL), 1);
    EQ(ev[0].res, 4);

    SECTION("io_pgetevents");
    sigset_t mask;
    sigemptyset(&mask);
    struct aio_sigset_ ss = {&mask, 8};
    EQ(one(ctx, CMD_PREAD, fd, buf, 5, 0), 1);
    ERR(syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &ms10, (void *)-4096L), EFAULT);
    ss.sigsetsize = 4;
    ERR(syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &ms10, &ss), EINVAL);
    ss.sigsetsize = 8;
    ss.sigmask = (const sigset_t *)-4096L;
    ERR(syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &ms10, &ss), EFAULT);
    ss.sigmask = &mask;
    ERR(syscall(SYS_io_pgetevents, bad, 1, 1, ev, &ms10, &ss), EINVAL);
    EQ(syscall(SYS_io_pgetevents, ctx, 1, 1, ev, &ms10, &ss), 1);
    EQ(ev[0].res, 5);
    EQ(syscall(SYS_io_pgetevents, ctx, 0, 1, ev, &zero, NULL), 0);

    SECTION("io_destroy and exit");
    ERR(destroy(bad), EINVAL);
    ERR(destroy(0), EINVAL);
    EQ(destroy(ctx2), 0);
    EQ(aio_nr(), 1);
    ERR(destroy(ctx2), EINVAL);
    EQ(destroy(ctx), 0);
    EQ(aio_nr(), 0);
    TRUE(!maps_has(ctx, "aio"));
    ERR(submit(ctx, 1, cbs), EINVAL);
    ERR(getevents(ctx, 0, 1, ev, &zero), EINVAL);
    child = fork();
    if (child == 0) {
        unsigned long c = 0;
        _exit(setup(100, &c) == 0 && aio_nr() == 100 ? 0 : 1);
    }
    EQ(waitpid(child, &status, 0), child);
    EQ(status, 0);
    EQ(aio_nr(), 0);
    close(fd);
    close(wo);
    unlink("/tmp/aio_file");
    return summary();
}
