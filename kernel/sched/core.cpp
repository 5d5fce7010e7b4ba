/*
 * The scheduler: Linux's CFS in miniature, for every CPU. Every runnable
 * task has a virtual runtime, the time it ran scaled by its weight (nice 0
 * weighs 1024; each nice step is about 25 %, Linux's sched_prio_to_weight);
 * the run queue is a red-black tree by vruntime (lib/rbtree.h) and a CPU
 * that needs a task takes the one that ran least among those its affinity
 * allows, so picking, enqueueing and dequeueing cost O(log n) whatever the
 * number of tasks. A task that wakes is placed no further back than half a
 * latency period behind the queue's minimum; it goes to an idle CPU if there
 * is one (woken there by a reschedule IPI), else it preempts the running task
 * when it is a wake-up granularity ahead of it. The running task is
 * preempted when it has had its slice of the latency period. Preemption
 * takes effect at the next return to user mode (the kernel itself is not
 * preempted; long loops call cond_resched()).
 *
 * One run queue serves all CPUs for now (each CPU's running task is its
 * per-CPU `current`); its lock is held across the switch itself, so a task in
 * the tree is never still running somewhere: the next task releases it
 * (finish_task_switch). The per-CPU queues with balancing that Linux has are
 * the next step (docs/smp.md).
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp_lock.h>
#include <linux/spinlock.h>
#include <linux/time.h>

list_head task_list;

namespace {

/* Linux's defaults for one CPU (kernel/sched/fair.c), in ns. */
constexpr u64 SCHED_LATENCY = 6000000;
constexpr u64 SCHED_MIN_GRANULARITY = 750000;
constexpr u64 SCHED_WAKEUP_GRANULARITY = 1000000;
constexpr unsigned long NICE_0_LOAD = 1024;

/* Linux's weights for nice -20..19. */
constexpr unsigned long sched_prio_to_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

/* The run queue: the runnable tasks not running on any CPU, by vruntime. */
struct rq {
    /* Protects every field here, each task's on_rq, on_cpu, run_node,
     * vruntime and state changes to and from TASK_RUNNING, the sleepers list
     * and the list of every wait queue. Taken with interrupts off (the tick
     * and wake-ups from interrupts use it); innermost but for the allocators
     * and printk (docs/locking.md). */
    spinlock_t lock{"runqueue"};
    rb_root timeline;
    u64 min_vruntime;      /* never goes back: where sleepers are placed from */
    unsigned long load;    /* weights of every runnable task, the running ones included */
    unsigned nr_running;   /* runnable tasks, the running ones included, idle tasks not counted */
};

rq runqueue;
list_head sleepers; /* tasks with a wake-up deadline, by deadline (runqueue.lock) */
task_struct* dead_tasks; /* switched away from for the last time, to free (runqueue.lock) */

task_struct* task_of(rb_node* n) { return rb_entry(n, task_struct, run_node); }

bool vruntime_before(rb_node* a, rb_node* b) { return task_of(a)->vruntime < task_of(b)->vruntime; }

task_struct* leftmost() { return task_of(rb_first(&runqueue.timeline)); }

bool is_idle(const task_struct* t) { return t->flags & PF_IDLE; }

void update_min_vruntime()
{
    task_struct* curr = current;
    task_struct* left = leftmost();
    u64 v = runqueue.min_vruntime;
    bool curr_counts = !is_idle(curr) && curr->on_rq;
    if (curr_counts && left)
        v = min(curr->vruntime, left->vruntime);
    else if (curr_counts)
        v = curr->vruntime;
    else if (left)
        v = left->vruntime;
    runqueue.min_vruntime = max(runqueue.min_vruntime, v);
}

/* Charges this CPU's running task for the time since it was last charged. */
void update_curr(u64 now)
{
    task_struct* curr = current;
    if (is_idle(curr))
        return;
    u64 delta = now > curr->exec_start ? now - curr->exec_start : 0;
    curr->exec_start = now;
    curr->vruntime += delta * NICE_0_LOAD / curr->se_weight;
    update_min_vruntime();
}

/* The share of the latency period t should run before another task may on
 * its CPU: its weight's share of one CPU's part of the load. */
u64 sched_slice(const task_struct* t)
{
    unsigned cpus = static_cast<unsigned>(num_online_cpus());
    unsigned nr = (runqueue.nr_running + cpus - 1) / cpus;
    u64 period = SCHED_LATENCY;
    if (nr > SCHED_LATENCY / SCHED_MIN_GRANULARITY)
        period = nr * SCHED_MIN_GRANULARITY;
    unsigned long load = max(runqueue.load / cpus, t->se_weight);
    return period * t->se_weight / load;
}

void enqueue(task_struct* t)
{
    if (t->on_rq || is_idle(t))
        return;
    t->se_weight = sched_prio_to_weight[t->nice + 20];
    t->on_rq = 1;
    runqueue.nr_running++;
    runqueue.load += t->se_weight;
    if (!t->on_cpu)
        rb_add(&t->run_node, &runqueue.timeline, vruntime_before);
}

void dequeue(task_struct* t)
{
    if (!t->on_rq)
        return;
    t->on_rq = 0;
    runqueue.nr_running--;
    runqueue.load -= t->se_weight;
    if (!t->on_cpu)
        rb_erase(&t->run_node, &runqueue.timeline);
}

/* The first task in vruntime order that may run on cpu, taken out of the tree. */
task_struct* pick_next_task(int cpu)
{
    for (rb_node* n = rb_first(&runqueue.timeline); n; n = rb_next(n)) {
        task_struct* t = task_of(n);
        if (cpumask_test_cpu(cpu, t->cpus_mask)) {
            rb_erase(n, &runqueue.timeline);
            return t;
        }
    }
    return nullptr;
}

/* A task that slept is placed at most half a latency behind the queue (Linux's
 * GENTLE_FAIR_SLEEPERS), so sleeping earns no unbounded credit. */
void place_woken(task_struct* t)
{
    u64 floor = runqueue.min_vruntime > SCHED_LATENCY / 2 ? runqueue.min_vruntime - SCHED_LATENCY / 2 : 0;
    t->vruntime = max(t->vruntime, floor);
}

/* Asks cpu to reschedule: its flag, and an interrupt if it is another CPU. */
void resched_cpu(int cpu)
{
    task_struct* curr = per_cpu(cpu).current_task;
    bool was = curr->thread_flags & TIF_NEED_RESCHED;
    set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
    if (cpu != smp_processor_id() && !was)
        send_IPI(cpu, RESCHEDULE_VECTOR);
}

/* Who should run the woken (or new) task t: an idle CPU it may run on, told
 * to look; else this CPU, if t should preempt the task running here. */
void check_preempt_wakeup(task_struct* t)
{
    int self = smp_processor_id();
    for_each_online_cpu(cpu) {
        task_struct* curr = per_cpu(cpu).current_task;
        if (is_idle(curr) && cpumask_test_cpu(cpu, t->cpus_mask) && !(curr->thread_flags & TIF_NEED_RESCHED)) {
            resched_cpu(cpu);
            return;
        }
    }
    if (!cpumask_test_cpu(self, t->cpus_mask))
        return;
    task_struct* curr = current;
    if (is_idle(curr) || !curr->on_rq) {
        set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
        return;
    }
    update_curr(ktime_get_ns());
    u64 gran = SCHED_WAKEUP_GRANULARITY * NICE_0_LOAD / t->se_weight;
    if (curr->vruntime > t->vruntime + gran)
        set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
}

bool try_to_wake_up_locked(task_struct* t, long states)
{
    bool was_sleeping = (t->state & states) && !t->exit_state;
    if (was_sleeping) {
        t->state = TASK_RUNNING;
        if (!t->on_rq) {
            place_woken(t);
            enqueue(t);
            check_preempt_wakeup(t);
        }
    }
    return was_sleeping;
}

void reap_dead_tasks();

} // namespace

void sched_init()
{
    task_struct* idle = current;
    idle->flags |= PF_IDLE;
    idle->on_cpu = 1;
    cpumask_set_cpu(0, idle->cpus_mask);
    sleepers.init();
}

void sched_init_secondary()
{
    task_struct* idle = current;
    idle->on_cpu = 1;
    idle->exec_start = idle->last_switch = ktime_get_ns();
}

void set_current_state(long state)
{
    /* A full barrier after the store (Linux's smp_store_mb): the condition
     * the caller reads next can't be read before the state is seen. */
    __atomic_exchange_n(&current->state, state, __ATOMIC_SEQ_CST);
}

bool runqueue_has_work() { return !runqueue.timeline.empty(); }

void schedule()
{
    task_struct* prev = current;
    release_kernel_lock(prev);
    u64 flags = spin_lock_irqsave(&runqueue.lock);
    int cpu = smp_processor_id();
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    if (prev->state == TASK_INTERRUPTIBLE && signal_pending(prev))
        prev->state = TASK_RUNNING; /* a signal arrived before we slept */
    else if ((prev->state & TASK_WAKEKILL) && fatal_signal_pending(prev))
        prev->state = TASK_RUNNING; /* killed before we slept */
    u64 now = ktime_get_ns();
    update_curr(now);
    if (prev->state != TASK_RUNNING)
        dequeue(prev);
    /* The running task goes back into the tree to compete with the others;
     * if its affinity sends it elsewhere, an idle CPU it may use is told. */
    if (prev->on_rq && !is_idle(prev)) {
        rb_add(&prev->run_node, &runqueue.timeline, vruntime_before);
        if (!cpumask_test_cpu(cpu, prev->cpus_mask))
            check_preempt_wakeup(prev);
    }
    task_struct* next = pick_next_task(cpu);
    if (!next)
        next = this_cpu()->idle;
    next->exec_start = now;
    next->slice_start_runtime = next->vruntime;
    if (next != prev) {
        /* It may run on another CPU next time: its rseq area is refreshed on
         * the way out (Linux's rseq_preempt). */
        if (prev->rseq)
            set_tsk_thread_flag(prev, TIF_NOTIFY_RESUME);
        prev->sum_exec_runtime += now - prev->last_switch;
        next->last_switch = now;
        next->on_cpu = 1;
        next->cpu = cpu;
        this_cpu()->nr_switches++;
        finish_task_switch(switch_to(prev, next));
    } else {
        spin_unlock(&runqueue.lock);
    }
    update_min_vruntime();
    local_irq_restore(flags);
    reacquire_kernel_lock(current);
    if (unlikely(READ_ONCE(dead_tasks)) && kernel_locked())
        reap_dead_tasks();
}

/* Runs in the task switched to, with the one switched from, the run-queue
 * lock still held from the switch: prev is off this CPU for good now. A dead
 * task nobody waits for is freed once its stack is no longer in use, by the
 * next holder of the kernel lock (freeing touches what that lock protects). */
void finish_task_switch(task_struct* prev)
{
    if (prev->exit_state == EXIT_DEAD && prev->autoreap) {
        prev->next_dead = dead_tasks;
        dead_tasks = prev;
    }
    /* Last: from here a parent waiting in wait_task_inactive may free prev. */
    __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
    spin_unlock(&runqueue.lock);
}

namespace {

void reap_dead_tasks()
{
    u64 flags = spin_lock_irqsave(&runqueue.lock);
    task_struct* list = dead_tasks;
    dead_tasks = nullptr;
    spin_unlock_irqrestore(&runqueue.lock, flags);
    while (list) {
        task_struct* t = list;
        list = t->next_dead;
        release_task(t);
    }
}

} // namespace

extern "C" void schedule_tail(task_struct* prev)
{
    /* A new task's first moments: interrupts stay off until the iret. */
    finish_task_switch(prev);
}

void wait_task_inactive(task_struct* t)
{
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
}

bool wake_up_process(task_struct* t) { return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE); }

bool wake_up_state(task_struct* t, long states)
{
    spin_guard g(&runqueue.lock);
    return try_to_wake_up_locked(t, states);
}

void wake_up_new_task(task_struct* t)
{
    spin_guard g(&runqueue.lock);
    t->state = TASK_RUNNING;
    /* A child starts where its parent is in the queue, one slice behind it
     * (Linux's START_DEBIT): forking cannot buy extra CPU time. */
    update_curr(ktime_get_ns());
    t->vruntime = max(current->vruntime, runqueue.min_vruntime);
    enqueue(t);
    t->vruntime += sched_slice(t) * NICE_0_LOAD / t->se_weight;
    rb_erase(&t->run_node, &runqueue.timeline);
    rb_add(&t->run_node, &runqueue.timeline, vruntime_before);
    check_preempt_wakeup(t);
}

void set_user_nice(task_struct* t, int nice)
{
    spin_guard g(&runqueue.lock);
    bool queued = t->on_rq;
    if (queued)
        dequeue(t);
    t->nice = nice;
    t->se_weight = sched_prio_to_weight[nice + 20];
    if (queued)
        enqueue(t);
}

void set_cpus_allowed(task_struct* t, cpumask mask)
{
    spin_guard g(&runqueue.lock);
    t->cpus_mask = mask;
    /* Running where it may no longer run: it leaves at its next schedule(). */
    if (t->on_cpu && !cpumask_test_cpu(t->cpu, mask))
        resched_cpu(t->cpu);
}

void yield_current()
{
    /* Go behind the next task in line (Linux's skip buddy, simply). */
    spin_guard g(&runqueue.lock);
    task_struct* t = current;
    update_curr(ktime_get_ns());
    if (task_struct* next = leftmost(); next && !is_idle(t))
        t->vruntime = max(t->vruntime, next->vruntime + 1);
    set_tsk_thread_flag(t, TIF_NEED_RESCHED);
}

void scheduler_tick()
{
    spin_guard g(&runqueue.lock);
    task_struct* t = current;
    if (is_idle(t)) {
        if (runqueue_has_work())
            set_tsk_thread_flag(t, TIF_NEED_RESCHED);
        return;
    }
    update_curr(ktime_get_ns());
    if (!cpumask_test_cpu(smp_processor_id(), t->cpus_mask)) {
        set_tsk_thread_flag(t, TIF_NEED_RESCHED); /* its affinity changed: move */
        return;
    }
    task_struct* left = leftmost();
    if (!left)
        return;
    /* Its slice of the period used up, or too far ahead of the next in line. */
    u64 slice = sched_slice(t) * NICE_0_LOAD / t->se_weight;
    if (t->vruntime - t->slice_start_runtime >= slice ||
        (t->vruntime > left->vruntime && t->vruntime - left->vruntime > slice))
        set_tsk_thread_flag(t, TIF_NEED_RESCHED);
}

/* A long kernel loop's preemption point: another task's turn on this CPU,
 * or another CPU's turn with the kernel lock. */
void cond_resched()
{
    if (need_resched())
        schedule();
    else
        cond_resched_kernel_lock();
}

bool schedule_timeout_until(u64 deadline)
{
    task_struct* t = current;
    u64 flags = spin_lock_irqsave(&runqueue.lock);
    t->sleep_deadline = deadline;
    /* Keep sleepers sorted so the tick looks at the head only. */
    list_head* pos = sleepers.next;
    while (pos != &sleepers && list_entry(pos, task_struct, timer_list)->sleep_deadline <= deadline)
        pos = pos->next;
    pos->prev->add(&t->timer_list);
    t->timer_queued = true;
    spin_unlock_irqrestore(&runqueue.lock, flags);

    schedule();

    flags = spin_lock_irqsave(&runqueue.lock);
    bool early = t->timer_queued;
    if (t->timer_queued) {
        list_head::del(&t->timer_list);
        t->timer_queued = false;
    }
    spin_unlock_irqrestore(&runqueue.lock, flags);
    return early;
}

void run_expired_timers(u64 now)
{
    spin_guard g(&runqueue.lock);
    while (!sleepers.empty()) {
        task_struct* t = list_entry(sleepers.next, task_struct, timer_list);
        if (t->sleep_deadline > now)
            break;
        list_head::del(&t->timer_list);
        t->timer_queued = false;
        try_to_wake_up_locked(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
    }
}

void cpu_idle_loop()
{
    for (;;) {
        local_irq_disable();
        if (runqueue_has_work()) {
            local_irq_enable();
            schedule();
            continue;
        }
        if (READ_ONCE(dead_tasks)) {
            local_irq_enable();
            lock_kernel();
            reap_dead_tasks();
            unlock_kernel();
            continue;
        }
        /* sti; hlt: the interrupt that ends the wait can't slip in between. */
        asm volatile("sti; hlt" ::: "memory");
    }
}

/* ---- wait queues (their lists are under the run-queue lock) ---- */

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* e)
{
    spin_guard g(&runqueue.lock);
    wq->head.add_tail(&e->entry);
}

void remove_wait_queue(wait_queue_head*, wait_queue_entry* e)
{
    spin_guard g(&runqueue.lock);
    list_head::del(&e->entry);
}

void wake_up(wait_queue_head* wq)
{
    /* The waker changed the condition before; the barrier orders that store
     * before the check, against the sleeper's add-then-check (set_current_state). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (wq->head.empty())
        return; /* the common case on every pipe read and write: nobody waits */
    spin_guard g(&runqueue.lock);
    list_for_each_safe(pos, n, &wq->head)
        try_to_wake_up_locked(list_entry(pos, wait_queue_entry, entry)->task, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}
