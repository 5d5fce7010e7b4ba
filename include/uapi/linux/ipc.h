/*
 * System V IPC, the ABI: keys, flags, commands and the structures msgctl,
 * semctl and shmctl copy in and out, with x86-64's layouts (the "64"
 * structures; x86-64 takes them without IPC_64 in cmd). Linux's values.
 */
#pragma once
#include <linux/types.h>

using key_t = int;

constexpr key_t IPC_PRIVATE = 0;

/* get flags (the low 9 bits are the mode) */
constexpr int IPC_CREAT = 00001000;
constexpr int IPC_EXCL = 00002000;
constexpr int IPC_NOWAIT = 00004000;

/* commands for every kind */
constexpr int IPC_RMID = 0;
constexpr int IPC_SET = 1;
constexpr int IPC_STAT = 2;
constexpr int IPC_INFO = 3;

/* msg */
constexpr int MSG_STAT = 11;
constexpr int MSG_INFO = 12;
constexpr int MSG_STAT_ANY = 13;
constexpr int MSG_NOERROR = 010000;
constexpr int MSG_EXCEPT = 020000;
constexpr int MSG_COPY = 040000;

/* sem */
constexpr int SEM_UNDO = 0x1000;
constexpr int GETPID = 11;
constexpr int GETVAL = 12;
constexpr int GETALL = 13;
constexpr int GETNCNT = 14;
constexpr int GETZCNT = 15;
constexpr int SETVAL = 16;
constexpr int SETALL = 17;
constexpr int SEM_STAT = 18;
constexpr int SEM_INFO = 19;
constexpr int SEM_STAT_ANY = 20;

/* shm */
constexpr int SHM_HUGETLB = 04000;
constexpr int SHM_NORESERVE = 010000;
constexpr int SHM_RDONLY = 010000;
constexpr int SHM_RND = 020000;
constexpr int SHM_REMAP = 040000;
constexpr int SHM_EXEC = 0100000;
constexpr int SHM_LOCK = 11;
constexpr int SHM_UNLOCK = 12;
constexpr int SHM_STAT = 13;
constexpr int SHM_INFO = 14;
constexpr int SHM_STAT_ANY = 15;
/* mode bits the kernel keeps beside the permissions */
constexpr unsigned SHM_DEST = 01000;
constexpr unsigned SHM_LOCKED = 02000;

struct ipc64_perm {
    key_t key;
    u32 uid, gid, cuid, cgid;
    u32 mode;
    u16 seq;
    u16 __pad2;
    u64 __unused1, __unused2;
};
static_assert(sizeof(ipc64_perm) == 48);

struct msqid64_ds {
    ipc64_perm msg_perm;
    s64 msg_stime, msg_rtime, msg_ctime;
    u64 msg_cbytes, msg_qnum, msg_qbytes;
    s32 msg_lspid, msg_lrpid;
    u64 __unused4, __unused5;
};
static_assert(sizeof(msqid64_ds) == 120);

struct msginfo {
    int msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    u16 msgseg;
};

struct semid64_ds {
    ipc64_perm sem_perm;
    s64 sem_otime;
    u64 __unused1;
    s64 sem_ctime;
    u64 __unused2;
    u64 sem_nsems;
    u64 __unused3, __unused4;
};
static_assert(sizeof(semid64_ds) == 104);

struct sembuf {
    u16 sem_num;
    s16 sem_op;
    s16 sem_flg;
};

struct seminfo {
    int semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

struct shmid64_ds {
    ipc64_perm shm_perm;
    u64 shm_segsz;
    s64 shm_atime, shm_dtime, shm_ctime;
    s32 shm_cpid, shm_lpid;
    u64 shm_nattch;
    u64 __unused4, __unused5;
};
static_assert(sizeof(shmid64_ds) == 112);

struct shminfo64 {
    u64 shmmax, shmmin, shmmni, shmseg, shmall;
    u64 __unused1, __unused2, __unused3, __unused4;
};

struct shm_info {
    int used_ids;
    u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
