/*
 * timerfd (Linux's fs/timerfd.c): a timer behind a descriptor. A read
 * returns, as 8 bytes, how many times the timer expired since it was set or
 * last read (waiting for the first, or EAGAIN if non-blocking); poll says
 * POLLIN once it has. The clocks: CLOCK_REALTIME (absolute times follow a
 * change of the clock), CLOCK_MONOTONIC and CLOCK_BOOTTIME (the same here:
 * the machine never sleeps), and their _ALARM forms for CAP_WAKE_ALARM.
 * With TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET on a realtime clock, a
 * change of the clock ends the wait with ECANCELED.
 *
 * The timer (include/linux/hrtimer.h) fires in the tick: it only counts and
 * wakes. A periodic timer is re-armed by the next read or gettime, which
 * count the periods that passed meanwhile, as Linux does, so a short period
 * nobody reads costs no interrupts.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/itimerspec.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/syscalls.h>
#include <new>
#include <uapi/linux/time.h>

namespace {

constexpr int TFD_TIMER_ABSTIME = 1 << 0;
constexpr int TFD_TIMER_CANCEL_ON_SET = 1 << 1;
constexpr int TFD_CLOEXEC = O_CLOEXEC;
constexpr int TFD_NONBLOCK = O_NONBLOCK;

struct timerfd_ctx {
    hrtimer timer;
    int clockid;
    /* Protects what follows against the tick (taken with interrupts off). */
    spinlock_t lock{"timerfd"};
    u64 interval;   /* ns; 0: one-shot */
    u64 ticks;      /* expirations not yet read */
    bool expired;   /* fired and not re-armed yet */
    bool canceled;  /* the clock was set under a cancel-on-set timer */
    bool armed;     /* set with a value (what gettime reports) */
    bool cancel_on_set;
    list_head cancel_node; /* in cancel_list while cancel_on_set */
    wait_queue_head wqh;   /* readers and pollers */
};

/* The timers that end with ECANCELED when the realtime clock is set. */
spinlock_t cancel_lock("timerfd_cancel");
list_head cancel_list;
bool cancel_list_ready;

timerfd_ctx* ctx_of(file* f) { return static_cast<timerfd_ctx*>(f->private_data); }

bool is_realtime(int clockid) { return clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM; }

hrtimer_restart timerfd_fire(hrtimer* t)
{
    auto* c = reinterpret_cast<timerfd_ctx*>(reinterpret_cast<char*>(t) - offsetof(timerfd_ctx, timer));
    {
        spin_guard g(&c->lock);
        c->expired = true;
        c->ticks++;
    }
    wake_up(&c->wqh);
    return HRTIMER_NORESTART;
}

/* Re-arms an expired periodic timer past now; the periods that passed
 * beyond the one already counted. Under c->lock. */
u64 restart_periodic(timerfd_ctx* c)
{
    u64 periods = hrtimer_forward(&c->timer, ktime_get_ns(), c->interval);
    hrtimer_start(&c->timer, c->timer.expires);
    c->expired = false;
    return periods ? periods - 1 : 0;
}

void set_cancel_on_set(timerfd_ctx* c, bool on)
{
    spin_guard g(&cancel_lock);
    if (!cancel_list_ready) {
        cancel_list.init();
        cancel_list_ready = true;
    }
    if (on && !c->cancel_on_set)
        cancel_list.add_tail(&c->cancel_node);
    else if (!on && c->cancel_on_set)
        list_head::del(&c->cancel_node);
    c->cancel_on_set = on;
}

Result<size_t> timerfd_read(file* f, iter_dest& to, loff_t*)
{
    timerfd_ctx* c = ctx_of(f);
    if (to.count() < sizeof(u64))
        return Errno::EINVAL;
    auto ready = [c] {
        spin_guard g(&c->lock);
        return c->ticks != 0 || c->canceled;
    };
    if (!ready()) {
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(c->wqh, ready()))
            return static_cast<Errno>(-err);
    }
    u64 ticks;
    {
        spin_guard g(&c->lock);
        if (c->canceled) {
            c->canceled = false;
            c->ticks = 0;
            return Errno::ECANCELED;
        }
        ticks = c->ticks;
        if (c->expired && c->interval)
            ticks += restart_periodic(c);
        c->expired = false;
        c->ticks = 0;
    }
    if (to.copy_to_iter(&ticks, sizeof(ticks)) != sizeof(ticks))
        return Errno::EFAULT;
    return sizeof(u64);
}

unsigned int timerfd_poll(file* f, poll_table* pt)
{
    timerfd_ctx* c = ctx_of(f);
    poll_wait(f, &c->wqh, pt);
    spin_guard g(&c->lock);
    return c->ticks ? POLLIN | POLLRDNORM : 0;
}

Result<loff_t> timerfd_llseek(file*, loff_t, int) { return Errno::ESPIPE; }

void timerfd_release(inode*, file* f)
{
    timerfd_ctx* c = ctx_of(f);
    hrtimer_cancel(&c->timer);
    set_cancel_on_set(c, false);
    c->~timerfd_ctx();
    kfree(c);
    f->private_data = nullptr;
}

const file_operations timerfd_fops = {
    .read_iter = timerfd_read,
    .write_iter = nullptr,
    .llseek = timerfd_llseek,
    .ioctl = nullptr,
    .poll = timerfd_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = timerfd_release,
};

/* The time left and the interval, as gettime and settime's old value say;
 * an expired periodic timer's next expiry is counted from its period. Under
 * c->lock; changes nothing. */
itimer_ns current_value(timerfd_ctx* c)
{
    if (!c->armed || (!c->interval && (c->expired || !hrtimer_active(&c->timer))))
        return {static_cast<s64>(c->interval), 0};
    u64 now = ktime_get_ns();
    u64 next = c->timer.expires;
    if (next <= now && c->interval)
        next += ((now - next) / c->interval + 1) * c->interval;
    s64 left = next > now ? static_cast<s64>(next - now) : 1;
    return {static_cast<s64>(c->interval), left};
}

Result<timerfd_ctx*> timerfd_of(const FdRef& f)
{
    if (!f)
        return Errno::EBADF;
    if (f->f_op != &timerfd_fops)
        return Errno::EINVAL;
    return ctx_of(f.get());
}

} // namespace

/* The realtime clock was set (clock_settime, settimeofday): cancel-on-set
 * timers end their waits with ECANCELED. */
void timerfd_clock_was_set()
{
    spin_guard g(&cancel_lock);
    if (!cancel_list_ready)
        return;
    list_for_each(pos, &cancel_list) {
        timerfd_ctx* c = list_entry(pos, timerfd_ctx, cancel_node);
        {
            spin_guard cg(&c->lock);
            if (!c->armed)
                continue;
            c->canceled = true;
        }
        wake_up(&c->wqh);
    }
}

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
    if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
        return Errno::EINVAL;
    if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME && clockid != CLOCK_REALTIME_ALARM &&
        clockid != CLOCK_BOOTTIME && clockid != CLOCK_BOOTTIME_ALARM)
        return Errno::EINVAL;
    if ((clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM) && !capable(CAP_WAKE_ALARM))
        return Errno::EPERM;
    void* mem = kzalloc(sizeof(timerfd_ctx));
    if (!mem)
        return Errno::ENOMEM;
    auto* c = new (mem) timerfd_ctx;
    c->clockid = clockid;
    c->timer.function = timerfd_fire;
    c->wqh.head.init();
    auto fd = anon_inode_getfd("[timerfd]", &timerfd_fops, c, static_cast<unsigned>(flags));
    if (!fd.ok()) {
        c->~timerfd_ctx();
        kfree(c);
        return fd.error();
    }
    return fd.value();
}

template <typename TS>
static SyscallResult do_timerfd_settime(int ufd, int flags, user_in_ptr<const TS> utmr, user_out_ptr<TS> otmr)
{
    itimer_ns v = TRY(get_itimerspec(utmr));
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return Errno::EINVAL;
    FdRef f(ufd);
    timerfd_ctx* c = TRY(timerfd_of(f));
    bool abs = flags & TFD_TIMER_ABSTIME;
    set_cancel_on_set(c, is_realtime(c->clockid) && abs && (flags & TFD_TIMER_CANCEL_ON_SET));
    itimer_ns old;
    {
        spin_guard g(&c->lock);
        old = current_value(c);
    }
    /* Stopped without c->lock: the tick may be running its function on the
     * boot CPU, which takes c->lock. Only the caller re-arms it from here on
     * (the kernel lock serializes settime and read). */
    hrtimer_cancel(&c->timer);
    {
        spin_guard g(&c->lock);
        c->ticks = 0;
        c->expired = false;
        c->canceled = false;
        c->interval = static_cast<u64>(v.interval);
        c->armed = v.value != 0;
        if (c->armed) {
            if (!abs)
                hrtimer_start(&c->timer, static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), v.value)));
            else if (is_realtime(c->clockid))
                hrtimer_start_real(&c->timer, v.value);
            else
                hrtimer_start(&c->timer, static_cast<u64>(v.value));
        }
    }
    if (otmr)
        TRY(put_itimerspec(old, otmr));
    return 0;
}

SYSCALL_DEFINE4(timerfd_settime, int, ufd, int, flags, user_in_ptr<const itimerspec_user>, utmr,
                user_out_ptr<itimerspec_user>, otmr)
{
    return do_timerfd_settime(ufd, flags, utmr, otmr);
}

SYSCALL_DEFINE4(timerfd_settime32, int, ufd, int, flags, user_in_ptr<const old_itimerspec32>, utmr,
                user_out_ptr<old_itimerspec32>, otmr)
{
    return do_timerfd_settime(ufd, flags, utmr, otmr);
}

template <typename TS>
static SyscallResult do_timerfd_gettime(int ufd, user_out_ptr<TS> otmr)
{
    FdRef f(ufd);
    timerfd_ctx* c = TRY(timerfd_of(f));
    itimer_ns now;
    {
        spin_guard g(&c->lock);
        if (c->expired && c->interval)
            c->ticks += restart_periodic(c); /* as Linux: gettime re-arms it */
        now = current_value(c);
    }
    TRY(put_itimerspec(now, otmr));
    return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, ufd, user_out_ptr<itimerspec_user>, otmr)
{
    return do_timerfd_gettime(ufd, otmr);
}

SYSCALL_DEFINE2(timerfd_gettime32, int, ufd, user_out_ptr<old_itimerspec32>, otmr)
{
    return do_timerfd_gettime(ufd, otmr);
}
