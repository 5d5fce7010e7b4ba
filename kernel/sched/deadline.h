/*
 * The deadline class (SCHED_DEADLINE, Linux's kernel/sched/deadline.c in
 * small): each task asks for runtime ns of CPU in every period, done by its
 * relative deadline. Its queue is ordered by absolute deadline, earliest
 * first, and runs before the real-time and fair classes (EDF). The budget is
 * Linux's constant bandwidth server: the running task is charged as it runs;
 * at zero it is throttled until its next period, when the budget and the
 * deadline are replenished; a task that wakes too late for its deadline, or
 * with more budget left than the time to it allows, gets a fresh deadline
 * and budget. Admission control keeps the sum of runtime/period within 95 %
 * of the CPUs online (sched_setattr's EBUSY past it). A deadline task may
 * not fork (EAGAIN) unless it asked for reset-on-fork. The run queue's lock
 * (core.cpp) protects the queues; dl_bw_lock the admitted bandwidth.
 */
#pragma once
#include "rt.h"

inline bool dl_task(const task_struct* t) { return t->policy == SCHED_DEADLINE; }

struct dl_rq {
    list_head queue;     /* runnable, not running, by dl_abs_deadline */
    list_head throttled; /* out of budget until their next period */
    unsigned nr_queued;

    void init(); /* the lists (sched_init, before any task is queued) */
    void enqueue(task_struct* t);
    void dequeue(task_struct* t);
    /* The earliest deadline that may run on cpu, out of the queue; or null. */
    task_struct* pick(int cpu);
    [[nodiscard]] bool waiting() const { return nr_queued != 0; }
    /* Throttled tasks whose period began by now go back to the queue with
     * their budget; true if any did. */
    bool replenish_due(u64 now);
};

/* The wake-up rule: a new deadline and a full budget when the old ones
 * cannot be kept (Linux's update_dl_entity). */
void dl_refresh(task_struct* t, u64 now);
/* Charges delta ns to the running task; true when its budget is gone. */
bool dl_charge(task_struct* t, u64 delta);

/* Admission control: replaces t's admitted bandwidth by that of
 * runtime/period (0, 0: none); false (nothing changed) if the total would
 * pass 95 % of the CPUs online. */
[[nodiscard]] bool dl_admit(task_struct* t, u64 runtime, u64 period);
