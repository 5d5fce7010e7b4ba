/*
 * Scheduling calls. Every task runs under SCHED_OTHER (kernel/sched/core.cpp:
 * a CFS-like queue by virtual runtime), its nice value giving its weight.
 * Affinity masks name every present CPU, as on Linux, although user code
 * runs on the boot CPU.
 */
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>


namespace {

constexpr int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;
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

SYSCALL_DEFINE1(sched_getscheduler, pid_t, pid)
{
    if (pid < 0)
        return Errno::EINVAL;
    return task_or_current(pid) ? SyscallResult(SCHED_OTHER) : SyscallResult(Errno::ESRCH);
}

SYSCALL_DEFINE2(sched_getparam, pid_t, pid, user_out_ptr<int>, param)
{
    if (pid < 0 || !param)
        return Errno::EINVAL;
    if (!task_or_current(pid))
        return Errno::ESRCH;
    return put_user(0, param);
}

SYSCALL_DEFINE3(sched_setscheduler, pid_t, pid, int, policy, user_in_ptr<const int>, param)
{
    if (pid < 0 || !param)
        return Errno::EINVAL;
    if (!task_or_current(pid))
        return Errno::ESRCH;
    int prio = TRY(get_user(param));
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return Errno::EPERM; /* no real-time scheduling */
    if ((policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE) || prio != 0)
        return Errno::EINVAL;
    return 0;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR ? SyscallResult(99)
           : policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? SyscallResult(0)
                                                                                  : SyscallResult(Errno::EINVAL);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR ? SyscallResult(1)
           : policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? SyscallResult(0)
                                                                                  : SyscallResult(Errno::EINVAL);
}

/* ---- nice ---- */

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
