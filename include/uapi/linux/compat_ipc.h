/* i386's System V IPC structures (Linux's compat_ipc64_perm, compat_*64_ds of
 * asm-generic/compat.h, and the old compat_*_ds of ipc/): what the i386
 * msgctl, semctl and shmctl copy, in the IPC_64 layouts (the direct calls,
 * and ipc(2) with IPC_64 in cmd) and the old ones (ipc(2) without it). */
#pragma once
#include <linux/types.h>

struct compat_ipc64_perm {
    s32 key;
    u32 uid, gid, cuid, cgid;
    u16 mode;
    u16 __pad1;
    u16 seq;
    u16 __pad2;
    u32 unused1, unused2;
};
static_assert(sizeof(compat_ipc64_perm) == 36);

/* The old one: 16-bit ids and mode. */
struct compat_ipc_perm {
    s32 key;
    u16 uid, gid, cuid, cgid;
    u16 mode;
    u16 seq;
};
static_assert(sizeof(compat_ipc_perm) == 16);

struct compat_msqid64_ds {
    compat_ipc64_perm msg_perm;
    u32 msg_stime, msg_stime_high;
    u32 msg_rtime, msg_rtime_high;
    u32 msg_ctime, msg_ctime_high;
    u32 msg_cbytes, msg_qnum, msg_qbytes;
    s32 msg_lspid, msg_lrpid;
    u32 __unused4, __unused5;
};
static_assert(sizeof(compat_msqid64_ds) == 88);
static_assert(__builtin_offsetof(compat_msqid64_ds, msg_qbytes) == 68);

struct compat_msqid_ds {
    compat_ipc_perm msg_perm;
    u32 msg_first, msg_last;
    s32 msg_stime, msg_rtime, msg_ctime;
    u32 msg_lcbytes, msg_lqbytes;
    u16 msg_cbytes, msg_qnum, msg_qbytes;
    u16 msg_lspid, msg_lrpid;
};
static_assert(sizeof(compat_msqid_ds) == 56);
static_assert(__builtin_offsetof(compat_msqid_ds, msg_qbytes) == 48);

struct compat_semid64_ds {
    compat_ipc64_perm sem_perm;
    u32 sem_otime, sem_otime_high;
    u32 sem_ctime, sem_ctime_high;
    u32 sem_nsems;
    u32 __unused3, __unused4;
};
static_assert(sizeof(compat_semid64_ds) == 64);

struct compat_semid_ds {
    compat_ipc_perm sem_perm;
    s32 sem_otime, sem_ctime;
    u32 sem_base, sem_pending, sem_pending_last, undo;
    u16 sem_nsems;
};
static_assert(sizeof(compat_semid_ds) == 44);
static_assert(__builtin_offsetof(compat_semid_ds, sem_nsems) == 40);

struct compat_shmid64_ds {
    compat_ipc64_perm shm_perm;
    u32 shm_segsz;
    u32 shm_atime, shm_atime_high;
    u32 shm_dtime, shm_dtime_high;
    u32 shm_ctime, shm_ctime_high;
    s32 shm_cpid, shm_lpid;
    u32 shm_nattch;
    u32 __unused4, __unused5;
};
static_assert(sizeof(compat_shmid64_ds) == 84);

struct compat_shmid_ds {
    compat_ipc_perm shm_perm;
    s32 shm_segsz;
    s32 shm_atime, shm_dtime, shm_ctime;
    u16 shm_cpid, shm_lpid;
    u16 shm_nattch, shm_unused;
    u32 shm_unused2, shm_unused3;
};
static_assert(sizeof(compat_shmid_ds) == 48);

/* IPC_INFO's: the IPC_64 one and the old (i386's struct shminfo, ints). */
struct compat_shminfo64 {
    u32 shmmax, shmmin, shmmni, shmseg, shmall;
    u32 __unused1, __unused2, __unused3, __unused4;
};
static_assert(sizeof(compat_shminfo64) == 36);

struct compat_shminfo {
    s32 shmmax, shmmin, shmmni, shmseg, shmall;
};
static_assert(sizeof(compat_shminfo) == 20);

struct compat_shm_info {
    s32 used_ids;
    u32 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
static_assert(sizeof(compat_shm_info) == 24);

constexpr int IPC_64 = 0x0100; /* cmd's flag for the 64 layouts */
