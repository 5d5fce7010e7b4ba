/*
 * Ending a task: release its resources, become a zombie for the parent to
 * reap (wait4, kernel/wait.cpp), hand children to init. When init itself ends,
 * the machine powers off and reports init's status to the host.
 */
#include <asm/pgtable.h>
#include <asm/reboot.h>
#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/asm/sigcontext32.h>
#include <uapi/linux/compat_resource.h>
#include <linux/trace.h>
#include <linux/tty.h>

namespace {

/* The exit status as a shell shows it: the code, or 128 + the signal. */
int shell_status(int wait_status)
{
    int sig = wait_status & 0x7f;
    return sig ? 128 + sig : (wait_status >> 8) & 0xff;
}

void exit_mm(task_struct* t)
{
    mm_struct* mm = t->mm;
    if (!mm)
        return;
    t->signal->maxrss_kib = max(t->signal->maxrss_kib, mm->hiwater_rss * (PAGE_SIZE / 1024));
    t->mm = nullptr;
    switch_mm(mm, nullptr);
    mmput(mm);
}

/* The process that takes the orphans of a dying one: the nearest living
 * ancestor that made itself a subreaper (PR_SET_CHILD_SUBREAPER), else init
 * (Linux's find_new_reaper). */
task_struct* find_new_reaper(task_struct* dying)
{
    for (task_struct* r = dying->group_leader->real_parent; r && r != init_task_ptr; r = r->group_leader->real_parent)
        if (r->signal->is_child_subreaper && r->signal->live > 0)
            return r->group_leader;
    return init_task_ptr;
}

/*
 * The tasks the exiting thread t created pass to another live thread of its
 * process, or (t being the last) to the reaper; each that asked for a
 * pdeath_signal gets it now, as on Linux, where it follows the parent *thread*
 * even when the parent process lives on.
 */
void forget_original_parent_thread(task_struct* t, task_struct* reaper)
{
    task_struct* heir = reaper;
    list_for_each(pos, &t->signal->thread_head) {
        task_struct* o = list_entry(pos, task_struct, thread_node);
        if (o != t && !(o->flags & PF_EXITING)) {
            heir = o;
            break;
        }
    }
    list_for_each(pos, &task_list) {
        task_struct* c = list_entry(pos, task_struct, tasks);
        if (c->parent_thread != t)
            continue;
        c->parent_thread = heir;
        if (c->pdeath_signal && !c->exit_state) {
            siginfo_t info{};
            info.si_signo = c->pdeath_signal;
            info.si_code = SI_USER;
            info.kill.pid = t->tgid;
            info.kill.uid = t->cred->uid;
            send_sig_info(c->pdeath_signal, &info, c, true);
        }
    }
}

/* Children of a dying process go to the reaper (a subreaper, or init). */
void reparent_children(task_struct* dying, task_struct* reaper)
{
    bool zombies = false;
    write_seqcount_begin(&parent_seq); /* getppid reads real_parent without a lock */
    list_for_each_safe(pos, n, &dying->children) {
        task_struct* child = list_entry(pos, task_struct, sibling);
        list_head::del(&child->sibling);
        child->real_parent = reaper;
        reaper->children.add_tail(&child->sibling);
        zombies |= child->exit_state == EXIT_ZOMBIE;
    }
    write_seqcount_end(&parent_seq);
    if (zombies)
        wake_up(&reaper->signal->wait_chldexit);
}

/* Job control on exit: a session leader takes its terminal's foreground group
 * down with SIGHUP; a process group left orphaned with stopped members gets
 * SIGHUP and SIGCONT (POSIX). */
void exit_notify_session(task_struct* t)
{
    signal_struct* sig = t->signal;
    if (sig->leader && sig->tty) {
        tty_struct* tty = sig->tty;
        if (tty->pgrp > 0) {
            kill_pgrp(tty->pgrp, SIGHUP, SI_KERNEL);
            kill_pgrp(tty->pgrp, SIGCONT, SI_KERNEL);
        }
        tty->session = 0;
        tty->pgrp = 0;
    }
    list_for_each(pos, &t->children) {
        task_struct* child = list_entry(pos, task_struct, sibling);
        pid_t pgrp = child->signal->pgrp;
        if (pgrp == sig->pgrp || child->signal->session != sig->session || child->exit_state)
            continue;
        if (!(child->signal->flags & SIGNAL_STOP_STOPPED))
            continue;
        if (is_orphaned_pgrp(pgrp)) {
            kill_pgrp(pgrp, SIGHUP, SI_KERNEL);
            kill_pgrp(pgrp, SIGCONT, SI_KERNEL);
        }
    }
}

} // namespace

void do_exit(int code)
{
    task_struct* t = current;
    /* PTRACE_O_TRACEEXIT: the tracer sees the task before it goes. */
    if (unlikely(t->ptrace))
        ptrace_event(PTRACE_EVENT_EXIT, static_cast<unsigned long>(code));
    trace_task_exit(code);
    t->flags |= PF_EXITING;
    sched_exit(t);

    /* The robust locks it still holds: owner died, one waiter woken (before
     * the clear_child_tid wake, as Linux's exit_mm_release). */
    futex_exit_release(t);
    /* CLONE_CHILD_CLEARTID: tell a joining thread, as glibc/musl expect. */
    if (t->clear_child_tid) {
        (void)put_user(0, t->clear_child_tid);
        futex_wake_address(t->clear_child_tid.cast<u32>());
    }
    vfork_release(t);
    exit_mm(t);
    exit_sem(t);
    if (t->files) {
        put_files(t->files);
        t->files = nullptr;
    }
    if (t->fs) {
        put_fs_struct(t->fs);
        t->fs = nullptr;
    }
    t->exit_code = code;
    exit_ptrace(t); /* its tracees go free (or die: PTRACE_O_EXITKILL) */

    if (t->tgid == 1 && thread_group_leader(t)) {
        int status = shell_status(code);
        pr_info("trapgate: init exited with status %d\n", status);
        machine_power_off(status);
    }

    task_struct* reap_leader = nullptr;
    u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* the lists the exit changes */
    signal_struct* sig = t->signal;
    bool last_thread = --sig->live == 0;
    posix_timers_thread_exit(t); /* its POSIX timers' signals and clocks stop */
    task_struct* reaper = find_new_reaper(t);
    forget_original_parent_thread(t, reaper);
    /* The children belong to the process: they stay while a thread lives. */
    if (last_thread)
        reparent_children(t->group_leader, reaper);
    if (last_thread) {
        exit_notify_session(t);
        /* The process's status: exit_group's code, else the last thread's. */
        t->group_leader->exit_code = sig->group_exit ? sig->group_exit_code : code;
    }
    if (thread_group_leader(t) && last_thread) {
        t->exit_state = EXIT_ZOMBIE;
        /* Traced by another than its parent: the tracer hears first, the
         * parent when the tracer has waited (or gone). */
        if (!ptrace_notify_exit(t))
            do_notify_parent(t, t->exit_signal);
        if (t->autoreap) {
            t->exit_state = EXIT_DEAD;
            t->release_on_switch = true; /* freed after its last switch */
        }
    } else if (!thread_group_leader(t)) {
        /* Threads are reaped at once; the leader waits for the last one. */
        t->exit_state = EXIT_DEAD;
        t->autoreap = true;
        t->release_on_switch = true;
        task_struct* leader = t->group_leader;
        if (last_thread && leader->exit_state == EXIT_ZOMBIE && !ptrace_notify_exit(leader)) {
            do_notify_parent(leader, leader->exit_signal);
            if (leader->autoreap) {
                leader->exit_state = EXIT_DEAD;
                reap_leader = leader; /* freed below, out of tasklist_lock */
            }
        }
    } else {
        t->exit_state = EXIT_ZOMBIE; /* leader waits for its threads */
    }
    /* An exec in another thread waits for the rest to go (de_thread). */
    if (sig->group_exit_task && sig->live == 1)
        wake_up_process(sig->group_exit_task);
    rec_spin_unlock_irqrestore(&tasklist_lock, flags);
    /* The leader may still be in its last schedule() on another CPU, where a
     * timer interrupt could want tasklist_lock: waiting for it while holding
     * that lock could deadlock (the likely cause of a hang the fuzzer found
     * on two CPUs, seed 8006). release_task waits without it. */
    if (reap_leader)
        release_task(reap_leader);
    t->state = TASK_UNINTERRUPTIBLE; /* never to run again */
    schedule();
    panic("a dead task ran again");
}

void do_group_exit(int exit_code)
{
    signal_struct* sig = current->signal;
    if (sig->group_exit) {
        exit_code = sig->group_exit_code;
    } else if (sig->live > 1) {
        sig->group_exit = true;
        sig->group_exit_code = exit_code;
        /* Every other thread dies at its next return to user mode. */
        list_for_each(pos, &sig->thread_head) {
            task_struct* t = list_entry(pos, task_struct, thread_node);
            if (t != current) {
                u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* the pending set */
                t->pending.signal.add(SIGKILL);
                set_tsk_thread_flag(t, TIF_SIGPENDING);
                rec_spin_unlock_irqrestore(&tasklist_lock, flags);
                wake_up_process(t);
            }
        }
    }
    do_exit(exit_code);
}

SYSCALL_DEFINE1(exit, int, error_code)
{
    do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
    do_group_exit((error_code & 0xff) << 8);
}

/* ---- waiting for children: wait4, waitid ---- */

namespace {

constexpr int WNOHANG = 0x00000001, WUNTRACED = 0x00000002, WSTOPPED = WUNTRACED, WEXITED = 0x00000004,
              WCONTINUED = 0x00000008, WNOWAIT = 0x01000000, __WNOTHREAD = 0x20000000, __WALL = 0x40000000,
              __WCLONE = static_cast<int>(0x80000000);
constexpr int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

struct wait_opts {
    int type;   /* P_ALL, P_PID, P_PGID */
    pid_t id;
    int options;
};

struct wait_result {
    pid_t pid;
    int status;   /* wait4's status word */
    int code;     /* waitid's si_code */
    int si_status;
    uid_t uid;
    u64 utime_ns, stime_ns; /* the child's own CPU time */
    u64 cutime_ns, cstime_ns; /* that of the children it waited for, for the rusage */
};

bool matches(const wait_opts& wo, task_struct* child)
{
    switch (wo.type) {
    case P_PID:
        return child->tgid == wo.id;
    case P_PGID:
        return child->signal->pgrp == wo.id;
    default:
        return true;
    }
}

/* Traced by a thread of the caller's process: its tracer's wait reports it. */
bool traced_by_us(const task_struct* c) { return c->ptrace && c->parent->tgid == current->tgid; }

/* A tracee (a thread, named by its own pid) with a ptrace stop or its exit
 * to report to the caller, its tracer; or nullptr. */
task_struct* find_reportable_traced(const wait_opts& wo, bool& any, wait_result& r)
{
    list_for_each(tpos, &current->signal->thread_head) {
        task_struct* tracer = list_entry(tpos, task_struct, thread_node);
        list_for_each(pos, &tracer->ptraced) {
            task_struct* c = list_entry(pos, task_struct, ptrace_entry);
            if (wo.type == P_PID ? c->pid != wo.id : !matches(wo, c))
                continue;
            any = true;
            u64 ut, stime;
            if (c->exit_state == EXIT_ZOMBIE && thread_group_leader(c) && c->signal->live == 0) {
                if (!(wo.options & WEXITED))
                    continue;
                int st = c->exit_code;
                thread_group_cputime(c, ut, stime);
                r = {c->tgid, st, (st & 0x7f) == 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED,
                     (st & 0x7f) == 0 ? (st >> 8) & 0xff : st & 0x7f, c->cred->uid, ut, stime};
                r.cutime_ns = c->signal->cutime_ns, r.cstime_ns = c->signal->cstime_ns;
                return c;
            }
            /* A ptrace stop is reported whatever WUNTRACED says. */
            if ((c->jobctl & JOBCTL_TRACED) && c->ptrace_code && !c->exit_state) {
                thread_group_cputime(c, ut, stime);
                r = {c->pid, (c->ptrace_code << 8) | 0x7f, CLD_TRAPPED, c->ptrace_code, c->cred->uid, ut, stime};
                return c;
            }
        }
    }
    return nullptr;
}

/* A child with something to report, or nullptr; *any says whether any child matched at all. */
task_struct* find_reportable(const wait_opts& wo, bool& any, wait_result& r)
{
    any = false;
    if (task_struct* c = find_reportable_traced(wo, any, r))
        return c;
    list_for_each(pos, &current->group_leader->children) {
        task_struct* c = list_entry(pos, task_struct, sibling);
        if (!matches(wo, c) || c->autoreap)
            continue;
        any = true;
        if (traced_by_us(c))
            continue; /* reported above */
        signal_struct* sig = c->signal;
        /* Traced by another: its exit is the tracer's to hear first. */
        if (c->exit_state == EXIT_ZOMBIE && sig->live == 0 && (wo.options & WEXITED) && !c->ptrace) {
            int st = c->exit_code;
            u64 ut, stime;
            thread_group_cputime(c, ut, stime);
            r = {c->tgid, st, (st & 0x7f) == 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED,
                 (st & 0x7f) == 0 ? (st >> 8) & 0xff : st & 0x7f, c->cred->uid, ut, stime};
            r.cutime_ns = sig->cutime_ns, r.cstime_ns = sig->cstime_ns;
            return c;
        }
        /* A stopped or continued child's rusage is what it has used so far. */
        if ((wo.options & WSTOPPED) && (sig->flags & SIGNAL_STOP_STOPPED) && !sig->stop_reported && !c->exit_state) {
            u64 ut, stime;
            thread_group_cputime(c, ut, stime);
            r = {c->tgid, 0x7f | (sig->stop_signal << 8), CLD_STOPPED, sig->stop_signal, c->cred->uid, ut, stime};
            return c;
        }
        if ((wo.options & WCONTINUED) && (sig->flags & SIGNAL_STOP_CONTINUED) && !sig->continued_reported &&
            !c->exit_state) {
            u64 ut, stime;
            thread_group_cputime(c, ut, stime);
            r = {c->tgid, 0xffff, CLD_CONTINUED, SIGCONT, c->cred->uid, ut, stime};
            return c;
        }
    }
    return nullptr;
}

/* Waits as wait4/waitid do; the child is reaped unless WNOWAIT. 0 with WNOHANG and nothing to report. */
Result<wait_result> do_wait(const wait_opts& wo)
{
    signal_struct* me = current->signal;
    for (;;) {
        bool any;
        wait_result r{};
        u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* children, their stop state */
        task_struct* c = find_reportable(wo, any, r);
        bool reap = false;
        if (c && !(wo.options & WNOWAIT)) {
            if (r.code == CLD_TRAPPED) {
                c->ptrace_code = 0; /* reported */
            } else if (r.code != CLD_CONTINUED && r.code != CLD_STOPPED && traced_by_us(c) &&
                       c->real_parent->tgid != current->tgid) {
                /* The tracer's wait for another's child: the tracing ends,
                 * and the parent hears of the exit now. */
                __ptrace_unlink(c);
                do_notify_parent(c, c->exit_signal);
                if (c->autoreap) {
                    c->exit_state = EXIT_DEAD;
                    reap = true;
                }
            } else if (r.code == CLD_STOPPED)
                c->signal->stop_reported = true;
            else if (r.code == CLD_CONTINUED)
                c->signal->continued_reported = true;
            else {
                me->cutime_ns += r.utime_ns + c->signal->cutime_ns;
                me->cstime_ns += r.stime_ns + c->signal->cstime_ns;
                me->cmaxrss_kib = max(me->cmaxrss_kib, max(c->signal->maxrss_kib, c->signal->cmaxrss_kib));
                /* Its threads are released (counted in its signal_struct); the leader is not yet. */
                me->cnvcsw += c->signal->nvcsw + c->nvcsw + c->signal->cnvcsw;
                me->cnivcsw += c->signal->nivcsw + c->nivcsw + c->signal->cnivcsw;
                c->exit_state = EXIT_DEAD;
                reap = true;
            }
        }
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
        /* Out of the lock: the zombie may still be in its last schedule() on
         * another CPU, whose timer interrupt may want tasklist_lock. */
        if (reap)
            release_task(c);
        if (c)
            return r;
        if (!any)
            return Errno::ECHILD;
        if (wo.options & WNOHANG)
            return wait_result{};
        long err = wait_event_interruptible(me->wait_chldexit, ({
                                                bool again;
                                                wait_result probe;
                                                find_reportable(wo, again, probe) != nullptr || !again;
                                            }));
        if (err)
            return static_cast<Errno>(-err);
    }
}

struct rusage_user {
    long utime_sec, utime_usec, stime_sec, stime_usec;
    long rest[14];
};
static_assert(sizeof(rusage_user) == 144);

/* The reported child's usage, as Linux's getrusage(child, RUSAGE_BOTH): its
 * own time and that of the children it waited for. */
Result<void> put_child_rusage(const wait_result& r, user_out_ptr<rusage_user> ru)
{
    u64 ut = r.utime_ns + r.cutime_ns, st = r.stime_ns + r.cstime_ns;
    rusage_user u{};
    u.utime_sec = static_cast<long>(ut / NSEC_PER_SEC), u.utime_usec = static_cast<long>(ut / 1000 % 1000000);
    u.stime_sec = static_cast<long>(st / NSEC_PER_SEC), u.stime_usec = static_cast<long>(st / 1000 % 1000000);
    return copy_to_user(ru, &u);
}

Result<void> put_child_rusage(const wait_result& r, user_out_ptr<compat_rusage> ru)
{
    u64 ut = r.utime_ns + r.cutime_ns, st = r.stime_ns + r.cstime_ns;
    long rest[14] = {};
    return put_user(to_compat_rusage(static_cast<long>(ut / NSEC_PER_SEC), static_cast<long>(ut / 1000 % 1000000),
                                     static_cast<long>(st / NSEC_PER_SEC), static_cast<long>(st / 1000 % 1000000), rest),
                    ru);
}

} // namespace
ABI_LAYOUT_DIFFERS(rusage_user);

template <typename RU>
static SyscallResult do_wait4(pid_t upid, WaitStatusPtr stat_addr, int options, user_out_ptr<RU> ru)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return Errno::EINVAL;
    /* INT_MIN can't be negated into a process group: Linux says ESRCH. */
    if (upid == static_cast<pid_t>(0x80000000))
        return Errno::ESRCH;
    wait_opts wo{P_ALL, 0, options | WEXITED};
    if (upid < -1)
        wo = {P_PGID, -upid, wo.options};
    else if (upid == 0)
        wo = {P_PGID, current->signal->pgrp, wo.options};
    else if (upid > 0)
        wo = {P_PID, upid, wo.options};
    wait_result r = TRY(do_wait(wo));
    if (r.pid && stat_addr)
        TRY(put_user(r.status, stat_addr));
    if (ru)
        TRY(put_child_rusage(r, ru));
    return r.pid;
}

SYSCALL_DEFINE4(wait4, pid_t, upid, WaitStatusPtr, stat_addr, int, options, user_out_ptr<rusage_user>, ru)
{
    return do_wait4(upid, stat_addr, options, ru);
}

/* i386: the rusage as compat_rusage. */
COMPAT_SYSCALL_DEFINE4(wait4, pid_t, upid, WaitStatusPtr, stat_addr, int, options, user_out_ptr<compat_rusage>, ru)
{
    return do_wait4(upid, stat_addr, options, ru);
}

/* i386's waitpid: wait4 without the rusage (Linux's sys_waitpid). */
SYSCALL_DEFINE3(waitpid, pid_t, upid, WaitStatusPtr, stat_addr, int, options)
{
    return do_wait4(upid, stat_addr, options, user_out_ptr<rusage_user>());
}

/* waitid for both ABIs: SI is siginfo_t or i386's compat_siginfo_t, RU the
 * rusage's layout. */
template <typename SI, typename RU>
static SyscallResult do_waitid(int which, pid_t upid, user_out_ptr<SI> infop, int options, user_out_ptr<RU> ru)
{
    if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return Errno::EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return Errno::EINVAL;
    wait_opts wo{which, upid, options};
    bool nonblock_pidfd = false;
    switch (which) {
    case P_ALL:
        wo.id = 0;
        break;
    case P_PID:
        if (upid <= 0)
            return Errno::EINVAL;
        break;
    case P_PGID:
        if (upid < 0)
            return Errno::EINVAL;
        if (upid == 0)
            wo.id = current->signal->pgrp;
        break;
    case P_PIDFD: {
        /* The process the pidfd names, as P_PID; gone (or never ours): ECHILD. */
        if (upid < 0)
            return Errno::EINVAL;
        pid_t nr = 0;
        unsigned int f_flags = 0;
        auto t = pidfd_get_task(upid, &nr, &f_flags);
        if (!t.ok() && t.error() == Errno::EBADF)
            return Errno::EBADF;
        wo.type = P_PID;
        wo.id = t.ok() ? nr : 0;
        /* A PIDFD_NONBLOCK pidfd: WNOHANG, and EAGAIN rather than 0 while
         * the child runs on (Linux's kernel_waitid). */
        if (f_flags & O_NONBLOCK) {
            wo.options |= WNOHANG;
            nonblock_pidfd = true;
        }
        break;
    }
    default:
        return Errno::EINVAL;
    }
    wait_result r = TRY(do_wait(wo));
    if (!r.pid && nonblock_pidfd)
        return Errno::EAGAIN;
    /* Only a reported child writes the rusage (WNOHANG with nothing leaves it). */
    if (ru && r.pid)
        TRY(put_child_rusage(r, ru));
    if (infop) {
        siginfo_t info{};
        if (r.pid) {
            info.si_signo = SIGCHLD;
            info.si_code = r.code;
            info.sigchld.pid = r.pid;
            info.sigchld.uid = r.uid;
            info.sigchld.status = r.si_status;
        }
        if constexpr (std::is_same_v<SI, siginfo_t>)
            TRY(copy_to_user(infop, &info));
        else
            TRY(put_user(to_compat_siginfo(info), infop));
    }
    return 0;
}

SYSCALL_DEFINE5(waitid, int, which, pid_t, upid, user_out_ptr<siginfo_t>, infop, int, options,
                user_out_ptr<rusage_user>, ru)
{
    return do_waitid(which, upid, infop, options, ru);
}

/* i386: the compat siginfo and rusage (Linux's compat_sys_waitid). */
COMPAT_SYSCALL_DEFINE5(waitid, int, which, pid_t, upid, user_out_ptr<compat_siginfo_t>, infop, int, options,
                       user_out_ptr<compat_rusage>, ru)
{
    return do_waitid(which, upid, infop, options, ru);
}
