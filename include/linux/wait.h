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
static inline bool waitqueue_active(const wait_queue_head* wq) { return !wq->head.empty(); }

/*
 * Sleeps until cond holds. Interruptible: returns -ERESTARTSYS (as a long) if a
 * signal arrives first, else 0. The condition is re-checked after every wake-up,
 * with the task already queued, so a wake-up between the check and the sleep is
 * never lost.
 */
#define wait_event_interruptible(wq, cond)                                     \
    ({                                                                         \
        long _ret = 0;                                                         \
        if (!(cond)) {                                                         \
            wait_queue_entry _wait{current, {}};                               \
            add_wait_queue(&(wq), &_wait);                                     \
            for (;;) {                                                         \
                set_current_state(TASK_INTERRUPTIBLE);                         \
                if (cond)                                                      \
                    break;                                                     \
                if (signal_pending(current)) {                                 \
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

/* Sleeps until cond holds or a fatal signal (SIGKILL) arrives: returns
 * -ERESTARTSYS then (the task dies on its way out), else 0. Other signals
 * don't end the sleep. Linux's wait_event_killable. */
#define wait_event_killable(wq, cond)                                          \
    ({                                                                         \
        long _ret = 0;                                                         \
        if (!(cond)) {                                                         \
            wait_queue_entry _wait{current, {}};                               \
            add_wait_queue(&(wq), &_wait);                                     \
            for (;;) {                                                         \
                set_current_state(TASK_KILLABLE);                              \
                if (cond)                                                      \
                    break;                                                     \
                if (fatal_signal_pending(current)) {                           \
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

#define wait_event(wq, cond)                                                   \
    do {                                                                       \
        if (!(cond)) {                                                         \
            wait_queue_entry _wait{current, {}};                               \
            add_wait_queue(&(wq), &_wait);                                     \
            for (;;) {                                                         \
                set_current_state(TASK_UNINTERRUPTIBLE);                       \
                if (cond)                                                      \
                    break;                                                     \
                schedule();                                                    \
            }                                                                  \
            set_current_state(TASK_RUNNING);                                   \
            remove_wait_queue(&(wq), &_wait);                                  \
        }                                                                      \
    } while (0)
