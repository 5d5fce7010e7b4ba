/* Time: the clocks (kernel/time/timekeeping.cpp) and the tick. */
#pragma once
#include <linux/abi.h>
#include <linux/result.h>
#include <linux/time64.h>
#include <linux/types.h>

constexpr int HZ = 1000;

/* Nanoseconds since boot (CLOCK_MONOTONIC, CLOCK_BOOTTIME: we never suspend). */
u64 ktime_get_ns();
/* Nanoseconds since the epoch (CLOCK_REALTIME). */
s64 ktime_get_real_ns();
void timekeeping_init();
/* Sets CLOCK_REALTIME (and clears the NTP state, as Linux does). */
void do_settimeofday(s64 ns);
/* CLOCK_TAI: CLOCK_REALTIME and the TAI offset of ADJ_TAI. */
s64 ktime_get_tai_ns();
/* The boot CPU's tick: CLOCK_REALTIME's NTP rate and seconds (timekeeping.cpp). */
void ntp_tick(u64 now);
struct __kernel_timex;
/* adjtimex's work: checks, ADJ_SETOFFSET, the NTP state (kernel/time/ntp.cpp);
 * the clock's state (TIME_OK...) or an error. */
[[nodiscard]] Result<int> do_adjtimex(__kernel_timex& txc);

/* The timer interrupt calls this HZ times a second, saying whether it
 * interrupted user code (the tick is charged to user or system time). */
void timer_tick(bool user);
extern volatile u64 jiffies;

/* Reads the CMOS real-time clock (drivers/rtc/cmos.cpp): seconds since the epoch. */
s64 rtc_read_seconds();

struct timespec_user {
    long tv_sec;
    long tv_nsec;
};
struct timeval_user {
    long tv_sec;
    long tv_usec;
};
/* timespec_user is also __kernel_timespec, the same on i386 (the *_time64
 * calls); i386's 32-bit timespec is old_timespec32 (linux/compat_time.h). */
ABI_LAYOUT_DIFFERS(timeval_user);  /* old_timeval32 */

