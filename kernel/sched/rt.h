/*
 * The real-time class (SCHED_FIFO and SCHED_RR, Linux's kernel/sched/rt.c
 * in small): a run queue's real-time tasks, a list per priority 1..99 and a
 * bitmap of the lists that are not empty, so the next task is the first of
 * the highest priority with one find-last-set. A real-time task runs before
 * every SCHED_OTHER, BATCH and IDLE one; one of higher priority preempts it;
 * among equals FIFO runs until it blocks or yields, RR for a time slice
 * (RR_TIMESLICE) and then goes behind the others. Like Linux's, the class is
 * throttled: in each second its tasks may run 950 ms on a CPU, so a spinning
 * real-time task cannot starve the rest (/proc/sys/kernel/sched_rt_*).
 * The run queue's lock (core.cpp) protects all of it.
 */
#pragma once
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <uapi/linux/sched.h> /* the policies */

constexpr int SCHED_OTHER = SCHED_NORMAL;
constexpr int MAX_RT_PRIO = 100;
constexpr u64 RR_TIMESLICE_NS = 100000000; /* Linux's RR_TIMESLICE: 100 ms */
constexpr u64 RT_PERIOD_NS = 1000000000, RT_RUNTIME_NS = 950000000; /* sched_rt_period_us, sched_rt_runtime_us */

inline bool rt_policy(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }
inline bool rt_task(const task_struct* t) { return rt_policy(t->policy); }

struct rt_rq {
    list_head queue[MAX_RT_PRIO]; /* queued tasks but the running one, by rt_priority */
    u64 bitmap[2];                /* bit p: queue[p] is not empty */
    unsigned nr_queued;           /* in the lists */
    u64 period_start;             /* this throttling period began (ns) */
    u64 time;                     /* real-time tasks ran this long in it */
    bool throttled;               /* used up: only the other classes run until the period ends */

    void init(); /* the lists (sched_init, before any task is queued) */
    /* t joins its priority's list: at the head (it was preempted, and keeps
     * its place) or the tail (it was woken, or its turn is over). */
    void enqueue(task_struct* t, bool head);
    void dequeue(task_struct* t);
    /* The first task of the highest priority that may run on cpu, taken out
     * of its list (it is running now); null if none or throttled. */
    task_struct* pick(int cpu);
    /* Another task of t's priority is waiting (an RR slice's end matters). */
    [[nodiscard]] bool has_peer(const task_struct* t) const;
    [[nodiscard]] bool waiting() const { return nr_queued && !throttled; }
    [[nodiscard]] int top_priority() const;
    /* The tick's accounting: delta ns more of real-time running (0 if
     * something else ran); true if the class's state changed, so the CPU
     * must reschedule (throttled now, or the period over). */
    bool account(u64 now, u64 delta);
};
