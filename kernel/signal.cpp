/*
 * Signals: sending (kill, tgkill, faults, the terminal, child exits), the
 * pending sets, masks and handlers (rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, sigaltstack), and the default actions:
 * terminate, dump core (terminate with the core bit), stop, continue, ignore.
 * The frame a handler runs on is built in arch/x86_64/kernel/signal.cpp.
 */
#include <linux/cred.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/compat.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/trace.h>
#include <linux/ucount.h>
#include <uapi/asm/sigcontext.h>

namespace {

constexpr u64 bit(int sig) { return sigset_t::bit(sig); }
constexpr u64 SIG_KERNEL_IGNORE_MASK = bit(SIGCONT) | bit(SIGCHLD) | bit(SIGWINCH) | bit(SIGURG);
constexpr u64 SIG_KERNEL_STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
constexpr u64 SIG_KERNEL_COREDUMP_MASK = bit(SIGQUIT) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGABRT) | bit(SIGFPE) |
                                         bit(SIGSEGV) | bit(SIGBUS) | bit(SIGSYS) | bit(SIGXCPU) | bit(SIGXFSZ);
constexpr u64 SIG_KERNEL_ONLY_MASK = bit(SIGKILL) | bit(SIGSTOP);
constexpr u64 UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

bool valid_signal(int sig) { return sig >= 1 && sig <= _NSIG; }

k_sigaction& action(task_struct* t, int sig) { return t->sighand->action[sig - 1]; }

/* Would the signal be thrown away on arrival? */
bool sig_ignored(task_struct* t, int sig, bool force)
{
    if (t->blocked.has(sig) || t->real_blocked.has(sig))
        return false; /* blocked signals stay pending: the handler may change */
    if (t->ptrace && sig != SIGKILL)
        return false; /* the tracer hears of every signal */
    unsigned long handler = action(t, sig).handler;
    /* init ignores signals it has no handler for, unless the kernel insists. */
    if (t->signal->flags & SIGNAL_UNKILLABLE && handler == SIG_DFL && !(force && (SIG_KERNEL_ONLY_MASK & bit(sig))))
        return true;
    return handler == SIG_IGN || (handler == SIG_DFL && sig_kernel_ignore(sig));
}

/* Off its pending list: an ordinary entry is freed, a timer's stays with the timer. */
static void sigqueue_unlink(sigqueue* q)
{
    list_del(&q->list);
    q->queued = false;
    if (!q->timer) {
        if (q->ucounts)
            dec_sigpending(q->ucounts);
        kfree(q);
    }
}


/* Removes mask from every pending set of the process. Interrupts off: the
 * timer and the serial interrupt queue signals on these lists. */
void flush_process_signals(task_struct* t, u64 mask)
{
    rec_spin_guard g(&tasklist_lock);
    flush_sigqueue_of(t->signal->shared_pending, mask);
    list_for_each(pos, &t->signal->thread_head)
        flush_sigqueue_of(list_entry(pos, task_struct, thread_node)->pending, mask);
}

siginfo_t kernel_info(int sig)
{
    siginfo_t info{};
    info.si_signo = sig;
    info.si_code = SI_KERNEL;
    return info;
}

/* The thread that should take a process-wide signal: one not blocking it. */
task_struct* pick_thread(task_struct* leader, int sig)
{
    list_for_each(pos, &leader->signal->thread_head) {
        task_struct* t = list_entry(pos, task_struct, thread_node);
        if (!t->blocked.has(sig) && !t->exit_state)
            return t;
    }
    return leader;
}

void signal_wake_up(task_struct* t, bool fatal)
{
    set_tsk_thread_flag(t, TIF_SIGPENDING);
    wake_up_state(t, fatal ? TASK_INTERRUPTIBLE | TASK_STOPPED | TASK_WAKEKILL : TASK_INTERRUPTIBLE);
}

/* SIGCONT resumes a stopped process; a stop signal cancels a pending SIGCONT. */
void prepare_signal(task_struct* t, int sig)
{
    signal_struct* s = t->signal;
    if (sig_kernel_stop(sig)) {
        flush_process_signals(t, bit(SIGCONT));
    } else if (sig == SIGCONT) {
        flush_process_signals(t, SIG_KERNEL_STOP_MASK);
        if (s->flags & SIGNAL_STOP_STOPPED) {
            s->flags = (s->flags & ~SIGNAL_STOP_STOPPED) | SIGNAL_STOP_CONTINUED;
            s->continued_reported = false;
            list_for_each(pos, &s->thread_head)
                wake_up_state(list_entry(pos, task_struct, thread_node), TASK_STOPPED);
            do_notify_parent_cldstop(t->group_leader, CLD_CONTINUED);
        }
    } else if (sig == SIGKILL) {
        list_for_each(pos, &s->thread_head)
            wake_up_state(list_entry(pos, task_struct, thread_node), TASK_STOPPED);
    }
}

bool may_signal(task_struct* t, int sig)
{
    const cred* c = current_cred();
    const cred* tc = t->cred;
    if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid || c->uid == tc->uid)
        return true;
    if (sig == SIGCONT && current->signal->session == t->signal->session)
        return true;
    return capable(CAP_KILL);
}

} // namespace

void flush_sigqueue_of(sigpending& p, u64 mask)
{
    list_for_each_safe(pos, n, &p.list) {
        auto* q = list_entry(pos, sigqueue, list);
        if (mask & bit(q->info.si_signo))
            sigqueue_unlink(q);
    }
    p.signal.sig &= ~mask;
}

bool fatal_signal_pending(const task_struct* t)
{
    return signal_pending(t) && (t->pending.signal.has(SIGKILL) || t->signal->shared_pending.signal.has(SIGKILL) ||
                                 t->signal->group_exit);
}

bool sig_kernel_ignore(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_IGNORE_MASK & bit(sig)); }
bool sig_kernel_stop(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_STOP_MASK & bit(sig)); }
bool sig_kernel_coredump(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_COREDUMP_MASK & bit(sig)); }

sighand_struct* sighand_alloc()
{
    auto* s = static_cast<sighand_struct*>(kzalloc(sizeof(sighand_struct)));
    if (s) {
        s->count = 1;
        s->signalfd_wqh.head.init();
    }
    return s;
}

signal_struct* signal_alloc()
{
    auto* s = static_cast<signal_struct*>(kzalloc(sizeof(signal_struct)));
    if (!s)
        return nullptr;
    s->count = 1;
    s->live = 1;
    s->dumpable = SUID_DUMP_USER;
    s->thread_head.init();
    s->shared_pending.list.init();
    s->wait_chldexit.head.init();
    s->posix_timers.init();
    return s;
}

void flush_signal_handlers(task_struct* t)
{
    /* execve: caught signals go back to their default; ignored ones stay ignored. */
    for (auto& ka : t->sighand->action) {
        if (ka.handler != SIG_IGN)
            ka.handler = SIG_DFL;
        ka.flags = 0;
        ka.restorer = 0;
        ka.mask = {};
    }
}

void recalc_sigpending_tsk(task_struct* t)
{
    rec_spin_guard g(&tasklist_lock); /* against a signal queued meanwhile */
    u64 pending = t->pending.signal.sig | t->signal->shared_pending.signal.sig;
    if ((pending & ~t->blocked.sig) || t->signal->group_exit || (t->jobctl & JOBCTL_TRAP_STOP))
        set_tsk_thread_flag(t, TIF_SIGPENDING);
    else
        clear_tsk_thread_flag(t, TIF_SIGPENDING);
}

void recalc_sigpending() { recalc_sigpending_tsk(current); }

/*
 * Queues sig for t (group: for its whole process). Returns 0 or -errno. May
 * run in interrupt context (the timer's SIGALRM/SIGVTALRM/SIGPROF, the
 * terminal's SIGINT): everything it reaches is interrupt-safe (kmalloc,
 * wake_up_state, do_notify_parent_cldstop; docs/locking.md). tasklist_lock
 * is held for the whole update of the pending sets and queues, as for every
 * process-context change to them.
 */
static int send_signal(int sig, const siginfo_t* info, task_struct* t, bool group, bool force)
{
    rec_spin_guard g(&tasklist_lock);
    prepare_signal(t, sig);
    if (sig_ignored(t, sig, force))
        return 0;
    sigpending& pending = group ? t->signal->shared_pending : t->pending;
    /* Standard signals don't queue: one pending instance is all there is. */
    if (sig < SIGRTMIN && pending.signal.has(sig))
        return 0;
    /* Each queued siginfo counts against the receiver's real user
     * (RLIMIT_SIGPENDING), as on Linux: a standard signal from the kernel
     * or kill(2) is queued past the limit; past it a real-time signal sent
     * with a siginfo of its own (sigqueue, tgkill) fails with EAGAIN, and
     * any other loses its siginfo (Linux's __send_signal_locked). */
    bool special = !info;
    int code = info ? info->si_code : SI_KERNEL;
    bool override = sig < SIGRTMIN && (special || code >= 0);
    ucounts* uc = inc_sigpending(t->cred->uid, t->signal->rlim[RLIMIT_SIGPENDING].rlim_cur, override);
    auto* q = uc ? static_cast<sigqueue*>(kmalloc(sizeof(sigqueue))) : nullptr;
    if (q) {
        q->info = info ? *info : kernel_info(sig);
        q->timer = nullptr;
        q->queued = true;
        q->ucounts = uc;
        pending.list.add_tail(&q->list);
    } else {
        if (uc)
            dec_sigpending(uc);
        if (!special && sig >= SIGRTMIN && code != SI_USER)
            return static_cast<int>(errno_return(Errno::EAGAIN));
    }
    pending.signal.add(sig);
    task_struct* target = group ? pick_thread(t->group_leader, sig) : t;
    if (!target->blocked.has(sig))
        signal_wake_up(target, sig == SIGKILL);
    wake_up(&t->sighand->signalfd_wqh); /* signalfd_notify */
    return 0;
}

/* A POSIX timer's expiry: its own entry q goes on the pending list, unless
 * it is there already (then the caller counts an overrun). Returns false if
 * it was not queued: pending already, or the signal is ignored. Under
 * tasklist_lock (taken here; the timer's code holds it already). */
bool send_sigqueue(sigqueue* q, task_struct* t, bool group)
{
    rec_spin_guard g(&tasklist_lock);
    int sig = q->info.si_signo;
    prepare_signal(t, sig);
    if (q->queued || sig_ignored(t, sig, false))
        return false;
    sigpending& pending = group ? t->signal->shared_pending : t->pending;
    q->queued = true;
    pending.list.add_tail(&q->list);
    pending.signal.add(sig);
    task_struct* target = group ? pick_thread(t->group_leader, sig) : t;
    if (!target->blocked.has(sig))
        signal_wake_up(target, false);
    wake_up(&t->sighand->signalfd_wqh); /* signalfd_notify */
    return true;
}

int send_sig_info(int sig, const siginfo_t* info, task_struct* t, bool group)
{
    if (!valid_signal(sig))
        return errno_return(Errno::EINVAL);
    return send_signal(sig, info, t, group, false);
}

void force_sig_fault(int sig, int code, unsigned long addr, unsigned long trapno, unsigned long error_code)
{
    if (unlikely(!valid_signal(sig)))
        return; /* no caller passes one; the index below must stay in the table */
    task_struct* t = current;
    k_sigaction& ka = action(t, sig);
    /* A fault the program blocks or ignores would only repeat: take the
     * default action instead, even for init (Linux's force_sig_info). */
    if (t->blocked.has(sig) || ka.handler == SIG_IGN) {
        t->blocked.del(sig);
        ka.handler = SIG_DFL;
    }
    if (ka.handler == SIG_DFL)
        t->signal->flags &= ~SIGNAL_UNKILLABLE;
    siginfo_t info{};
    info.si_signo = sig;
    info.si_code = code;
    info.sigfault.addr = addr;
    (void)trapno, (void)error_code;
    send_signal(sig, &info, t, false, true);
}

void force_sig(int sig) { force_sig_fault(sig, SI_KERNEL, 0); }

void force_fatal_sig(int sig)
{
    task_struct* t = current;
    t->blocked.del(sig);
    action(t, sig).handler = SIG_DFL;
    force_sig(sig);
}

void force_sigsegv(int sig)
{
    if (sig == SIGSEGV)
        force_fatal_sig(SIGSEGV);
    else
        force_sig(SIGSEGV);
}

/* ---- the receiving side ---- */

static bool dequeue_from(sigpending& p, u64 allowed, siginfo_t& info)
{
    u64 ready = p.signal.sig & allowed;
    if (!ready)
        return false;
    /* Synchronous (fault) signals first, then the lowest number, as Linux. */
    constexpr u64 SYNC = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);
    int sig = __builtin_ctzll((ready & SYNC) ? (ready & SYNC) : ready) + 1;
    bool found = false, more = false;
    list_for_each_safe(pos, n, &p.list) {
        auto* q = list_entry(pos, sigqueue, list);
        if (q->info.si_signo != sig)
            continue;
        if (found) {
            more = true;
            break;
        }
        info = q->info;
        if (q->timer)
            posix_timer_dequeued(q, info); /* its overruns, into the siginfo */
        sigqueue_unlink(q);
        found = true;
    }
    if (!found) {
        /* Pending without a queued siginfo (there was no room: RLIMIT_SIGPENDING):
         * Linux's collect_signal makes one up, SI_USER from no one. */
        info = siginfo_t{};
        info.si_signo = sig;
        info.si_code = SI_USER;
    }
    if (!more)
        p.signal.del(sig);
    return true;
}

/* The next signal of `allowed` pending for current (its own, then its
 * process's), taken off the queue; or 0. The caller holds tasklist_lock. */
int dequeue_signal_mask(u64 allowed, siginfo_t& info)
{
    task_struct* t = current;
    if (dequeue_from(t->pending, allowed, info) || dequeue_from(t->signal->shared_pending, allowed, info))
        return info.si_signo;
    return 0;
}

/* The next signal current should act on, or 0. */
static int dequeue_signal(siginfo_t& info) { return dequeue_signal_mask(~current->blocked.sig, info); }

bool is_orphaned_pgrp(pid_t pgrp)
{
    /* Orphaned: no member has a parent in another group of the same session. */
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!thread_group_leader(t) || t->exit_state || t->signal->pgrp != pgrp)
            continue;
        task_struct* p = t->real_parent;
        if (p && !p->exit_state && p->signal->pgrp != pgrp && p->signal->session == t->signal->session)
            return false;
    }
    return true;
}

static void do_group_stop(int sig)
{
    task_struct* t = current;
    signal_struct* s = t->signal;
    if (!(s->flags & SIGNAL_STOP_STOPPED)) {
        s->flags = (s->flags & ~SIGNAL_STOP_CONTINUED) | SIGNAL_STOP_STOPPED;
        s->stop_signal = sig;
        s->stop_reported = false;
        do_notify_parent_cldstop(t->group_leader, CLD_STOPPED);
    }
    /* Sleep until SIGCONT (or SIGKILL) clears the stop. */
    for (;;) {
        set_current_state(TASK_STOPPED);
        if (!(s->flags & SIGNAL_STOP_STOPPED) || t->ptrace ||
            (t->pending.signal.has(SIGKILL) || s->shared_pending.signal.has(SIGKILL)))
            break;
        schedule();
    }
    set_current_state(TASK_RUNNING);
}

/* What a system call interrupted by a signal returns, or whether it restarts. */
static void handle_restart(pt_regs* regs, const k_sigaction* ka)
{
    if (static_cast<long>(regs->orig_ax) < 0)
        return; /* not in a system call */
    long ret = static_cast<long>(regs->ax);
    switch (ret) {
    case errno_return(Errno::ERESTART_RESTARTBLOCK):
    case errno_return(Errno::ERESTARTNOHAND):
        if (ka) {
            regs->ax = errno_return(Errno::EINTR);
            return;
        }
        break;
    case errno_return(Errno::ERESTARTSYS):
        if (ka && !(ka->flags & SA_RESTART)) {
            regs->ax = errno_return(Errno::EINTR);
            return;
        }
        break;
    case errno_return(Errno::ERESTARTNOINTR):
        break;
    default:
        return;
    }
    /* Run the same call again: back over the 2-byte syscall / int $0x80. */
    regs->ax = regs->orig_ax;
    regs->ip -= 2;
}

void do_signal(pt_regs* regs)
{
    task_struct* t = current;
    for (;;) {
        if (t->signal->group_exit)
            do_exit(t->signal->group_exit_code);
        if (unlikely(t->jobctl & JOBCTL_TRAP_STOP)) {
            do_jobctl_trap(); /* PTRACE_INTERRUPT, or a seized child's first stop */
            continue;
        }
        siginfo_t info;
        u64 flags = rec_spin_lock_irqsave(&tasklist_lock);
        int sig = dequeue_signal(info);
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
        if (!sig)
            break;
        if (syscall_tracing)
            trace_signal(sig, info); /* "--- SIGUSR1 {...} ---" */
        /* A traced task stops for its tracer first, which may cancel the
         * signal or give another (signal-delivery-stop). */
        if (t->ptrace && sig != SIGKILL) {
            sig = ptrace_signal(sig, info);
            if (sig <= 0 || sig > _NSIG)
                continue; /* cancelled (the tracer's signal is checked: 1.._NSIG) */
        }
        k_sigaction& ka = action(t, sig);
        if (ka.handler == SIG_IGN)
            continue;
        if (ka.handler != SIG_DFL) {
            k_sigaction taken = ka;
            if (ka.flags & SA_RESETHAND)
                ka.handler = SIG_DFL;
            handle_restart(regs, &taken);
            /* A signal inside an rseq critical section aborts it first. */
            if (t->rseq)
                rseq_handle_notify_resume(regs);
            sigset_t old = t->restore_sigmask ? t->saved_sigmask : t->blocked;
            t->restore_sigmask = false;
            if (!setup_rt_frame(sig, taken, info, old, regs)) {
                force_sigsegv(sig);
                continue;
            }
            t->blocked.sig |= taken.mask.sig;
            if (!(taken.flags & SA_NODEFER))
                t->blocked.add(sig);
            t->blocked.sig &= ~UNBLOCKABLE;
            recalc_sigpending();
            return;
        }
        /* The default action. */
        if (sig_kernel_ignore(sig))
            continue;
        if (t->signal->flags & SIGNAL_UNKILLABLE && !(SIG_KERNEL_ONLY_MASK & bit(sig)))
            continue;
        if (sig_kernel_stop(sig)) {
            /* A terminal stop for an orphaned group is discarded (POSIX). */
            if (sig != SIGSTOP && is_orphaned_pgrp(t->signal->pgrp))
                continue;
            if (t->ptrace)
                ptrace_group_stop(sig); /* the tracer, not SIGCONT, resumes it */
            else
                do_group_stop(sig);
            continue;
        }
        /* Dump core: Trapgate writes no core file, but the status says what
         * Linux's would: the core bit only when RLIMIT_CORE allows a dump. */
        bool core = sig_kernel_coredump(sig) && t->signal->rlim[RLIMIT_CORE].rlim_cur > 0;
        do_group_exit(sig | (core ? 0x80 : 0));
    }
    handle_restart(regs, nullptr);
    if (t->restore_sigmask) {
        t->restore_sigmask = false;
        t->blocked = t->saved_sigmask;
    }
    recalc_sigpending();
}

/* ---- telling the parent ---- */

static siginfo_t child_info(task_struct* t, int code, int status)
{
    siginfo_t info{};
    info.si_signo = SIGCHLD;
    info.si_code = code;
    info.sigchld.pid = t->tgid;
    info.sigchld.uid = t->cred->uid;
    info.sigchld.status = status;
    info.sigchld.utime = static_cast<long>(t->utime_ns / 10000000);
    info.sigchld.stime = static_cast<long>(t->stime_ns / 10000000);
    return info;
}

void do_notify_parent(task_struct* t, int sig)
{
    task_struct* parent = t->real_parent;
    if (!parent)
        return;
    int status = t->exit_code;
    int code = (status & 0x7f) == 0 ? CLD_EXITED : (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
    siginfo_t info = child_info(t, code, code == CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f);
    k_sigaction& ka = action(parent, SIGCHLD);
    /* A parent that ignores SIGCHLD (or asks SA_NOCLDWAIT) never waits: reap at once. */
    if (sig == SIGCHLD && (ka.handler == SIG_IGN || (ka.flags & SA_NOCLDWAIT)))
        t->autoreap = true;
    /* Legacy clone accepts any exit signal in CSIGNAL (0..255); as on Linux,
     * one that is not a signal is not sent (found by the fuzzer). */
    if (valid_signal(sig))
        send_signal(sig, &info, parent, true, false);
    wake_up(&parent->signal->wait_chldexit);
    pidfd_notify(); /* its pidfds poll readable now */
}

void do_notify_parent_cldstop(task_struct* t, int why)
{
    task_struct* parent = t->real_parent;
    if (!parent)
        return;
    int status = why == CLD_CONTINUED ? SIGCONT : t->signal->stop_signal;
    siginfo_t info = child_info(t, why, status);
    if (!(action(parent, SIGCHLD).flags & SA_NOCLDSTOP))
        send_signal(SIGCHLD, &info, parent, true, false);
    wake_up(&parent->signal->wait_chldexit);
}

/* ---- sending: kill, tgkill, tkill ---- */

int kill_pgrp(pid_t pgrp, int sig, int code)
{
    siginfo_t info = kernel_info(sig);
    info.si_code = code;
    bool found = false;
    rec_spin_guard g(&tasklist_lock); /* the terminal's interrupt sends these */
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (thread_group_leader(t) && t->signal->pgrp == pgrp && !t->exit_state) {
            send_signal(sig, &info, t, true, false);
            found = true;
        }
    }
    return found ? 0 : errno_return(Errno::ESRCH);
}

/* A zombie still counts (Linux's pid links last until the task is reaped):
 * a pipeline's first command that has exited keeps its group for the shell. */
bool pgrp_in_session(pid_t pgrp, pid_t session)
{
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->signal->pgrp == pgrp && t->signal->session == session && !(t->exit_state & EXIT_DEAD))
            return true;
    }
    return false;
}

namespace {

siginfo_t user_info(int sig, int code)
{
    siginfo_t info{};
    info.si_signo = sig;
    info.si_code = code;
    info.kill.pid = current->tgid;
    info.kill.uid = current_cred()->uid;
    return info;
}

/* One process, with the permission check; sig 0 only checks. */
int kill_one(task_struct* t, int sig, const siginfo_t& info, bool group)
{
    if (!may_signal(t, sig))
        return errno_return(Errno::EPERM);
    return sig ? send_signal(sig, &info, t, group, false) : 0;
}

} // namespace

SYSCALL_DEFINE2(kill, pid_t, pid, SignalNumber, sig)
{
    /* -INT_MIN is no process group: ESRCH before the signal is looked at, as
     * on Linux (found by the fuzzer). */
    if (pid == static_cast<pid_t>(0x80000000))
        return Errno::ESRCH;
    if (sig < 0 || sig > _NSIG)
        return Errno::EINVAL;
    siginfo_t info = user_info(sig, SI_USER);
    if (pid > 0) {
        task_struct* t = find_task_by_pid(pid);
        if (!t || t->tgid != pid || t->exit_state == EXIT_DEAD)
            return Errno::ESRCH;
        return kill_one(t, sig, info, true);
    }
    /* 0: our group; -1: everyone we may signal but init and ourselves; < -1: group -pid. */
    pid_t pgrp = pid == 0 ? current->signal->pgrp : -pid;
    bool any_sent = false;
    int err = errno_return(Errno::ESRCH);
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!thread_group_leader(t) || t->exit_state || t->pid == 0)
            continue;
        if (pid == -1 ? (t->tgid == 1 || t->tgid == current->tgid) : t->signal->pgrp != pgrp)
            continue;
        int r = kill_one(t, sig, info, true);
        if (pid == -1) {
            /* Linux's rule for everyone: processes it may not signal don't count
             * as failures; 0 if any process was found. */
            any_sent = true;
            if (r && r != errno_return(Errno::EPERM))
                err = r;
            else if (err == errno_return(Errno::ESRCH))
                err = 0;
            continue;
        }
        if (r == 0)
            any_sent = true;
        else
            err = r;
    }
    if (pid == -1)
        return any_sent ? err : errno_return(Errno::ESRCH);
    /* A group: success if any member got it; otherwise the last failure. */
    return any_sent ? 0 : err;
}

static SyscallResult do_send_specific(pid_t tgid, pid_t tid, int sig, const siginfo_t& info)
{
    if (sig < 0 || sig > _NSIG)
        return Errno::EINVAL;
    task_struct* t = find_task_by_pid(tid);
    if (!t || (tgid > 0 && t->tgid != tgid) || t->exit_state)
        return Errno::ESRCH;
    return kill_one(t, sig, info, false);
}

static SyscallResult do_tkill(pid_t tgid, pid_t tid, int sig) { return do_send_specific(tgid, tid, sig, user_info(sig, SI_TKILL)); }

/* The siginfo of sigqueue(3): the caller's own, but a process may not
 * pretend to be the kernel or kill()/tgkill() (si_code >= 0 or SI_TKILL)
 * except towards itself (Linux's rule). */
static Result<siginfo_t> queued_info(pid_t pid, int sig, siginfo_t info)
{
    if ((info.si_code >= 0 || info.si_code == SI_TKILL) && current->pid != pid)
        return Errno::EPERM;
    info.si_signo = sig;
    return info;
}

SyscallResult do_rt_sigqueueinfo(pid_t pid, int sig, const siginfo_t& uinfo)
{
    siginfo_t info = TRY(queued_info(pid, sig, uinfo));
    if (sig < 0 || sig > _NSIG)
        return Errno::EINVAL;
    /* Any thread's id names its process, as for kill(2) (Linux's kill_pid_info). */
    task_struct* t = pid > 0 ? find_task_by_pid(pid) : nullptr;
    if (!t || t->exit_state == EXIT_DEAD)
        return Errno::ESRCH;
    return kill_one(t, sig, info, true);
}

SYSCALL_DEFINE3(rt_sigqueueinfo, pid_t, pid, int, sig, user_in_ptr<const siginfo_t>, uinfo)
{
    return do_rt_sigqueueinfo(pid, sig, TRY(get_user(uinfo)));
}

/* A signal to the process a pidfd names (kernel/pidfd.cpp); with a siginfo
 * as rt_sigqueueinfo's rules allow, else as kill(2) sends it. */
struct compat_siginfo; /* the i386 layout: the 32-bit signal work (ia32) */
using user_siginfo_ptr = UserAbiPtr<const siginfo_t, const compat_siginfo, UserDir::In>;
SYSCALL_DEFINE4(pidfd_send_signal, int, pidfd, int, sig, user_siginfo_ptr, info_ptr, unsigned int, flags)
{
    if (flags)
        return Errno::EINVAL;
    /* Linux reads an i386 caller's compat_siginfo here; until its
     * conversion exists, a siginfo from int $0x80 is not understood. */
    if (info_ptr && in_compat_syscall())
        return Errno::ENOSYS;
    user_in_ptr<const siginfo_t> uinfo = info_ptr.native();
    pid_t nr = 0;
    auto t = pidfd_get_task(pidfd, &nr);
    if (!t.ok() && t.error() == Errno::EBADF)
        return Errno::EBADF;
    siginfo_t info;
    if (uinfo) {
        info = TRY(get_user(uinfo));
        if (info.si_signo != sig)
            return Errno::EINVAL;
        /* Only to oneself may a siginfo claim to come from the kernel or kill(). */
        if (nr != current->tgid && (info.si_code >= 0 || info.si_code == SI_TKILL))
            return Errno::EPERM;
    } else {
        info = user_info(sig, SI_USER);
    }
    if (!t.ok())
        return t.error();
    if (t.value()->exit_state)
        return Errno::ESRCH;
    if (sig < 0 || sig > _NSIG)
        return Errno::EINVAL;
    return kill_one(t.value(), sig, info, true);
}

SyscallResult do_rt_tgsigqueueinfo(pid_t tgid, pid_t pid, int sig, const siginfo_t& uinfo)
{
    if (pid <= 0 || tgid <= 0)
        return Errno::EINVAL;
    siginfo_t info = TRY(queued_info(pid, sig, uinfo));
    return do_send_specific(tgid, pid, sig, info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, pid_t, tgid, pid_t, pid, int, sig, user_in_ptr<const siginfo_t>, uinfo)
{
    if (pid <= 0 || tgid <= 0)
        return Errno::EINVAL;
    return do_rt_tgsigqueueinfo(tgid, pid, sig, TRY(get_user(uinfo)));
}

SYSCALL_DEFINE3(tgkill, pid_t, tgid, pid_t, pid, SignalNumber, sig)
{
    if (pid <= 0 || tgid <= 0)
        return Errno::EINVAL;
    return do_tkill(tgid, pid, sig);
}

SYSCALL_DEFINE2(tkill, pid_t, pid, SignalNumber, sig)
{
    if (pid <= 0)
        return Errno::EINVAL;
    return do_tkill(0, pid, sig);
}

/* ---- handlers and masks ---- */

Result<void> do_sigaction(int sig, const k_sigaction* act, k_sigaction* oact, bool ia32)
{
    if (!valid_signal(sig) || (act && (SIG_KERNEL_ONLY_MASK & bit(sig))))
        return Errno::EINVAL;
    k_sigaction& ka = action(current, sig);
    if (oact) {
        *oact = ka;
        oact->flags &= ~SA_IA32_ABI; /* the kernel's own flag is not shown */
    }
    if (act) {
        ka.handler = act->handler;
        /* Unknown bits are dropped, so programs can probe for new flags (Linux's UAPI_SA_FLAGS). */
        constexpr unsigned long KNOWN = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                                        SA_NODEFER | SA_RESETHAND | SA_RESTORER | SA_EXPOSE_TAGBITS;
        /* A handler set by an i386 call gets i386 frames (Linux's sigaction_compat_abi). */
        ka.flags = (act->flags & KNOWN) | (ia32 ? SA_IA32_ABI : 0);
        ka.restorer = act->restorer;
        ka.mask.sig = act->mask.sig & ~UNBLOCKABLE;
        /* Ignoring a signal discards what is pending of it (POSIX). */
        if (act->handler == SIG_IGN || (act->handler == SIG_DFL && sig_kernel_ignore(sig)))
            flush_process_signals(current, bit(sig));
    }
    return {};
}

SYSCALL_DEFINE4(rt_sigaction, SignalNumber, sig, user_in_ptr<const kernel_sigaction_user>, act,
                user_out_ptr<kernel_sigaction_user>, oact, size_t, sigsetsize)
{
    if (sigsetsize != sizeof(sigset_t))
        return Errno::EINVAL;
    if (!valid_signal(sig) || (act && (SIG_KERNEL_ONLY_MASK & bit(sig))))
        return Errno::EINVAL;
    k_sigaction n{}, old{};
    if (act) {
        kernel_sigaction_user u = TRY(get_user(act));
        n = k_sigaction{u.handler, u.flags, u.restorer, sigset_t{u.mask}};
    }
    TRY(do_sigaction(sig, act ? &n : nullptr, &old, false));
    if (oact)
        TRY(put_user(kernel_sigaction_user{old.handler, old.flags, old.restorer, old.mask.sig}, oact));
    return 0;
}

void set_current_blocked(u64 mask)
{
    current->blocked.sig = mask & ~UNBLOCKABLE;
    recalc_sigpending();
}

SYSCALL_DEFINE4(rt_sigprocmask, SigprocmaskHow, how, SigSetInPtr, nset, SigSetOutPtr, oset, size_t, sigsetsize)
{
    if (sigsetsize != sizeof(sigset_t))
        return Errno::EINVAL;
    u64 old = current->blocked.sig;
    if (nset) {
        u64 n = TRY(get_user(nset));
        switch (how) {
        case SIG_BLOCK:
            set_current_blocked(old | n);
            break;
        case SIG_UNBLOCK:
            set_current_blocked(old & ~n);
            break;
        case SIG_SETMASK:
            set_current_blocked(n);
            break;
        default:
            return Errno::EINVAL;
        }
    }
    if (oset)
        TRY(put_user(old, oset));
    return 0;
}

SYSCALL_DEFINE2(rt_sigpending, user_out_ptr<u64>, uset, size_t, sigsetsize)
{
    if (sigsetsize > sizeof(sigset_t))
        return Errno::EINVAL;
    task_struct* t = current;
    u64 pending = (t->pending.signal.sig | t->signal->shared_pending.signal.sig) & t->blocked.sig;
    return copy_to_user(uset.cast<u8>(), reinterpret_cast<const u8*>(&pending), sigsetsize);
}

Result<void> do_sigaltstack(const stack_t_user* uss, stack_t_user* uoss)
{
    task_struct* t = current;
    unsigned long sp = current_pt_regs()->sp;
    bool on_stack = t->sas_ss_size && sp - user_addr(t->sas_ss_sp) < t->sas_ss_size;
    stack_t_user old{user_addr(t->sas_ss_sp),
                     on_stack ? SS_ONSTACK : (t->sas_ss_size ? t->sas_ss_flags : SS_DISABLE), 0, t->sas_ss_size};
    if (uss) {
        const stack_t_user& ss = *uss;
        if (on_stack)
            return Errno::EPERM;
        int mode = ss.ss_flags & ~static_cast<int>(SS_AUTODISARM);
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
            return Errno::EINVAL;
        if (mode == SS_DISABLE) {
            t->sas_ss_sp = {};
            t->sas_ss_size = 0;
            t->sas_ss_flags = SS_DISABLE;
        } else {
            if (ss.ss_size < MINSIGSTKSZ)
                return Errno::ENOMEM;
            t->sas_ss_sp = user_inout_ptr<void>(ss.ss_sp);
            t->sas_ss_size = ss.ss_size;
            t->sas_ss_flags = ss.ss_flags & static_cast<int>(SS_AUTODISARM);
        }
    }
    if (uoss)
        *uoss = old;
    return {};
}

SYSCALL_DEFINE2(sigaltstack, user_in_ptr<const stack_t_user>, uss, user_out_ptr<stack_t_user>, uoss)
{
    stack_t_user ss{}, old{};
    if (uss)
        ss = TRY(get_user(uss));
    TRY(do_sigaltstack(uss ? &ss : nullptr, &old));
    if (uoss)
        TRY(put_user(old, uoss));
    return 0;
}
