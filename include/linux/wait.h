/* Wait queues: how a task sleeps until something happens. */
#pragma once
#include <linux/list.h>

struct task_struct;

struct wait_queue_entry {
    task_struct* task;
    list_head entry;
};

struct wait_queue_head {
    list_head head;
};

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* e);
void remove_wait_queue(wait_queue_head* wq, wait_queue_entry* e);
/* Wakes every sleeper; they re-check their condition. */
void wake_up(wait_queue_head* wq);
/* The same from a task that will sleep next, most likely (Linux's
 * wake_up_interruptible_sync: a pipe's reader and writer handing over). */
void wake_up_sync(wait_queue_head* wq);
static inline bool waitqueue_active(const wait_queue_head* wq) { return !wq->head.empty(); }

/*
 * Sleeps in `state` until cond holds, or until `stop` (re-read after every
 * wake-up) says a signal ends the sleep: then -ERESTARTSYS (as a long), else 0.
 * The condition is re-checked after every wake-up, with the task already
 * queued, so a wake-up between the check and the sleep is never lost.
 * Linux's ___wait_event.
 */
#define ___wait_event(wq, cond, state, stop)                                   \
    ({                                                                         \
        long _ret = 0;                                                         \
        if (!(cond)) {                                                         \
            wait_queue_entry _wait{current, {}};                               \
            add_wait_queue(&(wq), &_wait);                                     \
            for (;;) {                                                         \
                set_current_state(state);                                      \
                if (cond)                                                      \
                    break;                                                     \
                if (stop) {                                                    \
                    _ret = errno_return(Errno::ERESTARTSYS);                   \
                    break;                                                     \
                }                                                              \
                schedule();                                                    \
            }                                                                  \
            set_current_state(TASK_RUNNING);                                   \
            remove_wait_queue(&(wq), &_wait);                                  \
        }                                                                      \
        _ret;                                                                  \
    })

/* Sleeps until cond holds; any signal ends the sleep (-ERESTARTSYS). */
#define wait_event_interruptible(wq, cond) ___wait_event(wq, cond, TASK_INTERRUPTIBLE, signal_pending(current))

/* Sleeps until cond holds or a fatal signal (SIGKILL) arrives: returns
 * -ERESTARTSYS then (the task dies on its way out), else 0. Other signals
 * don't end the sleep. Linux's wait_event_killable. */
#define wait_event_killable(wq, cond) ___wait_event(wq, cond, TASK_KILLABLE, fatal_signal_pending(current))

/* Sleeps until cond holds, whatever the signals. */
#define wait_event(wq, cond) ((void)___wait_event(wq, cond, TASK_UNINTERRUPTIBLE, false))
