/*
 * The scheduler's insides, shared by its classes (Linux's kernel/sched/
 * sched.h): a CPU's run queue, and the fair class's (fair.cpp) operations
 * that core.cpp's switch, wake-up and tick use. Nothing outside
 * kernel/sched/ includes it; linux/sched.h is the interface.
 */
#pragma once
#include <asm/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include "deadline.h"
#include "rt.h"

namespace sched {

/* Linux's defaults for one CPU (kernel/sched/fair.c), in ns. */
constexpr u64 SCHED_LATENCY = 6000000;
constexpr u64 SCHED_MIN_GRANULARITY = 750000;
constexpr u64 SCHED_WAKEUP_GRANULARITY = 1000000;
constexpr unsigned long NICE_0_LOAD = 1024;
constexpr u64 BALANCE_INTERVAL_TICKS = 4;

/* A CPU's run queue: its runnable tasks but the running one, by vruntime. */
struct rq {
    /* Protects every field here and, for the tasks on this queue, on_rq,
     * on_cpu, cpu, run_node, vruntime and state changes to and from
     * TASK_RUNNING. Taken with interrupts off (the tick and wake-ups from
     * interrupts use it). Two queue locks are never both waited for: a
     * second one is only tried (idle stealing). docs/locking.md. */
    spinlock_t lock{"runqueue"};
    rb_root timeline;
    rb_node* first;        /* timeline's leftmost node, or null (Linux's rb_root_cached) */
    u64 min_vruntime;      /* never goes back: where sleepers are placed from */
    unsigned long load;    /* weights of its runnable tasks, the running one included */
    unsigned nr_running;   /* its runnable tasks, the running one included, idle not counted */
    int cpu;
    bool pull_wanted;      /* the tick found the queue short: pull a task at the next schedule() */
    rt_rq rt;              /* its real-time tasks (rt.h) */
    dl_rq dl;              /* its deadline tasks (deadline.h) */
    u64 last_tick;         /* when the tick last ran here (ns) */
};

extern rq runqueues[NR_CPUS];

inline rq* cpu_rq(int cpu) { return &runqueues[cpu]; }
inline rq* this_rq() { return cpu_rq(smp_processor_id()); }
inline bool is_idle(const task_struct* t) { return t->flags & PF_IDLE; }
inline task_struct* rq_curr(const rq* r) { return per_cpu(r->cpu).current_task; }
inline task_struct* task_of(rb_node* n) { return rb_entry(n, task_struct, run_node); }
inline task_struct* leftmost(const rq* r) { return r->first ? task_of(r->first) : nullptr; }

/* The fair class (fair.cpp); every one with r's lock held. */
void timeline_insert(rq* r, task_struct* t);
void timeline_erase(rq* r, rb_node* n);
void update_min_vruntime(rq* r);
[[nodiscard]] u64 sched_slice(const rq* r, const task_struct* t);
[[nodiscard]] unsigned long task_weight(const task_struct* t);
void place_woken(rq* r, task_struct* t);
void move_vruntime(task_struct* t, const rq* from, const rq* to);
[[nodiscard]] bool task_tick_fair(const rq* r, const task_struct* t);
[[nodiscard]] bool wakeup_preempt_fair(const task_struct* curr, const task_struct* t);
void trigger_load_balance(rq* r, task_struct* curr);
bool steal_task(rq* r);
/* core.cpp's. */
/* Locks the queue t is on (it may move while we wait for the lock). */
rq* task_rq_lock(task_struct* t, u64& flags);
/* Charges this CPU's running task for the time since it was last charged. */
void update_curr(rq* r, u64 now);
void enqueue(rq* r, task_struct* t);
void dequeue(rq* r, task_struct* t);
/* Asks cpu to reschedule: its flag, and an interrupt if it is another CPU. */
void resched_cpu(int cpu);
/* After t joined queue r: should it run before r's running task? */
void check_preempt_curr(rq* r, task_struct* t);
/* Queues t, which is on no queue and runs nowhere, where select_task_rq
 * says; `r` (t's queue, locked) is unlocked on return. */
void activate_task(task_struct* t, rq* r, u64 flags, bool woken, bool sync = false);

} // namespace sched
