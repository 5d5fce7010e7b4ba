/* clone() flags, Linux's values. */
#pragma once

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_NEWTIME 0x00000080 /* unshare and clone3 only: it shares its bit with CSIGNAL */
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000

/* Scheduling policies (sched_setscheduler, sched_setattr). */
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6

/* sched_setattr/sched_getattr's argument (Linux's struct sched_attr,
 * uapi/linux/sched/types.h): one layout on both ABIs. */
#ifdef __cplusplus
#include <linux/types.h>
struct sched_attr {
    u32 size;
    u32 sched_policy;
    u64 sched_flags;
    s32 sched_nice;
    u32 sched_priority;
    u64 sched_runtime; /* SCHED_DEADLINE's, ns */
    u64 sched_deadline;
    u64 sched_period;
    u32 sched_util_min; /* utilization clamps (SCHED_ATTR_SIZE_VER1) */
    u32 sched_util_max;
};
static_assert(sizeof(sched_attr) == 56);
static_assert(__builtin_offsetof(sched_attr, sched_runtime) == 24);
#endif
