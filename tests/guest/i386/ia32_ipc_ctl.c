/*
 * The i386 msgctl, semctl and shmctl: the direct calls (IPC_64 layouts) and
 * ipc(2)'s MSGCTL, SEMCTL, SHMCTL with and without IPC_64 in cmd (the 64
 * and the old layouts), compared with Linux: the fields each layout holds,
 * IPC_SET through both, the *_INFO structures, and Linux's answers to the
 * IPC_64 bit on the direct calls.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check32.h"

#define X_IPC_64 0x100
#define X_SEMCTL 3
#define X_SEMTIMEDOP 4
#define X_MSGCTL 14
#define X_SHMCTL 24

struct perm64 { int32_t key; uint32_t uid, gid, cuid, cgid; uint16_t mode, pad1, seq, pad2; uint32_t u1, u2; };
struct perm_old { int32_t key; uint16_t uid, gid, cuid, cgid, mode, seq; };
struct msq64 { struct perm64 p; uint32_t st, st_hi, rt, rt_hi, ct, ct_hi, cbytes, qnum, qbytes; int32_t lspid, lrpid;
               uint32_t u4, u5; };
struct msq_old { struct perm_old p; uint32_t first, last; int32_t st, rt, ct; uint32_t lcbytes, lqbytes;
                 uint16_t cbytes, qnum, qbytes, lspid, lrpid; };
struct sem64 { struct perm64 p; uint32_t ot, ot_hi, ct, ct_hi, nsems, u3, u4; };
struct sem_old { struct perm_old p; int32_t ot, ct; uint32_t base, pending, pending_last, undo; uint16_t nsems; };
struct shm64 { struct perm64 p; uint32_t segsz, at, at_hi, dt, dt_hi, ct, ct_hi; int32_t cpid, lpid; uint32_t nattch,
               u4, u5; };
struct shm_old { struct perm_old p; int32_t segsz, at, dt, ct; uint16_t cpid, lpid, nattch, unused; uint32_t u2, u3; };
struct shminfo64_ { uint32_t shmmax, shmmin, shmmni, shmseg, shmall, u[4]; };
struct shminfo_old { int32_t shmmax, shmmin, shmmni, shmseg, shmall; };
struct shm_info_ { int32_t used_ids; uint32_t tot, rss, swp, att, succ; };

static long ipc(int call, long first, long second, long third, void *ptr)
{
    return syscall(SYS_ipc, call, first, second, third, ptr, 0);
}

static void msg(void)
{
    printf("-- msgctl\n");
    int id = msgget(IPC_PRIVATE, 0640);
    CHECK_TRUE("msgget", id >= 0);
    struct { long type; char text[5]; } m = {1, "abcd"};
    CHECK(msgsnd(id, &m, 5, 0), 0);
    CHECK(msgsnd(id, &m, 5, 0), 0);
    struct msq64 d;
    memset(&d, 0xff, sizeof(d));
    CHECK(syscall(SYS_msgctl, id, IPC_STAT, &d), 0);
    CHECK(d.qnum, 2);
    CHECK(d.cbytes, 10);
    CHECK(d.qbytes, 16384);
    CHECK(d.p.mode, 0640);
    CHECK(d.p.uid, 0);
    CHECK_TRUE("lspid is ours", d.lspid == getpid());
    CHECK_TRUE("stime set, high half 0", d.st != 0 && d.st_hi == 0);
    CHECK(d.u4 | d.u5 | d.p.u1 | d.p.u2, 0);
    struct msq_old o;
    memset(&o, 0xff, sizeof(o));
    CHECK(ipc(X_MSGCTL, id, IPC_STAT, 0, &o), 0);
    CHECK(o.qnum, 2);
    CHECK(o.cbytes, 10);
    CHECK(o.qbytes, 16384);
    CHECK(o.p.mode, 0640);
    CHECK(o.first | o.last | o.lcbytes | o.lqbytes, 0);
    CHECK_TRUE("old lspid is ours", o.lspid == (uint16_t)getpid());
    memset(&d, 0, sizeof(d));
    CHECK(ipc(X_MSGCTL, id, IPC_STAT | X_IPC_64, 0, &d), 0);
    CHECK(d.qnum, 2);
    d.qbytes = 1000;
    d.p.mode = 0600;
    CHECK(syscall(SYS_msgctl, id, IPC_SET, &d), 0);
    CHECK(syscall(SYS_msgctl, id, IPC_STAT, &d), 0);
    CHECK(d.qbytes, 1000);
    CHECK(d.p.mode, 0600);
    o.qbytes = 2000;
    o.p.mode = 0644;
    CHECK(ipc(X_MSGCTL, id, IPC_SET, 0, &o), 0);
    CHECK(ipc(X_MSGCTL, id, IPC_STAT, 0, &o), 0);
    CHECK(o.qbytes, 2000);
    CHECK(o.p.mode, 0644);
    /* The direct call keeps IPC_64 in cmd: IPC_STAT's answer is the id, IPC_SET is refused. */
    CHECK(syscall(SYS_msgctl, id, IPC_STAT | X_IPC_64, &d), id);
    CHECK_ERR(syscall(SYS_msgctl, id, IPC_SET | X_IPC_64, &d), EINVAL);
    struct msginfo mi;
    CHECK_TRUE("MSG_INFO", ipc(X_MSGCTL, 0, MSG_INFO | X_IPC_64, 0, &mi) >= 0);
    CHECK(mi.msgpool, 1);
    CHECK(mi.msgmax, 8192);
    CHECK(mi.msgmnb, 16384);
    CHECK_ERR(syscall(SYS_msgctl, id, IPC_STAT, (void *)8), EFAULT);
    CHECK_ERR(ipc(X_MSGCTL, id, IPC_SET, 0, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_msgctl, id, 99, &d), EINVAL);
    CHECK(syscall(SYS_msgctl, id, IPC_RMID, NULL), 0);
    CHECK_ERR(syscall(SYS_msgctl, id, IPC_STAT, &d), EINVAL);
}

static void sem(void)
{
    printf("-- semctl\n");
    int id = semget(IPC_PRIVATE, 3, 0600);
    CHECK_TRUE("semget", id >= 0);
    CHECK(syscall(SYS_semctl, id, 1, SETVAL, 5), 0);
    CHECK(syscall(SYS_semctl, id, 1, GETVAL, 0), 5);
    struct sem64 d;
    memset(&d, 0xff, sizeof(d));
    CHECK(syscall(SYS_semctl, id, 0, IPC_STAT, &d), 0);
    CHECK(d.nsems, 3);
    CHECK(d.p.mode, 0600);
    CHECK(d.ot | d.ot_hi | d.u3 | d.u4, 0);
    struct sem_old o;
    memset(&o, 0xff, sizeof(o));
    uint32_t arg = (uint32_t)(uintptr_t)&o;
    CHECK(ipc(X_SEMCTL, id, 0, IPC_STAT, &arg), 0);
    CHECK(o.nsems, 3);
    CHECK(o.p.mode, 0600);
    CHECK(o.base | o.pending | o.pending_last | o.undo, 0);
    unsigned short vals[3] = {7, 8, 9}, got[3] = {0};
    arg = (uint32_t)(uintptr_t)vals;
    CHECK(ipc(X_SEMCTL, id, 0, SETALL | X_IPC_64, &arg), 0);
    arg = (uint32_t)(uintptr_t)got;
    CHECK(ipc(X_SEMCTL, id, 0, GETALL, &arg), 0);
    CHECK(got[0] * 100 + got[1] * 10 + got[2], 789);
    o.p.mode = 0640;
    arg = (uint32_t)(uintptr_t)&o;
    CHECK(ipc(X_SEMCTL, id, 0, IPC_SET, &arg), 0);
    CHECK(syscall(SYS_semctl, id, 0, IPC_STAT, &d), 0);
    CHECK(d.p.mode, 0640);
    d.p.mode = 0600;
    CHECK(syscall(SYS_semctl, id, 0, IPC_SET, &d), 0);
    arg = (uint32_t)(uintptr_t)&d;
    CHECK(ipc(X_SEMCTL, id, 0, IPC_STAT | X_IPC_64, &arg), 0);
    CHECK(d.p.mode, 0600);
    /* The direct call keeps IPC_64 in cmd. */
    CHECK(syscall(SYS_semctl, id, 0, IPC_STAT | X_IPC_64, &d), id);
    CHECK_ERR(syscall(SYS_semctl, id, 1, GETVAL | X_IPC_64, 0), EINVAL);
    CHECK_ERR(syscall(SYS_semctl, id, 0, IPC_RMID | X_IPC_64, 0), EINVAL);
    struct seminfo si;
    arg = (uint32_t)(uintptr_t)&si;
    CHECK_TRUE("SEM_INFO", ipc(X_SEMCTL, 0, 0, SEM_INFO, &arg) >= 0);
    CHECK(si.semusz, 1);
    CHECK(si.semmsl, 32000);
    /* ipc(2)'s SEMTIMEDOP: the timeout is an old_timespec32 in fifth. */
    struct sembuf take = {0, -7, 0}, wait0 = {2, -10, 0}, one = {1, -1, IPC_NOWAIT};
    struct { int32_t sec, nsec; } t = {0, 20000000}, bad = {0, 2000000000};
    CHECK(syscall(SYS_ipc, X_SEMTIMEDOP, id, 1, 0, &take, &t), 0);
    CHECK(syscall(SYS_semctl, id, 0, GETVAL, 0), 0);
    CHECK_ERR(syscall(SYS_ipc, X_SEMTIMEDOP, id, 1, 0, &wait0, &t), EAGAIN);
    CHECK_ERR(syscall(SYS_ipc, X_SEMTIMEDOP, id, 1, 0, &wait0, &bad), EINVAL);
    CHECK_ERR(syscall(SYS_ipc, X_SEMTIMEDOP, id, 1, 0, &wait0, (void *)8), EFAULT);
    CHECK(syscall(SYS_ipc, X_SEMTIMEDOP, id, 1, 0, &one, NULL), 0);
    CHECK(syscall(SYS_semctl, id, 1, GETVAL, 0), 7);
    CHECK_ERR(ipc(X_SEMCTL, id, 0, IPC_STAT, NULL), EINVAL);
    CHECK_ERR(ipc(X_SEMCTL, id, 0, IPC_STAT, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_semctl, id, 0, IPC_STAT, (void *)8), EFAULT);
    CHECK(syscall(SYS_semctl, id, 0, IPC_RMID, 0), 0);
    CHECK_ERR(syscall(SYS_semctl, id, 0, IPC_STAT, &d), EINVAL);
}

static void shm(void)
{
    printf("-- shmctl\n");
    int id = shmget(IPC_PRIVATE, 8192, 0600);
    CHECK_TRUE("shmget", id >= 0);
    struct shm64 d;
    memset(&d, 0xff, sizeof(d));
    CHECK(syscall(SYS_shmctl, id, IPC_STAT, &d), 0);
    CHECK(d.segsz, 8192);
    CHECK(d.nattch, 0);
    CHECK(d.p.mode, 0600);
    CHECK_TRUE("cpid is ours", d.cpid == getpid());
    CHECK(d.at | d.at_hi | d.dt | d.dt_hi | d.u4 | d.u5, 0);
    struct shm_old o;
    memset(&o, 0xff, sizeof(o));
    CHECK(ipc(X_SHMCTL, id, IPC_STAT, 0, &o), 0);
    CHECK(o.segsz, 8192);
    CHECK(o.p.mode, 0600);
    CHECK(o.unused | o.u2 | o.u3, 0);
    o.p.mode = 0640;
    CHECK(ipc(X_SHMCTL, id, IPC_SET, 0, &o), 0);
    CHECK(syscall(SYS_shmctl, id, IPC_STAT, &d), 0);
    CHECK(d.p.mode, 0640);
    d.p.mode = 0644;
    CHECK(syscall(SYS_shmctl, id, IPC_SET, &d), 0);
    memset(&d, 0, sizeof(d));
    CHECK(ipc(X_SHMCTL, id, IPC_STAT | X_IPC_64, 0, &d), 0);
    CHECK(d.p.mode, 0644);
    /* The direct shmctl does not look past the bit. */
    CHECK_ERR(syscall(SYS_shmctl, id, IPC_STAT | X_IPC_64, &d), EINVAL);
    struct shminfo64_ i64;
    memset(&i64, 0xff, sizeof(i64));
    CHECK_TRUE("IPC_INFO", syscall(SYS_shmctl, 0, IPC_INFO, &i64) >= 0);
    CHECK(i64.shmmax, 0x7fffffff);
    CHECK(i64.shmmin, 1);
    CHECK(i64.shmmni, 4096);
    CHECK(i64.u[0] | i64.u[3], 0);
    struct shminfo_old iold;
    CHECK_TRUE("old IPC_INFO", ipc(X_SHMCTL, 0, IPC_INFO, 0, &iold) >= 0);
    CHECK(iold.shmmax, 0x7fffffff);
    CHECK(iold.shmmni, 4096);
    struct shm_info_ si;
    CHECK_TRUE("SHM_INFO", syscall(SYS_shmctl, 0, SHM_INFO, &si) >= 0);
    CHECK(si.used_ids, 1);
    CHECK(syscall(SYS_shmctl, id, SHM_LOCK, NULL), 0);
    CHECK(syscall(SYS_shmctl, id, IPC_STAT, &d), 0);
    CHECK(d.p.mode & 02000, 02000);
    CHECK(syscall(SYS_shmctl, id, SHM_UNLOCK, NULL), 0);
    CHECK_ERR(syscall(SYS_shmctl, id, IPC_STAT, (void *)8), EFAULT);
    CHECK_ERR(ipc(X_SHMCTL, id, IPC_SET | X_IPC_64, 0, (void *)8), EFAULT);
    CHECK(ipc(X_SHMCTL, id, IPC_RMID, 0, NULL), 0);
    CHECK_ERR(syscall(SYS_shmctl, id, IPC_STAT, &d), EINVAL);
}

int main(void)
{
    msg();
    sem();
    shm();
    return summary();
}
