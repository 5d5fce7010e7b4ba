/*
 * System V message queues: msgget, msgsnd, msgrcv, msgctl (Linux's
 * ipc/msg.c). A queue is a list of messages in arrival order; a sender
 * waits while the queue is full (bytes or count above msg_qbytes), a
 * receiver while no message matches msgtyp. Both sleep on the queue's wait
 * queues (kernel/sched/wait.cpp) and look again when woken: a send wakes the
 * receivers, a receive the senders, IPC_SET and IPC_RMID both. Everything is
 * under ipc_lock (ipc/util.h); the text is copied in before the lock is
 * taken and out after it is dropped.
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <linux/wait.h>
#include "util.h"

namespace {

constexpr int MSGSSZ = 16;
constexpr int MSGPOOL = MSGMNI * MSGMNB / 1024; /* in KiB, as Linux reports it */
constexpr int MSGTQL = MSGMNB, MSGMAP = MSGMNB;
constexpr int MSGSEG = (MSGPOOL * 1024 / MSGSSZ) <= 0xffff ? (MSGPOOL * 1024 / MSGSSZ) : 0xffff;

struct msg_msg {
    list_head m_list;
    long m_type;
    size_t m_ts; /* text size */
    char m_text[];
};

struct msg_queue {
    kern_ipc_perm q_perm;
    s64 q_stime, q_rtime, q_ctime;
    unsigned long q_cbytes, q_qnum, q_qbytes;
    pid_t q_lspid, q_lrpid;
    list_head q_messages;
    wait_queue_head q_receivers;
    wait_queue_head q_senders;
};

msg_queue* msq_of(kern_ipc_perm* p) { return reinterpret_cast<msg_queue*>(p); }
static_assert(offsetof(msg_queue, q_perm) == 0);

msg_msg* alloc_msg(size_t len)
{
    auto* m = static_cast<msg_msg*>(kmalloc(sizeof(msg_msg) + len));
    if (m)
        m->m_list.init();
    return m;
}

/* Drops a reference under ipc_lock; the queue itself is freed by the caller
 * once the lock is dropped (returned), since its messages go with it. */
[[nodiscard]] msg_queue* msq_put(msg_queue* q) { return ipc_putref(&q->q_perm) ? q : nullptr; }

void msq_free(msg_queue* q)
{
    if (!q)
        return;
    list_for_each_safe(pos, n, &q->q_messages) {
        list_head::del(pos);
        kfree(list_entry(pos, msg_msg, m_list));
    }
    delete q;
}

Result<int> newque(const ipc_params& p)
{
    auto* q = new msg_queue{};
    if (!q)
        return Errno::ENOMEM;
    q->q_qbytes = ipc_ns.msg_ctlmnb;
    q->q_ctime = ipc_now();
    u64 flags = spin_lock_irqsave(&ipc_lock);
    msg_ids.limit = ipc_ns.msg_ctlmni;
    Result<int> id = ipc_addid(msg_ids, &q->q_perm, p.key, p.flg & S_IRWXUGO);
    spin_unlock_irqrestore(&ipc_lock, flags);
    if (!id.ok())
        delete q;
    return id;
}

constexpr ipc_ops msg_ops = {newque, nullptr};

enum search_mode { SEARCH_ANY, SEARCH_EQUAL, SEARCH_NOTEQUAL, SEARCH_LESSEQUAL, SEARCH_NUMBER };

search_mode convert_mode(long* msgtyp, int msgflg)
{
    if (msgflg & MSG_COPY)
        return SEARCH_NUMBER;
    if (*msgtyp == 0)
        return SEARCH_ANY;
    if (*msgtyp < 0) {
        *msgtyp = *msgtyp == (-0x7fffffffffffffffL - 1) ? 0x7fffffffffffffffL : -*msgtyp;
        return SEARCH_LESSEQUAL;
    }
    if (msgflg & MSG_EXCEPT)
        return SEARCH_NOTEQUAL;
    return SEARCH_EQUAL;
}

bool testmsg(const msg_msg* m, long type, search_mode mode)
{
    switch (mode) {
    case SEARCH_ANY:
    case SEARCH_NUMBER: return true;
    case SEARCH_LESSEQUAL: return m->m_type <= type;
    case SEARCH_EQUAL: return m->m_type == type;
    case SEARCH_NOTEQUAL: return m->m_type != type;
    }
    return false;
}

/* The message msgrcv takes: the first match, the lowest type <= msgtyp
 * (the first of them), or the msgtyp'th for MSG_COPY. */
msg_msg* find_msg(msg_queue* q, long* msgtyp, search_mode mode)
{
    msg_msg* found = nullptr;
    long count = 0;
    list_for_each(pos, &q->q_messages) {
        msg_msg* m = list_entry(pos, msg_msg, m_list);
        if (!testmsg(m, *msgtyp, mode))
            continue;
        if (mode == SEARCH_LESSEQUAL && m->m_type != 1) {
            *msgtyp = m->m_type - 1;
            found = m;
        } else if (mode == SEARCH_NUMBER) {
            if (*msgtyp == count)
                return m;
        } else {
            return m;
        }
        count++;
    }
    return found;
}

bool msg_fits_inqueue(const msg_queue* q, size_t msgsz)
{
    return msgsz + q->q_cbytes <= q->q_qbytes && 1 + q->q_qnum <= q->q_qbytes;
}

/* Sleeps on wq with ipc_lock dropped (the caller holds a reference on q). */
void msq_sleep(wait_queue_head* wq, u64& flags)
{
    wait_queue_entry w{current, {}};
    add_wait_queue(wq, &w);
    set_current_state(TASK_INTERRUPTIBLE);
    spin_unlock_irqrestore(&ipc_lock, flags);
    schedule();
    set_current_state(TASK_RUNNING);
    flags = spin_lock_irqsave(&ipc_lock);
    remove_wait_queue(wq, &w);
}

Result<long> do_msgsnd(int msqid, long mtype, user_in_ptr<const char> mtext, size_t msgsz, int msgflg)
{
    if (msgsz > ipc_ns.msg_ctlmax || static_cast<long>(msgsz) < 0 || msqid < 0)
        return Errno::EINVAL;
    if (mtype < 1)
        return Errno::EINVAL;
    msg_msg* msg = alloc_msg(msgsz);
    if (!msg)
        return Errno::ENOMEM;
    msg->m_type = mtype;
    msg->m_ts = msgsz;
    if (!copy_from_user(msg->m_text, mtext, msgsz).ok()) {
        kfree(msg);
        return Errno::EFAULT;
    }
    u64 flags = spin_lock_irqsave(&ipc_lock);
    auto obj = ipc_obtain_object_check(msg_ids, msqid);
    if (!obj.ok()) {
        spin_unlock_irqrestore(&ipc_lock, flags);
        kfree(msg);
        return obj.error();
    }
    msg_queue* q = msq_of(obj.value());
    msg_queue* to_free = nullptr;
    Errno err = Errno::EINVAL;
    bool held = false; /* a reference from a sleep */
    for (;;) {
        if (ipcperms(&q->q_perm, S_IWUGO)) {
            err = Errno::EACCES;
            break;
        }
        if (q->q_perm.deleted) {
            err = Errno::EIDRM;
            break;
        }
        if (msg_fits_inqueue(q, msgsz)) {
            err = Errno{};
            break;
        }
        if (msgflg & IPC_NOWAIT) {
            err = Errno::EAGAIN;
            break;
        }
        if (!held) {
            ipc_getref(&q->q_perm); /* the queue outlives an IPC_RMID while we sleep */
            held = true;
        }
        msq_sleep(&q->q_senders, flags);
        if (signal_pending(current)) {
            err = Errno::ERESTARTNOHAND;
            break;
        }
    }
    if (err == Errno{}) {
        q->q_lspid = current->tgid;
        q->q_stime = ipc_now();
        q->q_messages.add_tail(&msg->m_list);
        q->q_cbytes += msgsz;
        q->q_qnum++;
        ipc_ns.msg_bytes += msgsz;
        ipc_ns.msg_hdrs++;
        msg = nullptr;
        wake_up(&q->q_receivers);
    }
    if (held)
        to_free = msq_put(q);
    spin_unlock_irqrestore(&ipc_lock, flags);
    msq_free(to_free);
    if (msg)
        kfree(msg);
    if (err != Errno{})
        return err;
    return 0;
}

/* compat: an i386 caller's msgbuf, its mtype a 32-bit long (compat_msgbuf). */
/* buf is read too: MSG_COPY loads it first, as Linux. */
Result<long> do_msgrcv(int msqid, user_inout_ptr<void> buf, size_t bufsz, long msgtyp, int msgflg,
                       bool compat = false)
{
    if (msqid < 0 || static_cast<long>(bufsz) < 0)
        return Errno::EINVAL;
    msg_msg* copy = nullptr;
    if (msgflg & MSG_COPY) {
        if ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT))
            return Errno::EINVAL;
        size_t len = bufsz < ipc_ns.msg_ctlmax ? bufsz : ipc_ns.msg_ctlmax;
        if (!(copy = alloc_msg(len)))
            return Errno::ENOMEM;
        /* Linux's prepare_copy loads the buffer first (load_msg): a bad one faults here. */
        if (!copy_from_user(copy->m_text, buf.cast<const char>(), len).ok()) {
            kfree(copy);
            return Errno::EFAULT;
        }
        copy->m_ts = len;
    }
    search_mode mode = convert_mode(&msgtyp, msgflg);
    u64 flags = spin_lock_irqsave(&ipc_lock);
    auto obj = ipc_obtain_object_check(msg_ids, msqid);
    if (!obj.ok()) {
        spin_unlock_irqrestore(&ipc_lock, flags);
        kfree(copy);
        return obj.error();
    }
    msg_queue* q = msq_of(obj.value());
    msg_queue* to_free = nullptr;
    msg_msg* msg = nullptr;
    Errno err = Errno{};
    bool held = false;
    for (;;) {
        if (ipcperms(&q->q_perm, S_IRUGO)) {
            err = Errno::EACCES;
            break;
        }
        if (q->q_perm.deleted) {
            err = Errno::EIDRM;
            break;
        }
        msg_msg* m = find_msg(q, &msgtyp, mode);
        if (m) {
            if (bufsz < m->m_ts && !(msgflg & MSG_NOERROR)) {
                err = Errno::E2BIG;
                break;
            }
            if (msgflg & MSG_COPY) {
                /* Linux's copy_msg: the copy must hold the whole text. */
                if (copy->m_ts < m->m_ts) {
                    err = Errno::EINVAL;
                    break;
                }
                copy->m_type = m->m_type;
                copy->m_ts = m->m_ts;
                memcpy(copy->m_text, m->m_text, m->m_ts);
                msg = copy;
                copy = nullptr;
                break;
            }
            list_head::del(&m->m_list);
            q->q_qnum--;
            q->q_rtime = ipc_now();
            q->q_lrpid = current->tgid;
            q->q_cbytes -= m->m_ts;
            ipc_ns.msg_bytes -= m->m_ts;
            ipc_ns.msg_hdrs--;
            wake_up(&q->q_senders);
            msg = m;
            break;
        }
        if (msgflg & IPC_NOWAIT) {
            err = Errno::ENOMSG;
            break;
        }
        if (!held) {
            ipc_getref(&q->q_perm); /* the queue outlives an IPC_RMID while we sleep */
            held = true;
        }
        msq_sleep(&q->q_receivers, flags);
        if (signal_pending(current)) {
            /* A message that came with the signal stays for the next receiver. */
            err = Errno::ERESTARTNOHAND;
            break;
        }
    }
    if (held)
        to_free = msq_put(q);
    spin_unlock_irqrestore(&ipc_lock, flags);
    msq_free(to_free);
    kfree(copy);
    if (err != Errno{})
        return err;
    /* The message is ours now: a fault loses it, as on Linux. */
    size_t n = bufsz < msg->m_ts ? bufsz : msg->m_ts;
    Result<void> r = compat ? put_user(static_cast<s32>(msg->m_type), buf.cast<s32>()) : put_user(msg->m_type, buf.cast<long>());
    size_t text = compat ? sizeof(s32) : sizeof(long);
    if (r.ok())
        r = copy_to_user(buf.cast<char>() + text, msg->m_text, n);
    kfree(msg);
    if (!r.ok())
        return r.error();
    return static_cast<long>(n);
}

/* IPC_RMID: every sleeper wakes to EIDRM; the messages go with the last reference. */
[[nodiscard]] msg_queue* freeque(msg_queue* q)
{
    ipc_rmid(msg_ids, &q->q_perm);
    ipc_ns.msg_bytes -= q->q_cbytes;
    ipc_ns.msg_hdrs -= q->q_qnum;
    wake_up(&q->q_receivers);
    wake_up(&q->q_senders);
    return msq_put(q);
}

} // namespace

/* The ctl commands' bodies, shared with the i386 entry points (ipc/compat_ipc_ctl.cpp). */
Result<long> msgctl_info(int cmd, msginfo* info)
{
    *info = {};
    info->msgmni = ipc_ns.msg_ctlmni;
    info->msgmax = static_cast<int>(ipc_ns.msg_ctlmax);
    info->msgmnb = static_cast<int>(ipc_ns.msg_ctlmnb);
    info->msgssz = MSGSSZ;
    info->msgseg = MSGSEG;
    spin_guard g(&ipc_lock);
    if (cmd == MSG_INFO) {
        info->msgpool = msg_ids.in_use;
        info->msgmap = static_cast<int>(ipc_ns.msg_hdrs < 0x7fffffff ? ipc_ns.msg_hdrs : 0x7fffffff);
        info->msgtql = static_cast<int>(ipc_ns.msg_bytes < 0x7fffffff ? ipc_ns.msg_bytes : 0x7fffffff);
    } else {
        info->msgmap = MSGMAP;
        info->msgpool = MSGPOOL;
        info->msgtql = MSGTQL;
    }
    int max_idx = ipc_get_maxidx(msg_ids);
    return max_idx < 0 ? 0 : max_idx;
}

Result<long> msgctl_stat(int msqid, int cmd, msqid64_ds* p)
{
    *p = {};
    spin_guard g(&ipc_lock);
    /* Linux's tests of cmd, which an i386 caller's IPC_64 bit takes as IPC_STAT's lookup. */
    kern_ipc_perm* perm = TRY(cmd == MSG_STAT || cmd == MSG_STAT_ANY ? ipc_obtain_object_idr(msg_ids, msqid)
                                                                     : ipc_obtain_object_check(msg_ids, msqid));
    if (cmd != MSG_STAT_ANY && ipcperms(perm, S_IRUGO))
        return Errno::EACCES;
    msg_queue* q = msq_of(perm);
    kernel_to_ipc64_perm(perm, &p->msg_perm);
    p->msg_stime = q->q_stime;
    p->msg_rtime = q->q_rtime;
    p->msg_ctime = q->q_ctime;
    p->msg_cbytes = q->q_cbytes;
    p->msg_qnum = q->q_qnum;
    p->msg_qbytes = q->q_qbytes;
    p->msg_lspid = q->q_lspid;
    p->msg_lrpid = q->q_lrpid;
    return cmd == IPC_STAT ? 0 : perm->id;
}

Result<long> msgctl_down(int msqid, int cmd, const msqid64_ds* in)
{
    msg_queue* to_free = nullptr;
    Result<long> r = 0;
    {
        spin_guard g(&ipc_lock);
        auto obj = ipcctl_obtain_check(msg_ids, msqid);
        if (!obj.ok())
            return obj.error();
        msg_queue* q = msq_of(obj.value());
        if (cmd == IPC_RMID) {
            to_free = freeque(q);
        } else if (cmd != IPC_SET) {
            r = Errno::EINVAL; /* i386's IPC_SET | IPC_64 */
        } else if (in->msg_qbytes > ipc_ns.msg_ctlmnb && !capable(CAP_SYS_RESOURCE)) {
            r = Errno::EPERM;
        } else if (auto u = ipc_update_perm(in->msg_perm, &q->q_perm); !u.ok()) {
            r = u.error();
        } else {
            q->q_qbytes = in->msg_qbytes;
            q->q_ctime = ipc_now();
            /* Receivers may now be refused, senders may now fit: all look again. */
            wake_up(&q->q_receivers);
            wake_up(&q->q_senders);
        }
    }
    msq_free(to_free);
    return r;
}

SYSCALL_DEFINE2(msgget, key_t, key, int, msgflg)
{
    return ipcget(msg_ids, msg_ops, ipc_params{key, msgflg, 0});
}

SYSCALL_DEFINE4(msgsnd, int, msqid, user_in_ptr<const long>, msgp, size_t, msgsz, int, msgflg)
{
    long mtype = TRY(get_user(msgp));
    return do_msgsnd(msqid, mtype, msgp.cast<const char>() + sizeof(long), msgsz, msgflg);
}

SYSCALL_DEFINE5(msgrcv, int, msqid, user_inout_ptr<void>, msgp, size_t, msgsz, long, msgtyp, int, msgflg)
{
    return do_msgrcv(msqid, msgp, msgsz, msgtyp, msgflg);
}

/* i386: struct compat_msgbuf, a 32-bit mtype and the text after it. */
COMPAT_SYSCALL_DEFINE4(msgsnd, int, msqid, user_in_ptr<const s32>, msgp, compat_ssize_t, msgsz, int, msgflg)
{
    s32 mtype = TRY(get_user(msgp));
    return do_msgsnd(msqid, mtype, msgp.cast<const char>() + sizeof(s32), static_cast<size_t>(static_cast<long>(msgsz)),
                     msgflg);
}

COMPAT_SYSCALL_DEFINE5(msgrcv, int, msqid, user_inout_ptr<void>, msgp, compat_ssize_t, msgsz, compat_long_t, msgtyp,
                       int, msgflg)
{
    return do_msgrcv(msqid, msgp, static_cast<size_t>(static_cast<long>(msgsz)), msgtyp, msgflg, true);
}

SYSCALL_DEFINE3(msgctl, int, msqid, int, cmd, unsigned long, buf)
{
    if (msqid < 0 || cmd < 0)
        return Errno::EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case MSG_INFO: {
        msginfo info;
        long r = TRY(msgctl_info(cmd, &info));
        TRY(copy_to_user(user_out_ptr<msginfo>(buf), &info));
        return r;
    }
    case MSG_STAT:
    case MSG_STAT_ANY:
    case IPC_STAT: {
        msqid64_ds ds;
        long r = TRY(msgctl_stat(msqid, cmd, &ds));
        TRY(copy_to_user(user_out_ptr<msqid64_ds>(buf), &ds));
        return r;
    }
    case IPC_SET: {
        msqid64_ds ds;
        TRY(copy_from_user(&ds, user_in_ptr<const msqid64_ds>(buf)));
        return msgctl_down(msqid, cmd, &ds);
    }
    case IPC_RMID:
        return msgctl_down(msqid, cmd, nullptr);
    default:
        return Errno::EINVAL;
    }
}

/* /proc/sysvipc/msg: one queue (under ipc_lock). */
#include "../fs/proc/internal.h"
void sysvipc_msg_show(procfs::seqbuf& m, kern_ipc_perm* perm)
{
    msg_queue* q = msq_of(perm);
    m.printf("%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n", perm->key, perm->id,
             perm->mode, q->q_cbytes, q->q_qnum, q->q_lspid, q->q_lrpid, perm->uid, perm->gid, perm->cuid,
             perm->cgid, static_cast<unsigned long long>(q->q_stime), static_cast<unsigned long long>(q->q_rtime),
             static_cast<unsigned long long>(q->q_ctime));
}
