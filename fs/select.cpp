/*
 * Waiting for file readiness: poll, ppoll, select, pselect6. Each file's poll()
 * reports its state and, on the first pass, puts the caller on the wait queues
 * that announce changes (poll_wait); the caller then sleeps until one of them
 * wakes it, a signal arrives, or the timeout passes.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/personality.h>
#include <linux/poll.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <uapi/linux/time32.h>

namespace {
list_head active_poll_tables; /* tables of waiters in poll_loop, under the kernel lock */
}

poll_table* poll_table_alloc()
{
    auto* pt = static_cast<poll_table*>(kmalloc(sizeof(poll_table)));
    if (!pt)
        return nullptr;
    pt->count = 0;
    pt->active.init();
    active_poll_tables.add_tail(&pt->active);
    return pt;
}

void poll_table_free(poll_table* pt)
{
    for (int i = 0; i < pt->count; i++)
        if (pt->entries[i].head)
            remove_wait_queue(pt->entries[i].head, &pt->entries[i].wait);
    list_head::del(&pt->active);
    kfree(pt);
}

void poll_release_file(file* f)
{
    for (list_head* l = active_poll_tables.next; l != &active_poll_tables; l = l->next) {
        auto* pt = reinterpret_cast<poll_table*>(reinterpret_cast<char*>(l) - offsetof(poll_table, active));
        for (int i = 0; i < pt->count; i++) {
            poll_table::entry& e = pt->entries[i];
            if (e.f == f && e.head) {
                remove_wait_queue(e.head, &e.wait);
                e.head = nullptr;
                wake_up_process(e.wait.task); /* it looks again: the descriptor is gone */
            }
        }
    }
}

Result<void> set_temporary_sigmask(unsigned long umask, size_t size)
{
    if (!umask)
        return {};
    if (size != sizeof(sigset_t))
        return Errno::EINVAL;
    u64 mask = TRY(get_user(user_in_ptr<const u64>(umask)));
    task_struct* t = current;
    t->saved_sigmask = t->blocked;
    t->restore_sigmask = true;
    t->blocked.sig = mask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    recalc_sigpending();
    return {};
}

void end_temporary_sigmask(const SyscallResult& r)
{
    /* Without a pending signal to deliver there is no frame to carry the old mask. */
    task_struct* t = current;
    if (t->restore_sigmask && r.value != errno_return(Errno::ERESTARTNOHAND) && !signal_pending(t)) {
        t->blocked = t->saved_sigmask;
        t->restore_sigmask = false;
        recalc_sigpending();
    }
}

void poll_wait(file* f, wait_queue_head* wq, poll_table* pt)
{
    if (!pt || pt->count == poll_table::MAX_ENTRIES)
        return;
    auto& e = pt->entries[pt->count++];
    e.wait.task = current;
    e.wait.entry.init();
    e.head = wq;
    e.f = f;
    add_wait_queue(wq, &e.wait);
}

namespace {

constexpr unsigned DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
constexpr u64 NO_DEADLINE = POLL_NO_DEADLINE;

} // namespace

/* Outside the anonymous namespace: the tracer decodes it (linux/trace_decoders.h). */
struct pollfd_user {
    int fd;
    short events;
    short revents;
};

namespace {

unsigned poll_file(int fd, poll_table* pt, bool& bad)
{
    FdRef f(fd);
    bad = !f;
    if (!f)
        return POLLNVAL;
    return f->f_op && f->f_op->poll ? f->f_op->poll(f.get(), pt) : DEFAULT_POLLMASK;
}

SyscallResult do_sys_poll(user_inout_ptr<pollfd_user> ufds, unsigned int nfds, u64 deadline)
{
    if (nfds > rlimit(RLIMIT_NOFILE))
        return Errno::EINVAL;
    auto* fds = static_cast<pollfd_user*>(kmalloc(sizeof(pollfd_user) * (nfds ? nfds : 1)));
    if (!fds)
        return Errno::ENOMEM;
    auto in = copy_from_user(fds, ufds, nfds);
    if (!in.ok()) {
        kfree(fds);
        return in.error();
    }
    auto ready = poll_loop(deadline, [&](poll_table* pt) -> Result<int> {
        int count = 0;
        for (unsigned i = 0; i < nfds; i++) {
            fds[i].revents = 0;
            if (fds[i].fd < 0)
                continue;
            bool bad;
            unsigned mask = poll_file(fds[i].fd, pt, bad);
            mask &= static_cast<unsigned short>(fds[i].events) | POLLERR | POLLHUP | POLLNVAL;
            fds[i].revents = static_cast<short>(mask);
            if (mask)
                count++;
        }
        return count;
    });
    if (ready.ok()) {
        auto out = copy_to_user(ufds, fds, nfds);
        if (!out.ok())
            ready = out.error();
    }
    kfree(fds);
    return ready;
}

Result<u64> deadline_from_timespec(user_in_ptr<const timespec_user> uts)
{
    if (!uts)
        return NO_DEADLINE;
    timespec_user ts = TRY(get_user(uts));
    if (in_compat_syscall()) /* the i386 *_time64 calls: tv_nsec's low half (get_timespec64) */
        ts.tv_nsec = static_cast<long>(static_cast<u32>(ts.tv_nsec));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return Errno::EINVAL;
    return ktime_get_ns() + static_cast<u64>(ts.tv_sec) * NSEC_PER_SEC + ts.tv_nsec;
}

/* select's sets: nfds bits in arrays of longs (64-bit words, or an i386
 * caller's 32-bit ones: on a little-endian machine the same bits, rounded
 * to fewer bytes). */
Result<u64> deadline_from_timespec(user_in_ptr<const old_timespec32> uts)
{
    if (!uts)
        return NO_DEADLINE;
    old_timespec32 ts = TRY(get_user(uts));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return Errno::EINVAL;
    return ktime_get_ns() + static_cast<u64>(ts.tv_sec) * NSEC_PER_SEC + ts.tv_nsec;
}

/* select's timeout, as Linux's: whole seconds in tv_usec carry into tv_sec
 * (1000000 microseconds is a second), and what is left must be a valid time. */
Result<u64> deadline_from_timeval(s64 sec, s64 usec)
{
    sec += usec / 1000000;
    s64 nsec = (usec % 1000000) * 1000;
    if (sec < 0 || nsec < 0)
        return Errno::EINVAL;
    return ktime_get_ns() + static_cast<u64>(timespec64_to_ns(timespec64{sec, static_cast<long>(nsec)}));
}

/* The sets as bytes: 64-bit words from x86-64, 32-bit ones from i386. */
SyscallResult do_select(int n, user_inout_ptr<u8> inp, user_inout_ptr<u8> outp, user_inout_ptr<u8> exp, u64 deadline,
                        unsigned word_bits = 64)
{
    if (n < 0)
        return Errno::EINVAL;
    /* Linux looks no further than the table's size; the sets live on the
     * stack here, so at most SELECT_MAX descriptors (glibc's FD_SETSIZE is 1024). */
    constexpr int SELECT_MAX = 4096;
    n = min(n, min(current->files->max_fds, SELECT_MAX));
    constexpr int WORDS = SELECT_MAX / 64;
    size_t bytes = ((n + word_bits - 1) / word_bits) * (word_bits / 8);
    u64 in[WORDS] = {}, out[WORDS] = {}, ex[WORDS] = {};
    auto read_set = [bytes](u64* set, user_inout_ptr<u8> u) -> Result<void> {
        return u ? copy_from_user(reinterpret_cast<u8*>(set), u, bytes) : Result<void>{};
    };
    TRY(read_set(in, inp));
    TRY(read_set(out, outp));
    TRY(read_set(ex, exp));
    u64 rin[WORDS], rout[WORDS], rex[WORDS];
    auto ready = poll_loop(deadline, [&](poll_table* pt) -> Result<int> {
        int count = 0;
        for (int w = 0; w < WORDS; w++)
            rin[w] = rout[w] = rex[w] = 0;
        for (int fd = 0; fd < n; fd++) {
            u64 b = 1ULL << (fd % 64);
            int w = fd / 64;
            if (!((in[w] | out[w] | ex[w]) & b))
                continue;
            bool bad;
            unsigned mask = poll_file(fd, pt, bad);
            if (bad)
                return Errno::EBADF;
            if ((in[w] & b) && (mask & (POLLIN | POLLRDNORM | POLLHUP | POLLERR)))
                rin[w] |= b, count++;
            if ((out[w] & b) && (mask & (POLLOUT | POLLWRNORM | POLLERR)))
                rout[w] |= b, count++;
            if ((ex[w] & b) && (mask & POLLPRI))
                rex[w] |= b, count++;
        }
        return count;
    });
    if (!ready.ok())
        return ready.error();
    auto write_set = [bytes](user_inout_ptr<u8> u, const u64* set) -> Result<void> {
        return u ? copy_to_user(u, reinterpret_cast<const u8*>(set), bytes) : Result<void>{};
    };
    TRY(write_set(inp, rin));
    TRY(write_set(outp, rout));
    TRY(write_set(exp, rex));
    return ready.value();
}

} // namespace

SYSCALL_DEFINE3(poll, user_inout_ptr<pollfd_user>, ufds, unsigned int, nfds, int, timeout_msecs)
{
    u64 deadline = timeout_msecs < 0 ? NO_DEADLINE : ktime_get_ns() + timeout_msecs * static_cast<u64>(NSEC_PER_MSEC);
    return do_sys_poll(ufds, nfds, deadline);
}

SYSCALL_DEFINE5(ppoll, user_inout_ptr<pollfd_user>, ufds, unsigned int, nfds, user_in_ptr<const timespec_user>, tsp,
                unsigned long, sigmask, size_t, sigsetsize)
{
    u64 deadline = TRY(deadline_from_timespec(tsp));
    TRY(set_temporary_sigmask(sigmask, sigsetsize));
    SyscallResult r = do_sys_poll(ufds, nfds, deadline);
    end_temporary_sigmask(r);
    return r;
}

SYSCALL_DEFINE5(select, int, n, user_inout_ptr<u64>, inp, user_inout_ptr<u64>, outp, user_inout_ptr<u64>, exp,
                user_inout_ptr<timeval_user>, tvp)
{
    u64 deadline = NO_DEADLINE;
    if (tvp) {
        timeval_user tv = TRY(get_user(tvp));
        deadline = TRY(deadline_from_timeval(tv.tv_sec, tv.tv_usec));
    }
    SyscallResult r = do_select(n, inp.cast<u8>(), outp.cast<u8>(), exp.cast<u8>(), deadline);
    if (tvp && !(current->personality & STICKY_TIMEOUTS)) {
        /* Linux reports the time left, unless the personality asks it not to. */
        u64 now = ktime_get_ns();
        u64 left = now < deadline ? deadline - now : 0;
        timeval_user rem{static_cast<long>(left / NSEC_PER_SEC), static_cast<long>(left % NSEC_PER_SEC / 1000)};
        (void)put_user(rem, tvp);
    }
    return r;
}

SYSCALL_DEFINE6(pselect6, int, n, user_inout_ptr<u64>, inp, user_inout_ptr<u64>, outp, user_inout_ptr<u64>, exp,
                user_in_ptr<const timespec_user>, tsp, unsigned long, sig)
{
    u64 deadline = TRY(deadline_from_timespec(tsp));
    if (sig) {
        struct {
            unsigned long mask;
            size_t size;
        } data;
        TRY(copy_from_user(&data, user_in_ptr<const decltype(data)>(sig)));
        TRY(set_temporary_sigmask(data.mask, data.size));
    }
    SyscallResult r = do_select(n, inp.cast<u8>(), outp.cast<u8>(), exp.cast<u8>(), deadline);
    end_temporary_sigmask(r);
    return r;
}

/* ---- i386: 32-bit fd_set words, old_timeval32 / old_timespec32, and the
 * sigset argument of pselect6 as two 32-bit words ---- */

namespace {

/* pselect6's sixth argument from an i386 caller (Linux's compat_sigset_argpack). */
struct compat_sigset_argpack {
    compat_uptr_t p;
    compat_size_t size;
};

Result<void> compat_pselect_sigmask(unsigned long sig)
{
    if (!sig)
        return {};
    compat_sigset_argpack data = TRY(get_user(compat_ptr<const compat_sigset_argpack>(static_cast<compat_uptr_t>(sig))));
    return set_temporary_sigmask(data.p, data.size);
}

} // namespace

COMPAT_SYSCALL_DEFINE5(select, int, n, user_inout_ptr<u32>, inp, user_inout_ptr<u32>, outp, user_inout_ptr<u32>,
                       exp, user_inout_ptr<old_timeval32>, tvp)
{
    u64 deadline = NO_DEADLINE;
    if (tvp) {
        old_timeval32 tv = TRY(get_user(tvp));
        deadline = TRY(deadline_from_timeval(tv.tv_sec, tv.tv_usec));
    }
    SyscallResult r = do_select(n, inp.cast<u8>(), outp.cast<u8>(), exp.cast<u8>(), deadline, 32);
    if (tvp && !(current->personality & STICKY_TIMEOUTS)) {
        u64 now = ktime_get_ns();
        u64 left = now < deadline ? deadline - now : 0;
        old_timeval32 rem{static_cast<s32>(left / NSEC_PER_SEC), static_cast<s32>(left % NSEC_PER_SEC / 1000)};
        (void)put_user(rem, tvp);
    }
    return r;
}

/* i386's select (82): the five arguments in memory (Linux's compat_sel_arg_struct). */
struct compat_sel_arg_struct {
    compat_ulong_t n;
    compat_uptr_t inp, outp, exp, tvp;
};
static_assert(sizeof(compat_sel_arg_struct) == 20);

COMPAT_SYSCALL_DEFINE1(old_select, user_in_ptr<const compat_sel_arg_struct>, arg)
{
    compat_sel_arg_struct a = TRY(get_user(arg));
    return __do_compat_sys_select(static_cast<int>(a.n), user_inout_ptr<u32>(a.inp), user_inout_ptr<u32>(a.outp),
                                  user_inout_ptr<u32>(a.exp), user_inout_ptr<old_timeval32>(a.tvp));
}

template <typename TS>
static SyscallResult compat_pselect6(int n, user_inout_ptr<u32> inp, user_inout_ptr<u32> outp,
                                     user_inout_ptr<u32> exp, user_in_ptr<const TS> tsp, unsigned long sig)
{
    u64 deadline = TRY(deadline_from_timespec(tsp));
    TRY(compat_pselect_sigmask(sig));
    SyscallResult r = do_select(n, inp.cast<u8>(), outp.cast<u8>(), exp.cast<u8>(), deadline, 32);
    end_temporary_sigmask(r);
    return r;
}

COMPAT_SYSCALL_DEFINE6(pselect6_time32, int, n, user_inout_ptr<u32>, inp, user_inout_ptr<u32>, outp,
                       user_inout_ptr<u32>, exp, user_in_ptr<const old_timespec32>, tsp, compat_ulong_t, sig)
{
    return compat_pselect6(n, inp, outp, exp, tsp, sig);
}

COMPAT_SYSCALL_DEFINE6(pselect6_time64, int, n, user_inout_ptr<u32>, inp, user_inout_ptr<u32>, outp,
                       user_inout_ptr<u32>, exp, user_in_ptr<const timespec_user>, tsp, compat_ulong_t, sig)
{
    return compat_pselect6(n, inp, outp, exp, tsp, sig);
}

/* ppoll: pollfd is the same on both ABIs, the sigset two 32-bit words
 * (the same bytes as the kernel's 64-bit one). */
template <typename TS>
static SyscallResult compat_ppoll(user_inout_ptr<pollfd_user> ufds, unsigned int nfds, user_in_ptr<const TS> tsp,
                                  compat_uptr_t sigmask, compat_size_t sigsetsize)
{
    u64 deadline = TRY(deadline_from_timespec(tsp));
    TRY(set_temporary_sigmask(sigmask, sigsetsize));
    SyscallResult r = do_sys_poll(ufds, nfds, deadline);
    end_temporary_sigmask(r);
    return r;
}

COMPAT_SYSCALL_DEFINE5(ppoll_time32, user_inout_ptr<pollfd_user>, ufds, unsigned int, nfds,
                       user_in_ptr<const old_timespec32>, tsp, compat_uptr_t, sigmask, compat_size_t, sigsetsize)
{
    return compat_ppoll(ufds, nfds, tsp, sigmask, sigsetsize);
}

COMPAT_SYSCALL_DEFINE5(ppoll_time64, user_inout_ptr<pollfd_user>, ufds, unsigned int, nfds,
                       user_in_ptr<const timespec_user>, tsp, compat_uptr_t, sigmask, compat_size_t, sigsetsize)
{
    return compat_ppoll(ufds, nfds, tsp, sigmask, sigsetsize);
}
