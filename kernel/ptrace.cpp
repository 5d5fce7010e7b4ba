/*
 * ptrace(2), the tracer's side (docs/ptrace.md), and the access check
 * between processes (Linux's kernel/ptrace.c): attaching (TRACEME, ATTACH,
 * SEIZE), detaching, resuming (CONT, SYSCALL, SINGLESTEP, with a signal),
 * the tracee's memory, siginfo, options and event message. The registers
 * are arch/x86_64/kernel/ptrace.cpp's; the tracee's stops are
 * kernel/ptrace_stop.cpp's.
 *
 * A request other than ATTACH, SEIZE, TRACEME, KILL and INTERRUPT needs
 * the tracee traced by the caller and stopped in ptrace_stop (else ESRCH);
 * while it runs, the tracee is "frozen": SIGKILL does not end its stop
 * until the request is done, and the request sees a task that is off its
 * CPU (its registers, FPU state and TLS bases are all in memory). All of it
 * runs under the kernel lock; the links between tracer and tracee are
 * under tasklist_lock.
 */
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>

bool ptrace_may_access(task_struct* t, unsigned mode)
{
    if (t->tgid == current->tgid)
        return true;
    const cred* c = current_cred();
    const cred* tc = t->cred;
    uid_t uid = (mode & PTRACE_MODE_FSCREDS) ? c->fsuid : c->uid;
    gid_t gid = (mode & PTRACE_MODE_FSCREDS) ? c->fsgid : c->gid;
    bool same_ids = tc && uid == tc->uid && uid == tc->euid && uid == tc->suid && gid == tc->gid &&
                    gid == tc->egid && gid == tc->sgid;
    if (!same_ids && !capable(CAP_SYS_PTRACE))
        return false;
    /* A process that changed its ids (or said PR_SET_DUMPABLE 0) is not
     * for its owner to look into either. */
    if (t->signal && t->signal->dumpable != SUID_DUMP_USER && !capable(CAP_SYS_PTRACE))
        return false;
    return true;
}

namespace {

/* Links t to the tracer (tasklist_lock held). */
void ptrace_link(task_struct* t, task_struct* tracer, unsigned int flags)
{
    t->ptrace = flags;
    t->parent = tracer;
    tracer->ptraced.add_tail(&t->ptrace_entry);
}

} // namespace

Result<long> ptrace_traceme()
{
    task_struct* self = current;
    rec_spin_guard g(&tasklist_lock); /* the links */
    if (self->ptrace)
        return Errno::EPERM;
    /* The thread that made us, if it is still there; else the parent process. */
    task_struct* tracer = self->parent_thread;
    if (!tracer || tracer->exit_state || (tracer->flags & PF_EXITING) ||
        !self->group_leader->real_parent || tracer->tgid != self->group_leader->real_parent->tgid)
        tracer = self->group_leader->real_parent;
    if (!tracer || (tracer->flags & PF_EXITING))
        return Errno::EPERM;
    ptrace_link(self, tracer, PT_PTRACED);
    return 0;
}

namespace {

bool attach_locked(task_struct* t, bool seize, unsigned long flags);

} // namespace

Result<long> ptrace_attach(task_struct* t, long request, unsigned long addr, unsigned long flags)
{
    bool seize = request == PTRACE_SEIZE;
    if (seize) {
        if (addr != 0 || (flags & ~PTRACE_O_MASK))
            return Errno::EIO;
    } else {
        flags = 0;
    }
    if ((t->flags & PF_KTHREAD) || t->tgid == current->tgid)
        return Errno::EPERM;
    if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
        return Errno::EPERM;
    bool was_stopped;
    {
        rec_spin_guard g(&tasklist_lock); /* the links, t's stop state */
        if (t->exit_state || t->ptrace)
            return Errno::EPERM;
        was_stopped = attach_locked(t, seize, flags);
    }
    /* A task in a group stop goes into a ptrace stop before the attach
     * returns, as on Linux (JOBCTL_TRAPPING): requests may follow at once.
     * Its stop wakes our wait queue. */
    if (was_stopped)
        (void)wait_event_interruptible(current->signal->wait_chldexit,
                                       (READ_ONCE(t->jobctl) & JOBCTL_TRACED) || t->exit_state || !t->ptrace);
    return 0;
}

namespace {

/* The attach proper (tasklist_lock held); true if t was group-stopped. */
bool attach_locked(task_struct* t, bool seize, unsigned long flags)
{
    ptrace_link(t, current, PT_PTRACED | (seize ? PT_SEIZED | static_cast<unsigned int>(flags << PT_OPT_FLAG_SHIFT) : 0));
    if (!seize) {
        siginfo_t info{};
        info.si_signo = SIGSTOP;
        info.si_code = SI_KERNEL;
        (void)send_sig_info(SIGSTOP, &info, t, true);
    }
    /* Already stopped (group stop): it is to stop again for us. A seized
     * one reports an event stop; an attached one its SIGSTOP. */
    if (t->signal->flags & SIGNAL_STOP_STOPPED) {
        if (seize)
            t->jobctl |= JOBCTL_TRAP_STOP;
        set_tsk_thread_flag(t, TIF_SIGPENDING);
        wake_up_state(t, TASK_STOPPED);
        return true;
    }
    return false;
}

} // namespace

/* The tracee is ours and stopped (or for KILL and INTERRUPT, only ours);
 * then frozen for the request and off its CPU. */
Result<void> ptrace_check_attach(task_struct* child, bool ignore_state)
{
    {
        rec_spin_guard g(&tasklist_lock); /* child's ptrace state */
        if (!child->ptrace || child->parent != current)
            return Errno::ESRCH;
        if (ignore_state)
            return {};
        if (!(child->jobctl & JOBCTL_TRACED) || fatal_signal_pending(child))
            return Errno::ESRCH;
        child->jobctl |= JOBCTL_PTRACE_FROZEN;
    }
    wait_task_inactive(child); /* it may still be on its way into schedule() */
    return {};
}

void ptrace_unfreeze(task_struct* child)
{
    rec_spin_guard g(&tasklist_lock); /* child's jobctl */
    if (!(child->jobctl & JOBCTL_PTRACE_FROZEN))
        return;
    child->jobctl &= ~JOBCTL_PTRACE_FROZEN;
    /* A SIGKILL that came meanwhile ends the stop now. */
    if (fatal_signal_pending(child))
        wake_up_state(child, TASK_TRACED | TASK_WAKEKILL);
}

namespace {

bool valid_signal(unsigned long sig) { return sig <= _NSIG; }

Result<long> ptrace_resume(task_struct* child, long request, unsigned long data)
{
    if (!valid_signal(data))
        return Errno::EIO;
    if (request == PTRACE_SYSCALL)
        set_tsk_thread_flag(child, TIF_SYSCALL_TRACE);
    else
        clear_tsk_thread_flag(child, TIF_SYSCALL_TRACE);
    if (request == PTRACE_SYSEMU || request == PTRACE_SYSEMU_SINGLESTEP)
        set_tsk_thread_flag(child, TIF_SYSCALL_EMU);
    else
        clear_tsk_thread_flag(child, TIF_SYSCALL_EMU);
    if (request == PTRACE_SINGLESTEP || request == PTRACE_SYSEMU_SINGLESTEP)
        user_enable_single_step(child);
    else
        user_disable_single_step(child);
    rec_spin_guard g(&tasklist_lock); /* child's stop */
    child->ptrace_code = static_cast<int>(data);
    child->jobctl &= ~(JOBCTL_TRACED | JOBCTL_PTRACE_FROZEN);
    wake_up_state(child, TASK_TRACED);
    return 0;
}

Result<long> ptrace_detach(task_struct* child, unsigned long data)
{
    if (!valid_signal(data))
        return Errno::EIO;
    rec_spin_guard g(&tasklist_lock); /* the links */
    child->ptrace_code = static_cast<int>(data);
    __ptrace_unlink(child); /* wakes it: it goes on with data's signal */
    return 0;
}

/* PEEKTEXT/PEEKDATA, POKETEXT/POKEDATA: a word of the tracee's memory,
 * through its page tables, read-only pages written as Linux's FOLL_FORCE. */
Result<long> ptrace_peek(task_struct* child, unsigned long addr, unsigned long data)
{
    unsigned long word = 0;
    if (!child->mm || access_remote_vm(child->mm, addr, &word, sizeof(word), FOLL_FORCE) != sizeof(word))
        return Errno::EIO;
    TRY(put_user(word, user_out_ptr<unsigned long>(data)));
    return 0;
}

Result<long> ptrace_poke(task_struct* child, unsigned long addr, unsigned long data)
{
    if (!child->mm || access_remote_vm(child->mm, addr, &data, sizeof(data), FOLL_FORCE | FOLL_WRITE) != sizeof(data))
        return Errno::EIO;
    return 0;
}

Result<long> ptrace_setoptions(task_struct* child, unsigned long data)
{
    if (data & ~PTRACE_O_MASK)
        return Errno::EINVAL;
    rec_spin_guard g(&tasklist_lock); /* child->ptrace */
    unsigned int keep = child->ptrace & (PT_PTRACED | PT_SEIZED);
    child->ptrace = keep | static_cast<unsigned int>(data << PT_OPT_FLAG_SHIFT);
    return 0;
}

Result<long> ptrace_getsiginfo(task_struct* child, unsigned long data)
{
    if (!child->last_siginfo)
        return Errno::EINVAL;
    TRY(copy_to_user(user_out_ptr<siginfo_t>(data), child->last_siginfo));
    return 0;
}

Result<long> ptrace_setsiginfo(task_struct* child, unsigned long data)
{
    siginfo_t info;
    TRY(copy_from_user(&info, user_in_ptr<const siginfo_t>(data)));
    if (!child->last_siginfo)
        return Errno::EINVAL;
    *child->last_siginfo = info;
    return 0;
}

Result<long> ptrace_interrupt(task_struct* child)
{
    if (!(child->ptrace & PT_SEIZED))
        return Errno::EIO;
    rec_spin_guard g(&tasklist_lock); /* jobctl */
    if (!(child->jobctl & JOBCTL_TRACED)) {
        child->jobctl |= JOBCTL_TRAP_STOP;
        set_tsk_thread_flag(child, TIF_SIGPENDING);
        wake_up_state(child, TASK_INTERRUPTIBLE); /* a sleeping call ends and restarts after the stop */
    }
    return 0;
}

/* PTRACE_GET_SYSCALL_INFO: what the stop is, with the call's number and
 * arguments at entry, its value at exit. Returns the size of the whole. */
Result<long> ptrace_get_syscall_info(task_struct* child, unsigned long size, unsigned long data)
{
    const pt_regs* regs = task_pt_regs(child);
    ptrace_syscall_info info{};
    bool compat = child->status & TS_COMPAT;
    info.arch = compat ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
    info.instruction_pointer = regs->ip;
    info.stack_pointer = regs->sp;
    size_t actual = offsetof(ptrace_syscall_info, entry);
    if (child->last_siginfo && child->last_siginfo->si_code == (SIGTRAP | 0x80)) {
        if (child->ptrace_message == PTRACE_EVENTMSG_SYSCALL_ENTRY) {
            info.op = PTRACE_SYSCALL_INFO_ENTRY;
            info.entry.nr = regs->orig_ax;
            const unsigned long native[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
            const unsigned long ia32[6] = {regs->bx, regs->cx, regs->dx, regs->si, regs->di, regs->bp};
            for (int i = 0; i < 6; i++)
                info.entry.args[i] = compat ? static_cast<u32>(ia32[i]) : native[i];
            actual = offsetof(ptrace_syscall_info, entry.args) + sizeof(info.entry.args);
        } else if (child->ptrace_message == PTRACE_EVENTMSG_SYSCALL_EXIT) {
            info.op = PTRACE_SYSCALL_INFO_EXIT;
            long rval = compat ? static_cast<int>(regs->ax) : static_cast<long>(regs->ax);
            info.exit.rval = rval;
            info.exit.is_error = rval < 0 && rval >= -4095;
            actual = offsetof(ptrace_syscall_info, exit.is_error) + 1;
        }
    }
    size_t n = size < actual ? size : actual;
    if (n)
        TRY(copy_to_user(user_out_ptr<u8>(data), reinterpret_cast<const u8*>(&info), n));
    return static_cast<long>(actual);
}

} // namespace

Result<long> ptrace_request(task_struct* child, long request, unsigned long addr, unsigned long data)
{
    switch (request) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA:
        return ptrace_peek(child, addr, data);
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA:
        return ptrace_poke(child, addr, data);
    case PTRACE_SETOPTIONS:
        return ptrace_setoptions(child, data);
    case PTRACE_GETEVENTMSG:
        TRY(put_user(child->ptrace_message, user_out_ptr<unsigned long>(data)));
        return 0;
    case PTRACE_GETSIGINFO:
        return ptrace_getsiginfo(child, data);
    case PTRACE_SETSIGINFO:
        return ptrace_setsiginfo(child, data);
    case PTRACE_GETSIGMASK:
        if (addr != sizeof(sigset_t))
            return Errno::EINVAL;
        TRY(put_user(child->blocked.sig, user_out_ptr<u64>(data)));
        return 0;
    case PTRACE_SETSIGMASK: {
        if (addr != sizeof(sigset_t))
            return Errno::EINVAL;
        u64 mask = 0;
        TRY(copy_from_user(&mask, user_in_ptr<const u64>(data)));
        child->blocked.sig = mask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
        recalc_sigpending_tsk(child);
        return 0;
    }
    case PTRACE_INTERRUPT:
        return ptrace_interrupt(child);
    case PTRACE_DETACH:
        return ptrace_detach(child, data);
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_SINGLESTEP:
    case PTRACE_SYSEMU:
    case PTRACE_SYSEMU_SINGLESTEP:
        return ptrace_resume(child, request, data);
    case PTRACE_KILL: {
        siginfo_t info{};
        info.si_signo = SIGKILL;
        info.si_code = SI_USER;
        info.kill.pid = current->tgid;
        info.kill.uid = current_cred()->uid;
        (void)send_sig_info(SIGKILL, &info, child, false);
        return 0;
    }
    case PTRACE_GET_SYSCALL_INFO:
        return ptrace_get_syscall_info(child, addr, data);
    default:
        return arch_ptrace(child, request, addr, data);
    }
}

SYSCALL_DEFINE4(ptrace, long, request, long, pid, unsigned long, addr, unsigned long, data)
{
    if (request == PTRACE_TRACEME)
        return ptrace_traceme();
    task_struct* child = find_task_by_pid(static_cast<pid_t>(pid));
    if (!child || pid <= 0 || pid > 0x7fffffff)
        return Errno::ESRCH;
    if (request == PTRACE_ATTACH || request == PTRACE_SEIZE)
        return ptrace_attach(child, request, addr, data);
    TRY(ptrace_check_attach(child, request == PTRACE_KILL || request == PTRACE_INTERRUPT));
    Result<long> r = ptrace_request(child, request, addr, data);
    if (!r.ok() || !ptrace_resumes(request))
        ptrace_unfreeze(child);
    return r;
}

bool ptrace_resumes(long request)
{
    return request == PTRACE_CONT || request == PTRACE_SYSCALL || request == PTRACE_SINGLESTEP ||
           request == PTRACE_SYSEMU || request == PTRACE_SYSEMU_SINGLESTEP || request == PTRACE_DETACH;
}
