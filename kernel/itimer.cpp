/*
 * ITIMER_REAL and alarm(): SIGALRM when the process's real timer expires;
 * ITIMER_VIRTUAL and ITIMER_PROF: SIGVTALRM and SIGPROF by CPU time.
 * itimer_tick runs in the timer interrupt: it allocates nothing itself and
 * queues the signals through send_sig_info, which is interrupt-safe. The
 * system calls change a timer under tasklist_lock, which the tick takes too,
 * so no CPU's tick sees half of an update.
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <uapi/linux/time32.h>
#include <linux/time.h>

namespace {

/* Charges one tick to a CPU-time timer; true when it expires (and re-arms). */
bool cpu_timer_tick(u64& left, u64 interval)
{
    if (!left)
        return false;
    u64 tick = NSEC_PER_SEC / HZ;
    if (left > tick) {
        left -= tick;
        return false;
    }
    left = interval;
    return true;
}

/* The absolute expiry of a real timer armed now for delay, at most KTIME_MAX. */
u64 real_expiry(u64 now, u64 delay)
{
    return static_cast<u64>(ktime_add_safe(static_cast<s64>(now), static_cast<s64>(delay)));
}

/* RLIMIT_CPU, in seconds of the process's CPU time (Linux's
 * check_process_timers): SIGKILL at the hard limit; SIGXCPU at the soft one,
 * which then moves a second on, so the signal comes every second. */
void check_rlimit_cpu(task_struct* cur)
{
    rlimit64& cpu = cur->signal->rlim[RLIMIT_CPU];
    if (cpu.rlim_cur == RLIM_INFINITY)
        return;
    u64 utime, stime;
    thread_group_cputime(cur, utime, stime);
    u64 ptime = utime + stime;
    if (cpu.rlim_max != RLIM_INFINITY && ptime >= cpu.rlim_max * NSEC_PER_SEC) {
        send_sig_info(SIGKILL, nullptr, cur->group_leader, true);
        return;
    }
    if (ptime >= cpu.rlim_cur * NSEC_PER_SEC) {
        send_sig_info(SIGXCPU, nullptr, cur->group_leader, true);
        cpu.rlim_cur++;
    }
}

} // namespace

void itimer_tick(u64 now, bool user, bool global)
{
    rec_spin_guard g(&tasklist_lock);
    /* The CPU-time timers of the process running on this CPU. */
    task_struct* cur = current;
    if (!(cur->flags & PF_IDLE) && cur->signal) {
        signal_struct* sig = cur->signal;
        if (user && cpu_timer_tick(sig->virt_timer_left, sig->virt_timer_interval))
            send_sig_info(SIGVTALRM, nullptr, cur->group_leader, true);
        if (cpu_timer_tick(sig->prof_timer_left, sig->prof_timer_interval))
            send_sig_info(SIGPROF, nullptr, cur->group_leader, true);
        check_rlimit_cpu(cur);
    }
    /* Real-time timers of every process: the boot CPU's tick looks. */
    if (!global)
        return;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        signal_struct* sig = t->signal;
        if (!thread_group_leader(t) || t->exit_state || !sig || !sig->real_timer_expires ||
            sig->real_timer_expires > now)
            continue;
        sig->real_timer_expires = sig->real_timer_interval ? real_expiry(now, sig->real_timer_interval) : 0;
        send_sig_info(SIGALRM, nullptr, t, true);
    }
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
    signal_struct* sig = current->signal;
    u64 now = ktime_get_ns();
    unsigned int left = 0;
    if (sig->real_timer_expires > now) {
        u64 ns = sig->real_timer_expires - now;
        left = static_cast<unsigned int>((ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC);
        if (!left)
            left = 1;
    }
    rec_spin_guard g(&tasklist_lock); /* the tick reads both */
    sig->real_timer_expires = seconds ? now + seconds * static_cast<u64>(NSEC_PER_SEC) : 0;
    sig->real_timer_interval = 0;
    return left;
}

namespace {

constexpr int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;

struct itimerval_user {
    timeval_user it_interval;
    timeval_user it_value;
};

/* Saturates at KTIME_MAX, as Linux's ktime does (the fuzzer found LONG_MAX
 * seconds overflowing; fuzz_setitimer_huge). The caller rejected negatives. */
u64 timeval_ns(const timeval_user& tv)
{
    return static_cast<u64>(timespec64_to_ns(timespec64{tv.tv_sec, static_cast<long>(tv.tv_usec * NSEC_PER_USEC)}));
}

timeval_user ns_timeval(u64 ns)
{
    /* Round up, as Linux does, so a running timer never reads as zero. */
    u64 us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
    return {static_cast<long>(us / 1000000), static_cast<long>(us % 1000000)};
}

itimerval_user real_timer_value(signal_struct* sig)
{
    u64 now = ktime_get_ns();
    u64 left = sig->real_timer_expires > now ? sig->real_timer_expires - now : 0;
    return {ns_timeval(sig->real_timer_interval), sig->real_timer_expires ? ns_timeval(left) : timeval_user{0, 0}};
}

} // namespace
ABI_LAYOUT_DIFFERS(itimerval_user);

/* The timer's value and interval now (getitimer). */
static Result<itimerval_user> do_getitimer(int which)
{
    signal_struct* sig = current->signal;
    switch (which) {
    case ITIMER_REAL:
        return real_timer_value(sig);
    case ITIMER_VIRTUAL:
        return itimerval_user{ns_timeval(sig->virt_timer_interval), ns_timeval(sig->virt_timer_left)};
    case ITIMER_PROF:
        return itimerval_user{ns_timeval(sig->prof_timer_interval), ns_timeval(sig->prof_timer_left)};
    default:
        return Errno::EINVAL;
    }
}

/* Arms the timer with v (already read from the caller, zero for a null
 * value), storing the old setting in *old. */
static Result<void> do_setitimer(int which, itimerval_user v, itimerval_user* old)
{
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return Errno::EINVAL;
    if (v.it_value.tv_usec < 0 || v.it_value.tv_usec >= 1000000 || v.it_interval.tv_usec < 0 ||
        v.it_interval.tv_usec >= 1000000 || v.it_value.tv_sec < 0 || v.it_interval.tv_sec < 0)
        return Errno::EINVAL;
    signal_struct* sig = current->signal;
    if (which != ITIMER_REAL) {
        /* CPU-time timers count down by the ticks the process runs (in user
         * mode only, for ITIMER_VIRTUAL). */
        u64& left = which == ITIMER_VIRTUAL ? sig->virt_timer_left : sig->prof_timer_left;
        u64& interval = which == ITIMER_VIRTUAL ? sig->virt_timer_interval : sig->prof_timer_interval;
        rec_spin_guard g(&tasklist_lock); /* the tick counts them down */
        *old = itimerval_user{ns_timeval(interval), ns_timeval(left)};
        left = timeval_ns(v.it_value);
        interval = left ? timeval_ns(v.it_interval) : 0;
        return {};
    }
    *old = real_timer_value(sig);
    u64 delay = timeval_ns(v.it_value);
    rec_spin_guard g(&tasklist_lock); /* the tick reads and re-arms them */
    sig->real_timer_expires = delay ? real_expiry(ktime_get_ns(), delay) : 0;
    sig->real_timer_interval = delay ? timeval_ns(v.it_interval) : 0;
    return {};
}

SYSCALL_DEFINE2(getitimer, int, which, user_out_ptr<itimerval_user>, value)
{
    itimerval_user v = TRY(do_getitimer(which));
    return put_user(v, value);
}

SYSCALL_DEFINE3(setitimer, int, which, user_in_ptr<const itimerval_user>, value, user_out_ptr<itimerval_user>, ovalue)
{
    itimerval_user v{}, old{};
    if (value)
        v = TRY(get_user(value));
    TRY(do_setitimer(which, v, &old));
    if (ovalue)
        TRY(put_user(old, ovalue));
    return 0;
}

/* i386: old_itimerval32 (compat_sys_getitimer, compat_sys_setitimer). */
static old_itimerval32 to_itimerval32(const itimerval_user& v)
{
    return {{static_cast<s32>(v.it_interval.tv_sec), static_cast<s32>(v.it_interval.tv_usec)},
            {static_cast<s32>(v.it_value.tv_sec), static_cast<s32>(v.it_value.tv_usec)}};
}

COMPAT_SYSCALL_DEFINE2(getitimer, int, which, user_out_ptr<old_itimerval32>, value)
{
    itimerval_user v = TRY(do_getitimer(which));
    return put_user(to_itimerval32(v), value);
}

COMPAT_SYSCALL_DEFINE3(setitimer, int, which, user_in_ptr<const old_itimerval32>, value,
                       user_out_ptr<old_itimerval32>, ovalue)
{
    itimerval_user v{}, old{};
    if (value) {
        old_itimerval32 v32 = TRY(get_user(value));
        v = {{v32.it_interval.tv_sec, v32.it_interval.tv_usec}, {v32.it_value.tv_sec, v32.it_value.tv_usec}};
    }
    TRY(do_setitimer(which, v, &old));
    if (ovalue)
        TRY(put_user(to_itimerval32(old), ovalue));
    return 0;
}
