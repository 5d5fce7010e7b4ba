/* adjtimex(2) and clock_adjtime(2)'s argument (Linux's include/uapi/linux/timex.h):
 * __kernel_timex, whose explicit padding gives it one layout on both ABIs
 * (i386's clock_adjtime64 takes it as it is), and i386's old_timex32
 * (adjtimex, clock_adjtime), the mode bits and the status bits. */
#pragma once
#include <linux/types.h>

struct __kernel_timex_timeval {
    s64 tv_sec;
    s64 tv_usec; /* nanoseconds with ADJ_NANO / STA_NANO */
};

struct __kernel_timex {
    u32 modes;
    s32 pad0;
    s64 offset;
    s64 freq;
    s64 maxerror;
    s64 esterror;
    s32 status;
    s32 pad1;
    s64 constant;
    s64 precision;
    s64 tolerance;
    __kernel_timex_timeval time;
    s64 tick;
    s64 ppsfreq;
    s64 jitter;
    s32 shift;
    s32 pad2;
    s64 stabil;
    s64 jitcnt;
    s64 calcnt;
    s64 errcnt;
    s64 stbcnt;
    s32 tai;
    s32 pad3[11];
};
static_assert(sizeof(__kernel_timex) == 208);
static_assert(__builtin_offsetof(__kernel_timex, offset) == 8);
static_assert(__builtin_offsetof(__kernel_timex, status) == 40);
static_assert(__builtin_offsetof(__kernel_timex, time) == 72);
static_assert(__builtin_offsetof(__kernel_timex, shift) == 112);
static_assert(__builtin_offsetof(__kernel_timex, tai) == 160);

struct old_timex32 {
    u32 modes;
    s32 offset;
    s32 freq;
    s32 maxerror;
    s32 esterror;
    s32 status;
    s32 constant;
    s32 precision;
    s32 tolerance;
    s32 time_sec;
    s32 time_usec;
    s32 tick;
    s32 ppsfreq;
    s32 jitter;
    s32 shift;
    s32 stabil;
    s32 jitcnt;
    s32 calcnt;
    s32 errcnt;
    s32 stbcnt;
    s32 tai;
    s32 pad[11];
};
static_assert(sizeof(old_timex32) == 128);
static_assert(__builtin_offsetof(old_timex32, time_sec) == 36);
static_assert(__builtin_offsetof(old_timex32, tai) == 80);

/* modes */
constexpr u32 ADJ_OFFSET = 0x0001;
constexpr u32 ADJ_FREQUENCY = 0x0002;
constexpr u32 ADJ_MAXERROR = 0x0004;
constexpr u32 ADJ_ESTERROR = 0x0008;
constexpr u32 ADJ_STATUS = 0x0010;
constexpr u32 ADJ_TIMECONST = 0x0020;
constexpr u32 ADJ_TAI = 0x0080;
constexpr u32 ADJ_SETOFFSET = 0x0100;
constexpr u32 ADJ_MICRO = 0x1000;
constexpr u32 ADJ_NANO = 0x2000;
constexpr u32 ADJ_TICK = 0x4000;
constexpr u32 ADJ_ADJTIME = 0x8000;
constexpr u32 ADJ_OFFSET_SINGLESHOT = 0x8001; /* adjtime(3) */
constexpr u32 ADJ_OFFSET_READONLY = 0x2000;
constexpr u32 ADJ_OFFSET_SS_READ = 0xa001;

/* status */
constexpr int STA_PLL = 0x0001;
constexpr int STA_PPSFREQ = 0x0002;
constexpr int STA_PPSTIME = 0x0004;
constexpr int STA_FLL = 0x0008;
constexpr int STA_INS = 0x0010;
constexpr int STA_DEL = 0x0020;
constexpr int STA_UNSYNC = 0x0040;
constexpr int STA_FREQHOLD = 0x0080;
constexpr int STA_PPSSIGNAL = 0x0100;
constexpr int STA_PPSJITTER = 0x0200;
constexpr int STA_PPSWANDER = 0x0400;
constexpr int STA_PPSERROR = 0x0800;
constexpr int STA_CLOCKERR = 0x1000;
constexpr int STA_NANO = 0x2000;
constexpr int STA_MODE = 0x4000;
constexpr int STA_CLK = 0x8000;
constexpr int STA_RONLY = STA_PPSSIGNAL | STA_PPSJITTER | STA_PPSWANDER | STA_PPSERROR | STA_CLOCKERR | STA_NANO | STA_MODE | STA_CLK;

/* the clock's state, adjtimex's result */
constexpr int TIME_OK = 0;
constexpr int TIME_INS = 1;
constexpr int TIME_DEL = 2;
constexpr int TIME_OOP = 3;
constexpr int TIME_WAIT = 4;
constexpr int TIME_ERROR = 5;
