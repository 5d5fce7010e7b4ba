/*
 * POSIX timers (Linux's kernel/time/posix-timers.c and posix-cpu-timers.c):
 * timer_create, timer_settime, timer_gettime, timer_getoverrun,
 * timer_delete. A process's timers are numbered from 0 in the order made;
 * each notifies by a signal to the process (SIGEV_SIGNAL, SIGEV_THREAD,
 * which the C library turns into a thread), to one of its threads
 * (SIGEV_THREAD_ID), or not at all (SIGEV_NONE).
 *
 * A timer owns its signal's queue entry: an expiry while that entry is still
 * pending is an overrun instead of a second signal, and the taking of the
 * signal (dequeue) moves the overruns into si_overrun and timer_getoverrun's
 * answer, capped at INT_MAX.
 *
 * Wall-clock timers run on the hrtimer core (realtime absolute ones move
 * with the clock); CPU-time timers (CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID) are looked at by the tick of a CPU running one
 * of the process's threads. Timers, their list and their state are under
 * tasklist_lock, which the signal code takes too; the hrtimer is cancelled
 * outside it (its function takes it).
 */
#include <linux/cred.h>
#include <linux/hrtimer.h>
#include <linux/itimerspec.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <new>
#include <uapi/linux/time.h>

namespace {

constexpr int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
constexpr int INT_MAX_ = 0x7fffffff;

struct sigevent_user {
    long sigev_value;
    int sigev_signo;
    int sigev_notify;
    int sigev_tid; /* _sigev_un._tid */
    int _pad[11];
};
static_assert(sizeof(sigevent_user) == 64);

/* i386's sigevent (Linux's compat_sigevent): a 4-byte sigval, the same 64 bytes. */
struct compat_sigevent {
    s32 sigev_value;
    int sigev_signo;
    int sigev_notify;
    int sigev_tid;
    int _pad[12];
};
static_assert(sizeof(compat_sigevent) == 64);
static_assert(__builtin_offsetof(compat_sigevent, sigev_tid) == 12);

} // namespace
ABI_LAYOUT_DIFFERS(sigevent_user);

struct k_itimer {
    hrtimer timer;       /* wall-clock timers */
    list_head list;      /* in signal->posix_timers */
    int id;
    int clockid;
    int notify;          /* SIGEV_* */
    signal_struct* sig;  /* the owning process */
    task_struct* target; /* who gets the signal: its leader, or the SIGEV_THREAD_ID thread */
    task_struct* clock_thread; /* CLOCK_THREAD_CPUTIME_ID: the thread whose time it counts */
    u64 interval;        /* ns; 0: one-shot */
    bool armed;
    u64 cpu_expires;     /* CPU-time timers: the clock's reading to fire at */
    u64 overrun;         /* expirations while the signal was pending */
    int overrun_last;    /* of the signal last taken (timer_getoverrun) */
    sigqueue* sigq;
};

namespace {

bool cpu_clock(int clockid) { return clockid == CLOCK_PROCESS_CPUTIME_ID || clockid == CLOCK_THREAD_CPUTIME_ID; }
bool realtime_clock(int clockid)
{
    return clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_TAI;
}

/* Linux's timer_create clocks; EOPNOTSUPP for the clocks it has no timers for. */
Result<void> check_clock(int clockid)
{
    switch (clockid) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        return {};
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        if (!capable(CAP_WAKE_ALARM))
            return Errno::EPERM;
        return {};
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        return Errno::EOPNOTSUPP;
    default:
        return Errno::EINVAL;
    }
}

/* The CPU time a CPU-time timer counts: the process's or its thread's. Under tasklist_lock. */
u64 cpu_clock_now(const k_itimer* t)
{
    u64 now = ktime_get_ns();
    auto running = [now](const task_struct* p) {
        bool running_now = p == current || p->on_cpu; /* its time since it last started */
        return p->sum_exec_runtime + (running_now && now > p->last_switch ? now - p->last_switch : 0);
    };
    if (t->clockid == CLOCK_THREAD_CPUTIME_ID)
        return t->clock_thread ? running(t->clock_thread) : 0;
    u64 total = 0;
    list_for_each(pos, &t->sig->thread_head)
        total += running(list_entry(pos, task_struct, thread_node));
    return total;
}

/* An expiry (`periods` of them at once): the signal, or an overrun if it is
 * still pending. Under tasklist_lock. */
void timer_expired(k_itimer* t, u64 periods)
{
    if (t->notify == SIGEV_NONE || t->sig->live == 0 || !t->target)
        return;
    if (send_sigqueue(t->sigq, t->target, t->notify != SIGEV_THREAD_ID))
        t->overrun += periods - 1;
    else if (t->sigq->queued)
        t->overrun += periods;
}

hrtimer_restart posix_timer_fn(hrtimer* h)
{
    auto* t = reinterpret_cast<k_itimer*>(reinterpret_cast<char*>(h) - offsetof(k_itimer, timer));
    rec_spin_guard g(&tasklist_lock);
    u64 periods = 1;
    hrtimer_restart r = HRTIMER_NORESTART;
    if (t->interval) {
        periods = hrtimer_forward(h, ktime_get_ns(), t->interval);
        r = HRTIMER_RESTART;
    } else {
        t->armed = false;
    }
    timer_expired(t, periods ? periods : 1);
    return r;
}

/* The caller's timer with this id; EINVAL if it has none (Linux's lock_timer). */
Result<k_itimer*> find_timer(int id)
{
    signal_struct* sig = current->signal;
    list_for_each(pos, &sig->posix_timers) {
        k_itimer* t = list_entry(pos, k_itimer, list);
        if (t->id == id)
            return t;
    }
    return Errno::EINVAL;
}

/* The time to the next expiry and the interval. Under tasklist_lock. */
itimer_ns timer_value(k_itimer* t)
{
    if (!t->armed)
        return {static_cast<s64>(t->interval), 0};
    u64 now, next;
    if (cpu_clock(t->clockid)) {
        now = cpu_clock_now(t);
        next = t->cpu_expires;
    } else {
        now = ktime_get_ns();
        next = t->timer.expires;
    }
    return {static_cast<s64>(t->interval), next > now ? static_cast<s64>(next - now) : 1};
}

/* Stops a timer; the caller holds no lock (the hrtimer's function takes tasklist_lock). */
void disarm(k_itimer* t)
{
    if (!cpu_clock(t->clockid))
        hrtimer_cancel(&t->timer);
    rec_spin_guard g(&tasklist_lock);
    t->armed = false;
}

void release_timer(k_itimer* t)
{
    disarm(t);
    {
        rec_spin_guard g(&tasklist_lock);
        list_del(&t->list);
        if (cpu_clock(t->clockid))
            t->sig->nr_cpu_timers--;
        /* A signal still pending outlives the timer, as an ordinary entry. */
        if (t->sigq->queued) {
            t->sigq->timer = nullptr;
            t->sigq = nullptr;
        }
    }
    kfree(t->sigq);
    t->~k_itimer();
    kfree(t);
}

} // namespace

void posix_timer_dequeued(sigqueue* q, siginfo_t& info)
{
    k_itimer* t = q->timer;
    int overrun = t->overrun > static_cast<u64>(INT_MAX_) ? INT_MAX_ : static_cast<int>(t->overrun);
    info.timer.overrun = overrun;
    t->overrun_last = overrun;
    t->overrun = 0;
}

void exit_itimers(signal_struct* sig)
{
    for (;;) {
        k_itimer* t = nullptr;
        {
            rec_spin_guard g(&tasklist_lock);
            if (!sig->posix_timers.empty())
                t = list_entry(sig->posix_timers.next, k_itimer, list);
        }
        if (!t)
            return;
        release_timer(t);
    }
}

/* A thread exits: the timers that signal it, or count its time, stop
 * (Linux's signal to a pid that is gone). Under tasklist_lock. */
void posix_timers_thread_exit(task_struct* task)
{
    signal_struct* sig = task->signal;
    list_for_each(pos, &sig->posix_timers) {
        k_itimer* t = list_entry(pos, k_itimer, list);
        if (t->target == task && task != task->group_leader)
            t->target = nullptr;
        if (t->clock_thread == task)
            t->clock_thread = nullptr;
    }
}

/* The tick of a CPU running t: its process's CPU-time timers. */
void posix_cpu_timers_tick(task_struct* task)
{
    signal_struct* sig = task->signal;
    if (!sig || !READ_ONCE(sig->nr_cpu_timers))
        return;
    rec_spin_guard g(&tasklist_lock);
    list_for_each(pos, &sig->posix_timers) {
        k_itimer* t = list_entry(pos, k_itimer, list);
        if (!t->armed || !cpu_clock(t->clockid) || (t->clockid == CLOCK_THREAD_CPUTIME_ID && !t->clock_thread))
            continue;
        u64 now = cpu_clock_now(t);
        if (now < t->cpu_expires)
            continue;
        u64 periods = 1;
        if (t->interval) {
            periods = (now - t->cpu_expires) / t->interval + 1;
            t->cpu_expires += periods * t->interval;
        } else {
            t->armed = false;
        }
        timer_expired(t, periods);
    }
}

/* After the event's copy (either layout), as Linux's do_timer_create. */
static SyscallResult do_timer_create(int which_clock, const sigevent_user* event, user_out_ptr<int> created_timer_id)
{
    bool have_event = event != nullptr;
    sigevent_user ev = have_event ? *event : sigevent_user{};
    TRY(check_clock(which_clock));
    task_struct* me = current;
    signal_struct* sig = me->signal;
    task_struct* target = me->group_leader;
    if (have_event) {
        switch (ev.sigev_notify) {
        case SIGEV_SIGNAL | SIGEV_THREAD_ID: {
            task_struct* th = find_task_by_pid(ev.sigev_tid);
            if (!th || th->signal != sig)
                return Errno::EINVAL;
            target = th;
        }
            [[fallthrough]];
        case SIGEV_SIGNAL:
        case SIGEV_THREAD:
            if (ev.sigev_signo <= 0 || ev.sigev_signo > _NSIG)
                return Errno::EINVAL;
            break;
        case SIGEV_NONE:
            break;
        default:
            return Errno::EINVAL;
        }
    }
    void* mem = kzalloc(sizeof(k_itimer));
    auto* q = static_cast<sigqueue*>(kzalloc(sizeof(sigqueue)));
    if (!mem || !q) {
        kfree(mem);
        kfree(q);
        return Errno::ENOMEM;
    }
    auto* t = new (mem) k_itimer;
    t->clockid = which_clock;
    t->sig = sig;
    t->target = target;
    t->clock_thread = me;
    t->sigq = q;
    q->timer = t;
    q->list.init();
    t->timer.function = posix_timer_fn;
    int id;
    {
        rec_spin_guard g(&tasklist_lock);
        id = sig->next_posix_timer_id;
        sig->next_posix_timer_id = id == INT_MAX_ ? 0 : id + 1;
        t->id = id;
        t->notify = have_event ? (ev.sigev_notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.sigev_notify) : SIGEV_SIGNAL;
        q->info.si_signo = have_event ? ev.sigev_signo : SIGALRM;
        q->info.si_code = SI_TIMER;
        q->info.timer.tid = id;
        q->info.timer.value = have_event ? ev.sigev_value : id;
        sig->posix_timers.add_tail(&t->list);
        if (cpu_clock(which_clock))
            sig->nr_cpu_timers++;
    }
    if (!put_user(id, created_timer_id).ok()) {
        release_timer(t);
        return Errno::EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE3(timer_create, int, which_clock, user_in_ptr<const sigevent_user>, timer_event_spec,
                user_out_ptr<int>, created_timer_id)
{
    if (timer_event_spec.is_null())
        return do_timer_create(which_clock, nullptr, created_timer_id);
    sigevent_user ev = TRY(get_user(timer_event_spec));
    return do_timer_create(which_clock, &ev, created_timer_id);
}

/* i386's: the compat sigevent, whose value is the 4-byte sival_int
 * (zero-extended, as Linux's get_compat_sigevent fills the union). */
COMPAT_SYSCALL_DEFINE3(timer_create, int, which_clock, user_in_ptr<const compat_sigevent>, timer_event_spec,
                       user_out_ptr<int>, created_timer_id)
{
    if (timer_event_spec.is_null())
        return do_timer_create(which_clock, nullptr, created_timer_id);
    compat_sigevent c = TRY(get_user(timer_event_spec));
    sigevent_user ev{};
    ev.sigev_value = static_cast<long>(static_cast<u32>(c.sigev_value));
    ev.sigev_signo = c.sigev_signo;
    ev.sigev_notify = c.sigev_notify;
    ev.sigev_tid = c.sigev_tid;
    return do_timer_create(which_clock, &ev, created_timer_id);
}

template <typename TS>
static SyscallResult do_timer_settime(int timer_id, int flags, user_in_ptr<const TS> new_setting, user_out_ptr<TS> old_setting)
{
    if (new_setting.is_null())
        return Errno::EINVAL;
    itimer_ns v = TRY(get_itimerspec(new_setting));
    k_itimer* t = TRY(find_timer(timer_id));
    itimer_ns old;
    {
        rec_spin_guard g(&tasklist_lock);
        old = timer_value(t);
    }
    disarm(t);
    {
        rec_spin_guard g(&tasklist_lock);
        t->interval = static_cast<u64>(v.interval);
        t->overrun = 0;
        t->armed = v.value != 0;
        if (t->armed) {
            bool abs = flags & TIMER_ABSTIME;
            if (cpu_clock(t->clockid)) {
                u64 now = cpu_clock_now(t);
                t->cpu_expires = abs ? static_cast<u64>(v.value)
                                     : static_cast<u64>(ktime_add_safe(static_cast<s64>(now), v.value));
            } else if (!abs) {
                hrtimer_start(&t->timer, static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), v.value)));
            } else if (realtime_clock(t->clockid)) {
                hrtimer_start_real(&t->timer, v.value);
            } else {
                hrtimer_start(&t->timer, static_cast<u64>(v.value));
            }
        }
    }
    if (old_setting)
        TRY(put_itimerspec(old, old_setting));
    return 0;
}

SYSCALL_DEFINE4(timer_settime, int, timer_id, int, flags, user_in_ptr<const itimerspec_user>, new_setting,
                user_out_ptr<itimerspec_user>, old_setting)
{
    return do_timer_settime(timer_id, flags, new_setting, old_setting);
}

SYSCALL_DEFINE4(timer_settime32, int, timer_id, int, flags, user_in_ptr<const old_itimerspec32>, new_setting,
                user_out_ptr<old_itimerspec32>, old_setting)
{
    return do_timer_settime(timer_id, flags, new_setting, old_setting);
}

template <typename TS>
static SyscallResult do_timer_gettime(int timer_id, user_out_ptr<TS> setting)
{
    k_itimer* t = TRY(find_timer(timer_id));
    itimer_ns v;
    {
        rec_spin_guard g(&tasklist_lock);
        v = timer_value(t);
    }
    TRY(put_itimerspec(v, setting));
    return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, timer_id, user_out_ptr<itimerspec_user>, setting)
{
    return do_timer_gettime(timer_id, setting);
}

SYSCALL_DEFINE2(timer_gettime32, int, timer_id, user_out_ptr<old_itimerspec32>, setting)
{
    return do_timer_gettime(timer_id, setting);
}

SYSCALL_DEFINE1(timer_getoverrun, int, timer_id)
{
    k_itimer* t = TRY(find_timer(timer_id));
    return t->overrun_last;
}

SYSCALL_DEFINE1(timer_delete, int, timer_id)
{
    k_itimer* t = TRY(find_timer(timer_id));
    release_timer(t);
    return 0;
}
