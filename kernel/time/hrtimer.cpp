/*
 * The armed timers, in a red-black tree by expiry (include/linux/hrtimer.h):
 * arming and disarming are O(log n), and the tick looks only at the first.
 */
#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/time.h>

namespace {

/* Protects the tree and every timer's queued, running and expires fields
 * while it is armed. Taken with interrupts off (the tick takes it); a
 * function runs without it. Innermost but for the run queues. */
spinlock_t hrtimer_lock("hrtimer_lock");
rb_root active;

bool earlier(rb_node* a, rb_node* b)
{
    return rb_entry(a, hrtimer, node)->expires < rb_entry(b, hrtimer, node)->expires;
}

void dequeue(hrtimer* t)
{
    rb_erase(&t->node, &active);
    t->queued = false;
}

void enqueue(hrtimer* t)
{
    rb_add(&t->node, &active, earlier);
    t->queued = true;
}

} // namespace

/* The monotonic instant of a realtime one, by the clocks' offset now. */
u64 real_to_mono(s64 real)
{
    s64 offset = ktime_get_real_ns() - static_cast<s64>(ktime_get_ns());
    s64 mono = real - offset;
    return mono < 0 ? 0 : static_cast<u64>(mono);
}

void hrtimer_start(hrtimer* t, u64 expires)
{
    spin_guard g(&hrtimer_lock);
    if (t->queued)
        dequeue(t);
    t->expires = expires;
    t->realtime = false;
    enqueue(t);
}

void hrtimer_start_real(hrtimer* t, s64 real_expires)
{
    spin_guard g(&hrtimer_lock);
    if (t->queued)
        dequeue(t);
    t->realtime = true;
    t->real_expires = real_expires;
    t->expires = real_to_mono(real_expires);
    enqueue(t);
}

void hrtimer_clock_was_set()
{
    spin_guard g(&hrtimer_lock);
    /* Take the realtime timers out, then put them back at their new places
     * (a clock change is rare: a walk of all timers is fine). */
    rb_root moved;
    for (rb_node* n = rb_first(&active); n;) {
        rb_node* next = rb_next(n);
        hrtimer* t = rb_entry(n, hrtimer, node);
        if (t->realtime) {
            rb_erase(n, &active);
            t->expires = real_to_mono(t->real_expires);
            rb_add(n, &moved, earlier);
        }
        n = next;
    }
    while (rb_node* n = rb_first(&moved)) {
        rb_erase(n, &moved);
        rb_add(n, &active, earlier);
    }
}

bool hrtimer_cancel(hrtimer* t)
{
    for (;;) {
        u64 flags = spin_lock_irqsave(&hrtimer_lock);
        if (!t->running) {
            bool was = t->queued;
            if (was)
                dequeue(t);
            spin_unlock_irqrestore(&hrtimer_lock, flags);
            return was;
        }
        /* Its function runs on the boot CPU: wait for it to end (it may re-arm). */
        spin_unlock_irqrestore(&hrtimer_lock, flags);
        cpu_relax();
    }
}

u64 hrtimer_forward(hrtimer* t, u64 now, u64 interval)
{
    if (now < t->expires || !interval)
        return 0;
    if (t->realtime) {
        /* Counted on its own clock: an instant before boot has no monotonic
         * time (expires was clamped to 0), but its periods still passed. */
        s64 real_now = static_cast<s64>(now) + (ktime_get_real_ns() - static_cast<s64>(ktime_get_ns()));
        if (real_now < t->real_expires)
            return 0;
        u64 periods = static_cast<u64>(real_now - t->real_expires) / interval + 1;
        t->real_expires += static_cast<s64>(periods * interval);
        t->expires = real_to_mono(t->real_expires);
        return periods;
    }
    u64 periods = (now - t->expires) / interval + 1;
    t->expires += periods * interval;
    return periods;
}

bool hrtimer_active(const hrtimer* t)
{
    spin_guard g(&hrtimer_lock);
    return t->queued || t->running;
}

void hrtimer_run_queues(u64 now)
{
    u64 flags = spin_lock_irqsave(&hrtimer_lock);
    while (rb_node* first = rb_first(&active)) {
        hrtimer* t = rb_entry(first, hrtimer, node);
        if (t->expires > now)
            break;
        dequeue(t);
        t->running = true;
        spin_unlock_irqrestore(&hrtimer_lock, flags);
        hrtimer_restart r = t->function(t);
        flags = spin_lock_irqsave(&hrtimer_lock);
        t->running = false;
        if (r == HRTIMER_RESTART && !t->queued)
            enqueue(t);
    }
    spin_unlock_irqrestore(&hrtimer_lock, flags);
}
