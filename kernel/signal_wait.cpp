/*
 * Waiting for signals: rt_sigsuspend and pause sleep until a handler runs
 * (Linux answers them with -ERESTARTNOHAND, which the way out turns into
 * EINTR); rt_sigtimedwait takes a signal off the queue without a handler
 * running, waiting at most the given time (Linux's do_sigtimedwait).
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <linux/time64.h>

SYSCALL_DEFINE2(rt_sigsuspend, user_in_ptr<const u64>, unewset, size_t, sigsetsize)
{
    if (sigsetsize != sizeof(sigset_t))
        return Errno::EINVAL;
    u64 mask = TRY(get_user(unewset));
    task_struct* t = current;
    t->saved_sigmask = t->blocked;
    t->restore_sigmask = true;
    set_current_blocked(mask);
    while (!signal_pending(t)) {
        set_current_state(TASK_INTERRUPTIBLE);
        schedule();
    }
    set_current_state(TASK_RUNNING);
    return Errno::ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
    while (!signal_pending(current)) {
        set_current_state(TASK_INTERRUPTIBLE);
        schedule();
    }
    set_current_state(TASK_RUNNING);
    return Errno::ERESTARTNOHAND;
}

/*
 * The signals of `uthese` (minus SIGKILL and SIGSTOP) are taken while they
 * are blocked: one already pending is returned at once; else the caller
 * sleeps with them unblocked until one comes (its number is returned and
 * *uinfo filled), another signal interrupts (EINTR: its handler runs), or
 * the timeout passes (EAGAIN; a zero timeout only polls).
 */
Result<int> do_sigtimedwait(u64 these, const timespec64* ts, siginfo_t& info)
{
    these &= ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    u64 deadline = ~0ULL;
    bool poll = false;
    if (ts) {
        if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
            return Errno::EINVAL;
        s64 ns = timespec64_to_ns(*ts);
        poll = ns == 0;
        deadline = static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), ns));
    }
    task_struct* t = current;
    info = siginfo_t{};
    u64 flags = rec_spin_lock_irqsave(&tasklist_lock);
    int sig = dequeue_signal_mask(these, info);
    rec_spin_unlock_irqrestore(&tasklist_lock, flags);
    if (!sig && !poll) {
        /* Unblocked while asleep, so that their arrival wakes us; still
         * blocked as far as sig_ignored is concerned (real_blocked), so a
         * signal init has no handler for is kept for us, as on Linux. */
        u64 saved = t->blocked.sig;
        t->real_blocked.sig = saved;
        set_current_blocked(saved & ~these);
        bool timed_out = false;
        while (!signal_pending(t) && !timed_out) {
            set_current_state(TASK_INTERRUPTIBLE);
            if (signal_pending(t))
                break;
            if (deadline == ~0ULL)
                schedule();
            else
                timed_out = !schedule_timeout_until(deadline) && ktime_get_ns() >= deadline;
        }
        set_current_state(TASK_RUNNING);
        set_current_blocked(saved);
        t->real_blocked.sig = 0;
        flags = rec_spin_lock_irqsave(&tasklist_lock);
        sig = dequeue_signal_mask(these, info);
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
        if (!sig)
            return timed_out ? Errno::EAGAIN : Errno::EINTR;
    } else if (!sig) {
        return Errno::EAGAIN;
    }
    return sig;
}

SYSCALL_DEFINE4(rt_sigtimedwait, user_in_ptr<const u64>, uthese, user_out_ptr<siginfo_t>, uinfo,
                user_in_ptr<const timespec_user>, uts, size_t, sigsetsize)
{
    if (sigsetsize != sizeof(sigset_t))
        return Errno::EINVAL;
    u64 these = TRY(get_user(uthese));
    timespec64 ts{};
    if (uts) {
        timespec_user u = TRY(get_user(uts));
        ts = timespec64{u.tv_sec, u.tv_nsec};
    }
    siginfo_t info;
    int sig = TRY(do_sigtimedwait(these, uts ? &ts : nullptr, info));
    if (uinfo)
        TRY(copy_to_user(uinfo, &info));
    return sig;
}
