/* mlock and friends: the errors, VmLck in /proc/self/status as areas are
 * locked, unlocked, split and merged, MAP_LOCKED, mlockall's current and
 * future areas, RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and that
 * fork's copy is unlocked; compared with Linux. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static long vmlck(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmLck:", 6))
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    long pg = 4096;
    char *a = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EQ(vmlck(), 0);
    EQ(mlock(a + 4 * pg + 100, 2 * pg), 0); /* an unaligned start: three pages */
    EQ(vmlck(), 12);
    EQ(mlock(a, 16 * pg), 0);
    EQ(vmlck(), 64);
    EQ(munlock(a + 8 * pg, 4 * pg), 0);
    EQ(vmlck(), 48);
    EQ(munlock(a, 16 * pg), 0);
    EQ(vmlck(), 0);
    /* A hole: ENOMEM, after the part before it is locked. */
    EQ(munmap(a + 8 * pg, pg), 0);
    ERR(mlock(a, 16 * pg), ENOMEM);
    EQ(vmlck(), 32);
    ERR(munlock(a, 16 * pg), ENOMEM); /* the hole again: the part before it is unlocked */
    EQ(vmlck(), 0);
    ERR(syscall(SYS_mlock2, a, pg, 2), EINVAL);
    EQ(syscall(SYS_mlock2, a, pg, 1), 0); /* MLOCK_ONFAULT */
    EQ(vmlck(), 4);
    EQ(munlock(a, pg), 0);
    ERR(mlock((void *)0x10000, pg), ENOMEM);

    /* MAP_LOCKED. */
    char *b = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    truth("MAP_LOCKED mapped", b != MAP_FAILED);
    EQ(vmlck(), 16);
    munmap(b, 4 * pg);
    EQ(vmlck(), 0);

    /* mlockall: every area now, and the ones to come. */
    ERR(mlockall(0), EINVAL);
    ERR(mlockall(MCL_ONFAULT), EINVAL);
    ERR(mlockall(8), EINVAL);
    EQ(mlockall(MCL_FUTURE), 0);
    /* The C library's memory for reading /proc is new, and locked too. */
    long before = vmlck();
    b = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EQ(vmlck() - before, 8);
    pid_t pid = fork();
    if (pid == 0) {
        /* Not inherited: the child's areas are unlocked, and so are its new ones. */
        void *c = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        (void)c;
        _exit(vmlck() == 0 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    truth("a child's memory is unlocked", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ(munlockall(), 0);
    EQ(vmlck(), 0);
    b = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EQ(vmlck(), 0);
    EQ(mlockall(MCL_CURRENT), 0);
    truth("mlockall(MCL_CURRENT) locks everything", vmlck() > 64);
    EQ(munlockall(), 0);

    /* Without CAP_IPC_LOCK: RLIMIT_MEMLOCK. */
    pid = fork();
    if (pid == 0) {
        struct rlimit r = {2 * 4096, 2 * 4096};
        setrlimit(RLIMIT_MEMLOCK, &r);
        setuid(1000);
        int ok = mlock(a, pg) == 0 && mlock(a, 2 * pg) == 0;          /* within the limit (counted once) */
        ok = ok && mlock(a + 2 * pg, pg) == -1 && errno == ENOMEM;     /* a third page: over it */
        void *m = mmap(NULL, 4 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
        ok = ok && m == MAP_FAILED && errno == EAGAIN;
        ok = ok && mlockall(MCL_CURRENT) == -1 && errno == ENOMEM;
        r.rlim_cur = r.rlim_max = 0;
        setrlimit(RLIMIT_MEMLOCK, &r);
        ok = ok && mlock(a + 4 * pg, pg) == -1 && errno == EPERM;
        ok = ok && mlockall(MCL_FUTURE) == -1 && errno == EPERM;
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    truth("RLIMIT_MEMLOCK without CAP_IPC_LOCK", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return summary();
}
