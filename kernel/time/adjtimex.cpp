/*
 * adjtimex and clock_adjtime (Linux's kernel/time/time.c and posix-timers.c),
 * and i386's adjtimex_time32 and clock_adjtime32 with the old_timex32 layout.
 * The work is do_adjtimex (timekeeping.cpp) on the NTP state (ntp.cpp).
 */
#include <uapi/linux/time.h>
#include <uapi/linux/timex.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <linux/uaccess.h>

namespace {

/* Linux's do_clock_adjtime: only CLOCK_REALTIME has clock_adj; a clock that
 * exists without it is EOPNOTSUPP (the CPU-time clocks, named by a negative
 * id, included), an unknown one (a clock descriptor among them: there are no
 * PTP clocks) EINVAL. */
Result<int> do_clock_adjtime(int which_clock, __kernel_timex& ktx)
{
    constexpr int CLOCKFD = 3;
    if (which_clock < 0)
        return (which_clock & 7) == CLOCKFD ? Errno::EINVAL : Errno::EOPNOTSUPP;
    switch (which_clock) {
    case CLOCK_REALTIME:
        return do_adjtimex(ktx);
    case CLOCK_MONOTONIC:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
    case CLOCK_TAI:
        return Errno::EOPNOTSUPP;
    default:
        return Errno::EINVAL;
    }
}

/* Linux's get_old_timex32 and put_old_timex32. */
__kernel_timex from_timex32(const old_timex32& t)
{
    __kernel_timex k{};
    k.modes = t.modes;
    k.offset = t.offset;
    k.freq = t.freq;
    k.maxerror = t.maxerror;
    k.esterror = t.esterror;
    k.status = t.status;
    k.constant = t.constant;
    k.precision = t.precision;
    k.tolerance = t.tolerance;
    k.time.tv_sec = t.time_sec;
    k.time.tv_usec = t.time_usec;
    k.tick = t.tick;
    k.ppsfreq = t.ppsfreq;
    k.jitter = t.jitter;
    k.shift = t.shift;
    k.stabil = t.stabil;
    k.jitcnt = t.jitcnt;
    k.calcnt = t.calcnt;
    k.errcnt = t.errcnt;
    k.stbcnt = t.stbcnt;
    k.tai = t.tai;
    return k;
}

old_timex32 to_timex32(const __kernel_timex& k)
{
    old_timex32 t{};
    t.modes = k.modes;
    t.offset = static_cast<s32>(k.offset);
    t.freq = static_cast<s32>(k.freq);
    t.maxerror = static_cast<s32>(k.maxerror);
    t.esterror = static_cast<s32>(k.esterror);
    t.status = k.status;
    t.constant = static_cast<s32>(k.constant);
    t.precision = static_cast<s32>(k.precision);
    t.tolerance = static_cast<s32>(k.tolerance);
    t.time_sec = static_cast<s32>(k.time.tv_sec);
    t.time_usec = static_cast<s32>(k.time.tv_usec);
    t.tick = static_cast<s32>(k.tick);
    t.ppsfreq = static_cast<s32>(k.ppsfreq);
    t.jitter = static_cast<s32>(k.jitter);
    t.shift = k.shift;
    t.stabil = static_cast<s32>(k.stabil);
    t.jitcnt = static_cast<s32>(k.jitcnt);
    t.calcnt = static_cast<s32>(k.calcnt);
    t.errcnt = static_cast<s32>(k.errcnt);
    t.stbcnt = static_cast<s32>(k.stbcnt);
    t.tai = k.tai;
    return t;
}

} // namespace

/* The structure goes back even when the call fails (Linux copies it out
 * unconditionally); a fault on the way back is EFAULT. */
SYSCALL_DEFINE1(adjtimex, user_inout_ptr<__kernel_timex>, txc_p)
{
    __kernel_timex txc = TRY(get_user(txc_p));
    Result<int> ret = do_adjtimex(txc);
    TRY(put_user(txc, txc_p));
    return TRY(ret);
}

SYSCALL_DEFINE2(clock_adjtime, int, which_clock, user_inout_ptr<__kernel_timex>, utx)
{
    __kernel_timex ktx = TRY(get_user(utx));
    int ret = TRY(do_clock_adjtime(which_clock, ktx));
    TRY(put_user(ktx, utx));
    return ret;
}

SYSCALL_DEFINE1(adjtimex_time32, user_inout_ptr<old_timex32>, utp)
{
    __kernel_timex txc = from_timex32(TRY(get_user(utp)));
    Result<int> ret = do_adjtimex(txc);
    TRY(put_user(to_timex32(txc), utp));
    return TRY(ret);
}

SYSCALL_DEFINE2(clock_adjtime32, int, which_clock, user_inout_ptr<old_timex32>, utp)
{
    __kernel_timex ktx = from_timex32(TRY(get_user(utp)));
    int ret = TRY(do_clock_adjtime(which_clock, ktx));
    TRY(put_user(to_timex32(ktx), utp));
    return ret;
}
