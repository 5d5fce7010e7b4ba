/*
 * System V shared memory against Linux: shmget's sizes and keys, shmat at a
 * kernel-chosen or given address (SHM_RND, SHM_REMAP, SHM_RDONLY), shmdt,
 * the memory shared between parent and child after fork, shm_nattch across
 * fork, exit and exec, IPC_RMID while attached (SHM_DEST, the key gone, the
 * id still attachable), SHM_LOCK/SHM_UNLOCK as root, the *_INFO commands,
 * and the segment's name in /proc/self/maps.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include "ipc_common.h"
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

static int child_ok(pid_t pid)
{
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static long nattch(int id)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds))
        return -1;
    return (long)ds.shm_nattch;
}

/* The name /proc/self/maps gives the area holding addr. */
static void maps_name(const void *addr)
{
    char buf[8192];
    int fd = open("/proc/self/maps", O_RDONLY);
    long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0) {
        printf("FAIL: no /proc/self/maps\n");
        failures++;
        return;
    }
    buf[n] = 0;
    for (char *line = buf; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (unsigned long)addr >= lo && (unsigned long)addr < hi) {
            char *name = strchr(line, '/');
            printf("maps: %.4s ... %s\n", line + strcspn(line, " ") + 1, name ? name : "(none)");
            return;
        }
        line = end ? end + 1 : NULL;
    }
    printf("maps: not found\n");
}

static sigjmp_buf jb;
static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(jb, 1);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && !strcmp(argv[1], "exec-child")) {
        /* After exec: the attach went with the old address space. */
        int id = atoi(argv[2]);
        printf("  after exec: nattch %ld\n", nattch(id));
        return nattch(id) == 1 ? 0 : 1;
    }
    mount_proc();

    SECTION("shmget");
    const key_t key = 0x1234abcd;
    IERR(shmget(key, 4096, 0600), ENOENT);
    IERR(shmget(key, 0, IPC_CREAT | 0600), EINVAL);
    IERR(shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
    int id = shmget(key, 10000, IPC_CREAT | 0640);
    TRUE(id >= 0);
    EQ(shmget(key, 10000, 0) == id, 1);
    EQ(shmget(key, 0, 0) == id, 1);
    IERR(shmget(key, 10001, 0), EINVAL);
    IERR(shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    struct shmid_ds ds;
    EQ(shmctl(id, IPC_STAT, &ds), 0);
    EQ(ds.shm_segsz, 10000);
    EQ(ds.shm_nattch, 0);
    EQ(ds.shm_perm.mode, 0640);
    EQ(ds.shm_cpid == getpid(), 1);
    EQ(ds.shm_lpid, 0);
    TRUE(ds.shm_atime == 0 && ds.shm_dtime == 0 && ds.shm_ctime > 0);

    SECTION("shmat and fork");
    char *p = shmat(id, NULL, 0);
    TRUE(p != (void *)-1);
    TRUE(((unsigned long)p & 4095) == 0);
    EQ(p[0] + p[9999], 0);
    strcpy(p, "parent");
    EQ(nattch(id), 1);
    maps_name(p);
    EQ(shmctl(id, IPC_STAT, &ds), 0);
    TRUE(ds.shm_atime > 0 && ds.shm_lpid == getpid());
    pid_t pid = fork();
    if (pid == 0) {
        int ok = !strcmp(p, "parent") && nattch(id) == 2;
        strcpy(p + 5000, "child");
        _exit(ok ? 0 : 1);
    }
    TRUE(child_ok(pid));
    printf("child wrote '%s'\n", p + 5000);
    EQ(nattch(id), 1);
    pid = fork();
    if (pid == 0) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", id);
        execl("/proc/self/exe", "ipc_shm", "exec-child", arg, (char *)NULL);
        _exit(3);
    }
    TRUE(child_ok(pid));

    SECTION("another attach");
    char *q = shmat(id, NULL, SHM_RDONLY);
    TRUE(q != (void *)-1 && q != p);
    EQ(nattch(id), 2);
    printf("read-only view: '%s'\n", q);
    IERR(mprotect(q, 4096, PROT_READ | PROT_WRITE), EACCES);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    int faulted = 0;
    if (sigsetjmp(jb, 1) == 0)
        q[0] = 'X';
    else
        faulted = 1;
    TRUE(faulted);
    EQ(shmdt(q), 0);
    IERR(shmdt(q), EINVAL);
    IERR(shmdt(p + 1), EINVAL);
    EQ(nattch(id), 1);

    SECTION("at a given address");
    char *where = mmap(NULL, 8 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    IERR(shmat(id, where, 0), EINVAL);               /* taken */
    EQ(shmat(id, where, SHM_REMAP) == where, 1);      /* replaced */
    EQ(strcmp(where, "parent"), 0);
    IERR(shmat(id, where + 4 * 4096 + 1, 0), EINVAL); /* unaligned */
    IERR(shmat(id, NULL, SHM_REMAP), EINVAL);
    EQ(shmdt(where), 0);
    EQ(munmap(where, 8 * 4096), 0);
    EQ(shmat(id, where + 4 * 4096 + 5, SHM_RND) == where + 4 * 4096, 1);
    EQ(nattch(id), 2);
    EQ(shmdt(where + 4 * 4096), 0);
    IERR(shmat(-1, NULL, 0), EINVAL);
    IERR(shmat(id + 1, NULL, 0), EINVAL);

    SECTION("IPC_RMID while attached");
    EQ(shmctl(id, IPC_RMID, NULL), 0);
    EQ(shmctl(id, IPC_STAT, &ds), 0);
    printf("mode %o key %d nattch %lu\n", ds.shm_perm.mode, ds.shm_perm.__key, (unsigned long)ds.shm_nattch);
    IERR(shmget(key, 100, 0), ENOENT);
    char *again = shmat(id, NULL, 0);
    TRUE(again != (void *)-1);
    EQ(strcmp(again, "parent"), 0);
    maps_name(again);
    EQ(shmdt(again), 0);
    EQ(nattch(id), 1);
    EQ(shmdt(p), 0);
    IERR(shmctl(id, IPC_STAT, &ds), EINVAL);

    SECTION("lock, info");
    id = shmget(IPC_PRIVATE, 3 * 4096, 0600);
    EQ(shmctl(id, SHM_LOCK, NULL), 0);
    EQ(shmctl(id, IPC_STAT, &ds), 0);
    printf("locked mode %o\n", ds.shm_perm.mode);
    EQ(shmctl(id, SHM_UNLOCK, NULL), 0);
    EQ(shmctl(id, SHM_UNLOCK, NULL), 0);
    EQ(shmctl(id, IPC_STAT, &ds), 0);
    printf("unlocked mode %o\n", ds.shm_perm.mode);
    p = shmat(id, NULL, 0);
    p[0] = p[4096] = 1;
    struct shminfo si;
    TRUE(shmctl(0, IPC_INFO, (struct shmid_ds *)&si) >= 0);
    printf("IPC_INFO: shmmax %lu shmmin %lu shmmni %lu shmseg %lu shmall %lu\n", si.shmmax, si.shmmin, si.shmmni,
           si.shmseg, si.shmall);
    struct shm_info info;
    int maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
    printf("SHM_INFO: used %d tot %lu rss %lu swp %lu\n", info.used_ids, info.shm_tot, info.shm_rss, info.shm_swp);
    EQ(shmctl(maxidx, SHM_STAT, &ds) == id, 1);
    EQ(shmctl(maxidx, SHM_STAT_ANY, &ds) == id, 1);
    IERR(shmctl(id, 99, &ds), EINVAL);
    IERR(shmctl(id, IPC_STAT, (struct shmid_ds *)8), EFAULT);
    ds.shm_perm.mode = 0604;
    EQ(shmctl(id, IPC_SET, &ds), 0);

    SECTION("another user");
    pid = fork();
    if (pid == 0) {
        failures = 0;
        if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
            _exit(2);
        IERR(shmat(id, NULL, 0), EACCES);
        char *r = shmat(id, NULL, SHM_RDONLY);
        TRUE(r != (void *)-1 && r[0] == 1);
        IERR(shmctl(id, IPC_RMID, NULL), EPERM);
        IERR(shmctl(id, SHM_LOCK, NULL), EPERM);
        _exit(failures ? 1 : 0);
    }
    TRUE(child_ok(pid));
    EQ(shmctl(id, IPC_RMID, NULL), 0);
    EQ(shmdt(p), 0);
    IERR(shmctl(id, IPC_STAT, &ds), EINVAL);
    return summary();
}
