/* The deadline class's queue and budget (deadline.h). */
#include "deadline.h"
#include <linux/cpumask.h>
#include <linux/spinlock.h>

namespace {
/* Protects dl_total_bw and every task's dl_bw. */
spinlock_t dl_bw_lock("dl_bw");
u64 dl_total_bw; /* admitted runtime/period, summed, in units of 2^-20 */
constexpr unsigned BW_SHIFT = 20;

u64 to_bw(u64 runtime, u64 period) { return period ? (runtime << BW_SHIFT) / period : 0; }
} // namespace

void dl_rq::init()
{
    queue.init();
    throttled.init();
}

void dl_rq::enqueue(task_struct* t)
{
    if (t->dl_throttled) {
        throttled.add_tail(&t->dl_run_list);
        return;
    }
    list_head* before = &queue;
    list_for_each(pos, &queue) {
        if (list_entry(pos, task_struct, dl_run_list)->dl_abs_deadline > t->dl_abs_deadline) {
            before = pos;
            break;
        }
    }
    before->add_tail(&t->dl_run_list); /* just before the first later deadline */
    nr_queued++;
}

void dl_rq::dequeue(task_struct* t)
{
    list_head::del(&t->dl_run_list);
    if (!t->dl_throttled)
        nr_queued--;
}

task_struct* dl_rq::pick(int cpu)
{
    if (!nr_queued)
        return nullptr;
    list_for_each(pos, &queue) {
        task_struct* t = list_entry(pos, task_struct, dl_run_list);
        if (cpumask_test_cpu(cpu, t->cpus_mask)) {
            dequeue(t);
            return t;
        }
    }
    return nullptr;
}

bool dl_rq::replenish_due(u64 now)
{
    bool any = false;
    for (list_head* pos = throttled.next; pos != &throttled;) {
        task_struct* t = list_entry(pos, task_struct, dl_run_list);
        pos = pos->next;
        /* The next period starts period - deadline after the missed deadline. */
        u64 next_period = t->dl_abs_deadline - t->dl_deadline + t->dl_period;
        if (now < next_period)
            continue;
        list_head::del(&t->dl_run_list);
        t->dl_throttled = false;
        /* Linux's replenish_dl_entity: a period at a time until the budget is positive. */
        while (t->dl_budget <= 0) {
            t->dl_abs_deadline += t->dl_period;
            t->dl_budget += static_cast<s64>(t->dl_runtime);
        }
        if (t->dl_abs_deadline < now) {
            t->dl_abs_deadline = now + t->dl_deadline;
            t->dl_budget = static_cast<s64>(t->dl_runtime);
        }
        enqueue(t);
        any = true;
    }
    return any;
}

void dl_refresh(task_struct* t, u64 now)
{
    if (t->dl_throttled)
        return;
    /* Overflow test (Linux's dl_entity_overflow): budget/(deadline - now) >
     * runtime/deadline means the task would use more than its bandwidth. */
    bool late = t->dl_abs_deadline <= now;
    bool overflow = !late && static_cast<u64>(t->dl_budget > 0 ? t->dl_budget : 0) * t->dl_deadline >
                                 (t->dl_abs_deadline - now) * t->dl_runtime;
    if (late || overflow || t->dl_budget <= 0) {
        t->dl_abs_deadline = now + t->dl_deadline;
        t->dl_budget = static_cast<s64>(t->dl_runtime);
    }
}

bool dl_charge(task_struct* t, u64 delta)
{
    t->dl_budget -= static_cast<s64>(delta);
    if (t->dl_budget > 0)
        return false;
    t->dl_throttled = true;
    return true;
}

bool dl_admit(task_struct* t, u64 runtime, u64 period)
{
    u64 bw = to_bw(runtime, period);
    u64 cap = ((95ULL << BW_SHIFT) / 100) * static_cast<u64>(num_online_cpus());
    spin_guard g(&dl_bw_lock);
    u64 total = dl_total_bw - t->dl_bw + bw;
    if (bw > t->dl_bw && total > cap)
        return false;
    dl_total_bw = total;
    t->dl_bw = bw;
    return true;
}
