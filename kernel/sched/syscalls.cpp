/*
 * Scheduling calls. Tasks run under SCHED_OTHER, BATCH or IDLE (kernel/sched/fair.cpp:
 * a CFS-like queue by virtual runtime, the nice value giving the weight) or
 * SCHED_FIFO and SCHED_RR (kernel/sched/rt.h: lists by priority before it).
 * Affinity masks name every present CPU, as on Linux.
 */
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <uapi/linux/sched.h>
#include <uapi/linux/time32.h>
#include "deadline.h"
#include "rt.h"


namespace {

constexpr int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
constexpr unsigned CPUMASK_BYTES = 8; /* Linux's nr_cpu_ids rounded up to a long, for up to 64 CPUs */

task_struct* task_or_current(pid_t pid) { return pid ? find_task_by_pid(pid) : current; }

/* Does t belong to what getpriority/setpriority's (which, who) names? who 0: the caller's. */
bool prio_match(const task_struct* t, int which, int who)
{
    if (t->exit_state || t->pid == 0)
        return false;
    switch (which) {
    case PRIO_PROCESS:
        return t->pid == (who ? who : current->pid);
    case PRIO_PGRP:
        return t->signal->pgrp == (who ? who : current->signal->pgrp);
    default:
        return t->cred->uid == static_cast<uid_t>(who ? who : current_cred()->uid);
    }
}

} // namespace

SYSCALL_NO_BKL(sched_yield); /* the run-queue lock is all it takes */
SYSCALL_DEFINE0(sched_yield)
{
    yield_current();
    return 0;
}

/* The CPUs t may run on that are online (Linux: & cpu_active_mask), as
 * many bytes of them as the caller asked for, up to the kernel's mask. */
static SyscallResult getaffinity(pid_t pid, unsigned int len, user_out_ptr<u8> user_mask_ptr)
{
    task_struct* t = pid < 0 ? nullptr : task_or_current(pid);
    if (!t)
        return Errno::ESRCH;
    u64 mask = t->cpus_mask.bits & cpu_online_mask.bits;
    unsigned retlen = min(len, CPUMASK_BYTES);
    TRY(copy_to_user(user_mask_ptr, reinterpret_cast<const u8*>(&mask), retlen));
    return static_cast<long>(retlen);
}

SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, unsigned int, len, user_out_ptr<u8>, user_mask_ptr)
{
    if (len < CPUMASK_BYTES || (len & (sizeof(long) - 1)))
        return Errno::EINVAL;
    return getaffinity(pid, len, user_mask_ptr);
}

/* An i386 mask is an array of 32-bit words: on x86 the same bytes, in
 * multiples of 4 (Linux's compat_sys_sched_getaffinity). */
COMPAT_SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, unsigned int, len, user_out_ptr<u8>, user_mask_ptr)
{
    if (len * 8 < static_cast<unsigned>(num_online_cpus()) || (len & (sizeof(u32) - 1)))
        return Errno::EINVAL;
    return getaffinity(pid, len, user_mask_ptr);
}

/* A shorter mask than the kernel's leaves the other CPUs out; bits past the
 * CPUs that exist are ignored; none online left: EINVAL. The caller must own
 * the task (its effective uid is the task's real or effective one) or have
 * CAP_SYS_NICE. A task on a CPU it may no longer use moves at its next
 * schedule(), for the caller before the call returns to user mode. */
SYSCALL_DEFINE3(sched_setaffinity, pid_t, pid, unsigned int, len, user_in_ptr<const u8>, user_mask_ptr)
{
    task_struct* t = pid < 0 ? nullptr : task_or_current(pid);
    if (!t)
        return Errno::ESRCH;
    u64 mask = 0;
    TRY(copy_from_user(reinterpret_cast<u8*>(&mask), user_mask_ptr, min<unsigned>(len, sizeof(mask))));
    const cred* c = current_cred();
    if (c->euid != t->cred->uid && c->euid != t->cred->euid && !capable(CAP_SYS_NICE))
        return Errno::EPERM;
    cpumask allowed{mask & cpu_online_mask.bits};
    if (cpumask_empty(allowed))
        return Errno::EINVAL;
    set_cpus_allowed(t, allowed);
    return 0;
}

/* The i386 mask's bytes are the native ones (see above). */
COMPAT_SYSCALL_DEFINE3(sched_setaffinity, pid_t, pid, unsigned int, len, user_in_ptr<const u8>, user_mask_ptr)
{
    return __do_sys_sched_setaffinity(pid, len, user_mask_ptr);
}

/* ---- policies (Linux's __sched_setscheduler, kernel/sched/core.c) ---- */

namespace {

constexpr int SCHED_RESET_ON_FORK = 0x40000000;
constexpr u64 SCHED_FLAG_RESET_ON_FORK = 0x01, SCHED_FLAG_KEEP_POLICY = 0x08, SCHED_FLAG_KEEP_PARAMS = 0x10;
constexpr u64 SCHED_FLAG_UTIL_CLAMP = 0x60, SCHED_FLAG_ALL = 0x7f;
constexpr int SETPARAM_POLICY = -1;
constexpr u32 SCHED_ATTR_SIZE_VER0 = 48;

bool valid_policy(int policy)
{
    return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR || policy == SCHED_BATCH ||
           policy == SCHED_IDLE || policy == SCHED_DEADLINE;
}

bool fair_policy(int policy) { return policy == SCHED_OTHER || policy == SCHED_BATCH; }

/* Linux's can_nice for t: RLIMIT_NICE (its 1..40 for nice 19..-20), or CAP_SYS_NICE. */
bool can_nice_to(int nice) { return 20 - nice <= static_cast<long>(rlimit(RLIMIT_NICE)) || capable(CAP_SYS_NICE); }

/* The caller's effective uid is t's real or effective one (check_same_owner). */
bool same_owner(const task_struct* t)
{
    const cred* c = current_cred();
    return c->euid == t->cred->euid || c->euid == t->cred->uid;
}

/* Linux's __checkparam_dl: runtime <= deadline <= period, none with the top
 * bit, runtime at least 1024 ns, the period within 100 us..4.19 s. */
bool checkparam_dl(const sched_attr& a)
{
    if (a.sched_deadline == 0 || a.sched_runtime < (1ULL << 10))
        return false;
    if ((a.sched_deadline & (1ULL << 63)) || (a.sched_period & (1ULL << 63)))
        return false;
    u64 period = a.sched_period ? a.sched_period : a.sched_deadline;
    if (period < a.sched_deadline || a.sched_deadline < a.sched_runtime)
        return false;
    return period >= 100 * 1000ULL && period <= (1ULL << 22) * 1000ULL;
}

/* Everything sched_setscheduler, sched_setparam and sched_setattr check,
 * in Linux's order, then the change. policy SETPARAM_POLICY: t's own. */
SyscallResult setscheduler(task_struct* t, int policy, const sched_attr& attr)
{
    bool reset_on_fork;
    if (policy == SETPARAM_POLICY) {
        reset_on_fork = t->sched_reset_on_fork;
        policy = t->policy;
    } else {
        reset_on_fork = attr.sched_flags & SCHED_FLAG_RESET_ON_FORK;
        if (!valid_policy(policy))
            return Errno::EINVAL;
    }
    if (attr.sched_flags & ~SCHED_FLAG_ALL)
        return Errno::EINVAL;
    if (attr.sched_priority > MAX_RT_PRIO - 1)
        return Errno::EINVAL;
    if ((policy == SCHED_DEADLINE && !checkparam_dl(attr)) ||
        (rt_policy(policy) != (attr.sched_priority != 0)))
        return Errno::EINVAL;
    int nice = fair_policy(policy) && !(attr.sched_flags & SCHED_FLAG_KEEP_PARAMS) ? attr.sched_nice : t->nice;
    if (!capable(CAP_SYS_NICE)) {
        if (fair_policy(policy) && nice < t->nice && !can_nice_to(nice))
            return Errno::EPERM;
        if (rt_policy(policy)) {
            unsigned long rlim_rtprio = rlimit(RLIMIT_RTPRIO);
            if (policy != t->policy && !rlim_rtprio)
                return Errno::EPERM; /* no real time without RLIMIT_RTPRIO */
            if (attr.sched_priority > static_cast<u32>(t->rt_priority) && attr.sched_priority > rlim_rtprio)
                return Errno::EPERM;
        }
        if (policy == SCHED_DEADLINE)
            return Errno::EPERM;
        if (t->policy == SCHED_IDLE && policy != SCHED_IDLE && !can_nice_to(t->nice))
            return Errno::EPERM;
        if (!same_owner(t))
            return Errno::EPERM;
        if (t->sched_reset_on_fork && !reset_on_fork)
            return Errno::EPERM; /* only the privileged clear it */
    }
    if (attr.sched_flags & SCHED_FLAG_UTIL_CLAMP)
        return Errno::EOPNOTSUPP; /* no utilization clamping (uclamp_validate without CONFIG_UCLAMP_TASK) */
    /* Admission control (Linux's sched_dl_overflow): EBUSY when the CPUs
     * cannot give the bandwidth; leaving the class gives it back. */
    sched_dl_params dl{};
    if (policy == SCHED_DEADLINE) {
        dl = {attr.sched_runtime, attr.sched_deadline, attr.sched_period ? attr.sched_period : attr.sched_deadline};
        if (!dl_admit(t, dl.runtime, dl.period))
            return Errno::EBUSY;
    } else if (t->dl_bw) {
        (void)dl_admit(t, 0, 0);
    }
    sched_set_policy(t, policy, rt_policy(policy) ? static_cast<int>(attr.sched_priority) : 0, nice, reset_on_fork,
                     dl);
    return 0;
}

task_struct* find_process_by_pid(pid_t pid) { return pid ? find_task_by_pid(pid) : current; }

SyscallResult do_sched_setscheduler(pid_t pid, int policy, user_in_ptr<const int> param)
{
    if (!param || pid < 0)
        return Errno::EINVAL;
    int prio = TRY(get_user(param));
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    sched_attr attr{};
    attr.sched_priority = static_cast<u32>(prio);
    attr.sched_nice = t->nice;
    /* The policy's SCHED_RESET_ON_FORK bit is sched_setattr's flag. */
    if (policy != SETPARAM_POLICY && (policy & SCHED_RESET_ON_FORK)) {
        attr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
        policy &= ~SCHED_RESET_ON_FORK;
    }
    return setscheduler(t, policy, attr);
}

} // namespace

SYSCALL_DEFINE3(sched_setscheduler, pid_t, pid, int, policy, user_in_ptr<const int>, param)
{
    if (policy < 0)
        return Errno::EINVAL;
    return do_sched_setscheduler(pid, policy, param);
}

SYSCALL_DEFINE2(sched_setparam, pid_t, pid, user_in_ptr<const int>, param)
{
    return do_sched_setscheduler(pid, SETPARAM_POLICY, param);
}

SYSCALL_DEFINE1(sched_getscheduler, pid_t, pid)
{
    if (pid < 0)
        return Errno::EINVAL;
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    return t->policy | (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL_DEFINE2(sched_getparam, pid_t, pid, user_out_ptr<int>, param)
{
    if (pid < 0 || !param)
        return Errno::EINVAL;
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    return put_user(rt_policy(t->policy) ? t->rt_priority : 0, param);
}

/* sched_attr's size rules (Linux's sched_copy_attr): 0 means the first
 * version; smaller, or over a page, is E2BIG with the kernel's size written
 * back; a larger one's tail must be zero. */
SYSCALL_DEFINE3(sched_setattr, pid_t, pid, user_inout_ptr<sched_attr>, uattr, unsigned int, flags)
{
    if (!uattr || pid < 0 || flags)
        return Errno::EINVAL;
    u32 size = TRY(get_user(user_in_ptr<const u32>(uattr.cast<const u32>())));
    if (size == 0)
        size = SCHED_ATTR_SIZE_VER0;
    sched_attr attr{};
    if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE) {
        TRY(put_user(static_cast<u32>(sizeof(sched_attr)), user_out_ptr<u32>(uattr.cast<u32>())));
        return Errno::E2BIG;
    }
    TRY(copy_struct_from_user(&attr, sizeof(attr), user_in_ptr<const u8>(uattr.cast<const u8>()), size));
    if (static_cast<int>(attr.sched_policy) < 0)
        return Errno::EINVAL;
    if (attr.sched_flags & SCHED_FLAG_KEEP_POLICY)
        attr.sched_policy = static_cast<u32>(SETPARAM_POLICY);
    attr.sched_nice = min(max(attr.sched_nice, -20), 19);
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    return setscheduler(t, static_cast<int>(attr.sched_policy), attr);
}

SYSCALL_DEFINE4(sched_getattr, pid_t, pid, user_out_ptr<sched_attr>, uattr, unsigned int, usize, unsigned int, flags)
{
    if (!uattr || pid < 0 || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || flags)
        return Errno::EINVAL;
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    sched_attr kattr{};
    kattr.sched_policy = static_cast<u32>(t->policy);
    if (t->sched_reset_on_fork)
        kattr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
    if (rt_policy(t->policy)) {
        kattr.sched_priority = static_cast<u32>(t->rt_priority);
    } else if (dl_task(t)) {
        kattr.sched_runtime = t->dl_runtime;
        kattr.sched_deadline = t->dl_deadline;
        kattr.sched_period = t->dl_period;
    } else {
        kattr.sched_nice = t->nice;
    }
    /* sched_util_min and _max stay 0: no utilization clamping, as in
     * Debian's kernel (CONFIG_UCLAMP_TASK off). */
    /* As much as both sides know, its size in the size field. */
    u32 n = min<u32>(usize, sizeof(kattr));
    kattr.size = n;
    return copy_to_user(uattr.cast<u8>(), reinterpret_cast<const u8*>(&kattr), n);
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
    return rt_policy(policy)                                           ? SyscallResult(MAX_RT_PRIO - 1)
           : fair_policy(policy) || policy == SCHED_IDLE || policy == SCHED_DEADLINE ? SyscallResult(0)
                                                                       : SyscallResult(Errno::EINVAL);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
    return rt_policy(policy)                                           ? SyscallResult(1)
           : fair_policy(policy) || policy == SCHED_IDLE || policy == SCHED_DEADLINE ? SyscallResult(0)
                                                                       : SyscallResult(Errno::EINVAL);
}

namespace {
Result<timespec64> rr_interval(pid_t pid)
{
    if (pid < 0)
        return Errno::EINVAL;
    task_struct* t = find_process_by_pid(pid);
    if (!t)
        return Errno::ESRCH;
    u64 ns = sched_rr_interval(t);
    return timespec64{static_cast<s64>(ns / NSEC_PER_SEC), static_cast<long>(ns % NSEC_PER_SEC)};
}
} // namespace

SYSCALL_DEFINE2(sched_rr_get_interval, pid_t, pid, user_out_ptr<timespec_user>, interval)
{
    timespec64 ts = TRY(rr_interval(pid));
    return put_user(timespec_user{ts.tv_sec, ts.tv_nsec}, interval);
}

SYSCALL_DEFINE2(sched_rr_get_interval_time32, pid_t, pid, user_out_ptr<old_timespec32>, interval)
{
    timespec64 ts = TRY(rr_interval(pid));
    return put_user(old_timespec32{static_cast<s32>(ts.tv_sec), static_cast<s32>(ts.tv_nsec)}, interval);
}

/* ---- nice ---- */

/* i386's nice(2) (Linux's sys_nice): an increment, clamped, then the
 * result clamped to -20..19; going down needs can_nice. */
SYSCALL_DEFINE1(nice, int, increment)
{
    increment = min(max(increment, -40), 40);
    int nice = min(max(current->nice + increment, -20), 19);
    if (increment < 0 && !can_nice_to(nice))
        return Errno::EPERM;
    set_user_nice(current, nice);
    return 0;
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return Errno::EINVAL;
    int best = -1;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (prio_match(t, which, who))
            best = max(best, 20 - t->nice); /* the kernel's form: 40..1 for nice -20..19 */
    }
    return best < 0 ? SyscallResult(Errno::ESRCH) : SyscallResult(best);
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return Errno::EINVAL;
    niceval = min(max(niceval, -20), 19);
    bool found = false;
    SyscallResult error = 0;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!prio_match(t, which, who))
            continue;
        found = true;
        const cred* c = current_cred();
        if (c->euid != t->cred->uid && c->euid != t->cred->euid && !capable(CAP_SYS_NICE))
            error = Errno::EPERM;
        else if (niceval < t->nice && !capable(CAP_SYS_NICE))
            error = Errno::EACCES; /* only the privileged lower it */
        else
            set_user_nice(t, niceval);
    }
    return found ? error : SyscallResult(Errno::ESRCH);
}

/* The CPU the caller runs on (it may have moved by the time it looks), and
 * NUMA node 0; the third argument is ignored since Linux 2.6.24. */
SYSCALL_NO_BKL(getcpu); /* a user copy's fault takes the kernel lock itself */
SYSCALL_DEFINE3(getcpu, user_out_ptr<unsigned>, cpup, user_out_ptr<unsigned>, nodep, unsigned long, unused)
{
    (void)unused;
    if (cpup)
        TRY(put_user(static_cast<unsigned>(smp_processor_id()), cpup));
    if (nodep)
        TRY(put_user(0u, nodep));
    return 0;
}

/* ---- ioprio_get, ioprio_set ---- */

namespace {

constexpr int IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_USER = 3;
constexpr int IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3;
constexpr int IOPRIO_CLASS_SHIFT = 13, IOPRIO_NR_LEVELS = 8;
/* What a task with no class counts as when the best of several is asked. */
constexpr int IOPRIO_DEFAULT = (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | 4;

int ioprio_class(int prio) { return (prio >> IOPRIO_CLASS_SHIFT) & 7; }

/* Linux's ioprio_check_cap: a known class and level; real time for the
 * privileged only. */
Result<void> ioprio_check_cap(int ioprio)
{
    int data = ioprio & ((1 << IOPRIO_CLASS_SHIFT) - 1);
    switch (ioprio >> IOPRIO_CLASS_SHIFT) {
    case IOPRIO_CLASS_RT:
        if (!capable(CAP_SYS_NICE) && !capable(CAP_SYS_ADMIN))
            return Errno::EPERM;
        [[fallthrough]];
    case IOPRIO_CLASS_BE:
        if (data >= IOPRIO_NR_LEVELS)
            return Errno::EINVAL;
        return {};
    case IOPRIO_CLASS_IDLE:
        return {};
    case IOPRIO_CLASS_NONE:
        return data ? Result<void>(Errno::EINVAL) : Result<void>{};
    default:
        return Errno::EINVAL;
    }
}

int ioprio_best(int a, int b)
{
    if (ioprio_class(a) == IOPRIO_CLASS_NONE)
        a = IOPRIO_DEFAULT;
    if (ioprio_class(b) == IOPRIO_CLASS_NONE)
        b = IOPRIO_DEFAULT;
    return min(a, b);
}

/* ioprio's which (1..3) is getpriority's plus one. */
bool ioprio_match(const task_struct* t, int which, int who) { return prio_match(t, which - 1, who); }

} // namespace

SYSCALL_DEFINE3(ioprio_set, int, which, int, who, int, ioprio)
{
    TRY(ioprio_check_cap(ioprio));
    if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
        return Errno::EINVAL;
    const cred* c = current_cred();
    SyscallResult r = Errno::ESRCH;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!ioprio_match(t, which, who))
            continue;
        /* Another user's process needs CAP_SYS_NICE (Linux's set_task_ioprio). */
        if (t->cred->uid != c->euid && t->cred->uid != c->uid && !capable(CAP_SYS_NICE))
            return Errno::EPERM;
        t->ioprio = ioprio;
        r = 0;
    }
    return r;
}

SYSCALL_DEFINE2(ioprio_get, int, which, int, who)
{
    if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
        return Errno::EINVAL;
    bool found = false;
    int best = 0;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!ioprio_match(t, which, who))
            continue;
        best = found ? ioprio_best(best, t->ioprio) : t->ioprio;
        found = true;
    }
    return found ? SyscallResult(best) : SyscallResult(Errno::ESRCH);
}
