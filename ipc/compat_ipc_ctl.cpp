/*
 * The i386 msgctl, semctl and shmctl (Linux's compat_ksys_msgctl,
 * compat_ksys_semctl, compat_ksys_shmctl): the native bodies (ipc/msg.cpp,
 * sem.cpp, shm.cpp) with the structures converted to and from i386's
 * layouts (uapi/linux/compat_ipc.h). The direct calls (402, 394, 396)
 * always use the IPC_64 layouts; ipc(2)'s MSGCTL, SEMCTL and SHMCTL take
 * the layout from cmd's IPC_64 bit and clear it (compat_ipc_parse_version).
 * As on Linux, the direct msgctl and semctl ignore that bit only to choose
 * the command, and hand cmd on with it (so IPC_STAT | IPC_64 answers the
 * id, and IPC_SET | IPC_64 is EINVAL); the direct shmctl refuses it.
 */
#include <linux/compat.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/linux/compat_ipc.h>
#include "util.h"

namespace {

enum class Layout { Old, Ipc64 };

/* Linux's compat_ipc_parse_version. */
Layout parse_version(int& cmd)
{
    Layout l = (cmd & IPC_64) ? Layout::Ipc64 : Layout::Old;
    cmd &= ~IPC_64;
    return l;
}

u32 lo(s64 t) { return static_cast<u32>(t); }
u32 hi(s64 t) { return static_cast<u32>(static_cast<u64>(t) >> 32); }

void to_compat_ipc64_perm(compat_ipc64_perm& to, const ipc64_perm& from)
{
    to.key = from.key;
    to.uid = from.uid, to.gid = from.gid, to.cuid = from.cuid, to.cgid = from.cgid;
    to.mode = static_cast<u16>(from.mode);
    to.seq = from.seq;
}

void to_compat_ipc_perm(compat_ipc_perm& to, const ipc64_perm& from)
{
    to.key = from.key;
    to.uid = static_cast<u16>(high2lowuid(from.uid)), to.gid = static_cast<u16>(high2lowuid(from.gid));
    to.cuid = static_cast<u16>(high2lowuid(from.cuid)), to.cgid = static_cast<u16>(high2lowuid(from.cgid));
    to.mode = static_cast<u16>(from.mode);
    to.seq = from.seq;
}

/* IPC_SET's perm: the whole structure is read, uid, gid and mode kept. */
template <typename Perm>
Result<void> get_compat_perm(ipc64_perm& to, user_in_ptr<const Perm> from)
{
    Perm v = TRY(get_user(from));
    to.uid = v.uid, to.gid = v.gid, to.mode = v.mode;
    return {};
}

template <typename T>
user_out_ptr<T> out(compat_uptr_t p) { return compat_ptr<T, UserDir::Out>(p); }
template <typename T>
user_in_ptr<const T> in(compat_uptr_t p) { return compat_ptr<const T>(p); }

/* ---- msgctl ---- */

Result<void> copy_compat_msqid_to_user(compat_uptr_t buf, const msqid64_ds& d, Layout l)
{
    if (l == Layout::Ipc64) {
        compat_msqid64_ds v{};
        to_compat_ipc64_perm(v.msg_perm, d.msg_perm);
        v.msg_stime = lo(d.msg_stime), v.msg_stime_high = hi(d.msg_stime);
        v.msg_rtime = lo(d.msg_rtime), v.msg_rtime_high = hi(d.msg_rtime);
        v.msg_ctime = lo(d.msg_ctime), v.msg_ctime_high = hi(d.msg_ctime);
        v.msg_cbytes = static_cast<u32>(d.msg_cbytes);
        v.msg_qnum = static_cast<u32>(d.msg_qnum);
        v.msg_qbytes = static_cast<u32>(d.msg_qbytes);
        v.msg_lspid = d.msg_lspid, v.msg_lrpid = d.msg_lrpid;
        return put_user(v, out<compat_msqid64_ds>(buf));
    }
    compat_msqid_ds v{};
    to_compat_ipc_perm(v.msg_perm, d.msg_perm);
    v.msg_stime = static_cast<s32>(d.msg_stime);
    v.msg_rtime = static_cast<s32>(d.msg_rtime);
    v.msg_ctime = static_cast<s32>(d.msg_ctime);
    v.msg_cbytes = static_cast<u16>(d.msg_cbytes);
    v.msg_qnum = static_cast<u16>(d.msg_qnum);
    v.msg_qbytes = static_cast<u16>(d.msg_qbytes);
    v.msg_lspid = static_cast<u16>(d.msg_lspid), v.msg_lrpid = static_cast<u16>(d.msg_lrpid);
    return put_user(v, out<compat_msqid_ds>(buf));
}

Result<void> copy_compat_msqid_from_user(msqid64_ds& d, compat_uptr_t buf, Layout l)
{
    d = {};
    if (l == Layout::Ipc64) {
        TRY(get_compat_perm(d.msg_perm, in<compat_ipc64_perm>(buf)));
        d.msg_qbytes = TRY(get_user(in<u32>(buf + offsetof(compat_msqid64_ds, msg_qbytes))));
    } else {
        TRY(get_compat_perm(d.msg_perm, in<compat_ipc_perm>(buf)));
        d.msg_qbytes = TRY(get_user(in<u16>(buf + offsetof(compat_msqid_ds, msg_qbytes))));
    }
    return {};
}

Result<long> compat_ksys_msgctl(int msqid, int cmd, compat_uptr_t uptr, Layout l)
{
    if (msqid < 0 || cmd < 0)
        return Errno::EINVAL;
    switch (cmd & ~IPC_64) {
    case IPC_INFO:
    case MSG_INFO: {
        msginfo info;
        long r = TRY(msgctl_info(cmd, &info));
        TRY(put_user(info, out<msginfo>(uptr))); /* ints: one layout */
        return r;
    }
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY: {
        msqid64_ds d;
        long r = TRY(msgctl_stat(msqid, cmd, &d));
        TRY(copy_compat_msqid_to_user(uptr, d, l));
        return r;
    }
    case IPC_SET: {
        msqid64_ds d;
        TRY(copy_compat_msqid_from_user(d, uptr, l));
        return msgctl_down(msqid, cmd, &d);
    }
    case IPC_RMID:
        return msgctl_down(msqid, cmd, nullptr);
    default:
        return Errno::EINVAL;
    }
}

/* ---- semctl ---- */

Result<void> copy_compat_semid_to_user(compat_uptr_t buf, const semid64_ds& d, Layout l)
{
    if (l == Layout::Ipc64) {
        compat_semid64_ds v{};
        to_compat_ipc64_perm(v.sem_perm, d.sem_perm);
        v.sem_otime = lo(d.sem_otime), v.sem_otime_high = hi(d.sem_otime);
        v.sem_ctime = lo(d.sem_ctime), v.sem_ctime_high = hi(d.sem_ctime);
        v.sem_nsems = static_cast<u32>(d.sem_nsems);
        return put_user(v, out<compat_semid64_ds>(buf));
    }
    compat_semid_ds v{};
    to_compat_ipc_perm(v.sem_perm, d.sem_perm);
    v.sem_otime = static_cast<s32>(d.sem_otime);
    v.sem_ctime = static_cast<s32>(d.sem_ctime);
    v.sem_nsems = static_cast<u16>(d.sem_nsems);
    return put_user(v, out<compat_semid_ds>(buf));
}

Result<long> compat_ksys_semctl(int semid, int semnum, int cmd, u32 arg, Layout l)
{
    if (semid < 0)
        return Errno::EINVAL;
    switch (cmd & ~IPC_64) {
    case IPC_INFO:
    case SEM_INFO:
        return semctl_info(cmd, arg); /* struct seminfo: ints */
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY: {
        semid64_ds d;
        long r = TRY(semctl_stat(semid, cmd, &d));
        TRY(copy_compat_semid_to_user(arg, d, l));
        return r;
    }
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case GETALL:
    case SETALL:
        return semctl_main(semid, semnum, cmd, arg); /* arrays of u16: one layout */
    case SETVAL:
        return semctl_setval(semid, semnum, static_cast<int>(arg));
    case IPC_SET: {
        semid64_ds d{};
        if (l == Layout::Ipc64)
            TRY(get_compat_perm(d.sem_perm, in<compat_ipc64_perm>(arg)));
        else
            TRY(get_compat_perm(d.sem_perm, in<compat_ipc_perm>(arg)));
        return semctl_down(semid, cmd, &d);
    }
    case IPC_RMID: {
        semid64_ds d{};
        return semctl_down(semid, cmd, &d);
    }
    default:
        return Errno::EINVAL;
    }
}

/* ---- shmctl ---- */

Result<void> copy_compat_shmid_to_user(compat_uptr_t buf, const shmid64_ds& d, Layout l)
{
    if (l == Layout::Ipc64) {
        compat_shmid64_ds v{};
        to_compat_ipc64_perm(v.shm_perm, d.shm_perm);
        v.shm_atime = lo(d.shm_atime), v.shm_atime_high = hi(d.shm_atime);
        v.shm_dtime = lo(d.shm_dtime), v.shm_dtime_high = hi(d.shm_dtime);
        v.shm_ctime = lo(d.shm_ctime), v.shm_ctime_high = hi(d.shm_ctime);
        v.shm_segsz = static_cast<u32>(d.shm_segsz);
        v.shm_nattch = static_cast<u32>(d.shm_nattch);
        v.shm_cpid = d.shm_cpid, v.shm_lpid = d.shm_lpid;
        return put_user(v, out<compat_shmid64_ds>(buf));
    }
    compat_shmid_ds v{};
    to_compat_ipc_perm(v.shm_perm, d.shm_perm);
    v.shm_atime = static_cast<s32>(d.shm_atime);
    v.shm_dtime = static_cast<s32>(d.shm_dtime);
    v.shm_ctime = static_cast<s32>(d.shm_ctime);
    v.shm_segsz = static_cast<s32>(d.shm_segsz);
    v.shm_nattch = static_cast<u16>(d.shm_nattch);
    v.shm_cpid = static_cast<u16>(d.shm_cpid), v.shm_lpid = static_cast<u16>(d.shm_lpid);
    return put_user(v, out<compat_shmid_ds>(buf));
}

Result<long> compat_ksys_shmctl(int shmid, int cmd, compat_uptr_t uptr, Layout l)
{
    if (cmd < 0 || shmid < 0)
        return Errno::EINVAL;
    switch (cmd) {
    case IPC_INFO: {
        shminfo64 info;
        long r = shmctl_ipc_info(&info);
        u32 shmmax = info.shmmax > 0x7fffffff ? 0x7fffffff : static_cast<u32>(info.shmmax);
        if (l == Layout::Ipc64) {
            compat_shminfo64 v{};
            v.shmmax = shmmax, v.shmmin = static_cast<u32>(info.shmmin), v.shmmni = static_cast<u32>(info.shmmni);
            v.shmseg = static_cast<u32>(info.shmseg), v.shmall = static_cast<u32>(info.shmall);
            TRY(put_user(v, out<compat_shminfo64>(uptr)));
        } else {
            compat_shminfo v{};
            v.shmmax = static_cast<s32>(shmmax), v.shmmin = static_cast<s32>(info.shmmin);
            v.shmmni = static_cast<s32>(info.shmmni), v.shmseg = static_cast<s32>(info.shmseg);
            v.shmall = static_cast<s32>(info.shmall);
            TRY(put_user(v, out<compat_shminfo>(uptr)));
        }
        return r;
    }
    case SHM_INFO: {
        shm_info info;
        long r = shmctl_shm_info(&info);
        compat_shm_info v{};
        v.used_ids = info.used_ids;
        v.shm_tot = static_cast<u32>(info.shm_tot), v.shm_rss = static_cast<u32>(info.shm_rss);
        v.shm_swp = static_cast<u32>(info.shm_swp);
        v.swap_attempts = static_cast<u32>(info.swap_attempts);
        v.swap_successes = static_cast<u32>(info.swap_successes);
        TRY(put_user(v, out<compat_shm_info>(uptr)));
        return r;
    }
    case IPC_STAT:
    case SHM_STAT_ANY:
    case SHM_STAT: {
        shmid64_ds d;
        long r = TRY(shmctl_stat(shmid, cmd, &d));
        TRY(copy_compat_shmid_to_user(uptr, d, l));
        return r;
    }
    case IPC_SET: {
        shmid64_ds d{};
        if (l == Layout::Ipc64)
            TRY(get_compat_perm(d.shm_perm, in<compat_ipc64_perm>(uptr)));
        else
            TRY(get_compat_perm(d.shm_perm, in<compat_ipc_perm>(uptr)));
        return shmctl_down(shmid, cmd, &d);
    }
    case IPC_RMID:
        return shmctl_down(shmid, cmd, nullptr);
    case SHM_LOCK:
    case SHM_UNLOCK:
        return shmctl_do_lock(shmid, cmd);
    default:
        return Errno::EINVAL;
    }
}

} // namespace

COMPAT_SYSCALL_DEFINE3(msgctl, int, msqid, int, cmd, compat_uptr_t, uptr)
{
    return compat_ksys_msgctl(msqid, cmd, uptr, Layout::Ipc64);
}

COMPAT_SYSCALL_DEFINE4(semctl, int, semid, int, semnum, int, cmd, u32, arg)
{
    return compat_ksys_semctl(semid, semnum, cmd, arg, Layout::Ipc64);
}

COMPAT_SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, compat_uptr_t, uptr)
{
    return compat_ksys_shmctl(shmid, cmd, uptr, Layout::Ipc64);
}

/* ipc(2)'s: the layout from cmd (compat_ksys_old_msgctl & co.). */
SyscallResult compat_ipc_msgctl(int msqid, int cmd, compat_uptr_t uptr)
{
    Layout l = parse_version(cmd);
    return compat_ksys_msgctl(msqid, cmd, uptr, l);
}

SyscallResult compat_ipc_semctl(int semid, int semnum, int cmd, u32 arg)
{
    Layout l = parse_version(cmd);
    return compat_ksys_semctl(semid, semnum, cmd, arg, l);
}

SyscallResult compat_ipc_shmctl(int shmid, int cmd, compat_uptr_t uptr)
{
    Layout l = parse_version(cmd);
    return compat_ksys_shmctl(shmid, cmd, uptr, l);
}
