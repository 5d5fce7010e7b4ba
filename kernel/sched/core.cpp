/*
 * The scheduler: Linux's CFS in miniature, on the boot CPU. Every runnable
 * task has a virtual runtime, the time it ran scaled by its weight (nice 0
 * weighs 1024; each nice step is about 25 %, Linux's sched_prio_to_weight);
 * the run queue is a red-black tree by vruntime (lib/rbtree.h) and the task
 * that ran least runs next, so picking, enqueueing and dequeueing cost
 * O(log n) whatever the number of tasks. A task that wakes is placed no
 * further back than half a latency period behind the queue's minimum, and
 * preempts the running task when it is a wake-up granularity ahead of it
 * (a pipe's reader runs as soon as the writer has written, however many
 * CPU-bound tasks there are). The running task is preempted when it has had
 * its slice of the latency period. Preemption takes effect at the next return
 * to user mode (the kernel itself is not preempted; long loops call
 * cond_resched()).
 *
 * The queue is touched with interrupts off (local_irq_save): the timer tick
 * and wake-ups from interrupts use it too. One CPU runs tasks today; the
 * queue is a struct so each CPU can get its own.
 */
#include <asm/processor.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
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

/* A CPU's run queue: the runnable tasks but the running one, by vruntime. */
struct rq {
    rb_root timeline;
    u64 min_vruntime;      /* never goes back: where sleepers are placed from */
    unsigned long load;    /* weights of every runnable task, the running one included */
    unsigned nr_running;   /* runnable tasks, the running one included, idle not counted */
    task_struct* curr;
};

rq runqueue;
list_head sleepers; /* tasks with a wake-up deadline, by deadline */
task_struct* idle;

task_struct* task_of(rb_node* n) { return rb_entry(n, task_struct, run_node); }

bool vruntime_before(rb_node* a, rb_node* b) { return task_of(a)->vruntime < task_of(b)->vruntime; }

task_struct* leftmost() { return task_of(rb_first(&runqueue.timeline)); }

void update_min_vruntime()
{
    task_struct* curr = runqueue.curr;
    task_struct* left = leftmost();
    u64 v = runqueue.min_vruntime;
    bool curr_counts = curr && curr != idle && curr->on_rq;
    if (curr_counts && left)
        v = min(curr->vruntime, left->vruntime);
    else if (curr_counts)
        v = curr->vruntime;
    else if (left)
        v = left->vruntime;
    runqueue.min_vruntime = max(runqueue.min_vruntime, v);
}

/* Charges the running task for the time since it was last charged. */
void update_curr(u64 now)
{
    task_struct* curr = runqueue.curr;
    if (!curr || curr == idle)
        return;
    u64 delta = now > curr->exec_start ? now - curr->exec_start : 0;
    curr->exec_start = now;
    curr->vruntime += delta * NICE_0_LOAD / curr->se_weight;
    update_min_vruntime();
}

/* The share of the latency period t should run before another task may: its weight's share. */
u64 sched_slice(const task_struct* t)
{
    u64 period = SCHED_LATENCY;
    if (runqueue.nr_running > SCHED_LATENCY / SCHED_MIN_GRANULARITY)
        period = runqueue.nr_running * SCHED_MIN_GRANULARITY;
    unsigned long load = max(runqueue.load, t->se_weight);
    return period * t->se_weight / load;
}

void enqueue(task_struct* t)
{
    if (t->on_rq || t == idle)
        return;
    t->se_weight = sched_prio_to_weight[t->nice + 20];
    t->on_rq = 1;
    runqueue.nr_running++;
    runqueue.load += t->se_weight;
    if (t != runqueue.curr)
        rb_add(&t->run_node, &runqueue.timeline, vruntime_before);
}

void dequeue(task_struct* t)
{
    if (!t->on_rq)
        return;
    t->on_rq = 0;
    runqueue.nr_running--;
    runqueue.load -= t->se_weight;
    if (t != runqueue.curr)
        rb_erase(&t->run_node, &runqueue.timeline);
}

/* A task that slept is placed at most half a latency behind the queue (Linux's
 * GENTLE_FAIR_SLEEPERS), so sleeping earns no unbounded credit. */
void place_woken(task_struct* t)
{
    u64 floor = runqueue.min_vruntime > SCHED_LATENCY / 2 ? runqueue.min_vruntime - SCHED_LATENCY / 2 : 0;
    t->vruntime = max(t->vruntime, floor);
}

/* Should the woken task t run before the running one? */
void check_preempt_wakeup(task_struct* t)
{
    task_struct* curr = runqueue.curr;
    if (!curr || curr == idle || !curr->on_rq) {
        if (curr)
            set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
        return;
    }
    update_curr(ktime_get_ns());
    u64 gran = SCHED_WAKEUP_GRANULARITY * NICE_0_LOAD / t->se_weight;
    if (curr->vruntime > t->vruntime + gran)
        set_tsk_thread_flag(curr, TIF_NEED_RESCHED);
}

} // namespace

void sched_init()
{
    idle = current;
    idle->flags |= PF_IDLE;
    runqueue.curr = idle;
}

void set_current_state(long state) { WRITE_ONCE(current->state, state); }

bool runqueue_has_work() { return runqueue.nr_running > 0; }

void schedule()
{
    u64 flags = local_irq_save();
    task_struct* prev = current;
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    if (prev->state == TASK_INTERRUPTIBLE && signal_pending(prev))
        prev->state = TASK_RUNNING; /* a signal arrived before we slept */
    else if ((prev->state & TASK_WAKEKILL) && fatal_signal_pending(prev))
        prev->state = TASK_RUNNING; /* killed before we slept */
    u64 now = ktime_get_ns();
    update_curr(now);
    if (prev->state != TASK_RUNNING)
        dequeue(prev);
    /* The running task goes back into the tree to compete with the others. */
    if (prev->on_rq && prev != idle)
        rb_add(&prev->run_node, &runqueue.timeline, vruntime_before);
    task_struct* next = leftmost();
    if (next)
        rb_erase(&next->run_node, &runqueue.timeline);
    else
        next = idle;
    runqueue.curr = next;
    next->exec_start = now;
    next->slice_start_runtime = next->vruntime;
    update_min_vruntime();
    if (next != prev) {
        prev->sum_exec_runtime += now - prev->last_switch;
        next->last_switch = now;
        finish_task_switch(switch_to(prev, next));
    }
    local_irq_restore(flags);
}

/* Runs in the task switched to, with the one switched from: a dead task
 * nobody waits for can only be freed once its stack is no longer in use. */
void finish_task_switch(task_struct* prev)
{
    if (prev->exit_state == EXIT_DEAD && prev->autoreap)
        release_task(prev);
}

extern "C" void schedule_tail(task_struct* prev)
{
    /* A new task's first moments: interrupts stay off until the iret. */
    finish_task_switch(prev);
}

bool wake_up_process(task_struct* t) { return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE); }

bool wake_up_state(task_struct* t, long states)
{
    u64 flags = local_irq_save();
    bool was_sleeping = (t->state & states) && !t->exit_state;
    if (was_sleeping) {
        t->state = TASK_RUNNING;
        if (!t->on_rq) {
            place_woken(t);
            enqueue(t);
            check_preempt_wakeup(t);
        }
    }
    local_irq_restore(flags);
    return was_sleeping;
}

void wake_up_new_task(task_struct* t)
{
    u64 flags = local_irq_save();
    t->state = TASK_RUNNING;
    /* A child starts where its parent is in the queue, one slice behind it
     * (Linux's START_DEBIT): forking cannot buy extra CPU time. */
    update_curr(ktime_get_ns());
    t->vruntime = max(current->vruntime, runqueue.min_vruntime);
    enqueue(t);
    t->vruntime += sched_slice(t) * NICE_0_LOAD / t->se_weight;
    rb_erase(&t->run_node, &runqueue.timeline);
    rb_add(&t->run_node, &runqueue.timeline, vruntime_before);
    local_irq_restore(flags);
}

void set_user_nice(task_struct* t, int nice)
{
    u64 flags = local_irq_save();
    bool queued = t->on_rq;
    if (queued)
        dequeue(t);
    t->nice = nice;
    t->se_weight = sched_prio_to_weight[nice + 20];
    if (queued)
        enqueue(t);
    local_irq_restore(flags);
}

void yield_current()
{
    /* Go behind the next task in line (Linux's skip buddy, simply). */
    u64 flags = local_irq_save();
    task_struct* t = current;
    update_curr(ktime_get_ns());
    if (task_struct* next = leftmost(); next && t != idle)
        t->vruntime = max(t->vruntime, next->vruntime + 1);
    set_tsk_thread_flag(t, TIF_NEED_RESCHED);
    local_irq_restore(flags);
}

void scheduler_tick()
{
    task_struct* t = current;
    if (t == idle) {
        if (runqueue.nr_running)
            set_tsk_thread_flag(t, TIF_NEED_RESCHED);
        return;
    }
    update_curr(ktime_get_ns());
    task_struct* left = leftmost();
    if (!left)
        return;
    /* Its slice of the period used up, or too far ahead of the next in line. */
    u64 slice = sched_slice(t) * NICE_0_LOAD / t->se_weight;
    if (t->vruntime - t->slice_start_runtime >= slice ||
        (t->vruntime > left->vruntime && t->vruntime - left->vruntime > slice))
        set_tsk_thread_flag(t, TIF_NEED_RESCHED);
}

void cond_resched()
{
    if (need_resched())
        schedule();
}

bool schedule_timeout_until(u64 deadline)
{
    task_struct* t = current;
    u64 flags = local_irq_save();
    t->sleep_deadline = deadline;
    /* Keep sleepers sorted so the tick looks at the head only. */
    list_head* pos = sleepers.next;
    while (pos != &sleepers && list_entry(pos, task_struct, timer_list)->sleep_deadline <= deadline)
        pos = pos->next;
    pos->prev->add(&t->timer_list);
    t->timer_queued = true;
    local_irq_restore(flags);

    schedule();

    flags = local_irq_save();
    bool early = t->timer_queued;
    if (t->timer_queued) {
        list_head::del(&t->timer_list);
        t->timer_queued = false;
    }
    local_irq_restore(flags);
    return early;
}

void run_expired_timers(u64 now)
{
    while (!sleepers.empty()) {
        task_struct* t = list_entry(sleepers.next, task_struct, timer_list);
        if (t->sleep_deadline > now)
            break;
        list_head::del(&t->timer_list);
        t->timer_queued = false;
        wake_up_process(t);
    }
}

void cpu_idle_loop()
{
    for (;;) {
        local_irq_disable();
        if (runqueue.nr_running) {
            local_irq_enable();
            schedule();
            continue;
        }
        /* sti; hlt: the interrupt that ends the wait can't slip in between. */
        asm volatile("sti; hlt" ::: "memory");
    }
}

/* ---- wait queues ---- */

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* e)
{
    u64 flags = local_irq_save();
    wq->head.add_tail(&e->entry);
    local_irq_restore(flags);
}

void remove_wait_queue(wait_queue_head*, wait_queue_entry* e)
{
    u64 flags = local_irq_save();
    list_head::del(&e->entry);
    local_irq_restore(flags);
}

void wake_up(wait_queue_head* wq)
{
    if (wq->head.empty())
        return; /* the common case on every pipe read and write: nobody waits */
    u64 flags = local_irq_save();
    list_for_each_safe(pos, n, &wq->head)
        wake_up_process(list_entry(pos, wait_queue_entry, entry)->task);
    local_irq_restore(flags);
}
