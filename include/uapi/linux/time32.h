/* i386's 32-bit time structures (Linux's include/vdso/time32.h and
 * include/linux/time32.h), for the *_time32 and compat calls. The *_time64
 * calls use the 64-bit layouts (__kernel_timespec: timespec_user). */
#pragma once
#include <linux/types.h>

using old_time32_t = s32;

struct old_timespec32 {
    old_time32_t tv_sec;
    s32 tv_nsec;
};
static_assert(sizeof(old_timespec32) == 8);

struct old_timeval32 {
    old_time32_t tv_sec;
    s32 tv_usec;
};
static_assert(sizeof(old_timeval32) == 8);

struct old_itimerspec32 {
    old_timespec32 it_interval;
    old_timespec32 it_value;
};
static_assert(sizeof(old_itimerspec32) == 16);
static_assert(__builtin_offsetof(old_itimerspec32, it_value) == 8);

/* getitimer, setitimer (Linux's old_itimerval32). */
struct old_itimerval32 {
    old_timeval32 it_interval;
    old_timeval32 it_value;
};
static_assert(sizeof(old_itimerval32) == 16);

/* utime (Linux's old_utimbuf32). */
struct old_utimbuf32 {
    old_time32_t actime;
    old_time32_t modtime;
};
static_assert(sizeof(old_utimbuf32) == 8);

/* times (compat_tms): clock ticks as compat_clock_t. */
struct compat_tms {
    s32 tms_utime;
    s32 tms_stime;
    s32 tms_cutime;
    s32 tms_cstime;
};
static_assert(sizeof(compat_tms) == 16);
