/*
 * The fair class (SCHED_OTHER, SCHED_BATCH, SCHED_IDLE: Linux's
 * kernel/sched/fair.c in miniature). Every runnable task has a virtual
 * runtime, the time it ran scaled by its weight (nice 0 weighs 1024; each
 * nice step is about 25 %, sched_prio_to_weight); each CPU's queue keeps
 * its waiting tasks in a red-black tree by vruntime (lib/rbtree.h) with the
 * leftmost at hand, so picking, enqueueing and dequeueing cost O(log n)
 * whatever the number of tasks. The running task is preempted when it has
 * had its slice of the latency period, or a woken one is a wake-up
 * granularity ahead of it; a sleeper is placed no further back than half a
 * latency behind its queue's minimum. A CPU with nothing to run takes a
 * waiting task from the busiest other queue (idle stealing), and every 4 ms
 * a CPU whose queue is two tasks shorter than the busiest pulls one (load
 * balancing). The run queue's lock (sched.h) protects all of it.
 */
#include <linux/cpumask.h>
#include <linux/time.h>
#include "sched.h"

namespace sched {

namespace {

/* Linux's weights for nice -20..19. */
constexpr unsigned long sched_prio_to_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

bool vruntime_before(rb_node* a, rb_node* b) { return task_of(a)->vruntime < task_of(b)->vruntime; }

} // namespace

/* The tree's changes, keeping the leftmost node at hand: the tick, every
 * wake-up and every switch look at it. */
void timeline_insert(rq* r, task_struct* t)
{
    rb_add(&t->run_node, &r->timeline, vruntime_before);
    if (!r->first || vruntime_before(&t->run_node, r->first))
        r->first = &t->run_node;
}

void timeline_erase(rq* r, rb_node* n)
{
    if (r->first == n)
        r->first = rb_next(n);
    rb_erase(n, &r->timeline);
}

void update_min_vruntime(rq* r)
{
    task_struct* curr = rq_curr(r);
    task_struct* left = leftmost(r);
    u64 v = r->min_vruntime;
    bool curr_counts = !is_idle(curr) && curr->on_rq;
    if (curr_counts && left)
        v = min(curr->vruntime, left->vruntime);
    else if (curr_counts)
        v = curr->vruntime;
    else if (left)
        v = left->vruntime;
    r->min_vruntime = max(r->min_vruntime, v);
}

/* The share of the latency period t should run before another task may: its weight's share. */
u64 sched_slice(const rq* r, const task_struct* t)
{
    u64 period = SCHED_LATENCY;
    if (r->nr_running > SCHED_LATENCY / SCHED_MIN_GRANULARITY)
        period = r->nr_running * SCHED_MIN_GRANULARITY;
    unsigned long load = max(r->load, t->se_weight);
    return period * t->se_weight / load;
}

/* SCHED_IDLE weighs 3, less than nice 19 (Linux's WEIGHT_IDLEPRIO). */
unsigned long task_weight(const task_struct* t)
{
    return t->policy == SCHED_IDLE ? 3 : sched_prio_to_weight[t->nice + 20];
}

/* A task that slept is placed at most half a latency behind the queue (Linux's
 * GENTLE_FAIR_SLEEPERS), so sleeping earns no unbounded credit. */
void place_woken(rq* r, task_struct* t)
{
    u64 floor = r->min_vruntime > SCHED_LATENCY / 2 ? r->min_vruntime - SCHED_LATENCY / 2 : 0;
    t->vruntime = max(t->vruntime, floor);
}

/* t goes from queue `from` to queue `to` (not queued on either): its vruntime
 * is relative to the queue's minimum (Linux's migrate_task_rq_fair). */
void move_vruntime(task_struct* t, const rq* from, const rq* to)
{
    u64 lag = t->vruntime > from->min_vruntime ? t->vruntime - from->min_vruntime : 0;
    t->vruntime = to->min_vruntime + lag;
}

/* A waiting task from the busiest other queue, for this CPU's queue r
 * (locked): only tried, never waited for, so two CPUs stealing from each
 * other cannot deadlock. The task is put in r's tree. */
bool steal_task(rq* r)
{
    if (!kernel_lock_smp)
        return false;
    rq* busiest = nullptr;
    for_each_online_cpu(cpu) {
        rq* o = cpu_rq(cpu);
        if (o != r && !o->timeline.empty() && (!busiest || o->nr_running > busiest->nr_running))
            busiest = o;
    }
    if (!busiest || !spin_trylock(&busiest->lock))
        return false;
    task_struct* t = nullptr;
    for (rb_node* n = rb_first(&busiest->timeline); n; n = rb_next(n))
        if (cpumask_test_cpu(r->cpu, task_of(n)->cpus_mask)) {
            t = task_of(n);
            break;
        }
    if (t) {
        dequeue(busiest, t);
        move_vruntime(t, busiest, r);
        WRITE_ONCE(t->cpu, r->cpu);
        enqueue(r, t);
    }
    spin_unlock(&busiest->lock);
    return t != nullptr;
}

/* Its slice of the period used up, or too far ahead of the next in line. */
bool task_tick_fair(const rq* r, const task_struct* t)
{
    task_struct* left = leftmost(r);
    if (!left)
        return false;
    u64 slice = sched_slice(r, t) * NICE_0_LOAD / t->se_weight;
    return t->vruntime - t->slice_start_runtime >= slice ||
           (t->vruntime > left->vruntime && t->vruntime - left->vruntime > slice);
}

/* A woken fair task preempts the running one if it is a wake-up
 * granularity (scaled by its weight) ahead of it (Linux's
 * check_preempt_wakeup). */
bool wakeup_preempt_fair(const task_struct* curr, const task_struct* t)
{
    u64 gran = SCHED_WAKEUP_GRANULARITY * NICE_0_LOAD / t->se_weight;
    return curr->vruntime > t->vruntime + gran;
}

/* Load balancing, every BALANCE_INTERVAL_TICKS on each CPU in turn: a queue
 * two tasks shorter than the busiest (or idle beside a waiting task) pulls
 * one at its next schedule(). */
void trigger_load_balance(rq* r, task_struct* curr)
{
    if (!kernel_lock_smp || jiffies % BALANCE_INTERVAL_TICKS != static_cast<u64>(r->cpu) % BALANCE_INTERVAL_TICKS)
        return;
    for_each_online_cpu(cpu) {
        rq* o = cpu_rq(cpu);
        if (o != r && !o->timeline.empty() && (o->nr_running >= r->nr_running + 2 || is_idle(curr))) {
            r->pull_wanted = true;
            set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
            return;
        }
    }
}

} // namespace sched
