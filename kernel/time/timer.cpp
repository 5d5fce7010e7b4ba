/* The tick and the sleeping calls: nanosleep, clock_nanosleep. And the clock calls. */
#include <uapi/linux/time.h>
#include <uapi/linux/time32.h>
#include <linux/compat.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/cred.h>
#include <linux/hrtimer.h>
#include <linux/time.h>

volatile u64 jiffies;

void itimer_tick(u64 now, bool user, bool global);

/* Every CPU's tick: its running task's time and slice; the boot CPU's also
 * keeps jiffies and wakes the sleepers whose time has come. */
void timer_tick(bool user)
{
    bool global = smp_processor_id() == 0;
    if (global)
        jiffies = jiffies + 1;
    u64 now = ktime_get_ns();
    if (global)
        ntp_tick(now);
    /* CPU time is sampled per tick, as Linux's tick-based accounting. */
    task_struct* t = current;
    percpu* pc = this_cpu();
    constexpr u64 TICK_NS = NSEC_PER_SEC / HZ;
    if (t->flags & PF_IDLE) {
        pc->cpustat_idle_ns += TICK_NS;
    } else if (user) {
        t->utime_ns += TICK_NS;
        pc->cpustat_user_ns += TICK_NS;
    } else {
        t->stime_ns += TICK_NS;
        pc->cpustat_system_ns += TICK_NS;
    }
    if (global) {
        run_expired_timers(now);
        hrtimer_run_queues(now);
    }
    itimer_tick(now, user, global);
    if (!(t->flags & PF_IDLE))
        posix_cpu_timers_tick(t);
    scheduler_tick();
}

namespace {

/* The CPU-time clock a negative id names (clock_getcpuclockid,
 * pthread_getcpuclockid): Linux's encoding, ~pid << 3, bit 2 for a thread,
 * the low two bits PROF (user + system), VIRT (user) or SCHED (time on the
 * CPU). pid 0 is the caller; a thread must be one of the caller's (EINVAL). */
Result<s64> cpu_clock_now(int which)
{
    constexpr int CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2, CPUCLOCK_PERTHREAD = 4;
    int kind = which & 3;
    if (kind == 3)
        return Errno::EINVAL; /* a clock by descriptor (CLOCKFD): none here */
    pid_t pid = ~(which >> 3);
    bool thread = which & CPUCLOCK_PERTHREAD;
    task_struct* t = pid ? find_task_by_pid(pid) : current;
    if (!t || t->exit_state)
        return Errno::EINVAL;
    if (thread && t->tgid != current->tgid)
        return Errno::EINVAL;
    if (!thread && pid && t->tgid != pid)
        return Errno::EINVAL; /* a process clock takes the process's id */
    if (thread) {
        u64 run = t->sum_exec_runtime + (t == current ? ktime_get_ns() - t->last_switch : 0);
        if (kind != CPUCLOCK_VIRT)
            return static_cast<s64>(run);
        /* The ticks split the exact total, as thread_group_cputime does. */
        u64 tick = NSEC_PER_SEC / HZ, us = t->utime_ns / tick, ss = t->stime_ns / tick;
        return static_cast<s64>(us + ss ? run * us / (us + ss) : run);
    }
    u64 utime, stime;
    thread_group_cputime(t, utime, stime);
    static_assert(CPUCLOCK_PROF == 0 && CPUCLOCK_SCHED == 2); /* PROF and SCHED: the same total here */
    return static_cast<s64>(kind == CPUCLOCK_VIRT ? utime : utime + stime);
}

Result<s64> clock_now(int which)
{
    if (which < 0)
        return cpu_clock_now(which);
    switch (which) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
        return ktime_get_real_ns();
    case CLOCK_TAI:
        return ktime_get_tai_ns();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        return static_cast<s64>(ktime_get_ns());
    case CLOCK_THREAD_CPUTIME_ID: {
        task_struct* t = current;
        return static_cast<s64>(t->sum_exec_runtime + (ktime_get_ns() - t->last_switch));
    }
    case CLOCK_PROCESS_CPUTIME_ID: {
        /* Every thread's time, and this one's current run. */
        s64 total = static_cast<s64>(ktime_get_ns() - current->last_switch);
        list_for_each(pos, &current->signal->thread_head)
            total += static_cast<s64>(list_entry(pos, task_struct, thread_node)->sum_exec_runtime);
        return total;
    }
    default:
        return Errno::EINVAL;
    }
}

/* A __kernel_timespec. From an i386 caller (the *_time64 calls) only the
 * low 32 bits of tv_nsec count, as Linux's get_timespec64 has it. */
Result<timespec64> get_timespec(user_in_ptr<const timespec_user> u)
{
    timespec_user ts = TRY(get_user(u));
    if (in_compat_syscall())
        ts.tv_nsec = static_cast<long>(static_cast<u32>(ts.tv_nsec));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return Errno::EINVAL;
    return timespec64{ts.tv_sec, ts.tv_nsec};
}

Result<void> put_timespec(s64 ns, user_out_ptr<timespec_user> u)
{
    timespec64 t = ns_to_timespec64(ns);
    timespec_user ts{static_cast<long>(t.tv_sec), t.tv_nsec};
    return put_user(ts, u);
}

/* i386's old_timespec32 (the *_time32 calls): seconds truncated to 32 bits
 * on the way out, as Linux's put_old_timespec32. */
Result<timespec64> get_timespec(user_in_ptr<const old_timespec32> u)
{
    old_timespec32 ts = TRY(get_user(u));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return Errno::EINVAL;
    return timespec64{ts.tv_sec, ts.tv_nsec};
}

Result<void> put_timespec(s64 ns, user_out_ptr<old_timespec32> u)
{
    timespec64 t = ns_to_timespec64(ns);
    old_timespec32 ts{static_cast<s32>(t.tv_sec), static_cast<s32>(t.tv_nsec)};
    return put_user(ts, u);
}

/*
 * Sleeps until the monotonic deadline (at most KTIME_MAX: a longer request
 * is a sleep until a signal, as on Linux). Interrupted by a signal: EINTR,
 * with the time left in rem for relative sleeps (Linux then restarts the call
 * through restart_syscall only for SA_RESTART handlers after a stop; plain
 * EINTR is what programs see with handlers).
 */
template <typename TS>
SyscallResult do_nanosleep(s64 deadline, user_out_ptr<TS> rem)
{
    while (static_cast<s64>(ktime_get_ns()) < deadline) {
        set_current_state(TASK_INTERRUPTIBLE);
        schedule_timeout_until(static_cast<u64>(deadline));
        set_current_state(TASK_RUNNING);
        if (signal_pending(current)) {
            s64 now = static_cast<s64>(ktime_get_ns());
            if (rem && now < deadline)
                TRY(put_timespec(deadline - now, rem));
            return Errno::EINTR;
        }
    }
    return 0;
}

/* The sleeps and clock reads, on either timespec layout (timespec_user, or
 * i386's old_timespec32 for the *_time32 entries). */
template <typename TS>
SyscallResult nanosleep_common(user_in_ptr<const TS> rqtp, user_out_ptr<TS> rmtp)
{
    timespec64 t = TRY(get_timespec(rqtp));
    return do_nanosleep(ktime_add_safe(static_cast<s64>(ktime_get_ns()), timespec64_to_ns(t)), rmtp);
}

template <typename TS>
SyscallResult clock_nanosleep_common(int which_clock, int flags, user_in_ptr<const TS> rqtp, user_out_ptr<TS> rmtp)
{
    if (which_clock == CLOCK_THREAD_CPUTIME_ID || (which_clock < 0 && (which_clock & 4)))
        return Errno::EINVAL; /* no sleeping on a thread's CPU clock */
    s64 now = TRY(clock_now(which_clock));
    auto t = get_timespec(rqtp);
    if (!t.ok())
        return t.error();
    /* The expiry on the sleep's own clock, saturated at KTIME_MAX as Linux's
     * hrtimer does; then the wait, on the monotonic clock. */
    s64 ns = timespec64_to_ns(t.value());
    s64 expires = (flags & TIMER_ABSTIME) ? ns : ktime_add_safe(now, ns);
    s64 delta = expires > now ? expires - now : 0;
    s64 deadline = ktime_add_safe(static_cast<s64>(ktime_get_ns()), delta);
    /* clock_nanosleep returns the error number itself, not -1/errno. The
     * libc wrapper handles that; the system call still returns -errno. */
    return do_nanosleep(deadline, (flags & TIMER_ABSTIME) ? user_out_ptr<TS>() : rmtp);
}

template <typename TS>
SyscallResult clock_getres_common(int which_clock, user_out_ptr<TS> tp)
{
    TRY(clock_now(which_clock));
    if (!tp)
        return 0;
    /* The coarse clocks move once a tick, and so do the PROF and VIRT CPU
     * clocks; the others to the nanosecond. */
    bool coarse = which_clock == CLOCK_REALTIME_COARSE || which_clock == CLOCK_MONOTONIC_COARSE ||
                  (which_clock < 0 && (which_clock & 3) != 2);
    return put_timespec(coarse ? NSEC_PER_SEC / HZ : 1, tp);
}

} // namespace

SYSCALL_DEFINE2(nanosleep, user_in_ptr<const timespec_user>, rqtp, user_out_ptr<timespec_user>, rmtp)
{
    return nanosleep_common(rqtp, rmtp);
}

SYSCALL_DEFINE4(clock_nanosleep, int, which_clock, int, flags, user_in_ptr<const timespec_user>, rqtp,
                user_out_ptr<timespec_user>, rmtp)
{
    return clock_nanosleep_common(which_clock, flags, rqtp, rmtp);
}

SYSCALL_DEFINE2(clock_gettime, int, which_clock, user_out_ptr<timespec_user>, tp)
{
    s64 now = TRY(clock_now(which_clock));
    return put_timespec(now, tp);
}

SYSCALL_DEFINE2(clock_getres, int, which_clock, user_out_ptr<timespec_user>, tp)
{
    return clock_getres_common(which_clock, tp);
}

/* i386's *_time32 entries: the same calls on old_timespec32. */
SYSCALL_DEFINE2(nanosleep_time32, user_in_ptr<const old_timespec32>, rqtp, user_out_ptr<old_timespec32>, rmtp)
{
    return nanosleep_common(rqtp, rmtp);
}

SYSCALL_DEFINE4(clock_nanosleep_time32, int, which_clock, int, flags, user_in_ptr<const old_timespec32>, rqtp,
                user_out_ptr<old_timespec32>, rmtp)
{
    return clock_nanosleep_common(which_clock, flags, rqtp, rmtp);
}

SYSCALL_DEFINE2(clock_gettime32, int, which_clock, user_out_ptr<old_timespec32>, tp)
{
    s64 now = TRY(clock_now(which_clock));
    return put_timespec(now, tp);
}

SYSCALL_DEFINE2(clock_getres_time32, int, which_clock, user_out_ptr<old_timespec32>, tp)
{
    return clock_getres_common(which_clock, tp);
}

/* ---- setting the clock ---- */

void timerfd_clock_was_set();

namespace {

struct timezone_user {
    int tz_minuteswest;
    int tz_dsttime;
};
timezone_user sys_tz; /* settimeofday's time zone, which gettimeofday reports */

/* Linux's do_sys_settimeofday64: a time within the kernel's range (30 years
 * of uptime short of its limit), CAP_SYS_TIME, then the clock and the timers
 * that follow it. */
Result<void> do_settime(const timespec64* tv, const timezone_user* tz)
{
    constexpr s64 TIME_SETTOD_SEC_MAX = KTIME_SEC_MAX - 30LL * 365 * 24 * 3600;
    if (tv && (tv->tv_sec < 0 || tv->tv_nsec < 0 || tv->tv_nsec >= NSEC_PER_SEC || tv->tv_sec >= TIME_SETTOD_SEC_MAX))
        return Errno::EINVAL;
    if (!capable(CAP_SYS_TIME))
        return Errno::EPERM;
    if (tz) {
        if (tz->tz_minuteswest > 15 * 60 || tz->tz_minuteswest < -15 * 60)
            return Errno::EINVAL;
        sys_tz = *tz;
    }
    if (tv) {
        do_settimeofday(timespec64_to_ns(*tv));
        hrtimer_clock_was_set();
        timerfd_clock_was_set();
    }
    return {};
}

} // namespace

/* Only CLOCK_REALTIME can be set; every other clock Linux knows is EINVAL too. */
SYSCALL_DEFINE2(clock_settime, int, which_clock, user_in_ptr<const timespec_user>, tp)
{
    TRY(clock_now(which_clock));
    if (which_clock != CLOCK_REALTIME)
        return Errno::EINVAL;
    timespec_user t = TRY(get_user(tp));
    timespec64 ts{t.tv_sec, t.tv_nsec};
    TRY(do_settime(&ts, nullptr));
    return 0;
}

SYSCALL_DEFINE2(clock_settime32, int, which_clock, user_in_ptr<const old_timespec32>, tp)
{
    TRY(clock_now(which_clock));
    if (which_clock != CLOCK_REALTIME)
        return Errno::EINVAL;
    old_timespec32 t = TRY(get_user(tp));
    timespec64 ts{t.tv_sec, t.tv_nsec};
    TRY(do_settime(&ts, nullptr));
    return 0;
}

/* stime: whole seconds; Linux checks only the capability before setting. */
SYSCALL_DEFINE1(stime32, user_in_ptr<const old_time32_t>, tptr)
{
    old_time32_t sec = TRY(get_user(tptr));
    if (!capable(CAP_SYS_TIME))
        return Errno::EPERM;
    timespec64 ts{sec, 0};
    TRY(do_settime(&ts, nullptr));
    return 0;
}

SYSCALL_DEFINE2(settimeofday, user_in_ptr<const timeval_user>, tv, user_in_ptr<const timezone_user>, tz)
{
    timespec64 ts{};
    if (tv) {
        timeval_user v = TRY(get_user(tv));
        if (v.tv_usec >= 1000000 || v.tv_usec < 0)
            return Errno::EINVAL;
        ts = {v.tv_sec, v.tv_usec * 1000};
    }
    timezone_user z{};
    if (tz)
        z = TRY(get_user(tz));
    TRY(do_settime(tv ? &ts : nullptr, tz ? &z : nullptr));
    return 0;
}

/* The clocks need no kernel lock (one 64-bit offset, the TSC). */
SYSCALL_NO_BKL(gettimeofday);
SYSCALL_DEFINE2(gettimeofday, user_out_ptr<timeval_user>, tv, user_out_ptr<char>, tz)
{
    if (tv) {
        s64 now = ktime_get_real_ns();
        timeval_user v{static_cast<long>(now / NSEC_PER_SEC), static_cast<long>(now % NSEC_PER_SEC / 1000)};
        TRY(put_user(v, tv));
    }
    if (tz) {
        int zone[2] = {sys_tz.tz_minuteswest, sys_tz.tz_dsttime};
        TRY(copy_to_user(tz.cast<int>(), zone, 2));
    }
    return 0;
}

SYSCALL_NO_BKL(time);
SYSCALL_DEFINE1(time, user_out_ptr<long>, tloc)
{
    long now = static_cast<long>(ktime_get_real_ns() / NSEC_PER_SEC);
    if (tloc)
        TRY(put_user(now, tloc));
    return now;
}

/* i386: old_timeval32 (compat_sys_gettimeofday, compat_sys_settimeofday) and
 * a 32-bit time_t (sys_time32). */
SYSCALL_DEFINE1(time32, user_out_ptr<old_time32_t>, tloc)
{
    auto now = static_cast<old_time32_t>(ktime_get_real_ns() / NSEC_PER_SEC);
    if (tloc)
        TRY(put_user(now, tloc));
    return now;
}

COMPAT_SYSCALL_DEFINE2(gettimeofday, user_out_ptr<old_timeval32>, tv, user_out_ptr<char>, tz)
{
    if (tv) {
        s64 now = ktime_get_real_ns();
        old_timeval32 v{static_cast<s32>(now / NSEC_PER_SEC), static_cast<s32>(now % NSEC_PER_SEC / 1000)};
        TRY(put_user(v, tv));
    }
    if (tz) {
        int zone[2] = {sys_tz.tz_minuteswest, sys_tz.tz_dsttime};
        TRY(copy_to_user(tz.cast<int>(), zone, 2));
    }
    return 0;
}

/* Linux's compat check lets tv_usec be 1000000 itself, which then fails as
 * a timespec (EINVAL either way). */
COMPAT_SYSCALL_DEFINE2(settimeofday, user_in_ptr<const old_timeval32>, tv, user_in_ptr<const timezone_user>, tz)
{
    timespec64 ts{};
    if (tv) {
        old_timeval32 v = TRY(get_user(tv));
        if (v.tv_usec > 1000000 || v.tv_usec < 0)
            return Errno::EINVAL;
        ts = {v.tv_sec, static_cast<long>(v.tv_usec) * 1000};
    }
    timezone_user z{};
    if (tz)
        z = TRY(get_user(tz));
    TRY(do_settime(tv ? &ts : nullptr, tz ? &z : nullptr));
    return 0;
}
