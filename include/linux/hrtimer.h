/*
 * Timers with a callback (Linux's hrtimer, at the tick's resolution): a
 * timer armed for a CLOCK_MONOTONIC instant runs its function from the boot
 * CPU's tick once that instant has passed (kernel/time/hrtimer.cpp). The
 * function runs in interrupt context, with interrupts off and no timer lock
 * held, so it may re-arm its own timer (return HRTIMER_RESTART after moving
 * `expires`) or take the locks a signal sender takes. timerfd and the POSIX
 * timers are built on it.
 */
#pragma once
#include <linux/types.h>
#include "../../lib/rbtree.h"

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };

struct hrtimer {
    hrtimer() = default;
    hrtimer(const hrtimer&) = delete;
    rb_node node;                            /* in the armed timers, by expires */
    u64 expires = 0;                         /* CLOCK_MONOTONIC ns */
    hrtimer_restart (*function)(hrtimer*) = nullptr;
    bool queued = false;                     /* in the tree (under hrtimer_lock) */
    bool realtime = false;                   /* armed for a CLOCK_REALTIME instant: */
    s64 real_expires = 0;                    /* that instant, kept across clock changes */
    bool running = false;                    /* its function runs now (under hrtimer_lock) */
};

/* Arms (or re-arms) t for the monotonic instant expires. */
void hrtimer_start(hrtimer* t, u64 expires);
/* Arms t for the CLOCK_REALTIME instant real_expires: when the clock is
 * set (clock_was_set), the timer moves with it. */
void hrtimer_start_real(hrtimer* t, s64 real_expires);
/* The realtime clock was set: the realtime timers move to their instants. */
void hrtimer_clock_was_set();
/* Disarms t; false if it was not armed. Waits for a running function to end,
 * so the timer may be freed afterwards (never call it from t's own function). */
bool hrtimer_cancel(hrtimer* t);
/* Moves an expired periodic timer's expiry past now by whole intervals;
 * returns how many intervals that was (the expirations, at least 1). */
u64 hrtimer_forward(hrtimer* t, u64 now, u64 interval);
/* Is t armed? */
bool hrtimer_active(const hrtimer* t);
/* The tick: runs every timer whose instant has passed. */
void hrtimer_run_queues(u64 now);
