/*
 * The NTP state (Linux's kernel/time/ntp.c) and adjtimex, clock_adjtime.
 *
 * The state is Linux's, with its boot values: unsynchronised (TIME_ERROR),
 * maximum and estimated error NTP_PHASE_LIMIT, time constant 2, tick 10000 us,
 * no frequency offset. Writes need CAP_SYS_TIME and pass Linux's checks. What
 * the state does to CLOCK_REALTIME: second_overflow() runs once per second of
 * that clock (from the boot CPU's tick, timekeeping.cpp's ntp_tick) and sets
 * the length of the next second, ntp_second_length(): the tick and frequency
 * (ADJ_TICK, ADJ_FREQUENCY), the part of the PLL's phase offset (ADJ_OFFSET
 * with STA_PLL) Linux takes that second, and adjtime's slew (500 us per second
 * of what ADJ_OFFSET_SINGLESHOT asked); and leap seconds (STA_INS, STA_DEL) at
 * midnight UTC. Unlike Linux the rate changes CLOCK_REALTIME only, not
 * CLOCK_MONOTONIC (the TSC's rate stays the monotonic clocks'). No PPS.
 *
 * Every variable here is protected by timekeeper_lock (timekeeping.cpp), as
 * Linux protects it by the timekeeping locks.
 */
#include <uapi/linux/capability.h>
#include <uapi/linux/time.h>
#include <uapi/linux/time32.h>
#include <uapi/linux/timex.h>
#include <linux/cred.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <linux/uaccess.h>

#include "ntp_internal.h"

namespace {

constexpr s64 USEC_PER_SEC = 1000000;
constexpr int NTP_SCALE_SHIFT = 32;
constexpr int SHIFT_PLL = 2;
constexpr int SHIFT_FLL = 2;
constexpr int SHIFT_USEC = 16;
constexpr long MAXTC = 10;
constexpr long MINSEC = 256;
constexpr long MAXSEC = 2048;
constexpr s64 MAXPHASE = 500000000;                      /* ns */
constexpr s64 MAXFREQ = 500000;                          /* ns/s */
constexpr s64 MAXFREQ_SCALED = MAXFREQ << NTP_SCALE_SHIFT;
constexpr s64 PPM_SCALE = NSEC_PER_USEC << (NTP_SCALE_SHIFT - SHIFT_USEC);
constexpr int PPM_SCALE_INV_SHIFT = 19;
constexpr s64 PPM_SCALE_INV = (1LL << (PPM_SCALE_INV_SHIFT + NTP_SCALE_SHIFT)) / PPM_SCALE + 1;
constexpr long NTP_PHASE_LIMIT = (MAXPHASE / NSEC_PER_USEC) << 5; /* us */
constexpr int USER_HZ = 100;
constexpr long TICK_USEC = (USEC_PER_SEC + USER_HZ / 2) / USER_HZ;
constexpr long MAX_TICKADJ = 500; /* us per second: adjtime's slew */
constexpr s64 MAX_TAI_OFFSET = 100000;
constexpr s64 SECS_PER_DAY = 86400;
constexpr s64 TIME64_MAX = static_cast<s64>(~0ULL >> 1);

long tick_usec = TICK_USEC;
s64 second_length_base; /* ns per second << NTP_SCALE_SHIFT, from tick_usec and time_freq */
s64 second_length;      /* this second's: the base and this second's adjustments */
int time_state = TIME_OK;
int time_status = STA_UNSYNC;
s64 time_offset; /* the PLL's phase offset still to apply, ns << NTP_SCALE_SHIFT */
long time_constant = 2;
long time_maxerror = NTP_PHASE_LIMIT;
long time_esterror = NTP_PHASE_LIMIT;
s64 time_freq; /* scaled ns per second */
s64 time_reftime;
long time_adjust; /* adjtime's offset still to slew, us */
s64 ntp_next_leap_sec = TIME64_MAX;
s32 time_tai;

s64 shift_right(s64 v, int s) { return v < 0 ? -((-v) >> s) : v >> s; }
/* Linux's C wraps where these would overflow (a user's huge value); so do they. */
s64 shl(s64 v, int s) { return static_cast<s64>(static_cast<u64>(v) << s); }
s64 wrap_add(s64 a, s64 b) { return static_cast<s64>(static_cast<u64>(a) + static_cast<u64>(b)); }
s64 wrap_mul(s64 a, s64 b) { return static_cast<s64>(static_cast<u64>(a) * static_cast<u64>(b)); }

void ntp_update_frequency()
{
    s64 base = (static_cast<s64>(tick_usec) * NSEC_PER_USEC * USER_HZ << NTP_SCALE_SHIFT) + time_freq;
    second_length += base - second_length_base; /* at once, not at the next second */
    second_length_base = base;
}

s64 ntp_update_offset_fll(s64 offset64, long secs)
{
    time_status &= ~STA_MODE;
    if (secs < MINSEC)
        return 0;
    if (!(time_status & STA_FLL) && secs <= MAXSEC)
        return 0;
    time_status |= STA_MODE;
    return shl(offset64, NTP_SCALE_SHIFT - SHIFT_FLL) / secs;
}

void ntp_update_offset(s64 offset, s64 now_sec)
{
    if (!(time_status & STA_PLL))
        return;
    if (!(time_status & STA_NANO)) {
        /* clamped before the multiplication, which then cannot overflow */
        offset = offset < -USEC_PER_SEC ? -USEC_PER_SEC : offset > USEC_PER_SEC ? USEC_PER_SEC : offset;
        offset *= NSEC_PER_USEC;
    }
    offset = offset > MAXPHASE ? MAXPHASE : offset < -MAXPHASE ? -MAXPHASE : offset;
    long secs = static_cast<long>(now_sec - time_reftime);
    if (time_status & STA_FREQHOLD)
        secs = 0;
    time_reftime = now_sec;
    s64 freq_adj = ntp_update_offset_fll(offset, secs);
    if (secs > 1L << (SHIFT_PLL + 1 + time_constant))
        secs = 1L << (SHIFT_PLL + 1 + time_constant);
    freq_adj = wrap_add(freq_adj, shl(wrap_mul(offset, secs), NTP_SCALE_SHIFT - 2 * (SHIFT_PLL + 2 + static_cast<int>(time_constant))));
    freq_adj = wrap_add(freq_adj, time_freq);
    freq_adj = freq_adj > MAXFREQ_SCALED ? MAXFREQ_SCALED : freq_adj;
    time_freq = freq_adj < -MAXFREQ_SCALED ? -MAXFREQ_SCALED : freq_adj;
    time_offset = shl(offset, NTP_SCALE_SHIFT);
}

void process_adj_status(const __kernel_timex& txc, s64 now_sec)
{
    if ((time_status & STA_PLL) && !(txc.status & STA_PLL)) {
        time_state = TIME_OK;
        time_status = STA_UNSYNC;
        ntp_next_leap_sec = TIME64_MAX;
    }
    if (!(time_status & STA_PLL) && (txc.status & STA_PLL))
        time_reftime = now_sec;
    time_status &= STA_RONLY;
    time_status |= txc.status & ~STA_RONLY;
}

void process_adjtimex_modes(const __kernel_timex& txc, s64 now_sec)
{
    if (txc.modes & ADJ_STATUS)
        process_adj_status(txc, now_sec);
    if (txc.modes & ADJ_NANO)
        time_status |= STA_NANO;
    if (txc.modes & ADJ_MICRO)
        time_status &= ~STA_NANO;
    if (txc.modes & ADJ_FREQUENCY) {
        time_freq = txc.freq * PPM_SCALE; /* ntp_validate_timex keeps this in range */
        time_freq = time_freq > MAXFREQ_SCALED ? MAXFREQ_SCALED : time_freq < -MAXFREQ_SCALED ? -MAXFREQ_SCALED : time_freq;
    }
    if (txc.modes & ADJ_MAXERROR)
        time_maxerror = static_cast<long>(txc.maxerror);
    if (txc.modes & ADJ_ESTERROR)
        time_esterror = static_cast<long>(txc.esterror);
    if (txc.modes & ADJ_TIMECONST) {
        /* clamped before and after the microseconds' 4 */
        time_constant = txc.constant > MAXTC ? MAXTC : txc.constant < 0 ? 0 : static_cast<long>(txc.constant);
        if (!(time_status & STA_NANO))
            time_constant += 4;
        time_constant = time_constant > MAXTC ? MAXTC : time_constant;
    }
    if ((txc.modes & ADJ_TAI) && txc.constant >= 0 && txc.constant <= MAX_TAI_OFFSET)
        time_tai = static_cast<s32>(txc.constant);
    if (txc.modes & ADJ_OFFSET)
        ntp_update_offset(txc.offset, now_sec);
    if (txc.modes & ADJ_TICK)
        tick_usec = static_cast<long>(txc.tick);
    if (txc.modes & (ADJ_TICK | ADJ_FREQUENCY | ADJ_OFFSET))
        ntp_update_frequency();
}

} // namespace

void ntp_init()
{
    ntp_update_frequency();
    second_length = second_length_base;
}

s64 ntp_second_length() { return second_length; }
s32 ntp_tai_offset() { return time_tai; }

/* Linux's ntp_clear, which setting the clock does (TK_CLEAR_NTP). */
void ntp_clear()
{
    time_adjust = 0;
    time_status |= STA_UNSYNC;
    time_maxerror = NTP_PHASE_LIMIT;
    time_esterror = NTP_PHASE_LIMIT;
    ntp_update_frequency();
    second_length = second_length_base;
    time_offset = 0;
    ntp_next_leap_sec = TIME64_MAX;
}

/* A new second of CLOCK_REALTIME, secs: the leap-second state machine, the
 * error bound, and the length of the second that begins. Returns the leap:
 * -1 to insert a second (the clock is set back), 1 to delete one. */
int second_overflow(s64 secs)
{
    int leap = 0;
    switch (time_state) {
    case TIME_OK:
        if (time_status & STA_INS) {
            time_state = TIME_INS;
            ntp_next_leap_sec = secs + SECS_PER_DAY - secs % SECS_PER_DAY;
        } else if (time_status & STA_DEL) {
            time_state = TIME_DEL;
            ntp_next_leap_sec = secs + SECS_PER_DAY - (secs + 1) % SECS_PER_DAY;
        }
        break;
    case TIME_INS:
        if (!(time_status & STA_INS)) {
            ntp_next_leap_sec = TIME64_MAX;
            time_state = TIME_OK;
        } else if (secs == ntp_next_leap_sec) {
            leap = -1;
            time_state = TIME_OOP;
        }
        break;
    case TIME_DEL:
        if (!(time_status & STA_DEL)) {
            ntp_next_leap_sec = TIME64_MAX;
            time_state = TIME_OK;
        } else if (secs == ntp_next_leap_sec) {
            leap = 1;
            ntp_next_leap_sec = TIME64_MAX;
            time_state = TIME_WAIT;
        }
        break;
    case TIME_OOP:
        ntp_next_leap_sec = TIME64_MAX;
        time_state = TIME_WAIT;
        break;
    case TIME_WAIT:
        if (!(time_status & (STA_INS | STA_DEL)))
            time_state = TIME_OK;
        break;
    }

    time_maxerror = static_cast<long>(wrap_add(time_maxerror, MAXFREQ / NSEC_PER_USEC));
    if (time_maxerror > NTP_PHASE_LIMIT) {
        time_maxerror = NTP_PHASE_LIMIT;
        time_status |= STA_UNSYNC;
    }

    second_length = second_length_base;
    s64 delta = shift_right(time_offset, SHIFT_PLL + static_cast<int>(time_constant));
    time_offset -= delta;
    second_length += delta;

    if (time_adjust > MAX_TICKADJ) {
        time_adjust -= MAX_TICKADJ;
        second_length += (MAX_TICKADJ * NSEC_PER_USEC) << NTP_SCALE_SHIFT;
    } else if (time_adjust < -MAX_TICKADJ) {
        time_adjust += MAX_TICKADJ;
        second_length -= (MAX_TICKADJ * NSEC_PER_USEC) << NTP_SCALE_SHIFT;
    } else if (time_adjust) {
        second_length += (static_cast<s64>(time_adjust) * NSEC_PER_USEC) << NTP_SCALE_SHIFT;
        time_adjust = 0;
    }
    return leap;
}

/* Linux's timekeeping_validate_timex. */
Result<void> ntp_validate_timex(const __kernel_timex& txc)
{
    if (txc.modes & ADJ_ADJTIME) {
        if ((txc.modes & ADJ_OFFSET_SINGLESHOT) != ADJ_OFFSET_SINGLESHOT)
            return Errno::EINVAL; /* singleshot goes with no other mode */
        if (!(txc.modes & ADJ_OFFSET_READONLY) && !capable(CAP_SYS_TIME))
            return Errno::EPERM;
    } else {
        if (txc.modes && !capable(CAP_SYS_TIME))
            return Errno::EPERM;
        if ((txc.modes & ADJ_TICK) && (txc.tick < 900000 / USER_HZ || txc.tick > 1100000 / USER_HZ))
            return Errno::EINVAL; /* a quartz more than 10% off */
    }
    if (txc.modes & ADJ_SETOFFSET) {
        if (!capable(CAP_SYS_TIME))
            return Errno::EPERM;
        if (txc.time.tv_usec < 0)
            return Errno::EINVAL;
        if (txc.time.tv_usec >= ((txc.modes & ADJ_NANO) ? NSEC_PER_SEC : USEC_PER_SEC))
            return Errno::EINVAL;
    }
    if ((txc.modes & ADJ_FREQUENCY) && (txc.freq < -TIME64_MAX / PPM_SCALE || txc.freq > TIME64_MAX / PPM_SCALE))
        return Errno::EINVAL; /* the multiplication would overflow */
    return {};
}

/* Linux's __do_adjtimex: the modes applied, the state read back into txc;
 * now is CLOCK_REALTIME. Returns the clock's state (TIME_OK...). */
int __do_adjtimex(__kernel_timex& txc, s64 now)
{
    timespec64 ts = ns_to_timespec64(now);
    if (txc.modes & ADJ_ADJTIME) {
        long save_adjust = time_adjust;
        if (!(txc.modes & ADJ_OFFSET_READONLY)) {
            time_adjust = static_cast<long>(txc.offset); /* independent of ntp_adjtime's */
            ntp_update_frequency();
        }
        txc.offset = save_adjust;
    } else {
        if (txc.modes)
            process_adjtimex_modes(txc, ts.tv_sec);
        txc.offset = shift_right(time_offset, NTP_SCALE_SHIFT);
        if (!(time_status & STA_NANO))
            txc.offset = static_cast<u32>(txc.offset) / NSEC_PER_USEC; /* Linux's cast, kept */
    }

    int result = time_state;
    if (time_status & (STA_UNSYNC | STA_CLOCKERR))
        result = TIME_ERROR;

    txc.freq = shift_right((time_freq >> PPM_SCALE_INV_SHIFT) * PPM_SCALE_INV, NTP_SCALE_SHIFT);
    txc.maxerror = time_maxerror;
    txc.esterror = time_esterror;
    txc.status = time_status;
    txc.constant = time_constant;
    txc.precision = 1;
    txc.tolerance = MAXFREQ_SCALED / PPM_SCALE;
    txc.tick = tick_usec;
    txc.tai = time_tai;
    txc.ppsfreq = txc.jitter = txc.stabil = txc.jitcnt = txc.calcnt = txc.errcnt = txc.stbcnt = 0;
    txc.shift = 0;

    txc.time.tv_sec = ts.tv_sec;
    txc.time.tv_usec = (time_status & STA_NANO) ? ts.tv_nsec : ts.tv_nsec / NSEC_PER_USEC;

    if (ts.tv_sec >= ntp_next_leap_sec) {
        if (time_state == TIME_INS && (time_status & STA_INS)) {
            result = TIME_OOP;
            txc.tai++;
            txc.time.tv_sec--;
        }
        if (time_state == TIME_DEL && (time_status & STA_DEL)) {
            result = TIME_WAIT;
            txc.tai--;
            txc.time.tv_sec++;
        }
        if (time_state == TIME_OOP && ts.tv_sec == ntp_next_leap_sec)
            result = TIME_WAIT;
    }
    return result;
}
