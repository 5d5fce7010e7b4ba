/*
 * The i386 entry points of the signal calls whose structures differ from
 * x86-64's (Linux's kernel/signal.c COMPAT_SYSCALL_DEFINEs and
 * compat_sys_sigprocmask & co.): sigaction with 4-byte handler, flags and
 * restorer; sigset_t as two 4-byte words (the same bytes); the old calls'
 * one-word masks; a 12-byte stack_t; the compat siginfo (its union at
 * offset 12, 4-byte longs and pointers); timespec32. Each converts and calls
 * the native body (kernel/signal.cpp, signal_wait.cpp).
 */
#include <asm/ia32.h>
#include <linux/compat.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/time64.h>
#include <uapi/asm/sigcontext.h>
#include <uapi/asm/sigcontext32.h>

namespace {

constexpr u64 UNBLOCKABLE = sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP);

/* Which union member a siginfo uses (Linux's siginfo_layout). */
enum class SiLayout { Kill, Timer, Poll, Fault, Chld, Rt, Sys };

SiLayout siginfo_layout(int sig, int code)
{
    constexpr int SI_SIGIO = -5, NSIGPOLL = 6;
    if (code > SI_USER && code < SI_KERNEL) {
        struct { int sig, limit; SiLayout layout; } const codes[] = {
            {SIGILL, 11, SiLayout::Fault}, {SIGFPE, 15, SiLayout::Fault}, {SIGSEGV, 9, SiLayout::Fault},
            {SIGBUS, 5, SiLayout::Fault},  {SIGTRAP, 6, SiLayout::Fault}, {SIGCHLD, 6, SiLayout::Chld},
            {SIGIO, 6, SiLayout::Poll},    {SIGSYS, 2, SiLayout::Sys},
        };
        for (const auto& c : codes)
            if (c.sig == sig && code <= c.limit)
                return c.layout;
        return code <= NSIGPOLL ? SiLayout::Poll : SiLayout::Kill;
    }
    if (code == SI_TIMER)
        return SiLayout::Timer;
    if (code == SI_SIGIO)
        return SiLayout::Poll;
    return code < 0 ? SiLayout::Rt : SiLayout::Kill;
}

/* The native union's words the compat one has no named view for. */
template <typename T>
T native_at(const siginfo_t& i, size_t off)
{
    T v;
    memcpy(&v, reinterpret_cast<const u8*>(&i) + off, sizeof(v));
    return v;
}
template <typename T>
void native_set(siginfo_t& i, size_t off, T v)
{
    memcpy(reinterpret_cast<u8*>(&i) + off, &v, sizeof(v));
}

Result<void> put_compat_sigset(u64 set, user_out_ptr<u32> u)
{
    const u32 w[2] = {static_cast<u32>(set), static_cast<u32>(set >> 32)};
    return copy_to_user(u, w, 2);
}

bool in_sigset_size(size_t n) { return n == sizeof(sigset_t); }

} // namespace

Result<u64> get_compat_sigset(user_in_ptr<const u32> u)
{
    u32 w[2];
    TRY(copy_from_user(w, u, 2));
    return w[0] | (static_cast<u64>(w[1]) << 32);
}

compat_siginfo_t to_compat_siginfo(const siginfo_t& info)
{
    compat_siginfo_t c;
    memset(&c, 0, sizeof(c));
    c.si_signo = info.si_signo;
    c.si_errno = info.si_errno;
    c.si_code = info.si_code;
    switch (siginfo_layout(info.si_signo, info.si_code)) {
    case SiLayout::Kill:
        c.kill.pid = info.kill.pid;
        c.kill.uid = info.kill.uid;
        break;
    case SiLayout::Rt:
        c.kill.pid = info.kill.pid;
        c.kill.uid = info.kill.uid;
        c.kill.value = static_cast<int>(native_at<long>(info, 24));
        break;
    case SiLayout::Timer:
        c.timer.tid = info.timer.tid;
        c.timer.overrun = info.timer.overrun;
        c.timer.value = static_cast<int>(info.timer.value);
        break;
    case SiLayout::Chld:
        c.sigchld.pid = info.sigchld.pid;
        c.sigchld.uid = info.sigchld.uid;
        c.sigchld.status = info.sigchld.status;
        c.sigchld.utime = static_cast<int>(info.sigchld.utime);
        c.sigchld.stime = static_cast<int>(info.sigchld.stime);
        break;
    case SiLayout::Fault:
        c.sigfault.addr = static_cast<u32>(info.sigfault.addr);
        c.sigfault.addr_lsb = info.sigfault.addr_lsb;
        break;
    case SiLayout::Poll:
        c.sigpoll.band = static_cast<int>(native_at<long>(info, 16));
        c.sigpoll.fd = native_at<int>(info, 24);
        break;
    case SiLayout::Sys:
        c.sigsys.call_addr = static_cast<u32>(native_at<unsigned long>(info, 16));
        c.sigsys.syscall = native_at<int>(info, 24);
        c.sigsys.arch = native_at<u32>(info, 28);
        break;
    }
    return c;
}

siginfo_t from_compat_siginfo(const compat_siginfo_t& c)
{
    siginfo_t info{};
    info.si_signo = c.si_signo;
    info.si_errno = c.si_errno;
    info.si_code = c.si_code;
    switch (siginfo_layout(c.si_signo, c.si_code)) {
    case SiLayout::Kill:
        info.kill.pid = c.kill.pid;
        info.kill.uid = c.kill.uid;
        break;
    case SiLayout::Rt:
        info.kill.pid = c.kill.pid;
        info.kill.uid = c.kill.uid;
        native_set<long>(info, 24, static_cast<long>(static_cast<u32>(c.kill.value)));
        break;
    case SiLayout::Timer:
        info.timer.tid = c.timer.tid;
        info.timer.overrun = c.timer.overrun;
        info.timer.value = static_cast<long>(static_cast<u32>(c.timer.value));
        break;
    case SiLayout::Chld:
        info.sigchld.pid = c.sigchld.pid;
        info.sigchld.uid = c.sigchld.uid;
        info.sigchld.status = c.sigchld.status;
        info.sigchld.utime = c.sigchld.utime;
        info.sigchld.stime = c.sigchld.stime;
        break;
    case SiLayout::Fault:
        info.sigfault.addr = c.sigfault.addr;
        info.sigfault.addr_lsb = c.sigfault.addr_lsb;
        break;
    case SiLayout::Poll:
        native_set<long>(info, 16, c.sigpoll.band);
        native_set<int>(info, 24, c.sigpoll.fd);
        break;
    case SiLayout::Sys:
        native_set<unsigned long>(info, 16, c.sigsys.call_addr);
        native_set<int>(info, 24, c.sigsys.syscall);
        native_set<u32>(info, 28, c.sigsys.arch);
        break;
    }
    return info;
}

/* ---- handlers ---- */

COMPAT_SYSCALL_DEFINE4(rt_sigaction, int, sig, user_in_ptr<const compat_sigaction>, act,
                       user_out_ptr<compat_sigaction>, oact, size_t, sigsetsize)
{
    if (!in_sigset_size(sigsetsize))
        return Errno::EINVAL;
    k_sigaction n{}, old{};
    if (act) {
        compat_sigaction u = TRY(get_user(act));
        n = k_sigaction{u.handler, u.flags, u.restorer, sigset_t{u.mask[0] | (static_cast<u64>(u.mask[1]) << 32)}};
    }
    TRY(do_sigaction(sig, act ? &n : nullptr, &old, true));
    if (oact) {
        compat_sigaction u{static_cast<u32>(old.handler), static_cast<u32>(old.flags), static_cast<u32>(old.restorer),
                           {static_cast<u32>(old.mask.sig), static_cast<u32>(old.mask.sig >> 32)}};
        TRY(put_user(u, oact));
    }
    return 0;
}

/* The old sigaction: a one-word mask, and the fields in another order. */
COMPAT_SYSCALL_DEFINE3(sigaction, int, sig, user_in_ptr<const compat_old_sigaction>, act,
                       user_out_ptr<compat_old_sigaction>, oact)
{
    k_sigaction n{}, old{};
    if (act) {
        compat_old_sigaction u = TRY(get_user(act));
        n = k_sigaction{u.handler, u.flags, u.restorer, sigset_t{u.mask}};
    }
    TRY(do_sigaction(sig, act ? &n : nullptr, &old, true));
    if (oact)
        TRY(put_user(compat_old_sigaction{static_cast<u32>(old.handler), static_cast<u32>(old.mask.sig),
                                          static_cast<u32>(old.flags), static_cast<u32>(old.restorer)},
                     oact));
    return 0;
}

/* signal(2): a handler that resets and does not block itself; the old one back. */
SYSCALL_DEFINE2(signal, int, sig, UserAddr, handler)
{
    k_sigaction n{handler, SA_RESETHAND | SA_NODEFER, 0, sigset_t{}}, old{};
    TRY(do_sigaction(sig, &n, &old, in_compat_syscall()));
    return old.handler;
}

/* ---- masks ---- */

COMPAT_SYSCALL_DEFINE3(sigprocmask, int, how, user_in_ptr<const u32>, nset, user_out_ptr<u32>, oset)
{
    task_struct* t = current;
    u32 old = static_cast<u32>(t->blocked.sig);
    if (nset) {
        u64 n = TRY(get_user(nset)) & ~UNBLOCKABLE;
        u64 blocked = t->blocked.sig;
        switch (how) {
        case SIG_BLOCK: blocked |= n; break;
        case SIG_UNBLOCK: blocked &= ~n; break;
        case SIG_SETMASK: blocked = (blocked & ~0xffffffffULL) | n; break; /* the first word only */
        default: return Errno::EINVAL;
        }
        set_current_blocked(blocked);
    }
    if (oset)
        TRY(put_user(old, oset));
    return 0;
}

COMPAT_SYSCALL_DEFINE4(rt_sigprocmask, int, how, user_in_ptr<const u32>, nset, user_out_ptr<u32>, oset,
                       size_t, sigsetsize)
{
    if (!in_sigset_size(sigsetsize))
        return Errno::EINVAL;
    task_struct* t = current;
    u64 old = t->blocked.sig;
    if (nset) {
        u64 n = TRY(get_compat_sigset(nset));
        switch (how) {
        case SIG_BLOCK: set_current_blocked(old | n); break;
        case SIG_UNBLOCK: set_current_blocked(old & ~n); break;
        case SIG_SETMASK: set_current_blocked(n); break;
        default: return Errno::EINVAL;
        }
    }
    if (oset)
        TRY(put_compat_sigset(old, oset));
    return 0;
}

namespace {
u64 pending_blocked()
{
    task_struct* t = current;
    return (t->pending.signal.sig | t->signal->shared_pending.signal.sig) & t->blocked.sig;
}
} // namespace

COMPAT_SYSCALL_DEFINE2(rt_sigpending, user_out_ptr<u32>, uset, size_t, sigsetsize)
{
    if (sigsetsize > sizeof(sigset_t))
        return Errno::EINVAL;
    u64 pending = pending_blocked();
    return copy_to_user(uset.cast<u8>(), reinterpret_cast<const u8*>(&pending), sigsetsize);
}

COMPAT_SYSCALL_DEFINE1(sigpending, user_out_ptr<u32>, uset)
{
    return put_user(static_cast<u32>(pending_blocked()), uset);
}

namespace {
SyscallResult suspend_with(u64 mask)
{
    task_struct* t = current;
    t->saved_sigmask = t->blocked;
    t->restore_sigmask = true;
    set_current_blocked(mask);
    while (!signal_pending(t)) {
        set_current_state(TASK_INTERRUPTIBLE);
        schedule();
    }
    set_current_state(TASK_RUNNING);
    return Errno::ERESTARTNOHAND;
}
} // namespace

COMPAT_SYSCALL_DEFINE2(rt_sigsuspend, user_in_ptr<const u32>, unewset, size_t, sigsetsize)
{
    if (!in_sigset_size(sigsetsize))
        return Errno::EINVAL;
    return suspend_with(TRY(get_compat_sigset(unewset)));
}

/* i386's sigsuspend(mask): the old one-word mask in a register (Linux's
 * sys_sigsuspend; its first two arguments are history). */
/* The oldest mask calls (CONFIG_SGETMASK_SYSCALL): the first word of the
 * mask; ssetmask's int widens as Linux's siginitset widens it, so a
 * negative one blocks the real-time signals too. */
SYSCALL_DEFINE0(sgetmask) { return static_cast<int>(current->blocked.sig); }
SYSCALL_DEFINE1(ssetmask, int, newmask)
{
    int old = static_cast<int>(current->blocked.sig);
    set_current_blocked(static_cast<u64>(static_cast<s64>(newmask)));
    return old;
}

SYSCALL_DEFINE3(sigsuspend, int, unused1, int, unused2, unsigned int, mask)
{
    (void)unused1;
    (void)unused2;
    return suspend_with(mask);
}

/* ---- the alternate stack ---- */

COMPAT_SYSCALL_DEFINE2(sigaltstack, user_in_ptr<const compat_stack_t>, uss, user_out_ptr<compat_stack_t>, uoss)
{
    stack_t_user ss{}, old{};
    if (uss) {
        compat_stack_t u = TRY(get_user(uss));
        ss = stack_t_user{u.ss_sp, u.ss_flags, 0, u.ss_size};
    }
    TRY(do_sigaltstack(uss ? &ss : nullptr, &old));
    if (uoss)
        TRY(put_user(compat_stack_t{static_cast<u32>(old.ss_sp), old.ss_flags, static_cast<u32>(old.ss_size)}, uoss));
    return 0;
}

/* ---- queueing and waiting with a siginfo ---- */

COMPAT_SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, user_in_ptr<const compat_siginfo_t>, uinfo)
{
    return do_rt_sigqueueinfo(pid, sig, from_compat_siginfo(TRY(get_user(uinfo))));
}

COMPAT_SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, pid, int, sig, user_in_ptr<const compat_siginfo_t>, uinfo)
{
    if (pid <= 0 || tgid <= 0)
        return Errno::EINVAL;
    return do_rt_tgsigqueueinfo(tgid, pid, sig, from_compat_siginfo(TRY(get_user(uinfo))));
}

namespace {
template <typename TS>
SyscallResult compat_sigtimedwait(user_in_ptr<const u32> uthese, user_out_ptr<compat_siginfo_t> uinfo,
                                  user_in_ptr<const TS> uts, size_t sigsetsize)
{
    if (!in_sigset_size(sigsetsize))
        return Errno::EINVAL;
    u64 these = TRY(get_compat_sigset(uthese));
    timespec64 ts{};
    if (uts) {
        TS u = TRY(get_user(uts));
        ts = timespec64{u.tv_sec, u.tv_nsec};
    }
    siginfo_t info;
    int sig = TRY(do_sigtimedwait(these, uts ? &ts : nullptr, info));
    if (uinfo)
        TRY(put_user(to_compat_siginfo(info), uinfo));
    return sig;
}

/* rt_sigtimedwait_time64's timespec: 64-bit seconds, and nanoseconds in the
 * low half of a 64-bit field (the high half ignored, as Linux's get_timespec64
 * does for a compat caller). */
struct timespec64_compat_user {
    s64 tv_sec;
    s32 tv_nsec;
    s32 pad;
};
} // namespace

COMPAT_SYSCALL_DEFINE4(rt_sigtimedwait_time32, user_in_ptr<const u32>, uthese, user_out_ptr<compat_siginfo_t>, uinfo,
                       user_in_ptr<const timespec32_user>, uts, size_t, sigsetsize)
{
    return compat_sigtimedwait(uthese, uinfo, uts, sigsetsize);
}

COMPAT_SYSCALL_DEFINE4(rt_sigtimedwait_time64, user_in_ptr<const u32>, uthese, user_out_ptr<compat_siginfo_t>, uinfo,
                       user_in_ptr<const timespec64_compat_user>, uts, size_t, sigsetsize)
{
    return compat_sigtimedwait(uthese, uinfo, uts, sigsetsize);
}
