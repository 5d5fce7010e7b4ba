/*
 * The scheduler: round robin over runnable tasks on the boot CPU, with a time
 * slice of a few ticks. A task gives up the CPU by sleeping (state not
 * TASK_RUNNING, then schedule()) or is preempted when its slice ends, at its
 * next return to user mode (the kernel itself is not preempted; long loops
 * call cond_resched()).
 */
#include <asm/processor.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/time.h>

list_head task_list;

namespace {

list_head runqueue;
list_head sleepers; /* tasks with a wake-up deadline, by deadline */
task_struct* idle;
constexpr int TIME_SLICE_TICKS = 10;

void enqueue(task_struct* t)
{
    if (!t->on_rq && t != idle) {
        runqueue.add_tail(&t->run_list);
        t->on_rq = 1;
    }
}

void dequeue(task_struct* t)
{
    if (t->on_rq) {
        list_head::del(&t->run_list);
        t->on_rq = 0;
    }
}

} // namespace

void sched_init()
{
    idle = current;
    idle->flags |= PF_IDLE;
}

void set_current_state(long state) { WRITE_ONCE(current->state, state); }

void schedule()
{
    u64 flags = local_irq_save();
    task_struct* prev = current;
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    if (prev->state == TASK_INTERRUPTIBLE && signal_pending(prev))
        prev->state = TASK_RUNNING; /* a signal arrived before we slept */
    else if ((prev->state & TASK_WAKEKILL) && fatal_signal_pending(prev))
        prev->state = TASK_RUNNING; /* killed before we slept */
    if (prev->state != TASK_RUNNING)
        dequeue(prev);
    else if (prev->on_rq) {
        dequeue(prev); /* to the back of the line */
        enqueue(prev);
    }
    task_struct* next = runqueue.empty() ? idle : list_entry(runqueue.next, task_struct, run_list);
    if (next != prev) {
        u64 now = ktime_get_ns();
        prev->sum_exec_runtime += now - prev->last_switch;
        next->last_switch = now;
        next->time_slice = TIME_SLICE_TICKS;
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
        enqueue(t);
        if (current == idle)
            set_tsk_thread_flag(current, TIF_NEED_RESCHED);
    }
    local_irq_restore(flags);
    return was_sleeping;
}

void wake_up_new_task(task_struct* t)
{
    u64 flags = local_irq_save();
    t->state = TASK_RUNNING;
    enqueue(t);
    local_irq_restore(flags);
}

void scheduler_tick()
{
    task_struct* t = current;
    if (t == idle) {
        if (!runqueue.empty())
            set_tsk_thread_flag(t, TIF_NEED_RESCHED);
        return;
    }
    if (--t->time_slice <= 0 && !runqueue.empty())
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
        if (!runqueue.empty()) {
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
