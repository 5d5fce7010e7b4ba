/*
 * System V IPC internals (the ipc/ sources only): an id namespace per kind
 * (msg, sem, shm), the permission record every object starts with, and the
 * one lock that covers them all.
 *
 * Ids are Linux's: id = seq * SEQ_MULTIPLIER + index, where the index is
 * allocated cyclically below max(in_use * 3 / 2, 64) (capped at the kind's
 * limit) and seq advances each time the allocation wraps to a lower index,
 * so a removed id is not soon given out again.
 */
#pragma once
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/result.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/ipc.h>
#include <uapi/linux/stat.h>
#include "../lib/hashtable.h"
#include "../lib/rbtree.h"

/*
 * ipc_lock protects every ipc_ids (the index tree, the key hash, in_use,
 * seq, last_idx, limit), the limits in ipc_ns (written under it; the calls'
 * first range checks read one word each without it) and every object's contents: message queues
 * and their messages, semaphore values, pending operations and undo
 * structures, each task's undo list, shm segments' counts and times, and
 * every kern_ipc_perm (its fields, refcount and deleted flag). Held with
 * interrupts off, never across a user copy, an mm change or schedule():
 * callers copy into kernel memory first. Order: kernel lock -> ipc_lock ->
 * wait_lock -> runqueue.lock -> slab_lock (waking a sleeper, kmalloc).
 */
extern spinlock_t ipc_lock;

constexpr int S_IRUGO = 0444, S_IWUGO = 0222, S_IXUGO = 0111;

constexpr int IPCMNI_SHIFT = 15;
constexpr int IPCMNI = 1 << IPCMNI_SHIFT; /* 32768: the most objects of one kind */
constexpr int SEQ_MULTIPLIER = IPCMNI;
constexpr int IPCID_SEQ_MAX = 0x7fffffff >> IPCMNI_SHIFT;

struct kern_ipc_perm {
    int id;
    int idx;
    key_t key;
    uid_t uid;
    gid_t gid;
    uid_t cuid;
    gid_t cgid;
    unsigned mode; /* permissions, and SHM_DEST / SHM_LOCKED for shm */
    unsigned seq;
    bool deleted;  /* removed (IPC_RMID): no longer in its ids */
    int refcount;  /* the ids' reference while listed, plus each sleeper's */
    rb_node idx_node;   /* in ipc_ids::by_idx */
    hlist_node key_node; /* in ipc_ids::by_key, unless IPC_PRIVATE */
};

constexpr int IPC_KEY_HASH_BITS = 10;

struct ipc_ids {
    int in_use;
    int limit;       /* the kind's MNI (msgmni, semmni, shmmni) */
    unsigned seq;
    int last_idx;    /* the index given out last (-1: none yet) */
    int next_idx;    /* where the cyclic search starts */
    rb_root by_idx;
    hlist_head by_key[1 << IPC_KEY_HASH_BITS];
};

extern ipc_ids msg_ids, sem_ids, shm_ids;

/* What msgget/semget/shmget asked for. */
struct ipc_params {
    key_t key;
    int flg;
    unsigned long extra; /* nsems for sem, size for shm */
};

/* What ipcget needs of a kind: make a new object (ipc_lock not held, may
 * allocate; returns its id via ipc_addid, called under the lock by it), and
 * the checks on an existing one. */
struct ipc_ops {
    Result<int> (*create)(const ipc_params& p);
    Result<void> (*more_checks)(kern_ipc_perm* perm, const ipc_params& p); /* under ipc_lock */
};

/* msgget/semget/shmget: IPC_PRIVATE or a key, IPC_CREAT, IPC_EXCL, permissions. */
[[nodiscard]] Result<int> ipcget(ipc_ids& ids, const ipc_ops& ops, const ipc_params& p);

/* Under ipc_lock: fills the owner fields, gives perm an index and id (ENOSPC
 * at the kind's limit) and lists it, with the ids' reference. */
[[nodiscard]] Result<int> ipc_addid(ipc_ids& ids, kern_ipc_perm* perm, key_t key, int mode);
/* Under ipc_lock: unlists perm and marks it deleted (the ids' reference is
 * the caller's to drop). */
void ipc_rmid(ipc_ids& ids, kern_ipc_perm* perm);
/* Under ipc_lock: IPC_RMID of a shm segment still attached: the key goes. */
void ipc_set_key_private(ipc_ids& ids, kern_ipc_perm* perm);

/* Under ipc_lock. By full id (the index and seq must match): EINVAL if none. */
[[nodiscard]] Result<kern_ipc_perm*> ipc_obtain_object_check(ipc_ids& ids, int id);
/* By index (the *_STAT commands; the seq part of id is ignored): EINVAL if none. */
[[nodiscard]] Result<kern_ipc_perm*> ipc_obtain_object_idr(ipc_ids& ids, int id);
/* The highest index in use for the *_INFO commands (-1 if none). */
int ipc_get_maxidx(const ipc_ids& ids);
/* The object of the next index >= idx, or null (for /proc/sysvipc). */
kern_ipc_perm* ipc_next_from(ipc_ids& ids, int idx);

/* Is access `flag` (S_IRUGO-style bits) refused? CAP_IPC_OWNER overrides. */
[[nodiscard]] bool ipcperms(const kern_ipc_perm* perm, int flag);
/* IPC_SET/IPC_RMID: the owner, the creator or CAP_SYS_ADMIN, else EPERM;
 * EINVAL for no such id. Under ipc_lock. */
[[nodiscard]] Result<kern_ipc_perm*> ipcctl_obtain_check(ipc_ids& ids, int id);
/* IPC_SET: uid, gid and the permission bits from in (EINVAL for an invalid id). */
[[nodiscard]] Result<void> ipc_update_perm(const ipc64_perm& in, kern_ipc_perm* out);
void kernel_to_ipc64_perm(const kern_ipc_perm* in, ipc64_perm* out);

/* References held across a sleep (under ipc_lock); the last put frees via release. */
static inline void ipc_getref(kern_ipc_perm* perm) { perm->refcount++; }
[[nodiscard]] static inline bool ipc_putref(kern_ipc_perm* perm) { return --perm->refcount == 0; }

/* The ctl commands' bodies (ipc/msg.cpp, sem.cpp, shm.cpp), for the native
 * handlers and the i386 ones (ipc/compat_ipc_ctl.cpp). cmd is the caller's,
 * tested as Linux tests it (an i386 caller's IPC_64 bit stays in it). */
[[nodiscard]] Result<long> msgctl_info(int cmd, msginfo* info);
[[nodiscard]] Result<long> msgctl_stat(int msqid, int cmd, msqid64_ds* p);
[[nodiscard]] Result<long> msgctl_down(int msqid, int cmd, const msqid64_ds* in);
[[nodiscard]] Result<long> semctl_info(int cmd, unsigned long p);
[[nodiscard]] Result<long> semctl_stat(int semid, int cmd, semid64_ds* out);
[[nodiscard]] Result<long> semctl_setval(int semid, int semnum, int val);
[[nodiscard]] Result<long> semctl_main(int semid, int semnum, int cmd, unsigned long p);
[[nodiscard]] Result<long> semctl_down(int semid, int cmd, const semid64_ds* in);
[[nodiscard]] Result<long> shmctl_stat(int shmid, int cmd, shmid64_ds* out);
[[nodiscard]] Result<long> shmctl_down(int shmid, int cmd, const shmid64_ds* in);
[[nodiscard]] Result<long> shmctl_do_lock(int shmid, int cmd);
long shmctl_ipc_info(shminfo64* info); /* the highest index in use, or 0 */
long shmctl_shm_info(shm_info* info);
struct sembuf;
struct timespec64;
[[nodiscard]] Result<long> do_semtimedop(int semid, user_in_ptr<const sembuf> tsops, unsigned nsops,
                                         const timespec64* timeout);
/* ipc(2)'s MSGCTL, SEMCTL, SHMCTL from an i386 caller (ipc/compat_ipc_ctl.cpp):
 * the layout from cmd's IPC_64 bit. */
class SyscallResult;
SyscallResult compat_ipc_msgctl(int msqid, int cmd, u32 uptr);
SyscallResult compat_ipc_semctl(int semid, int semnum, int cmd, u32 arg);
SyscallResult compat_ipc_shmctl(int shmid, int cmd, u32 uptr);

/* Seconds since the epoch, for the *_time fields. */
s64 ipc_now();

/* The limits, /proc/sys/kernel's (ipc/proc.cpp reads and writes them). */
struct ipc_namespace_limits {
    unsigned long shm_ctlmax, shm_ctlall;
    int shm_ctlmni;
    unsigned long shm_tot; /* pages in all segments */
    unsigned msg_ctlmax, msg_ctlmnb;
    int msg_ctlmni;
    long msg_bytes, msg_hdrs; /* in all queues */
    int sem_ctls[4];          /* semmsl, semmns, semopm, semmni */
    int used_sems;
};
extern ipc_namespace_limits ipc_ns;

constexpr unsigned MSGMAX = 8192, MSGMNB = 16384;
constexpr int MSGMNI = 32000;
constexpr int SEMMSL = 32000, SEMMNI = 32000, SEMOPM = 500, SEMVMX = 32767, SEMAEM = SEMVMX;
constexpr int SEMMNS = SEMMNI * SEMMSL;
constexpr int SHMMNI = 4096;
constexpr unsigned long SHMMAX = ~0UL - (1UL << 24), SHMALL = ~0UL - (1UL << 24), SHMMIN = 1;

/* Each kind's record, for /proc/sysvipc (ipc/proc.cpp); under ipc_lock. */
namespace procfs { struct seqbuf; }
void sysvipc_msg_show(procfs::seqbuf& m, kern_ipc_perm* perm);
void sysvipc_sem_show(procfs::seqbuf& m, kern_ipc_perm* perm);
void sysvipc_shm_show(procfs::seqbuf& m, kern_ipc_perm* perm);
