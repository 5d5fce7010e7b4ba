/*
 * What the scheduler orders a task by, set from outside it: nice, the
 * policy and its parameters (kernel/sched/syscalls.cpp's calls), the CPUs
 * it may run on, and what fork and exit do to them. Each change takes the
 * task off its queue under the queue's lock and puts it back, so it is
 * ordered by the new values at once.
 */
#include <linux/cpumask.h>
#include <linux/time.h>
#include "sched.h"

using namespace sched;

void set_user_nice(task_struct* t, int nice)
{
    u64 flags;
    rq* r = task_rq_lock(t, flags);
    bool queued = t->on_rq;
    if (queued)
        dequeue(r, t);
    t->nice = nice;
    t->se_weight = task_weight(t);
    if (queued)
        enqueue(r, t);
    spin_unlock_irqrestore(&r->lock, flags);
}

void sched_set_policy(task_struct* t, int policy, int rt_priority, int nice, bool reset_on_fork,
                      const sched_dl_params& dl)
{
    u64 flags;
    rq* r = task_rq_lock(t, flags);
    bool queued = t->on_rq;
    if (queued)
        dequeue(r, t);
    bool was_rt = rt_task(t) || dl_task(t);
    t->dl_runtime = dl.runtime;
    t->dl_deadline = dl.deadline;
    t->dl_period = dl.period;
    t->dl_abs_deadline = 0; /* a new deadline and budget at the next enqueue */
    t->dl_budget = 0;
    t->dl_throttled = false;
    t->policy = policy;
    t->rt_priority = rt_priority;
    t->sched_reset_on_fork = reset_on_fork;
    t->nice = nice;
    t->rt_requeue_tail = false;
    if (policy == SCHED_RR && !t->rt_time_slice)
        t->rt_time_slice = RR_TIMESLICE_NS;
    if (was_rt && !rt_task(t) && !dl_task(t))
        t->vruntime = r->min_vruntime; /* back among the fair tasks, at their front */
    if (queued) {
        enqueue(r, t);
        /* Whoever should run now on t's CPU, by the new order. */
        if (t->on_cpu)
            resched_cpu(r->cpu);
        else
            check_preempt_curr(r, t);
    }
    spin_unlock_irqrestore(&r->lock, flags);
}

void sched_exit(task_struct* t)
{
    if (t->dl_bw)
        (void)dl_admit(t, 0, 0); /* its bandwidth back */
}

void sched_fork(task_struct* p, const task_struct* parent)
{
    p->nice = parent->nice;
    p->policy = parent->policy;
    p->rt_priority = parent->rt_priority;
    p->rt_time_slice = RR_TIMESLICE_NS;
    p->dl_runtime = parent->dl_runtime;
    p->dl_deadline = parent->dl_deadline;
    p->dl_period = parent->dl_period;
    if (parent->sched_reset_on_fork) {
        /* Linux's sched_fork: back to SCHED_OTHER, and nice no better than 0. */
        if (rt_policy(p->policy) || p->policy == SCHED_DEADLINE) {
            p->policy = SCHED_OTHER;
            p->rt_priority = 0;
        }
        p->nice = max(p->nice, 0);
    }
}

u64 sched_rr_interval(const task_struct* t)
{
    if (t->policy == SCHED_FIFO || dl_task(t))
        return 0;
    if (t->policy == SCHED_RR)
        return RR_TIMESLICE_NS;
    /* A fair task's share of the latency period on its queue (Linux's
     * get_rr_interval_fair). */
    u64 flags;
    rq* r = task_rq_lock(const_cast<task_struct*>(t), flags);
    u64 slice = r->load ? sched_slice(r, t) : 0;
    spin_unlock_irqrestore(&r->lock, flags);
    return slice;
}

void set_cpus_allowed(task_struct* t, cpumask mask)
{
    u64 flags;
    rq* r = task_rq_lock(t, flags);
    t->cpus_mask = mask;
    if (cpumask_test_cpu(t->cpu, mask)) {
        spin_unlock_irqrestore(&r->lock, flags);
        return;
    }
    if (t->on_cpu) {
        resched_cpu(t->cpu); /* running where it may no longer: it moves in schedule() */
        spin_unlock_irqrestore(&r->lock, flags);
    } else if (t->on_rq) {
        dequeue(r, t); /* waiting in the wrong queue: to a right one */
        activate_task(t, r, flags, false);
    } else {
        spin_unlock_irqrestore(&r->lock, flags); /* asleep: placed right when it wakes */
    }
}
