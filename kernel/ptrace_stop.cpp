/*
 * ptrace, the tracee's side (docs/ptrace.md): the stops a traced task makes
 * for its tracer (signal-delivery, group, syscall-entry and -exit, events),
 * the syscall work the gates call, and what fork, exec and exit tell the
 * tracer. The requests are in kernel/ptrace.cpp.
 *
 * Every stop goes through ptrace_stop(): under tasklist_lock the task
 * records the stop (ptrace_code, last_siginfo, JOBCTL_TRACED), goes
 * TASK_TRACED and tells its tracer; then it sleeps until the tracer clears
 * JOBCTL_TRACED (a resume, a detach, the tracer's exit) or SIGKILL comes,
 * and takes the tracer's answer (the signal to deliver) from ptrace_code.
 * A stop is always made under the kernel lock, which schedule() drops.
 */
#include <asm/ptrace.h>
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp_lock.h>

task_struct* ptrace_parent(const task_struct* t) { return t->ptrace ? t->parent : nullptr; }

int tracer_pid(const task_struct* t)
{
    rec_spin_guard g(&tasklist_lock); /* the tracer cannot go meanwhile (exit_ptrace) */
    task_struct* p = ptrace_parent(t);
    return p ? p->pid : 0;
}

namespace {

/* SIGCHLD to the tracer for a stop (CLD_TRAPPED, or CLD_STOPPED for a group
 * stop), unless it asked SA_NOCLDSTOP, and a wake-up of its wait.
 * tasklist_lock held. */
void notify_tracer_stop(task_struct* t, int why, int code)
{
    task_struct* tracer = t->parent;
    siginfo_t info{};
    info.si_signo = SIGCHLD;
    info.si_code = why;
    info.sigchld.pid = t->pid;
    info.sigchld.uid = t->cred->uid;
    info.sigchld.status = code & 0x7f;
    info.sigchld.utime = static_cast<long>(t->utime_ns / 10000000);
    info.sigchld.stime = static_cast<long>(t->stime_ns / 10000000);
    if (!(tracer->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
        (void)send_sig_info(SIGCHLD, &info, tracer, true);
    wake_up(&tracer->signal->wait_chldexit);
}

/* Stops current for its tracer; returns the tracer's answer (the signal to
 * deliver, 0 for none). Not traced any more, or SIGKILL pending: no stop,
 * and exit_code is the answer, as on Linux. */
int ptrace_stop(int exit_code, int why, unsigned long message, siginfo_t* info)
{
    task_struct* t = current;
    {
        rec_spin_guard g(&tasklist_lock); /* ptrace, jobctl, the stop's fields: the tracer reads them under it */
        if (!t->ptrace || fatal_signal_pending(t))
            return exit_code;
        t->last_siginfo = info;
        t->ptrace_message = message;
        t->ptrace_code = exit_code;
        t->jobctl = (t->jobctl & ~JOBCTL_TRAP_STOP) | JOBCTL_TRACED;
        set_current_state(TASK_TRACED | TASK_WAKEKILL);
        notify_tracer_stop(t, why, exit_code);
    }
    /* The tracer resumes us by clearing JOBCTL_TRACED and waking us; SIGKILL
     * ends the stop too, unless a request is at work on us (FROZEN: its
     * end wakes us again). Any other wake-up just sleeps again. */
    for (;;) {
        unsigned int jobctl = READ_ONCE(t->jobctl);
        if (!(jobctl & JOBCTL_TRACED))
            break;
        if (!(jobctl & JOBCTL_PTRACE_FROZEN) && fatal_signal_pending(t))
            break;
        schedule();
        set_current_state(TASK_TRACED | TASK_WAKEKILL);
    }
    set_current_state(TASK_RUNNING);
    force_iret(); /* the tracer may have changed any register */
    rec_spin_guard g(&tasklist_lock);
    bool resumed = !(t->jobctl & JOBCTL_TRACED);
    t->jobctl &= ~JOBCTL_TRACED;
    t->last_siginfo = nullptr;
    int answer = resumed ? t->ptrace_code : 0;
    t->ptrace_code = 0;
    return answer;
}

/* A stop with a SIGTRAP siginfo whose si_code is the exit code (Linux's
 * ptrace_do_notify). */
int ptrace_do_notify(int signo, int exit_code, int why, unsigned long message)
{
    siginfo_t info{};
    info.si_signo = signo;
    info.si_code = exit_code;
    info.kill.pid = current->pid;
    info.kill.uid = current->cred->uid;
    return ptrace_stop(exit_code, why, message, &info);
}

int ptrace_notify(int exit_code, unsigned long message)
{
    return ptrace_do_notify(SIGTRAP, exit_code, CLD_TRAPPED, message);
}

/* A syscall stop; the tracer's signal, if any, is sent to current (Linux's
 * ptrace_report_syscall). True if the task is to die. */
bool ptrace_report_syscall(unsigned long message)
{
    task_struct* t = current;
    if (!(t->ptrace & PT_PTRACED))
        return false;
    int sig = ptrace_notify(SIGTRAP | ((t->ptrace & PT_TRACESYSGOOD) ? 0x80 : 0), message);
    if (sig > 0 && sig <= _NSIG) {
        siginfo_t info{};
        info.si_signo = sig;
        info.si_code = SI_KERNEL;
        (void)send_sig_info(sig, &info, t, false);
    }
    return fatal_signal_pending(t);
}

} // namespace

long syscall_trace_enter(pt_regs* regs)
{
    /* What was asked before the stop decides (SYSEMU: skip the call). */
    unsigned long work = READ_ONCE(current->thread_flags);
    if (work & (TIF_SYSCALL_TRACE | TIF_SYSCALL_EMU)) {
        if (ptrace_report_syscall(PTRACE_EVENTMSG_SYSCALL_ENTRY) || (work & TIF_SYSCALL_EMU))
            return -1;
    }
    /* The tracer may have changed the number (-1: skip the call). */
    return regs->orig_ax;
}

void syscall_exit_work(pt_regs* regs)
{
    unsigned long work = READ_ONCE(current->thread_flags);
    if (work & TIF_SYSCALL_EMU)
        return; /* emulated: no exit stop, no step report */
    /* A single-stepped syscall instruction ends here: the trap the CPU
     * cannot give (sysret/iret skip it) is a SIGTRAP now (Linux's
     * user_single_step_report). */
    if (work & TIF_SINGLESTEP)
        force_sig_fault(SIGTRAP, TRAP_BRKPT, regs->ip);
    else if (work & TIF_SYSCALL_TRACE)
        (void)ptrace_report_syscall(PTRACE_EVENTMSG_SYSCALL_EXIT);
}

int ptrace_signal(int sig, siginfo_t& info)
{
    task_struct* t = current;
    sig = ptrace_stop(sig, CLD_TRAPPED, 0, &info);
    if (!sig)
        return 0; /* the tracer cancelled it */
    /* Another signal than the one stopped for: it comes from the tracer. */
    if (sig != info.si_signo) {
        rec_spin_guard g(&tasklist_lock); /* the tracer */
        task_struct* tracer = ptrace_parent(t);
        info = {};
        info.si_signo = sig;
        info.si_code = SI_USER;
        info.kill.pid = tracer ? tracer->tgid : 0;
        info.kill.uid = tracer ? tracer->cred->uid : 0;
    }
    /* Blocked now (the handler may have blocked it): pending again. */
    if (t->blocked.has(sig)) {
        (void)send_sig_info(sig, &info, t, false);
        return 0;
    }
    return sig;
}

void ptrace_group_stop(int sig)
{
    task_struct* t = current;
    signal_struct* s = t->signal;
    bool tell_parent = false;
    {
        rec_spin_guard g(&tasklist_lock); /* the group's stop state */
        if (!(s->flags & SIGNAL_STOP_STOPPED)) {
            s->flags = (s->flags & ~SIGNAL_STOP_CONTINUED) | SIGNAL_STOP_STOPPED;
            s->stop_signal = sig;
            s->stop_reported = false;
            /* The real parent hears of the group stop too, unless it is the tracer. */
            tell_parent = t->ptrace && t->group_leader->real_parent &&
                          t->parent->tgid != t->group_leader->real_parent->tgid;
        }
    }
    if (tell_parent)
        do_notify_parent_cldstop(t->group_leader, CLD_STOPPED);
    if (t->ptrace & PT_SEIZED)
        (void)ptrace_do_notify(sig, sig | (PTRACE_EVENT_STOP << 8), CLD_STOPPED, 0);
    else
        (void)ptrace_stop(sig, CLD_STOPPED, 0, nullptr);
}

void do_jobctl_trap()
{
    task_struct* t = current;
    {
        rec_spin_guard g(&tasklist_lock); /* jobctl */
        t->jobctl &= ~JOBCTL_TRAP_STOP;
    }
    if (!(t->ptrace & PT_SEIZED))
        return;
    /* PTRACE_INTERRUPT: an event stop, SIGTRAP's unless the group is stopped. */
    int sig = (t->signal->flags & SIGNAL_STOP_STOPPED) ? t->signal->stop_signal : SIGTRAP;
    (void)ptrace_do_notify(sig, sig | (PTRACE_EVENT_STOP << 8), CLD_STOPPED, 0);
}

bool ptrace_event_enabled(const task_struct* t, int event) { return t->ptrace & pt_event_flag(event); }

void ptrace_event(int event, unsigned long message)
{
    task_struct* t = current;
    if (ptrace_event_enabled(t, event)) {
        (void)ptrace_notify((event << 8) | SIGTRAP, message);
    } else if (event == PTRACE_EVENT_EXEC && (t->ptrace & (PT_PTRACED | PT_SEIZED)) == PT_PTRACED) {
        /* Traced without TRACEEXEC: the legacy SIGTRAP after a successful exec. */
        siginfo_t info{};
        info.si_signo = SIGTRAP;
        info.si_code = SI_USER;
        info.kill.pid = t->tgid;
        info.kill.uid = t->cred->uid;
        (void)send_sig_info(SIGTRAP, &info, t, false);
    }
}

void ptrace_init_task(task_struct* child, bool trace)
{
    task_struct* self = current;
    /* copy_process holds tasklist_lock: the tracer's list. */
    if (!trace || !self->ptrace)
        return;
    child->ptrace = self->ptrace;
    child->parent = self->parent;
    self->parent->ptraced.add_tail(&child->ptrace_entry);
    /* The new tracee starts with a stop: SIGSTOP's, or an event stop when seized. */
    if (child->ptrace & PT_SEIZED)
        child->jobctl |= JOBCTL_TRAP_STOP;
    else
        child->pending.signal.add(SIGSTOP);
    set_tsk_thread_flag(child, TIF_SIGPENDING);
}

void __ptrace_unlink(task_struct* t)
{
    /* tasklist_lock held. */
    if (!t->ptrace)
        return;
    list_head::del(&t->ptrace_entry);
    t->ptrace = 0;
    t->parent = nullptr;
    clear_tsk_thread_flag(t, TIF_SYSCALL_TRACE | TIF_SYSCALL_EMU);
    user_disable_single_step(t);
    t->jobctl &= ~(JOBCTL_TRAP_STOP | JOBCTL_PTRACE_FROZEN);
    if (t->jobctl & JOBCTL_TRACED) {
        t->jobctl &= ~JOBCTL_TRACED;
        wake_up_state(t, TASK_TRACED);
    }
    recalc_sigpending_tsk(t);
}

bool ptrace_notify_exit(task_struct* t)
{
    /* tasklist_lock held (do_exit). A tracer that is also the parent
     * hears of it as the parent. */
    task_struct* tracer = ptrace_parent(t);
    if (!tracer || (t->real_parent && tracer->tgid == t->real_parent->tgid))
        return false;
    int status = t->exit_code;
    siginfo_t info{};
    info.si_signo = SIGCHLD;
    info.si_code = (status & 0x7f) == 0 ? CLD_EXITED : (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
    info.sigchld.pid = t->tgid;
    info.sigchld.uid = t->cred->uid;
    info.sigchld.status = info.si_code == CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
    (void)send_sig_info(SIGCHLD, &info, tracer, true);
    wake_up(&tracer->signal->wait_chldexit);
    return true;
}

void exit_ptrace(task_struct* tracer)
{
    /* One tracee at a time: a zombie the real parent does not wait for is
     * released out of tasklist_lock (release_task waits for its CPU). */
    for (;;) {
        task_struct* release = nullptr;
        {
            rec_spin_guard g(&tasklist_lock); /* the list and each tracee's ptrace state */
            if (tracer->ptraced.empty())
                return;
            task_struct* c = list_entry(tracer->ptraced.next, task_struct, ptrace_entry);
            if (c->ptrace & PT_EXITKILL) {
                siginfo_t info{};
                info.si_signo = SIGKILL;
                info.si_code = SI_KERNEL;
                (void)send_sig_info(SIGKILL, &info, c, true);
            }
            c->ptrace_code = 0;
            __ptrace_unlink(c);
            /* A zombie the tracer kept from its parent: the parent hears now. */
            if (c->exit_state == EXIT_ZOMBIE && thread_group_leader(c) && c->signal->live == 0 &&
                c->real_parent && c->real_parent->tgid != tracer->tgid) {
                do_notify_parent(c, c->exit_signal);
                if (c->autoreap) {
                    c->exit_state = EXIT_DEAD;
                    release = c;
                }
            }
        }
        if (release)
            release_task(release);
    }
}
