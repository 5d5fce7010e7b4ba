/*
 * limits: resource limits as Linux keeps and enforces them (kernel/sys.c
 * do_prlimit, include/asm-generic/resource.h INIT_RLIMITS, fs/file.c,
 * kernel/fork.c copy_process, mm/mmap.c, fs/read_write.c
 * generic_write_check_limits; getrlimit(2), prlimit(2)).
 *   - the first process starts with Linux's INIT_RLIMITS: NOFILE 1024/4096,
 *     STACK 8 MiB/unlimited, CORE 0/unlimited, MEMLOCK 8 MiB (Linux 5.16+),
 *     MSGQUEUE 819200, NICE and RTPRIO 0, the rest unlimited.
 *   - setrlimit/prlimit64: EINVAL for cur > max and a bad resource; root may
 *     raise a hard limit, but not NOFILE above nr_open (EPERM); prlimit64
 *     returns the old value while setting, works on a child, ESRCH for a
 *     missing pid, EPERM on another user's process.
 *   - as a non-root user: lowering the hard limit is fine, raising it EPERM,
 *     the soft limit moves freely below the hard one.
 *   - RLIMIT_NOFILE: open, dup and pipe fail with EMFILE at the limit;
 *     dup2 to a number above it is EBADF, F_DUPFD EINVAL; descriptors above it
 *     still work.
 *   - RLIMIT_NPROC as uid 1000: a fork bomb is contained (EAGAIN), exactly
 *     limit - 1 forks succeed in all; root is not limited.
 *   - RLIMIT_FSIZE: a write is cut at the limit, then EFBIG with SIGXFSZ
 *     ignored; by default SIGXFSZ kills.
 *   - RLIMIT_AS: a mapping past it is ENOMEM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define INF RLIM_INFINITY
/* Prints a limit and checks it against Linux's INIT_RLIMITS. */
static void show(const char *name, int res, rlim_t want_cur, rlim_t want_max)
{
    struct rlimit rl;
    getrlimit(res, &rl);
    printf("%s: ", name);
    if (rl.rlim_cur == RLIM_INFINITY)
        printf("unlimited / ");
    else
        printf("%llu / ", (unsigned long long)rl.rlim_cur);
    if (rl.rlim_max == RLIM_INFINITY)
        printf("unlimited\n");
    else
        printf("%llu\n", (unsigned long long)rl.rlim_max);
    checks++;
    if (rl.rlim_cur != want_cur || rl.rlim_max != want_max) {
        failures++;
        printf("FAIL: %s: not Linux's initial value\n", name);
    }
}

static long prlimit_raw(pid_t pid, int res, const struct rlimit *nw, struct rlimit *old)
{
    return syscall(SYS_prlimit64, pid, res, nw, old);
}

static int wait_status(pid_t c)
{
    int st = -1;
    waitpid(c, &st, 0);
    return st;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct rlimit rl, old;

    SECTION("the first process's limits");
    show("RLIMIT_NOFILE", RLIMIT_NOFILE, 1024, 4096);
    show("RLIMIT_STACK", RLIMIT_STACK, 8 << 20, INF);
    show("RLIMIT_CORE", RLIMIT_CORE, 0, INF);
    show("RLIMIT_MEMLOCK", RLIMIT_MEMLOCK, 8 << 20, 8 << 20);
    show("RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE, 819200, 819200);
    show("RLIMIT_NICE", RLIMIT_NICE, 0, 0);
    show("RLIMIT_RTPRIO", RLIMIT_RTPRIO, 0, 0);
    show("RLIMIT_CPU", RLIMIT_CPU, INF, INF);
    show("RLIMIT_FSIZE", RLIMIT_FSIZE, INF, INF);
    show("RLIMIT_DATA", RLIMIT_DATA, INF, INF);
    show("RLIMIT_AS", RLIMIT_AS, INF, INF);
    show("RLIMIT_RSS", RLIMIT_RSS, INF, INF);
    show("RLIMIT_LOCKS", RLIMIT_LOCKS, INF, INF);
    show("RLIMIT_RTTIME", RLIMIT_RTTIME, INF, INF);
    getrlimit(RLIMIT_NPROC, &rl);
    TRUE(rl.rlim_cur == rl.rlim_max && rl.rlim_cur > 100); /* depends on the memory size */
    getrlimit(RLIMIT_SIGPENDING, &rl);
    TRUE(rl.rlim_cur == rl.rlim_max && rl.rlim_cur > 100);

    SECTION("setrlimit and prlimit64 as root");
    rl = (struct rlimit){200, 100};
    ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
    ERR(syscall(SYS_setrlimit, 16, &rl), EINVAL);
    ERR(syscall(SYS_getrlimit, 16, &rl), EINVAL);
    ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8), EFAULT);
    rl = (struct rlimit){1024, 8192};
    EQ(setrlimit(RLIMIT_NOFILE, &rl), 0); /* root raises the hard limit */
    rl = (struct rlimit){1024, 2000000};
    ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM); /* above nr_open (1048576) */
    rl = (struct rlimit){512, 8192};
    EQ(prlimit_raw(0, RLIMIT_NOFILE, &rl, &old), 0);
    EQ(old.rlim_cur, 1024);
    EQ(old.rlim_max, 8192);
    EQ(prlimit_raw(getpid(), RLIMIT_NOFILE, NULL, &old), 0);
    EQ(old.rlim_cur, 512);
    ERR(prlimit_raw(99999, RLIMIT_NOFILE, NULL, &old), ESRCH);
    rl = (struct rlimit){1024, 4096};
    EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            char x;
            close(p[1]);
            read(p[0], &x, 1);
            struct rlimit mine;
            getrlimit(RLIMIT_CORE, &mine);
            _exit(mine.rlim_cur == 12345 ? 0 : 1);
        }
        close(p[0]);
        rl = (struct rlimit){12345, RLIM_INFINITY};
        EQ(prlimit_raw(c, RLIMIT_CORE, &rl, &old), 0); /* on a child */
        EQ(old.rlim_cur, 0);
        close(p[1]);
        EQ(wait_status(c), 0);
    }

    SECTION("as uid 1000");
    {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t rootkid = fork();
        if (rootkid == 0) {
            char x;
            close(p[1]);
            read(p[0], &x, 1);
            _exit(0);
        }
        close(p[0]);
        pid_t c = fork();
        if (c == 0) {
            checks = failures = 0;
            close(p[1]);
            setresgid(1000, 1000, 1000);
            setresuid(1000, 1000, 1000);
            rl = (struct rlimit){100, 200};
            EQ(setrlimit(RLIMIT_NOFILE, &rl), 0); /* lowering */
            rl = (struct rlimit){100, 300};
            ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM); /* raising the hard limit */
            rl = (struct rlimit){200, 200};
            EQ(setrlimit(RLIMIT_NOFILE, &rl), 0); /* the soft one up to the hard one */
            rl = (struct rlimit){201, 200};
            ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
            ERR(prlimit_raw(rootkid, RLIMIT_NOFILE, NULL, &old), EPERM); /* even to read */
            ERR(prlimit_raw(1, RLIMIT_CORE, NULL, &old), EPERM);
            EQ(prlimit_raw(getpid(), RLIMIT_NOFILE, NULL, &old), 0);
            fflush(stdout);
            _exit(failures ? 1 : 0);
        }
        EQ(wait_status(c), 0);
        close(p[1]);
        wait_status(rootkid);
    }

    SECTION("RLIMIT_NOFILE");
    {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            checks = failures = 0;
            int high = dup2(0, 50); /* above the limit to come */
            rl = (struct rlimit){10, 4096};
            setrlimit(RLIMIT_NOFILE, &rl);
            int n = 0, fd;
            while ((fd = open("/", O_RDONLY)) >= 0)
                n++;
            int e = errno;
            printf("opened %d more (fds 0-2 were open)\n", n);
            EQ(n, 7);
            EQ(e, EMFILE);
            ERR(open("/", O_RDONLY), EMFILE);
            ERR(dup(0), EMFILE);
            int p[2];
            ERR(pipe(p), EMFILE);
            ERR(dup2(0, 10), EBADF);
            ERR(fcntl(0, F_DUPFD, 10), EINVAL);
            EQ(fcntl(high, F_GETFD), 0); /* still usable above the limit */
            EQ(close(high), 0);
            close(9);
            EQ(dup(0), 9);
            fflush(stdout);
            _exit(failures ? 1 : 0);
        }
        EQ(wait_status(c), 0);
    }

    SECTION("RLIMIT_NPROC");
    {
        atomic_int *forks = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        atomic_int *eagain = forks + 1;
        int go[2];
        pipe(go);
        fflush(stdout);
        pid_t bomb = fork();
        if (bomb == 0) {
            close(go[1]);
            setpgid(0, 0);
            rl = (struct rlimit){6, 6};
            setrlimit(RLIMIT_NPROC, &rl);
            setresgid(1000, 1000, 1000);
            setresuid(1000, 1000, 1000);
            /* every process forks until it cannot, then waits for the end */
            for (;;) {
                pid_t k = fork();
                if (k < 0) {
                    if (errno == EAGAIN)
                        atomic_fetch_add(eagain, 1);
                    break;
                }
                if (k > 0)
                    atomic_fetch_add(forks, 1);
            }
            char x;
            read(go[0], &x, 1);
            _exit(0);
        }
        close(go[0]);
        setpgid(bomb, bomb);
        /* every process of the bomb ends up blocked in read: wait until all
         * six (the limit) exist and have failed to fork */
        for (int i = 0; i < 2000 && atomic_load(eagain) < 6; i++)
            usleep(1000);
        printf("forks that worked: %d\n", atomic_load(forks));
        EQ(atomic_load(forks), 5);
        EQ(atomic_load(eagain), 6);
        close(go[1]); /* all of them exit */
        int reaped = 0, st;
        while (waitpid(-1, &st, 0) > 0)
            reaped++;
        TRUE(reaped >= 1); /* the bomb and the orphans it left to init */
        TRUE(errno == ECHILD);
        /* root is not held by RLIMIT_NPROC */
        rl = (struct rlimit){1, 1};
        getrlimit(RLIMIT_NPROC, &old);
        EQ(setrlimit(RLIMIT_NPROC, &rl), 0);
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        TRUE(c > 0);
        waitpid(c, NULL, 0);
        setrlimit(RLIMIT_NPROC, &old);
        munmap(forks, 4096);
    }

    SECTION("RLIMIT_FSIZE");
    {
        int fd = open("/tmp/fsize", O_RDWR | O_CREAT | O_TRUNC, 0644);
        char buf[150];
        memset(buf, 'f', sizeof buf);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            checks = failures = 0;
            rl = (struct rlimit){100, RLIM_INFINITY};
            setrlimit(RLIMIT_FSIZE, &rl);
            signal(SIGXFSZ, SIG_IGN);
            EQ(write(fd, buf, 150), 100); /* up to the limit */
            ERR(write(fd, buf, 1), EFBIG);
            ERR(pwrite(fd, buf, 1, 200), EFBIG);
            EQ(pwrite(fd, buf, 1, 50), 1); /* below it: fine */
            ERR(ftruncate(fd, 101), EFBIG);
            signal(SIGXFSZ, SIG_DFL);
            write(fd, buf, 1);
            _exit(3); /* not reached: SIGXFSZ */
        }
        int st = wait_status(c);
        TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ);
        struct stat sb;
        fstat(fd, &sb);
        EQ(sb.st_size, 100);
        close(fd);
    }

    SECTION("RLIMIT_AS");
    {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            checks = failures = 0;
            rl = (struct rlimit){64 << 20, RLIM_INFINITY};
            setrlimit(RLIMIT_AS, &rl);
            ERR(mmap(NULL, 100 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
            void *p = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            TRUE(p != MAP_FAILED);
            fflush(stdout);
            _exit(failures ? 1 : 0);
        }
        EQ(wait_status(c), 0);
    }
    return summary();
}
