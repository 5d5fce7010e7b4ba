/* The real-time class's queue (rt.h). */
#include "rt.h"
#include <linux/cpumask.h>
#include <linux/sched.h>

void rt_rq::enqueue(task_struct* t, bool head)
{
    int p = t->rt_priority;
    if (head)
        queue[p].add(&t->rt_run_list);
    else
        queue[p].add_tail(&t->rt_run_list);
    bitmap[p / 64] |= 1ULL << (p % 64);
    nr_queued++;
}

void rt_rq::dequeue(task_struct* t)
{
    int p = t->rt_priority;
    list_head::del(&t->rt_run_list);
    if (queue[p].empty())
        bitmap[p / 64] &= ~(1ULL << (p % 64));
    nr_queued--;
}

int rt_rq::top_priority() const
{
    if (bitmap[1])
        return 64 + 63 - __builtin_clzll(bitmap[1]);
    return bitmap[0] ? 63 - __builtin_clzll(bitmap[0]) : 0;
}

task_struct* rt_rq::pick(int cpu)
{
    if (!waiting())
        return nullptr;
    /* Highest first; within a priority, the first its affinity lets run here. */
    for (int w = 1; w >= 0; w--) {
        for (u64 bits = bitmap[w]; bits; bits &= ~(1ULL << (63 - __builtin_clzll(bits)))) {
            int p = w * 64 + 63 - __builtin_clzll(bits);
            list_for_each(pos, &queue[p]) {
                task_struct* t = list_entry(pos, task_struct, rt_run_list);
                if (cpumask_test_cpu(cpu, t->cpus_mask)) {
                    dequeue(t);
                    return t;
                }
            }
        }
    }
    return nullptr;
}

void rt_rq::init()
{
    for (auto& q : queue)
        q.init();
}

bool rt_rq::has_peer(const task_struct* t) const { return !queue[t->rt_priority].empty(); }

bool rt_rq::account(u64 now, u64 delta)
{
    if (now - period_start >= RT_PERIOD_NS) {
        period_start = now;
        time = 0;
        if (throttled) {
            throttled = false;
            return nr_queued != 0;
        }
    }
    time += delta;
    if (!throttled && time >= RT_RUNTIME_NS) {
        throttled = true;
        return true;
    }
    return false;
}
