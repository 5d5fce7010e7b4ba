/*
 * System V semaphores against Linux: semget's limits, semctl's commands
 * (GETVAL, SETVAL, GETALL, SETALL, GETPID, GETNCNT, GETZCNT, IPC_STAT,
 * IPC_SET, IPC_INFO, SEM_INFO, SEM_STAT), semop's all-or-nothing arrays,
 * IPC_NOWAIT, ERANGE, EFBIG, E2BIG, semtimedop's timeout, and between
 * processes: a sleeper woken by another's semop, SEM_UNDO undone at exit
 * (and clamped at 0), a sleeper interrupted by a signal (EINTR) and one whose
 * array is removed (EIDRM).
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include "ipc_common.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>

#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif

static int op1(int s, unsigned short num, short op, short flg)
{
    struct sembuf b = {num, op, flg};
    return semop(s, &b, 1);
}

static void show(int s, int n)
{
    unsigned short v[8];
    semctl(s, 0, GETALL, v);
    printf("  values:");
    for (int i = 0; i < n; i++)
        printf(" %u", v[i]);
    printf("\n");
}

static void on_usr1(int sig) { (void)sig; }

static int child_ok(pid_t pid)
{
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void basics(void)
{
    SECTION("semget");
    const key_t key = 0x53454d01;
    IERR(semget(key, 1, 0600), ENOENT);
    IERR(semget(key, 0, IPC_CREAT | 0600), EINVAL);
    IERR(semget(key, 32001, IPC_CREAT | 0600), EINVAL);
    IERR(semget(key, -1, IPC_CREAT | 0600), EINVAL);
    int s = semget(key, 4, IPC_CREAT | 0660);
    TRUE(s >= 0);
    EQ(semget(key, 0, 0) == s, 1);
    EQ(semget(key, 3, 0) == s, 1);
    IERR(semget(key, 5, 0), EINVAL);
    IERR(semget(key, 4, IPC_CREAT | IPC_EXCL), EEXIST);

    SECTION("values");
    show(s, 4);
    EQ(semctl(s, 1, SETVAL, 5), 0);
    EQ(semctl(s, 1, GETVAL), 5);
    EQ(semctl(s, 1, GETPID) == getpid(), 1);
    EQ(semctl(s, 0, GETPID), 0);
    IERR(semctl(s, 1, SETVAL, 32768), ERANGE);
    IERR(semctl(s, 1, SETVAL, -1), ERANGE);
    EQ(semctl(s, 1, SETVAL, 32767), 0);
    IERR(semctl(s, 4, SETVAL, 1), EINVAL);
    IERR(semctl(s, -1, GETVAL), EINVAL);
    IERR(semctl(s, 4, GETVAL), EINVAL);
    IERR(semctl(s + 1, 0, GETVAL), EINVAL);
    IERR(semctl(-1, 0, GETVAL), EINVAL);
    IERR(semctl(s, 0, 99), EINVAL);
    unsigned short all[4] = {1, 2, 3, 4};
    EQ(semctl(s, 0, SETALL, all), 0);
    show(s, 4);
    unsigned short big[4] = {1, 2, 40000, 4};
    IERR(semctl(s, 0, SETALL, big), ERANGE);
    IERR(semctl(s, 0, SETALL, (void *)8), EFAULT);
    IERR(semctl(s, 0, GETALL, (void *)8), EFAULT);
    show(s, 4);

    SECTION("semop");
    struct sembuf ops[3] = {{0, -1, 0}, {1, 1, 0}, {3, -5, IPC_NOWAIT}};
    IERR(semop(s, ops, 3), EAGAIN); /* the third would wait: none applied */
    show(s, 4);
    ops[2].sem_op = -4;
    EQ(semop(s, ops, 3), 0);
    show(s, 4);
    EQ(op1(s, 0, 0, IPC_NOWAIT), 0); /* sem 0 is 0: passes */
    IERR(op1(s, 1, 0, IPC_NOWAIT), EAGAIN);
    EQ(semctl(s, 2, SETVAL, 32767), 0);
    IERR(op1(s, 2, 1, 0), ERANGE);
    IERR(op1(s, 4, 1, 0), EFBIG);
    IERR(semop(s, ops, 0), EINVAL);
    IERR(semop(s, ops, 501), E2BIG);
    IERR(semop(-1, ops, 1), EINVAL);
    IERR(semop(s, (struct sembuf *)8, 1), EFAULT);
    struct sembuf dup[2] = {{1, 2, 0}, {1, -3, IPC_NOWAIT}}; /* the same one twice, in order */
    EQ(semctl(s, 1, SETVAL, 1), 0);
    EQ(semop(s, dup, 2), 0);
    EQ(semctl(s, 1, GETVAL), 0);
    dup[1].sem_op = -4;
    IERR(semop(s, dup, 2), EAGAIN);
    EQ(semctl(s, 1, GETVAL), 0);

    SECTION("semtimedop");
    struct timespec ts = {0, 50 * 1000000L};
    IERR(semtimedop(s, ops, 1, &ts), EAGAIN); /* sem 0 is 0: waits 50 ms */
    ts.tv_nsec = 1000000000L;
    IERR(semtimedop(s, ops, 1, &ts), EINVAL);
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    IERR(semtimedop(s, ops, 1, &ts), EINVAL);
    IERR(semtimedop(s, ops, 1, (struct timespec *)8), EFAULT);
    ts.tv_sec = 0;
    ts.tv_nsec = 0;
    IERR(semtimedop(s, ops, 1, &ts), EAGAIN);

    SECTION("stat and info");
    struct semid_ds ds;
    memset(&ds, 0, sizeof(ds));
    EQ(semctl(s, 0, IPC_STAT, &ds), 0);
    EQ(ds.sem_nsems, 4);
    EQ(ds.sem_perm.mode, 0660);
    EQ(ds.sem_perm.__key, key);
    TRUE(ds.sem_otime > 0 && ds.sem_ctime > 0);
    ds.sem_perm.mode = 0600;
    ds.sem_perm.gid = 7;
    EQ(semctl(s, 0, IPC_SET, &ds), 0);
    EQ(semctl(s, 0, IPC_STAT, &ds), 0);
    EQ(ds.sem_perm.mode, 0600);
    EQ(ds.sem_perm.gid, 7);
    EQ(ds.sem_perm.cgid, 0);
    struct seminfo si;
    TRUE(semctl(0, 0, IPC_INFO, &si) >= 0);
    printf("IPC_INFO: semmap %d semmni %d semmns %d semmnu %d semmsl %d semopm %d semume %d semusz %d semvmx %d "
           "semaem %d\n", si.semmap, si.semmni, si.semmns, si.semmnu, si.semmsl, si.semopm, si.semume, si.semusz,
           si.semvmx, si.semaem);
    int maxidx = semctl(0, 0, SEM_INFO, &si);
    printf("SEM_INFO: arrays %d semaphores %d\n", si.semusz, si.semaem);
    EQ(semctl(maxidx, 0, SEM_STAT, &ds) == s, 1);
    EQ(semctl(maxidx, 0, SEM_STAT_ANY, &ds) == s, 1);
    EQ(semctl(s, 0, IPC_RMID), 0);
    IERR(semctl(s, 0, GETVAL), EINVAL);
}

static void between_processes(void)
{
    int s = semget(IPC_PRIVATE, 2, 0600);
    TRUE(s >= 0);

    SECTION("a sleeper woken by another process");
    pid_t pid = fork();
    if (pid == 0)
        _exit(op1(s, 0, -2, 0) == 0 ? 0 : 1);
    TRUE(wait_sleeping(pid));
    EQ(semctl(s, 0, GETNCNT), 1);
    EQ(semctl(s, 0, GETZCNT), 0);
    EQ(op1(s, 0, 1, 0), 0); /* not enough yet */
    sleep_ms(20);
    EQ(semctl(s, 0, GETNCNT), 1);
    EQ(op1(s, 0, 1, 0), 0);
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETVAL), 0);
    EQ(semctl(s, 0, GETPID) == pid, 1);

    SECTION("waiting for zero");
    EQ(semctl(s, 1, SETVAL, 2), 0);
    pid = fork();
    if (pid == 0)
        _exit(op1(s, 1, 0, 0) == 0 ? 0 : 1);
    TRUE(wait_sleeping(pid));
    EQ(semctl(s, 1, GETZCNT), 1);
    EQ(op1(s, 1, -2, 0), 0);
    TRUE(child_ok(pid));

    SECTION("SEM_UNDO at exit");
    pid = fork();
    if (pid == 0) {
        op1(s, 0, 3, SEM_UNDO);
        op1(s, 1, 1, SEM_UNDO);
        op1(s, 1, -1, SEM_UNDO); /* adjustments add up: none left for sem 1 */
        op1(s, 1, 1, 0);
        _exit(0);
    }
    TRUE(child_ok(pid));
    show(s, 2); /* 0 1: the +3 was undone */
    EQ(semctl(s, 0, GETPID) == pid, 1);
    EQ(semctl(s, 0, SETVAL, 5), 0);
    pid = fork();
    if (pid == 0) {
        op1(s, 0, -4, SEM_UNDO); /* undo: +4 */
        _exit(0);
    }
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETVAL), 5);
    pid = fork();
    if (pid == 0) {
        op1(s, 0, 2, SEM_UNDO); /* undo: -2, but the value will be 1 */
        op1(s, 0, -6, 0);
        _exit(0);
    }
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETVAL), 0); /* clamped at 0 */
    pid = fork();
    if (pid == 0) {
        op1(s, 0, 5, SEM_UNDO);
        semctl(s, 0, SETVAL, 2); /* SETVAL clears every adjustment */
        _exit(0);
    }
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETVAL), 2);

    SECTION("CLONE_SYSVSEM shares the undo list");
    EQ(semctl(s, 0, SETVAL, 0), 0);
    pid = fork();
    if (pid == 0) {
        /* A fork-like clone that shares this process's adjustments: its exit
         * leaves them to us, ours applies them. */
        long c = syscall(SYS_clone, CLONE_SYSVSEM | SIGCHLD, 0, 0, 0, 0);
        if (c == 0) {
            op1(s, 0, 2, SEM_UNDO);
            _exit(0);
        }
        int ok = c > 0 && child_ok((pid_t)c) && semctl(s, 0, GETVAL) == 2;
        op1(s, 0, 1, SEM_UNDO);
        _exit(ok ? 0 : 1);
    }
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETVAL), 0); /* both adjustments, at the last exit */
    pid = fork();
    if (pid == 0) {
        long c = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); /* without it: its own */
        if (c == 0) {
            op1(s, 0, 2, SEM_UNDO);
            _exit(0);
        }
        _exit(c > 0 && child_ok((pid_t)c) && semctl(s, 0, GETVAL) == 0 ? 0 : 1);
    }
    TRUE(child_ok(pid));

    SECTION("an exit's undo wakes a sleeper");
    EQ(semctl(s, 0, SETVAL, 0), 0);
    EQ(semctl(s, 1, SETVAL, 0), 0);
    pid_t holder = fork();
    if (holder == 0) {
        op1(s, 1, 1, SEM_UNDO);
        op1(s, 0, -1, 0); /* waits until told to go */
        _exit(0);
    }
    TRUE(wait_sleeping(holder));
    pid = fork();
    if (pid == 0)
        _exit(op1(s, 1, 0, 0) == 0 ? 0 : 1); /* waits for the holder's undo */
    TRUE(wait_sleeping(pid));
    EQ(semctl(s, 1, GETZCNT), 1);
    EQ(op1(s, 0, 1, 0), 0);
    TRUE(child_ok(holder));
    TRUE(child_ok(pid));

    SECTION("EINTR and EIDRM");
    pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART; /* semop is never restarted */
        sigaction(SIGUSR1, &sa, NULL);
        errno = 0;
        int r = op1(s, 0, -1, 0);
        _exit(r == -1 && errno == EINTR ? 0 : 1);
    }
    TRUE(wait_sleeping(pid));
    kill(pid, SIGUSR1);
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, GETNCNT), 0);
    pid = fork();
    if (pid == 0) {
        struct timespec ts = {30, 0};
        struct sembuf b = {0, -1, 0};
        errno = 0;
        int r = semtimedop(s, &b, 1, &ts);
        _exit(r == -1 && errno == EIDRM ? 0 : 1);
    }
    TRUE(wait_sleeping(pid));
    EQ(semctl(s, 0, IPC_RMID), 0);
    TRUE(child_ok(pid));
}

static void permissions(void)
{
    SECTION("another user");
    int s = semget(IPC_PRIVATE, 1, 0604);
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0;
        if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
            _exit(2);
        struct semid_ds ds;
        EQ(semctl(s, 0, GETVAL), 0);
        IERR(semctl(s, 0, SETVAL, 1), EACCES);
        IERR(op1(s, 0, 1, IPC_NOWAIT), EACCES);
        EQ(op1(s, 0, 0, IPC_NOWAIT), 0); /* waiting for zero only reads */
        EQ(semctl(s, 0, IPC_STAT, &ds), 0);
        IERR(semctl(s, 0, IPC_RMID), EPERM);
        IERR(semctl(s, 0, IPC_SET, &ds), EPERM);
        _exit(failures ? 1 : 0);
    }
    TRUE(child_ok(pid));
    EQ(semctl(s, 0, IPC_RMID), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mount_proc();
    basics();
    between_processes();
    permissions();
    return summary();
}
