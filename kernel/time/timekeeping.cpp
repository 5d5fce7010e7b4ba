/*
 * The clocks. CLOCK_MONOTONIC is the calibrated TSC since boot; CLOCK_REALTIME
 * adds the CMOS clock's reading at boot, settimeofday's and ADJ_SETOFFSET's
 * steps, and the NTP state's rate (ntp.cpp): the boot CPU's tick, ntp_tick,
 * moves the offset by what the length of the current second (tick, frequency,
 * PLL, adjtime's slew) adds to the TSC's nanoseconds, and starts each new
 * second with second_overflow (and its leap second).
 */
#include <asm/tsc.h>
#include <asm/vdso.h>
#include <uapi/linux/timex.h>
#include <linux/spinlock.h>
#include <linux/time.h>

#include "ntp_internal.h"

namespace {
/* The writers of realtime_offset_ns (readers take the one 64-bit word as it
 * is), the NTP state of ntp.cpp and the tick's bookkeeping below; a leaf. */
spinlock_t timekeeper_lock{"timekeeper_lock"};
s64 realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
u64 ntp_last_ns;        /* CLOCK_MONOTONIC when ntp_tick last applied the rate */
s64 ntp_last_sec;       /* the CLOCK_REALTIME second second_overflow last began */
__int128 ntp_frac;      /* the rate's part of a nanosecond not yet applied, times 2^32 */

s64 floor_div(s64 a, s64 b) { return a / b - (a % b < 0); }

void set_offset_locked(s64 offset)
{
    realtime_offset_ns = offset;
    vdso_update_realtime(realtime_offset_ns); /* the vDSO's copy */
}
} // namespace

u64 ktime_get_ns() { return tsc_ns(); }
s64 ktime_get_real_ns() { return realtime_offset_ns + static_cast<s64>(tsc_ns()); }

void timekeeping_init()
{
    tsc_init();
    ntp_last_ns = tsc_ns();
    realtime_offset_ns = rtc_read_seconds() * NSEC_PER_SEC - static_cast<s64>(ntp_last_ns);
    ntp_last_sec = floor_div(realtime_offset_ns + static_cast<s64>(ntp_last_ns), NSEC_PER_SEC);
    ntp_init();
}

void do_settimeofday(s64 ns)
{
    spin_guard g(&timekeeper_lock);
    u64 now = tsc_ns();
    set_offset_locked(ns - static_cast<s64>(now));
    ntp_clear(); /* Linux's TK_CLEAR_NTP */
    ntp_frac = 0;
}

s64 realtime_offset() { return realtime_offset_ns; }

s64 ktime_get_tai_ns()
{
    spin_guard g(&timekeeper_lock);
    return ktime_get_real_ns() + static_cast<s64>(ntp_tai_offset()) * NSEC_PER_SEC;
}

/* Called by the boot CPU's tick with CLOCK_MONOTONIC. */
void ntp_tick(u64 now)
{
    spin_guard g(&timekeeper_lock);
    s64 elapsed = static_cast<s64>(now - ntp_last_ns);
    if (elapsed <= 0)
        return;
    ntp_last_ns = now;
    s64 offset = realtime_offset_ns;
    s64 excess = ntp_second_length() - (NSEC_PER_SEC << 32);
    if (excess) {
        /* the rate in 2^-32 ns per ns (to 0.3 ns a second), so no 128-bit division */
        ntp_frac += static_cast<__int128>(elapsed) * (excess / NSEC_PER_SEC);
        s64 whole = static_cast<s64>(ntp_frac >> 32);
        ntp_frac -= static_cast<__int128>(whole) << 32;
        offset += whole;
    }
    s64 sec = floor_div(offset + static_cast<s64>(now), NSEC_PER_SEC);
    if (sec != ntp_last_sec) {
        ntp_last_sec = sec;
        offset += second_overflow(sec) * NSEC_PER_SEC; /* a leap second */
    }
    if (offset != realtime_offset_ns)
        set_offset_locked(offset);
}

/* Linux's timekeeping_inject_offset: CLOCK_REALTIME moved by delta, which
 * must leave it within settimeofday's range and not before the boot. */
static Result<void> timekeeping_inject_offset(const timespec64& delta)
{
    if (delta.tv_nsec < 0 || delta.tv_nsec >= NSEC_PER_SEC)
        return Errno::EINVAL;
    constexpr s64 TIME_SETTOD_SEC_MAX = KTIME_SEC_MAX - 30LL * 365 * 24 * 3600;
    if (delta.tv_sec > KTIME_SEC_MAX || delta.tv_sec < -KTIME_SEC_MAX)
        return Errno::EINVAL;
    s64 d = delta.tv_sec * NSEC_PER_SEC + delta.tv_nsec;
    spin_guard g(&timekeeper_lock);
    s64 offset, real;
    if (__builtin_add_overflow(realtime_offset_ns, d, &offset) ||
        __builtin_add_overflow(offset, static_cast<s64>(tsc_ns()), &real))
        return Errno::EINVAL; /* far beyond settimeofday's range */
    if (offset < 0 || real < 0 || real / NSEC_PER_SEC >= TIME_SETTOD_SEC_MAX)
        return Errno::EINVAL;
    set_offset_locked(offset);
    ntp_clear();
    ntp_frac = 0;
    return {};
}

void hrtimer_clock_was_set();
void timerfd_clock_was_set();

/* Linux's do_adjtimex: checked, ADJ_SETOFFSET's step, then the NTP state
 * under the lock with the time it reports. */
Result<int> do_adjtimex(__kernel_timex& txc)
{
    TRY(ntp_validate_timex(txc));
    if (txc.modes & ADJ_SETOFFSET) {
        timespec64 delta{txc.time.tv_sec, static_cast<long>(txc.time.tv_usec)};
        if (!(txc.modes & ADJ_NANO))
            delta.tv_nsec *= 1000;
        TRY(timekeeping_inject_offset(delta));
        hrtimer_clock_was_set();
        timerfd_clock_was_set();
    }
    spin_guard g(&timekeeper_lock);
    return __do_adjtimex(txc, ktime_get_real_ns());
}
