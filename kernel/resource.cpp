/* Resources: limits (prlimit64, getrlimit, setrlimit) and usage (times,
 * getrusage, sysinfo), with their i386 compat entries. */
#include <asm/reboot.h>
#include <drivers/acpi.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/time.h>
#include <linux/printk.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/compat_resource.h>
#include <uapi/linux/time32.h>
#include <uapi/linux/utsname.h>

/* ---- resource limits ---- */

unsigned long rlimit(int resource) { return current->signal->rlim[resource].rlim_cur; }

SYSCALL_DEFINE4(prlimit64, pid_t, pid, unsigned int, resource, user_in_ptr<const rlimit64>, new_rlim,
                user_out_ptr<rlimit64>, old_rlim)
{
    if (resource >= RLIM_NLIMITS)
        return Errno::EINVAL;
    task_struct* t = pid ? find_task_by_pid(pid) : current;
    if (!t)
        return Errno::ESRCH;
    /* Another process's limits: only with all our ids matching its, or CAP_SYS_RESOURCE. */
    if (t->tgid != current->tgid) {
        const cred* c = current_cred();
        const cred* tc = t->cred;
        bool same = c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid && c->gid == tc->gid &&
                    c->gid == tc->egid && c->gid == tc->sgid;
        if (!same && !capable(CAP_SYS_RESOURCE))
            return Errno::EPERM;
    }
    rlimit64 updated{};
    if (new_rlim) {
        updated = TRY(get_user(new_rlim));
        if (updated.rlim_cur > updated.rlim_max)
            return Errno::EINVAL;
        if (resource == RLIMIT_NOFILE && updated.rlim_max > READ_ONCE(sysctl_nr_open))
            return Errno::EPERM;
    }
    rlimit64& cur = t->signal->rlim[resource];
    if (new_rlim && updated.rlim_max > cur.rlim_max && !capable(CAP_SYS_RESOURCE))
        return Errno::EPERM;
    if (old_rlim)
        TRY(put_user(cur, old_rlim));
    if (new_rlim)
        cur = updated;
    return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, user_out_ptr<rlimit64>, rlim)
{
    if (resource >= RLIM_NLIMITS)
        return Errno::EINVAL;
    return put_user(current->signal->rlim[resource], rlim);
}

/* setrlimit once the new limit is in the kernel. */
static SyscallResult do_setrlimit(unsigned int resource, rlimit64 updated)
{
    if (resource >= RLIM_NLIMITS)
        return Errno::EINVAL;
    if (updated.rlim_cur > updated.rlim_max)
        return Errno::EINVAL;
    rlimit64& cur = current->signal->rlim[resource];
    if (updated.rlim_max > cur.rlim_max && !capable(CAP_SYS_RESOURCE))
        return Errno::EPERM;
    if (resource == RLIMIT_NOFILE && updated.rlim_max > READ_ONCE(sysctl_nr_open))
        return Errno::EPERM;
    cur = updated;
    return 0;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, user_in_ptr<const rlimit64>, rlim)
{
    rlimit64 updated = TRY(get_user(rlim));
    return do_setrlimit(resource, updated);
}

/* i386: compat_rlimit, 32-bit values with 0xffffffff as infinity. */
static compat_rlimit to_compat_rlimit(const rlimit64& r, u32 infinity)
{
    return {r.rlim_cur > infinity ? infinity : static_cast<u32>(r.rlim_cur),
            r.rlim_max > infinity ? infinity : static_cast<u32>(r.rlim_max)};
}

COMPAT_SYSCALL_DEFINE2(getrlimit, unsigned int, resource, user_out_ptr<compat_rlimit>, rlim)
{
    if (resource >= RLIM_NLIMITS)
        return Errno::EINVAL;
    return put_user(to_compat_rlimit(current->signal->rlim[resource], COMPAT_RLIM_INFINITY), rlim);
}

/* old_getrlimit (i386's getrlimit, 76): infinity as 0x7fffffff, the value
 * of the days before ugetrlimit. */
COMPAT_SYSCALL_DEFINE2(old_getrlimit, unsigned int, resource, user_out_ptr<compat_rlimit>, rlim)
{
    if (resource >= RLIM_NLIMITS)
        return Errno::EINVAL;
    return put_user(to_compat_rlimit(current->signal->rlim[resource], COMPAT_RLIM_OLD_INFINITY), rlim);
}

COMPAT_SYSCALL_DEFINE2(setrlimit, unsigned int, resource, user_in_ptr<const compat_rlimit>, rlim)
{
    compat_rlimit r32 = TRY(get_user(rlim));
    rlimit64 r{r32.rlim_cur == COMPAT_RLIM_INFINITY ? RLIM_INFINITY : r32.rlim_cur,
               r32.rlim_max == COMPAT_RLIM_INFINITY ? RLIM_INFINITY : r32.rlim_max};
    return do_setrlimit(resource, r);
}

/* ---- times, getrusage, sysinfo ---- */

namespace {

/* clock_t is in USER_HZ = 100 ticks per second, whatever the kernel's HZ. */
long to_clock_t(u64 ns) { return static_cast<long>(ns / 10000000); }

struct tms_user {
    long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

struct rusage_out {
    long utime_sec, utime_usec, stime_sec, stime_usec;
    long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw,
        nivcsw;
};
static_assert(sizeof(rusage_out) == 144);

struct sysinfo_user {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit;
    char _f[20 - 2 * sizeof(long) - sizeof(int)];
};
static_assert(sizeof(sysinfo_user) == 112);

} // namespace
ABI_LAYOUT_DIFFERS(tms_user);
ABI_LAYOUT_DIFFERS(rusage_out);
ABI_LAYOUT_DIFFERS(sysinfo_user);

SYSCALL_DEFINE1(times, user_out_ptr<tms_user>, tbuf)
{
    task_struct* t = current;
    signal_struct* s = t->signal;
    if (tbuf) {
        u64 ut, st;
        thread_group_cputime(t, ut, st);
        tms_user v{to_clock_t(ut), to_clock_t(st), to_clock_t(s->cutime_ns), to_clock_t(s->cstime_ns)};
        TRY(put_user(v, tbuf));
    }
    return to_clock_t(ktime_get_ns()) + 0; /* ticks since boot */
}

/* i386: compat_tms, and the return value as a 32-bit clock_t. */
COMPAT_SYSCALL_DEFINE1(times, user_out_ptr<compat_tms>, tbuf)
{
    task_struct* t = current;
    signal_struct* s = t->signal;
    if (tbuf) {
        u64 ut, st;
        thread_group_cputime(t, ut, st);
        compat_tms v{static_cast<s32>(to_clock_t(ut)), static_cast<s32>(to_clock_t(st)),
                     static_cast<s32>(to_clock_t(s->cutime_ns)), static_cast<s32>(to_clock_t(s->cstime_ns))};
        TRY(put_user(v, tbuf));
    }
    return static_cast<s32>(to_clock_t(ktime_get_ns()));
}

/* getrusage's figures, for either layout. */
static Result<rusage_out> do_getrusage(int who)
{
    task_struct* t = current;
    u64 user, sys;
    switch (who) {
    case RUSAGE_SELF:
    case RUSAGE_THREAD:
        thread_group_cputime(t, user, sys);
        break;
    case RUSAGE_CHILDREN:
        user = t->signal->cutime_ns, sys = t->signal->cstime_ns;
        break;
    default:
        return Errno::EINVAL;
    }
    rusage_out r{};
    if (who == RUSAGE_CHILDREN)
        r.maxrss = static_cast<long>(t->signal->cmaxrss_kib);
    else
        r.maxrss = static_cast<long>(max(t->signal->maxrss_kib, t->mm ? t->mm->hiwater_rss * (PAGE_SIZE / 1024) : 0UL));
    r.utime_sec = static_cast<long>(user / 1000000000), r.utime_usec = static_cast<long>(user / 1000 % 1000000);
    r.stime_sec = static_cast<long>(sys / 1000000000), r.stime_usec = static_cast<long>(sys / 1000 % 1000000);
    signal_struct* sig = t->signal;
    if (who == RUSAGE_CHILDREN) {
        r.nvcsw = static_cast<long>(sig->cnvcsw), r.nivcsw = static_cast<long>(sig->cnivcsw);
    } else if (who == RUSAGE_THREAD) {
        r.nvcsw = static_cast<long>(t->nvcsw), r.nivcsw = static_cast<long>(t->nivcsw);
    } else {
        unsigned long v = sig->nvcsw, iv = sig->nivcsw;
        list_for_each(pos, &sig->thread_head) {
            task_struct* th = list_entry(pos, task_struct, thread_node);
            v += th->nvcsw, iv += th->nivcsw;
        }
        r.nvcsw = static_cast<long>(v), r.nivcsw = static_cast<long>(iv);
    }
    return r;
}

SYSCALL_DEFINE2(getrusage, int, who, user_out_ptr<rusage_out>, ru)
{
    rusage_out r = TRY(do_getrusage(who));
    return copy_to_user(ru, &r);
}

/* i386: compat_rusage, every field truncated to 32 bits (Linux's put_compat_rusage). */
compat_rusage to_compat_rusage(long utime_sec, long utime_usec, long stime_sec, long stime_usec, const long* rest)
{
    compat_rusage c{};
    c.ru_utime = {static_cast<s32>(utime_sec), static_cast<s32>(utime_usec)};
    c.ru_stime = {static_cast<s32>(stime_sec), static_cast<s32>(stime_usec)};
    s32* out = &c.ru_maxrss;
    for (int n = 0; n < 14; n++)
        out[n] = static_cast<s32>(rest[n]);
    return c;
}

COMPAT_SYSCALL_DEFINE2(getrusage, int, who, user_out_ptr<compat_rusage>, ru)
{
    rusage_out r = TRY(do_getrusage(who));
    return put_user(to_compat_rusage(r.utime_sec, r.utime_usec, r.stime_sec, r.stime_usec, &r.maxrss), ru);
}

static sysinfo_user do_sysinfo()
{
    sysinfo_user v{};
    v.uptime = static_cast<long>(ktime_get_ns() / 1000000000);
    v.totalram = totalram_pages() * PAGE_SIZE;
    v.freeram = nr_free_pages() * PAGE_SIZE;
    list_for_each(pos, &task_list)
        if (!list_entry(pos, task_struct, tasks)->exit_state)
            v.procs++;
    v.mem_unit = 1;
    return v;
}

SYSCALL_DEFINE1(sysinfo, user_out_ptr<sysinfo_user>, info)
{
    sysinfo_user v = do_sysinfo();
    return copy_to_user(info, &v);
}

/* i386: compat_sysinfo. Memory figures that do not fit 32 bits are given in
 * larger units (mem_unit), as Linux's compat_sys_sysinfo scales them. */
COMPAT_SYSCALL_DEFINE1(sysinfo, user_out_ptr<compat_sysinfo>, info)
{
    sysinfo_user v = do_sysinfo();
    if ((v.totalram >> 32) || (v.totalswap >> 32)) {
        int shift = 0;
        while (v.mem_unit < PAGE_SIZE) {
            v.mem_unit <<= 1;
            shift++;
        }
        v.totalram >>= shift, v.freeram >>= shift, v.sharedram >>= shift, v.bufferram >>= shift;
        v.totalswap >>= shift, v.freeswap >>= shift, v.totalhigh >>= shift, v.freehigh >>= shift;
    }
    compat_sysinfo c{};
    c.uptime = static_cast<s32>(v.uptime);
    for (int n = 0; n < 3; n++)
        c.loads[n] = static_cast<u32>(v.loads[n]);
    c.totalram = static_cast<u32>(v.totalram), c.freeram = static_cast<u32>(v.freeram);
    c.sharedram = static_cast<u32>(v.sharedram), c.bufferram = static_cast<u32>(v.bufferram);
    c.totalswap = static_cast<u32>(v.totalswap), c.freeswap = static_cast<u32>(v.freeswap);
    c.procs = v.procs;
    c.totalhigh = static_cast<u32>(v.totalhigh), c.freehigh = static_cast<u32>(v.freehigh);
    c.mem_unit = v.mem_unit;
    return put_user(c, info);
}
