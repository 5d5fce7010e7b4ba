/*
 * System V semaphores: semget, semop, semtimedop, semctl, and the undo
 * lists applied at exit (Linux's ipc/sem.c). An array's operations are
 * applied all or nothing: perform_atomic_semop applies them in order and
 * takes them back at the first that must wait or fails. A caller that must
 * wait queues a sem_queue on the array's pending list (arrival order) and
 * sleeps; every change (semop, SETVAL, SETALL, an exit's undo) retries the
 * pending operations for their sleepers (do_smart_update) and wakes each
 * one it completed with its result, so a sleeper only finds out. IPC_RMID
 * wakes them with EIDRM. All of it under ipc_lock (ipc/util.h).
 */
#include <linux/ipc.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <linux/time64.h>
#include <uapi/linux/sched.h>
#include "util.h"

struct sem_array;

/* A process's adjustments for one array (SEM_UNDO): undone at its exit. */
struct sem_undo {
    list_head list_proc; /* in sem_undo_list::list_proc */
    list_head list_id;   /* in sem_array::list_id */
    sem_array* sma;
    int semid;
    short semadj[];
};

/* A process's undo structures, shared by the threads made with CLONE_SYSVSEM. */
struct sem_undo_list {
    int refcnt;
    list_head list_proc;
};

namespace {

struct sem {
    int semval;
    pid_t sempid;
    s64 sem_otime;
};

struct sem_queue {
    list_head list; /* in sem_array::pending */
    task_struct* sleeper;
    const sembuf* sops;
    int nsops;
    bool alter;
    const sembuf* blocking; /* the operation that made it wait (GETNCNT, GETZCNT) */
    sem_undo* undo;
    pid_t pid;
    int status; /* STILL_WAITING, or the result its waker found: 0 or -errno */
};
constexpr int STILL_WAITING = 1;

} // namespace

struct sem_array {
    kern_ipc_perm sem_perm;
    s64 sem_ctime;
    int sem_nsems;
    list_head pending; /* sem_queue, oldest first */
    list_head list_id; /* sem_undo */
    sem sems[];
};
static_assert(offsetof(sem_array, sem_perm) == 0);

namespace {

sem_array* sma_of(kern_ipc_perm* p) { return reinterpret_cast<sem_array*>(p); }

Result<int> newary(const ipc_params& p)
{
    int nsems = static_cast<int>(p.extra);
    if (!nsems)
        return Errno::EINVAL;
    auto* sma = static_cast<sem_array*>(kzalloc(sizeof(sem_array) + nsems * sizeof(sem)));
    if (!sma)
        return Errno::ENOMEM;
    new (&sma->sem_perm) kern_ipc_perm{};
    sma->pending.init();
    sma->list_id.init();
    sma->sem_nsems = nsems;
    sma->sem_ctime = ipc_now();
    Result<int> id = Errno::ENOSPC;
    {
        spin_guard g(&ipc_lock);
        sem_ids.limit = ipc_ns.sem_ctls[3];
        if (static_cast<long>(ipc_ns.used_sems) + nsems <= ipc_ns.sem_ctls[1]) {
            id = ipc_addid(sem_ids, &sma->sem_perm, p.key, p.flg & S_IRWXUGO);
            if (id.ok())
                ipc_ns.used_sems += nsems;
        }
    }
    if (!id.ok())
        kfree(sma);
    return id;
}

Result<void> sem_more_checks(kern_ipc_perm* perm, const ipc_params& p)
{
    if (static_cast<int>(p.extra) > sma_of(perm)->sem_nsems)
        return Errno::EINVAL;
    return {};
}

constexpr ipc_ops sem_ops = {newary, sem_more_checks};

/*
 * Tries sops on sma as one: 0 (applied, with their undo adjustments), 1 (an
 * operation must wait: nothing applied, *blocking says which), or -EAGAIN
 * (it would wait under IPC_NOWAIT) / -ERANGE (a value or adjustment out of
 * range), nothing applied.
 */
int perform_atomic_semop(sem_array* sma, const sembuf* sops, int nsops, sem_undo* un, pid_t pid,
                         const sembuf** blocking)
{
    int i, result = 0;
    for (i = 0; i < nsops; i++) {
        const sembuf& sop = sops[i];
        sem& s = sma->sems[sop.sem_num];
        int value = s.semval;
        if (!sop.sem_op && value) {
            result = 1;
            break;
        }
        value += sop.sem_op;
        if (value < 0) {
            result = 1;
            break;
        }
        if (value > SEMVMX) {
            result = -static_cast<int>(Errno::ERANGE);
            break;
        }
        if (sop.sem_flg & SEM_UNDO) {
            int undo = un->semadj[sop.sem_num] - sop.sem_op;
            if (undo < -SEMAEM - 1 || undo > SEMAEM) {
                result = -static_cast<int>(Errno::ERANGE);
                break;
            }
            un->semadj[sop.sem_num] = static_cast<short>(undo);
        }
        s.semval = value;
    }
    if (result == 0) {
        for (i = 0; i < nsops; i++)
            sma->sems[sops[i].sem_num].sempid = pid;
        return 0;
    }
    if (result == 1) {
        *blocking = &sops[i];
        if (sops[i].sem_flg & IPC_NOWAIT)
            result = -static_cast<int>(Errno::EAGAIN);
    }
    while (--i >= 0) { /* take back what was applied */
        sma->sems[sops[i].sem_num].semval -= sops[i].sem_op;
        if (sops[i].sem_flg & SEM_UNDO)
            un->semadj[sops[i].sem_num] = static_cast<short>(un->semadj[sops[i].sem_num] + sops[i].sem_op);
    }
    return result;
}

void set_semotime(sem_array* sma, const sembuf* sops)
{
    sma->sems[sops ? sops[0].sem_num : 0].sem_otime = ipc_now();
}

s64 get_semotime(const sem_array* sma)
{
    s64 t = sma->sems[0].sem_otime;
    for (int i = 1; i < sma->sem_nsems; i++)
        if (sma->sems[i].sem_otime > t)
            t = sma->sems[i].sem_otime;
    return t;
}

/* After a change: completes what now can of the pending operations, oldest
 * first (again from the start after each that changed values), and wakes
 * their sleepers. otime: the change was an operation (sem_otime). */
void do_smart_update(sem_array* sma, const sembuf* sops, bool otime)
{
again:
    list_for_each_safe(pos, n, &sma->pending) {
        auto* q = list_entry(pos, sem_queue, list);
        int r = perform_atomic_semop(sma, q->sops, q->nsops, q->undo, q->pid, &q->blocking);
        if (r > 0)
            continue;
        list_head::del(&q->list);
        q->status = r;
        wake_up_process(q->sleeper);
        if (r == 0) {
            otime = true;
            if (q->alter)
                goto again;
        }
    }
    if (otime)
        set_semotime(sma, sops);
}

int count_semcnt(sem_array* sma, int semnum, bool count_zero)
{
    int n = 0;
    list_for_each(pos, &sma->pending) {
        const sembuf* sop = list_entry(pos, sem_queue, list)->blocking;
        if (sop->sem_num == semnum && (count_zero ? sop->sem_op == 0 : sop->sem_op < 0))
            n++;
    }
    return n;
}

/* IPC_RMID: the undo structures go, every sleeper wakes to EIDRM. Returns
 * the array if that was the last reference (to free after the lock). */
[[nodiscard]] sem_array* freeary(sem_array* sma)
{
    list_for_each_safe(pos, n, &sma->list_id) {
        auto* un = list_entry(pos, sem_undo, list_id);
        list_head::del(&un->list_id);
        list_head::del(&un->list_proc);
        kfree(un);
    }
    list_for_each_safe(pos, n, &sma->pending) {
        auto* q = list_entry(pos, sem_queue, list);
        list_head::del(&q->list);
        q->status = -static_cast<int>(Errno::EIDRM);
        wake_up_process(q->sleeper);
    }
    ipc_ns.used_sems -= sma->sem_nsems;
    ipc_rmid(sem_ids, &sma->sem_perm);
    return ipc_putref(&sma->sem_perm) ? sma : nullptr;
}

/* The caller's undo list, made on first use (Linux's get_undo_list). Under ipc_lock. */
Result<sem_undo_list*> get_undo_list()
{
    task_struct* t = current;
    if (!t->sysvsem_undo) {
        auto* ulp = static_cast<sem_undo_list*>(kzalloc(sizeof(sem_undo_list)));
        if (!ulp)
            return Errno::ENOMEM;
        ulp->refcnt = 1;
        ulp->list_proc.init();
        t->sysvsem_undo = ulp;
    }
    return t->sysvsem_undo;
}

/* The caller's undo structure for sma (made, with the process's list, on
 * first use). Under ipc_lock. */
Result<sem_undo*> find_alloc_undo(sem_array* sma)
{
    sem_undo_list* ulp = TRY(get_undo_list());
    list_for_each(pos, &ulp->list_proc) {
        auto* un = list_entry(pos, sem_undo, list_proc);
        if (un->sma == sma)
            return un;
    }
    auto* un = static_cast<sem_undo*>(kzalloc(sizeof(sem_undo) + sma->sem_nsems * sizeof(short)));
    if (!un)
        return Errno::ENOMEM;
    un->sma = sma;
    un->semid = sma->sem_perm.id;
    ulp->list_proc.add(&un->list_proc);
    sma->list_id.add(&un->list_id);
    return un;
}

} // namespace

/* semop and semtimedop on either ABI (ipc(2)'s SEMTIMEDOP too: ipc/compat_ipc.cpp). */
Result<long> do_semtimedop(int semid, user_in_ptr<const sembuf> tsops, unsigned nsops, const timespec64* timeout)
{
    if (nsops < 1 || semid < 0)
        return Errno::EINVAL;
    if (nsops > static_cast<unsigned>(ipc_ns.sem_ctls[2]))
        return Errno::E2BIG;
    auto* sops = static_cast<sembuf*>(kmalloc(nsops * sizeof(sembuf)));
    if (!sops)
        return Errno::ENOMEM;
    Result<long> result = 0;
    u64 deadline = 0;
    int max = 0;
    bool undos = false, alter = false;
    if (!copy_from_user(sops, tsops, nsops).ok()) {
        result = Errno::EFAULT;
    } else if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= NSEC_PER_SEC)) {
        result = Errno::EINVAL;
    }
    if (!result.ok()) {
        kfree(sops);
        return result;
    }
    if (timeout)
        deadline = static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), timespec64_to_ns(*timeout)));
    for (unsigned i = 0; i < nsops; i++) {
        if (sops[i].sem_num >= max)
            max = sops[i].sem_num;
        if (sops[i].sem_flg & SEM_UNDO)
            undos = true;
        if (sops[i].sem_op != 0)
            alter = true;
    }

    sem_array* to_free = nullptr;
    u64 flags = spin_lock_irqsave(&ipc_lock);
    auto obj = ipc_obtain_object_check(sem_ids, semid);
    sem_array* sma = obj.ok() ? sma_of(obj.value()) : nullptr;
    sem_undo* un = nullptr;
    if (!sma) {
        result = obj.error();
    } else if (undos && !(un = find_alloc_undo(sma).value_or(nullptr))) {
        result = Errno::ENOMEM;
    } else if (max >= sma->sem_nsems) {
        result = Errno::EFBIG;
    } else if (ipcperms(&sma->sem_perm, alter ? S_IWUGO : S_IRUGO)) {
        result = Errno::EACCES;
    } else {
        sem_queue q{};
        q.sleeper = current;
        q.sops = sops;
        q.nsops = static_cast<int>(nsops);
        q.alter = alter;
        q.undo = un;
        q.pid = current->tgid;
        int r = perform_atomic_semop(sma, sops, q.nsops, un, q.pid, &q.blocking);
        if (r == 0) {
            if (alter)
                do_smart_update(sma, sops, true);
            else
                set_semotime(sma, sops);
        } else if (r < 0) {
            result = static_cast<Errno>(-r);
        } else {
            /* Wait, holding the array, until a waker completes us, the
             * array goes, the time is up or a signal comes. */
            sma->pending.add_tail(&q.list);
            ipc_getref(&sma->sem_perm);
            for (;;) {
                q.status = STILL_WAITING;
                set_current_state(TASK_INTERRUPTIBLE);
                spin_unlock_irqrestore(&ipc_lock, flags);
                bool timed_out = false;
                if (timeout)
                    timed_out = !schedule_timeout_until(deadline);
                else
                    schedule();
                set_current_state(TASK_RUNNING);
                flags = spin_lock_irqsave(&ipc_lock);
                if (q.status != STILL_WAITING) { /* completed, failed, or EIDRM: unlinked by the waker */
                    result = q.status ? Result<long>(static_cast<Errno>(-q.status)) : Result<long>(0);
                    break;
                }
                if (timed_out || signal_pending(current)) {
                    list_head::del(&q.list);
                    result = timed_out ? Errno::EAGAIN : Errno::EINTR;
                    break;
                }
            }
            if (ipc_putref(&sma->sem_perm))
                to_free = sma;
        }
    }
    spin_unlock_irqrestore(&ipc_lock, flags);
    kfree(to_free);
    kfree(sops);
    return result;
}

/* The ctl commands' bodies, shared with the i386 entry points (ipc/compat_ipc_ctl.cpp). */
Result<long> semctl_info(int cmd, unsigned long p)
{
    seminfo info{};
    info.semmni = ipc_ns.sem_ctls[3];
    info.semmns = ipc_ns.sem_ctls[1];
    info.semmsl = ipc_ns.sem_ctls[0];
    info.semopm = ipc_ns.sem_ctls[2];
    info.semvmx = SEMVMX;
    info.semmnu = SEMMNS;
    info.semmap = SEMMNS;
    info.semume = SEMOPM;
    int max_idx;
    {
        spin_guard g(&ipc_lock);
        if (cmd == SEM_INFO) {
            info.semusz = sem_ids.in_use;
            info.semaem = ipc_ns.used_sems;
        } else {
            info.semusz = 20; /* SEMUSZ */
            info.semaem = SEMAEM;
        }
        max_idx = ipc_get_maxidx(sem_ids);
    }
    TRY(copy_to_user(user_out_ptr<seminfo>(p), &info));
    return max_idx < 0 ? 0 : max_idx;
}

Result<long> semctl_stat(int semid, int cmd, semid64_ds* out)
{
    *out = {};
    spin_guard g(&ipc_lock);
    /* Linux's tests of cmd, which an i386 caller's IPC_64 bit takes as IPC_STAT's lookup. */
    kern_ipc_perm* perm = TRY(cmd == SEM_STAT || cmd == SEM_STAT_ANY ? ipc_obtain_object_idr(sem_ids, semid)
                                                                     : ipc_obtain_object_check(sem_ids, semid));
    if (cmd != SEM_STAT_ANY && ipcperms(perm, S_IRUGO))
        return Errno::EACCES;
    sem_array* sma = sma_of(perm);
    kernel_to_ipc64_perm(perm, &out->sem_perm);
    out->sem_otime = get_semotime(sma);
    out->sem_ctime = sma->sem_ctime;
    out->sem_nsems = static_cast<u64>(sma->sem_nsems);
    return cmd == IPC_STAT ? 0 : perm->id;
}

Result<long> semctl_setval(int semid, int semnum, int val)
{
    if (val > SEMVMX || val < 0)
        return Errno::ERANGE;
    spin_guard g(&ipc_lock);
    sem_array* sma = sma_of(TRY(ipc_obtain_object_check(sem_ids, semid)));
    if (semnum < 0 || semnum >= sma->sem_nsems)
        return Errno::EINVAL;
    if (ipcperms(&sma->sem_perm, S_IWUGO))
        return Errno::EACCES;
    list_for_each(pos, &sma->list_id)
        list_entry(pos, sem_undo, list_id)->semadj[semnum] = 0;
    sma->sems[semnum].semval = val;
    sma->sems[semnum].sempid = current->tgid;
    sma->sem_ctime = ipc_now();
    do_smart_update(sma, nullptr, false);
    return 0;
}

Result<long> semctl_main(int semid, int semnum, int cmd, unsigned long p)
{
    int nsems;
    {
        spin_guard g(&ipc_lock);
        sem_array* sma = sma_of(TRY(ipc_obtain_object_check(sem_ids, semid)));
        nsems = sma->sem_nsems;
        if (ipcperms(&sma->sem_perm, cmd == SETALL ? S_IWUGO : S_IRUGO))
            return Errno::EACCES;
        if (cmd != GETALL && cmd != SETALL) {
            if (semnum < 0 || semnum >= nsems)
                return Errno::EINVAL;
            sem& s = sma->sems[semnum];
            switch (cmd) {
            case GETVAL: return s.semval;
            case GETPID: return s.sempid;
            case GETNCNT: return count_semcnt(sma, semnum, false);
            case GETZCNT: return count_semcnt(sma, semnum, true);
            default: return Errno::EINVAL; /* i386's cmd | IPC_64 */
            }
        }
    }
    /* GETALL, SETALL: through a kernel buffer, the lock dropped for the copy. */
    auto* io = static_cast<u16*>(kmalloc(nsems * sizeof(u16)));
    if (!io)
        return Errno::ENOMEM;
    Result<long> r = 0;
    if (cmd == SETALL) {
        r = copy_from_user(io, user_in_ptr<const u16>(p), nsems).ok() ? Result<long>(0) : Errno::EFAULT;
        for (int i = 0; r.ok() && i < nsems; i++)
            if (io[i] > SEMVMX)
                r = Errno::ERANGE;
    }
    if (r.ok()) {
        spin_guard g(&ipc_lock);
        auto obj = ipc_obtain_object_check(sem_ids, semid);
        if (!obj.ok() || sma_of(obj.value())->sem_nsems != nsems) {
            r = Errno::EIDRM; /* removed (and maybe replaced) meanwhile */
        } else if (cmd == GETALL) {
            sem_array* sma = sma_of(obj.value());
            for (int i = 0; i < nsems; i++)
                io[i] = static_cast<u16>(sma->sems[i].semval);
        } else {
            sem_array* sma = sma_of(obj.value());
            for (int i = 0; i < nsems; i++) {
                sma->sems[i].semval = io[i];
                sma->sems[i].sempid = current->tgid;
            }
            list_for_each(pos, &sma->list_id)
                memset(list_entry(pos, sem_undo, list_id)->semadj, 0, nsems * sizeof(short));
            sma->sem_ctime = ipc_now();
            do_smart_update(sma, nullptr, false);
        }
    }
    if (r.ok() && cmd == GETALL && !copy_to_user(user_out_ptr<u16>(p), io, nsems).ok())
        r = Errno::EFAULT;
    kfree(io);
    return r;
}

Result<long> semctl_down(int semid, int cmd, const semid64_ds* in)
{
    sem_array* to_free = nullptr;
    {
        spin_guard g(&ipc_lock);
        sem_array* sma = sma_of(TRY(ipcctl_obtain_check(sem_ids, semid)));
        if (cmd == IPC_RMID) {
            to_free = freeary(sma);
        } else if (cmd != IPC_SET) {
            return Errno::EINVAL; /* i386's IPC_SET | IPC_64 */
        } else {
            TRY(ipc_update_perm(in->sem_perm, &sma->sem_perm));
            sma->sem_ctime = ipc_now();
        }
    }
    kfree(to_free);
    return 0;
}

Result<void> copy_semundo(unsigned long clone_flags, task_struct* p)
{
    p->sysvsem_undo = nullptr;
    if (!(clone_flags & CLONE_SYSVSEM))
        return {};
    spin_guard g(&ipc_lock);
    sem_undo_list* ulp = TRY(get_undo_list());
    ulp->refcnt++;
    p->sysvsem_undo = ulp;
    return {};
}

void exit_sem(task_struct* t)
{
    sem_undo_list* ulp = t->sysvsem_undo;
    if (!ulp)
        return;
    u64 flags = spin_lock_irqsave(&ipc_lock);
    t->sysvsem_undo = nullptr;
    if (--ulp->refcnt > 0) {
        spin_unlock_irqrestore(&ipc_lock, flags);
        return;
    }
    while (!ulp->list_proc.empty()) {
        auto* un = list_entry(ulp->list_proc.next, sem_undo, list_proc);
        sem_array* sma = un->sma;
        list_head::del(&un->list_id);
        list_head::del(&un->list_proc);
        for (int i = 0; i < sma->sem_nsems; i++) {
            sem& s = sma->sems[i];
            if (!un->semadj[i])
                continue;
            /* Linux keeps the result in [0, SEMVMX]. */
            s.semval += un->semadj[i];
            if (s.semval < 0)
                s.semval = 0;
            if (s.semval > SEMVMX)
                s.semval = SEMVMX;
            s.sempid = t->tgid;
        }
        do_smart_update(sma, nullptr, true);
        kfree(un);
    }
    spin_unlock_irqrestore(&ipc_lock, flags);
    kfree(ulp);
}

SYSCALL_DEFINE3(semget, key_t, key, int, nsems, int, semflg)
{
    if (nsems < 0 || nsems > ipc_ns.sem_ctls[0])
        return Errno::EINVAL;
    return ipcget(sem_ids, sem_ops, ipc_params{key, semflg, static_cast<unsigned long>(nsems)});
}

SYSCALL_DEFINE4(semtimedop, int, semid, user_in_ptr<const sembuf>, tsops, unsigned int, nsops,
                user_in_ptr<const timespec_user>, timeout)
{
    if (timeout) {
        timespec_user ts = TRY(get_user(timeout));
        timespec64 t{ts.tv_sec, ts.tv_nsec};
        return do_semtimedop(semid, tsops, nsops, &t);
    }
    return do_semtimedop(semid, tsops, nsops, nullptr);
}

SYSCALL_DEFINE3(semop, int, semid, user_in_ptr<const sembuf>, tsops, unsigned int, nsops)
{
    return do_semtimedop(semid, tsops, nsops, nullptr);
}

SYSCALL_DEFINE4(semctl, int, semid, int, semnum, int, cmd, unsigned long, arg)
{
    if (semid < 0)
        return Errno::EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
        return semctl_info(cmd, arg);
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY: {
        semid64_ds ds;
        long r = TRY(semctl_stat(semid, cmd, &ds));
        TRY(copy_to_user(user_out_ptr<semid64_ds>(arg), &ds));
        return r;
    }
    case GETALL:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETALL:
        return semctl_main(semid, semnum, cmd, arg);
    case SETVAL:
        return semctl_setval(semid, semnum, static_cast<int>(arg));
    case IPC_SET: {
        semid64_ds ds;
        TRY(copy_from_user(&ds, user_in_ptr<const semid64_ds>(arg)));
        return semctl_down(semid, cmd, &ds);
    }
    case IPC_RMID:
        return semctl_down(semid, cmd, nullptr);
    default:
        return Errno::EINVAL;
    }
}

/* /proc/sysvipc/sem: one array (under ipc_lock). */
#include "../fs/proc/internal.h"
void sysvipc_sem_show(procfs::seqbuf& m, kern_ipc_perm* perm)
{
    sem_array* sma = sma_of(perm);
    m.printf("%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n", perm->key, perm->id, perm->mode,
             static_cast<unsigned>(sma->sem_nsems), perm->uid, perm->gid, perm->cuid, perm->cgid,
             static_cast<unsigned long long>(get_semotime(sma)), static_cast<unsigned long long>(sma->sem_ctime));
}
