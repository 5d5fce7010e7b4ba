/* The NTP state's interface to timekeeping (Linux's kernel/time/ntp_internal.h).
 * Every call but ntp_validate_timex is made holding timekeeper_lock
 * (timekeeping.cpp). */
#pragma once
#include <linux/result.h>
#include <linux/types.h>

struct __kernel_timex;

void ntp_init();
void ntp_clear();
/* The length of the current second of CLOCK_REALTIME in CLOCK_MONOTONIC
 * nanoseconds, shifted left by 32. */
[[nodiscard]] s64 ntp_second_length();
[[nodiscard]] s32 ntp_tai_offset();
[[nodiscard]] int second_overflow(s64 secs);
[[nodiscard]] Result<void> ntp_validate_timex(const __kernel_timex& txc);
[[nodiscard]] int __do_adjtimex(__kernel_timex& txc, s64 now);
