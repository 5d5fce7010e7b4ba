/*
 * Signals: sending, pending, default actions. (Handlers and the signal frame
 * arrive with the processes work; until then a signal's default action runs.)
 */
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

constexpr u64 bit(int sig) { return sigset_t::bit(sig); }
constexpr u64 SIG_KERNEL_IGNORE_MASK = bit(SIGCONT) | bit(SIGCHLD) | bit(SIGWINCH) | bit(SIGURG);
constexpr u64 SIG_KERNEL_STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
constexpr u64 SIG_KERNEL_COREDUMP_MASK = bit(SIGQUIT) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGABRT) | bit(SIGFPE) |
                                         bit(SIGSEGV) | bit(SIGBUS) | bit(SIGSYS) | bit(SIGXCPU) | bit(SIGXFSZ);

} // namespace

bool sig_kernel_ignore(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_IGNORE_MASK & bit(sig)); }
bool sig_kernel_stop(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_STOP_MASK & bit(sig)); }
bool sig_kernel_coredump(int sig) { return sig < SIGRTMIN && (SIG_KERNEL_COREDUMP_MASK & bit(sig)); }

sighand_struct* sighand_alloc()
{
    auto* s = static_cast<sighand_struct*>(kzalloc(sizeof(sighand_struct)));
    if (s)
        s->count = 1;
    return s;
}

signal_struct* signal_alloc()
{
    auto* s = static_cast<signal_struct*>(kzalloc(sizeof(signal_struct)));
    if (!s)
        return nullptr;
    s->count = 1;
    s->live = 1;
    s->thread_head.init();
    s->shared_pending.list.init();
    s->wait_chldexit.head.init();
    return s;
}

void flush_signal_handlers(task_struct* t)
{
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
    u64 pending = t->pending.signal.sig | t->signal->shared_pending.signal.sig;
    if (pending & ~t->blocked.sig)
        set_tsk_thread_flag(t, TIF_SIGPENDING);
    else
        clear_tsk_thread_flag(t, TIF_SIGPENDING);
}

void recalc_sigpending() { recalc_sigpending_tsk(current); }

int send_sig_info(int sig, const siginfo_t*, task_struct* t, bool group)
{
    if (sig <= 0 || sig > _NSIG)
        return errno_return(Errno::EINVAL);
    (group ? t->signal->shared_pending : t->pending).signal.add(sig);
    set_tsk_thread_flag(t, TIF_SIGPENDING);
    if (t->state == TASK_INTERRUPTIBLE || sig == SIGKILL)
        wake_up_process(t);
    return 0;
}

void force_sig_fault(int sig, int, unsigned long, unsigned long, unsigned long)
{
    /* Unblock and restore the default, so the fault can't loop. */
    current->blocked.del(sig);
    current->sighand->action[sig - 1].handler = SIG_DFL;
    send_sig_info(sig, nullptr, current, false);
}

void force_sig(int sig) { force_sig_fault(sig, SI_KERNEL, 0); }

void do_signal(pt_regs*)
{
    task_struct* t = current;
    for (;;) {
        u64 deliverable = (t->pending.signal.sig | t->signal->shared_pending.signal.sig) & ~t->blocked.sig;
        if (!deliverable) {
            recalc_sigpending();
            return;
        }
        int sig = __builtin_ctzll(deliverable) + 1;
        t->pending.signal.del(sig);
        t->signal->shared_pending.signal.del(sig);
        k_sigaction& ka = t->sighand->action[sig - 1];
        if (ka.handler == SIG_IGN || (ka.handler == SIG_DFL && sig_kernel_ignore(sig)))
            continue;
        /* Default action: terminate (with the core bit for core signals). */
        do_group_exit(sig | (sig_kernel_coredump(sig) ? 0x80 : 0));
    }
}

void do_notify_parent(task_struct* t, int sig)
{
    task_struct* parent = t->real_parent;
    if (!parent)
        return;
    if (sig > 0)
        send_sig_info(sig, nullptr, parent, true);
    wake_up(&parent->signal->wait_chldexit);
}

void do_notify_parent_cldstop(task_struct*, int) {}

int kill_pgrp(pid_t pgrp, int sig, int)
{
    bool found = false;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (thread_group_leader(t) && t->signal->pgrp == pgrp && !t->exit_state) {
            send_sig_info(sig, nullptr, t, true);
            found = true;
        }
    }
    return found ? 0 : errno_return(Errno::ESRCH);
}

bool pgrp_in_session(pid_t pgrp, pid_t session)
{
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->signal->pgrp == pgrp && t->signal->session == session && !t->exit_state)
            return true;
    }
    return false;
}
