/*
 * Sleeping: wait queues (a task waits for an event another task or an
 * interrupt signals) and timed sleeps (the sleepers list the boot CPU's tick
 * looks at). Linux's kernel/sched/wait.c and the timer wheel, in small.
 */
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "../../lib/hashtable.h"

namespace {

/* Protects the sleepers list (tasks with a wake-up deadline, by deadline).
 * Taken before a run-queue lock (waking a task takes its run queue's);
 * docs/locking.md. */
spinlock_t wait_lock("wait_lock");
list_head sleepers;

/* Each wait queue's list of sleepers, under one of these locks, chosen by a
 * hash of the queue's address (Linux puts a lock in every queue head; a
 * table keeps wait_queue_head a bare list, valid zeroed): pipes on
 * different CPUs rarely share one, where one global lock made every
 * sleep and wake-up in the system queue for it. Never two at once; taken
 * before a run-queue lock. */
constexpr unsigned WAIT_QUEUE_LOCK_BITS = 6;
struct wait_queue_lock {
    spinlock_t lock{"wait_queue"};
};
wait_queue_lock wait_queue_locks[1u << WAIT_QUEUE_LOCK_BITS];

spinlock_t* queue_lock(const wait_queue_head* wq)
{
    return &wait_queue_locks[hash_ptr(wq, WAIT_QUEUE_LOCK_BITS)].lock;
}

} // namespace

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* e)
{
    spin_guard g(queue_lock(wq));
    wq->head.add_tail(&e->entry);
}

void remove_wait_queue(wait_queue_head* wq, wait_queue_entry* e)
{
    spin_guard g(queue_lock(wq));
    list_head::del(&e->entry);
}

static __always_inline void __wake_up(wait_queue_head* wq, bool sync)
{
    /* The waker changed the condition before; the barrier orders that store
     * before the check, against the sleeper's add-then-check (set_current_state). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (wq->head.empty())
        return; /* the common case on every pipe read and write: nobody waits */
    spin_guard g(queue_lock(wq));
    list_for_each_safe(pos, n, &wq->head)
        wake_up_state(list_entry(pos, wait_queue_entry, entry)->task, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, sync);
}

void wake_up(wait_queue_head* wq) { __wake_up(wq, false); }
void wake_up_sync(wait_queue_head* wq) { __wake_up(wq, true); }

bool schedule_timeout_until(u64 deadline)
{
    task_struct* t = current;
    u64 flags = spin_lock_irqsave(&wait_lock);
    t->sleep_deadline = deadline;
    /* Keep sleepers sorted so the tick looks at the head only. */
    list_head* pos = sleepers.next;
    while (pos != &sleepers && list_entry(pos, task_struct, timer_list)->sleep_deadline <= deadline)
        pos = pos->next;
    pos->prev->add(&t->timer_list);
    t->timer_queued = true;
    spin_unlock_irqrestore(&wait_lock, flags);

    schedule();

    flags = spin_lock_irqsave(&wait_lock);
    bool early = t->timer_queued;
    if (t->timer_queued) {
        list_head::del(&t->timer_list);
        t->timer_queued = false;
    }
    spin_unlock_irqrestore(&wait_lock, flags);
    return early;
}

void run_expired_timers(u64 now)
{
    spin_guard g(&wait_lock);
    while (!sleepers.empty()) {
        task_struct* t = list_entry(sleepers.next, task_struct, timer_list);
        if (t->sleep_deadline > now)
            break;
        list_head::del(&t->timer_list);
        t->timer_queued = false;
        wake_up_process(t);
    }
}
