/*
 * Signal-driven I/O (Linux's fs/fcntl.c f_setown, send_sigio, fasync_helper,
 * kill_fasync): a file with O_ASYNC is on its object's fasync list (a pipe's
 * readers and writers so far), and when the object becomes readable or
 * writable its files' owners get SIGIO, or with F_SETSIG that signal with a
 * siginfo naming the descriptor and the poll band. The owner is a thread, a
 * process or a process group, set with F_SETOWN/F_SETOWN_EX, and may be
 * signalled if the setter's uid or euid is the target's uid or saved uid, or
 * the setter was root.
 *
 * fasync_lock guards every fasync list (an entry's fields too): lists
 * change under the kernel lock and are walked from pipe reads and writes,
 * which run without it. It is taken with interrupts off, before
 * tasklist_lock (docs/locking.md).
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/syscalls.h>

namespace {

spinlock_t fasync_lock{"fasync_lock"};

constexpr unsigned F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16;
constexpr int F_OWNER_TID = 0, F_OWNER_PID = 1, F_OWNER_PGRP = 2;

struct f_owner_ex {
    int type;
    pid_t pid;
};
static_assert(sizeof(f_owner_ex) == 8);

/* The poll bits of each POLL_* reason (Linux's band_table). */
constexpr long band_table[] = {
    POLLIN | POLLRDNORM,                 /* POLL_IN */
    POLLOUT | POLLWRNORM | POLLWRBAND,   /* POLL_OUT */
    POLLIN | POLLRDNORM | POLLRDBAND,    /* POLL_MSG */
    POLLERR,                             /* POLL_ERR */
    POLLPRI | POLLRDBAND,                /* POLL_PRI */
    POLLHUP | POLLERR,                   /* POLL_HUP */
};

Result<void> f_setown(file* f, int type, pid_t pid)
{
    if (pid) {
        bool found = false;
        list_for_each(pos, &task_list) {
            task_struct* t = list_entry(pos, task_struct, tasks);
            if (t->exit_state)
                continue;
            if (type == PIDTYPE_PGID ? t->signal->pgrp == pid : type == PIDTYPE_TGID ? t->tgid == pid : t->pid == pid) {
                found = true;
                break;
            }
        }
        if (!found)
            return Errno::ESRCH;
    }
    const cred* c = current_cred();
    spin_guard g(&fasync_lock); /* kill_fasync reads the owner */
    f->f_owner.pid = pid;
    f->f_owner.pid_type = type;
    f->f_owner.uid = c->uid;
    f->f_owner.euid = c->euid;
    return {};
}

/* Linux's sigio_perm. */
bool sigio_perm(const task_struct* t, const file::fown_struct& o)
{
    const cred* c = t->cred;
    return o.euid == 0 || o.euid == c->suid || o.euid == c->uid || o.uid == c->suid || o.uid == c->uid;
}

void send_sigio_to_task(task_struct* t, const file::fown_struct& o, int fd, int reason, bool group)
{
    if (!sigio_perm(t, o))
        return;
    if (o.signum) {
        siginfo_t info{};
        info.si_signo = o.signum;
        info.si_code = reason;
        info.sigpoll.band = reason >= POLL_IN && reason <= POLL_HUP ? band_table[reason - POLL_IN] : ~0L;
        info.sigpoll.fd = fd;
        if (send_sig_info(o.signum, &info, t, group) == 0)
            return;
    }
    send_sig_info(SIGIO, nullptr, t, group); /* plain SIGIO, or the fallback */
}

/* Under fasync_lock, interrupts off: only interrupt-safe signal sending. */
void send_sigio(const file::fown_struct& o, int fd, int reason)
{
    if (!o.pid)
        return;
    rec_spin_guard g(&tasklist_lock); /* the task list while signals go */
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->exit_state)
            continue;
        switch (o.pid_type) {
        case PIDTYPE_PID:
            if (t->pid == o.pid)
                send_sigio_to_task(t, o, fd, reason, false);
            break;
        case PIDTYPE_TGID:
            if (t->pid == o.pid && thread_group_leader(t))
                send_sigio_to_task(t, o, fd, reason, true);
            break;
        default:
            if (t->signal->pgrp == o.pid && thread_group_leader(t))
                send_sigio_to_task(t, o, fd, reason, true);
            break;
        }
    }
}

} // namespace

Result<void> fasync_helper(int fd, file* f, bool on, fasync_struct** list)
{
    fasync_struct* fresh = on ? static_cast<fasync_struct*>(kzalloc(sizeof(fasync_struct))) : nullptr;
    if (on && !fresh)
        return Errno::ENOMEM;
    spin_guard g(&fasync_lock);
    for (fasync_struct** p = list; *p; p = &(*p)->fa_next) {
        if ((*p)->fa_file != f)
            continue;
        if (on) {
            (*p)->fa_fd = fd; /* on already: the newest descriptor names it */
            kfree(fresh);
        } else {
            fasync_struct* gone = *p;
            *p = gone->fa_next;
            kfree(gone);
        }
        return {};
    }
    if (on) {
        fresh->fa_file = f;
        fresh->fa_fd = fd;
        fresh->fa_next = *list;
        *list = fresh;
    }
    return {};
}

void __kill_fasync(fasync_struct** list, int sig, int band)
{
    spin_guard g(&fasync_lock);
    for (fasync_struct* fa = *list; fa; fa = fa->fa_next)
        if (sig == SIGIO)
            send_sigio(fa->fa_file->f_owner, fa->fa_fd, band);
}

Result<long> fcntl_owner(file* f, unsigned int cmd, unsigned long arg)
{
    switch (cmd) {
    case F_GETOWN:
        return f->f_owner.pid_type == PIDTYPE_PGID ? -f->f_owner.pid : f->f_owner.pid;
    case F_SETOWN: {
        int who = static_cast<int>(arg);
        if (who == static_cast<int>(0x80000000))
            return Errno::EINVAL;
        TRY(who < 0 ? f_setown(f, PIDTYPE_PGID, -who) : f_setown(f, PIDTYPE_TGID, who));
        return 0;
    }
    case F_GETOWN_EX: {
        f_owner_ex o{};
        o.type = f->f_owner.pid_type == PIDTYPE_PGID   ? F_OWNER_PGRP
                 : f->f_owner.pid_type == PIDTYPE_TGID ? F_OWNER_PID
                                                       : F_OWNER_TID;
        o.pid = f->f_owner.pid;
        TRY(copy_to_user(user_out_ptr<f_owner_ex>(arg), &o));
        return 0;
    }
    case F_SETOWN_EX: {
        f_owner_ex o = TRY(get_user(user_in_ptr<const f_owner_ex>(arg)));
        int type = o.type == F_OWNER_TID ? PIDTYPE_PID : o.type == F_OWNER_PID ? PIDTYPE_TGID : PIDTYPE_PGID;
        if (o.type != F_OWNER_TID && o.type != F_OWNER_PID && o.type != F_OWNER_PGRP)
            return Errno::EINVAL;
        TRY(f_setown(f, type, o.pid));
        return 0;
    }
    case F_GETSIG:
        return f->f_owner.signum;
    case F_SETSIG:
        if (arg > static_cast<unsigned long>(_NSIG))
            return Errno::EINVAL;
        f->f_owner.signum = static_cast<int>(arg);
        return 0;
    default:
        return Errno::EINVAL;
    }
}
