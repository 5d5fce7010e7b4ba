/* i386's resource structures (Linux's compat_rlimit, compat_rusage,
 * compat_sysinfo): the longs are 32 bits. */
#pragma once
#include <linux/types.h>
#include <uapi/linux/time32.h>

/* getrlimit, setrlimit, ugetrlimit: 0xffffffff is infinity (old_getrlimit
 * reports 0x7fffffff). prlimit64 has the same rlimit64 on both ABIs. */
struct compat_rlimit {
    u32 rlim_cur;
    u32 rlim_max;
};
static_assert(sizeof(compat_rlimit) == 8);
constexpr u32 COMPAT_RLIM_INFINITY = 0xffffffff;
constexpr u32 COMPAT_RLIM_OLD_INFINITY = 0x7fffffff;

struct compat_rusage {
    old_timeval32 ru_utime;
    old_timeval32 ru_stime;
    s32 ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock, ru_msgsnd,
        ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
static_assert(sizeof(compat_rusage) == 72);
static_assert(__builtin_offsetof(compat_rusage, ru_maxrss) == 16);
static_assert(__builtin_offsetof(compat_rusage, ru_nvcsw) == 64);

struct compat_sysinfo {
    s32 uptime;
    u32 loads[3];
    u32 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs;
    u16 pad;
    u32 totalhigh, freehigh;
    u32 mem_unit;
    char _f[20 - 2 * sizeof(u32) - sizeof(int)];
};
static_assert(sizeof(compat_sysinfo) == 64);
static_assert(__builtin_offsetof(compat_sysinfo, procs) == 40);
static_assert(__builtin_offsetof(compat_sysinfo, mem_unit) == 52);
