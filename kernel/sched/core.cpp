/*
 * The scheduler's core (Linux's kernel/sched/core.c): a run queue per CPU
 * (sched.h) holding three classes, deadline tasks (deadline.h) before
 * real-time ones (SCHED_FIFO, SCHED_RR: rt.h) before the fair ones
 * (SCHED_OTHER, BATCH, IDLE: fair.cpp, a red-black tree by virtual
 * runtime); the switch (__schedule), wake-ups and new tasks, and the tick.
 * A task that wakes goes to its last CPU if that is idle, else to an idle
 * CPU (a reschedule IPI wakes it from hlt), else to its last CPU, where it
 * preempts the running task if its class says so. Preemption takes effect
 * at the next return to user mode, or at the end of an interrupt in kernel
 * code that does not hold the kernel lock (preempt_schedule_irq); long
 * loops call cond_resched().
 *
 * A CPU's queue lock is held across its context switch and released by the
 * task switched to (finish_task_switch), so a task found in a queue's tree
 * under its lock is never still running anywhere.
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
#include "sched.h"

list_head task_list;

namespace {

/* Protects dead_tasks: switched away from for the last time, to be freed. */
spinlock_t dead_lock("dead_tasks");
task_struct* dead_tasks;

} // namespace

namespace sched {

rq runqueues[NR_CPUS];

/* Locks the queue t is on (it may move while we wait for the lock). */
rq* task_rq_lock(task_struct* t, u64& flags)
{
    if (!kernel_lock_smp) {
        flags = spin_lock_irqsave(&runqueues[0].lock); /* one CPU, one queue */
        return &runqueues[0];
    }
    for (;;) {
        rq* r = cpu_rq(READ_ONCE(t->cpu));
        flags = spin_lock_irqsave(&r->lock);
        if (r->cpu == READ_ONCE(t->cpu))
            return r;
        spin_unlock_irqrestore(&r->lock, flags);
    }
}

/* Charges this CPU's running task for the time since it was last charged. */
void update_curr(rq* r, u64 now)
{
    task_struct* curr = current;
    if (is_idle(curr))
        return;
    u64 delta = now > curr->exec_start ? now - curr->exec_start : 0;
    if (dl_task(curr)) { /* its budget, not a virtual runtime */
        curr->exec_start = now;
        if (!curr->dl_throttled && dl_charge(curr, delta))
            set_tsk_thread_flag(curr, TIF_NEED_RESCHED); /* off until its next period */
        return;
    }
    if (rt_task(curr)) { /* no virtual runtime: its priority orders it */
        curr->exec_start = now;
        return;
    }
    curr->exec_start = now;
    curr->vruntime += delta * NICE_0_LOAD / curr->se_weight;
    update_min_vruntime(r);
}

/* A task that is queued but not running waits in its class's structure. */
void put_waiting(rq* r, task_struct* t, bool head)
{
    if (dl_task(t))
        r->dl.enqueue(t);
    else if (rt_task(t))
        r->rt.enqueue(t, head && !t->rt_requeue_tail);
    else
        timeline_insert(r, t);
    t->rt_requeue_tail = false;
}

void enqueue(rq* r, task_struct* t)
{
    if (t->on_rq || is_idle(t))
        return;
    t->se_weight = task_weight(t);
    t->on_rq = 1;
    r->nr_running++;
    if (dl_task(t))
        dl_refresh(t, ktime_get_ns());
    else if (!rt_task(t))
        r->load += t->se_weight;
    if (!t->on_cpu)
        put_waiting(r, t, false);
}

void dequeue(rq* r, task_struct* t)
{
    if (!t->on_rq)
        return;
    t->on_rq = 0;
    r->nr_running--;
    if (!rt_task(t) && !dl_task(t))
        r->load -= t->se_weight;
    if (!t->on_cpu) {
        if (dl_task(t))
            r->dl.dequeue(t);
        else if (rt_task(t))
            r->rt.dequeue(t);
        else
            timeline_erase(r, &t->run_node);
    }
}

/* Is anything waiting to run on r (its running task aside)? */
bool rq_has_waiting(const rq* r) { return !r->timeline.empty() || r->rt.waiting() || r->dl.waiting(); }

/* The first real-time task by priority, else the first task in vruntime
 * order, that may run on the queue's CPU, taken out of its structure. */
task_struct* pick_next_task(rq* r)
{
    if (task_struct* t = r->dl.pick(r->cpu))
        return t;
    if (task_struct* t = r->rt.pick(r->cpu))
        return t;
    for (rb_node* n = r->first; n; n = rb_next(n)) {
        task_struct* t = task_of(n);
        if (cpumask_test_cpu(r->cpu, t->cpus_mask)) {
            timeline_erase(r, n);
            return t;
        }
    }
    return nullptr;
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

bool cpu_is_idle(int cpu) { return is_idle(per_cpu(cpu).current_task) && cpu_rq(cpu)->nr_running == 0; }

/* Where a waking (or new) task should go, as Linux's select_task_rq_fair
 * in small: for a sync wake-up (the waker is about to sleep: a pipe's
 * reader woken by its writer) the waker's CPU if the waker is all that runs
 * there (wake_affine_idle), so a pair handing data back and forth stays on
 * one CPU instead of crossing with an interrupt every time; else its last
 * CPU if that is idle (its cache is there), else an idle CPU it may use,
 * else its last CPU, else the first it may use. */
int select_task_rq(const task_struct* t, int prev, bool sync)
{
    if (!kernel_lock_smp)
        return 0; /* one CPU online */
    int here = smp_processor_id();
    if (sync && cpumask_test_cpu(here, t->cpus_mask) && cpu_rq(here)->nr_running == 1)
        return here;
    bool prev_ok = cpumask_test_cpu(prev, t->cpus_mask) && cpumask_test_cpu(prev, cpu_online_mask);
    if (prev_ok && cpu_is_idle(prev))
        return prev;
    for_each_online_cpu(cpu)
        if (cpumask_test_cpu(cpu, t->cpus_mask) && cpu_is_idle(cpu))
            return cpu;
    if (prev_ok)
        return prev;
    cpumask ok{t->cpus_mask.bits & cpu_online_mask.bits};
    int first = cpumask_next(0, ok);
    return first < NR_CPUS ? first : 0;
}

/* After t joined queue r: should it run before r's running task? */
void check_preempt_curr(rq* r, task_struct* t)
{
    task_struct* curr = rq_curr(r);
    if (is_idle(curr) || !curr->on_rq) {
        resched_cpu(r->cpu);
        return;
    }
    /* Real time first, a higher priority before a lower; an RT task is never
     * preempted by a fair one, nor a BATCH or IDLE wake-up preempt anyone
     * (Linux's check_preempt_wakeup). */
    /* Deadline before everything, the earlier deadline first. */
    if (dl_task(t) || dl_task(curr)) {
        if (dl_task(t) && !t->dl_throttled &&
            (!dl_task(curr) || t->dl_abs_deadline < curr->dl_abs_deadline))
            resched_cpu(r->cpu);
        return;
    }
    if (rt_task(t) || rt_task(curr)) {
        if (rt_task(t) && (!rt_task(curr) || t->rt_priority > curr->rt_priority) && !r->rt.throttled)
            resched_cpu(r->cpu);
        return;
    }
    if (curr->policy == SCHED_IDLE && t->policy != SCHED_IDLE) {
        resched_cpu(r->cpu);
        return;
    }
    if (t->policy != SCHED_OTHER)
        return;
    if (r->cpu == smp_processor_id())
        update_curr(r, ktime_get_ns());
    if (wakeup_preempt_fair(curr, t))
        resched_cpu(r->cpu);
}

/* Queues t, which is on no queue and runs nowhere, where select_task_rq
 * says; `r` (t's queue, locked) is unlocked on return. */
void activate_task(task_struct* t, rq* r, u64 flags, bool woken, bool sync)
{
    int target = select_task_rq(t, r->cpu, sync);
    if (target != r->cpu) {
        rq* to = cpu_rq(target);
        WRITE_ONCE(t->cpu, target); /* task_rq_lock now waits for `to` */
        u64 lag_from = r->min_vruntime;
        spin_unlock(&r->lock);
        spin_lock(&to->lock);
        u64 lag = t->vruntime > lag_from ? t->vruntime - lag_from : 0;
        t->vruntime = to->min_vruntime + lag;
        r = to;
    }
    if (woken)
        place_woken(r, t);
    enqueue(r, t);
    check_preempt_curr(r, t);
    spin_unlock_irqrestore(&r->lock, flags);
}

} // namespace sched

using namespace sched;

namespace {

void reap_dead_tasks()
{
    u64 flags = spin_lock_irqsave(&dead_lock);
    task_struct* list = dead_tasks;
    dead_tasks = nullptr;
    spin_unlock_irqrestore(&dead_lock, flags);
    while (list) {
        task_struct* t = list;
        list = t->next_dead;
        release_task(t);
    }
}

} // namespace

void sched_init()
{
    for (int cpu = 0; cpu < NR_CPUS; cpu++) {
        runqueues[cpu].cpu = cpu;
        runqueues[cpu].rt.init();
        runqueues[cpu].dl.init();
    }
    task_struct* idle = current;
    idle->flags |= PF_IDLE;
    idle->on_cpu = 1;
    cpumask_set_cpu(0, idle->cpus_mask);
}

void sched_init_secondary()
{
    task_struct* idle = current;
    idle->on_cpu = 1;
    idle->exec_start = idle->last_switch = ktime_get_ns();
}

/* The switch. `preempt`: the task is taken off the CPU by an interrupt
 * (preempt_schedule_irq), not going to sleep: whatever state it had set on
 * the way to a sleep, it stays queued and finishes that way itself when it
 * runs again, as Linux's __schedule(SM_PREEMPT). */
static void __schedule(bool preempt)
{
    task_struct* prev = current;
    lockdep_assert_no_spinlocks("schedule()");
    release_kernel_lock(prev);
    u64 flags = local_irq_save();
    int cpu = smp_processor_id();
    rq* r = cpu_rq(cpu);
    spin_lock(&r->lock);
    clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
    if (!preempt) {
        if (prev->state == TASK_INTERRUPTIBLE && signal_pending(prev))
            prev->state = TASK_RUNNING; /* a signal arrived before we slept */
        else if ((prev->state & TASK_WAKEKILL) && fatal_signal_pending(prev))
            prev->state = TASK_RUNNING; /* killed before we slept */
    }
    u64 now = ktime_get_ns();
    update_curr(r, now);
    bool sleeps = !preempt && prev->state != TASK_RUNNING;
    if (sleeps)
        dequeue(r, prev);
    if (prev->on_rq && !is_idle(prev)) {
        if (cpumask_test_cpu(cpu, prev->cpus_mask)) {
            /* The running task goes back to compete with the others: into
             * the tree, or at the head of its real-time list (a preempted
             * task keeps its place; yield and an RR slice's end put it at
             * the tail). */
            put_waiting(r, prev, true);
        } else {
            /* Its affinity sends it elsewhere: off this queue now, onto
             * another once it is off this CPU (finish_task_switch). */
            dequeue(r, prev);
            prev->migrate_pending = true;
        }
    }
    if (r->pull_wanted || !rq_has_waiting(r)) {
        r->pull_wanted = false;
        steal_task(r);
    }
    task_struct* next = pick_next_task(r);
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
        if (sleeps)
            prev->nvcsw++; /* /proc/PID/status: voluntary_ctxt_switches */
        else
            prev->nivcsw++; /* preempted, or its turn was up */
        finish_task_switch(switch_to(prev, next));
    } else {
        spin_unlock(&r->lock);
    }
    local_irq_restore(flags);
    reacquire_kernel_lock(current);
    if (unlikely(READ_ONCE(dead_tasks)) && kernel_locked())
        reap_dead_tasks();
}

void schedule() { __schedule(false); }

/*
 * Kernel preemption (Linux's CONFIG_PREEMPT), from an interrupt that arrived
 * in kernel mode with interrupts on (do_irq): another task's turn comes in
 * the middle of a system call, unless the task holds the big kernel lock.
 * Code under that lock is never preempted, so everything written for one
 * CPU stays as it was; what runs without it (SYSCALL_NO_BKL: pipes, the
 * null calls, /dev/zero) is preempted anywhere it has interrupts on, as on
 * Linux outside spinlocks. A spinlock is always held with interrupts off,
 * so no holder of one is ever preempted. The idle task is left alone: it
 * calls schedule() itself as soon as it looks.
 */
bool preemptible_irq(const pt_regs& regs)
{
    task_struct* t = current;
    return (regs.flags & X86_EFLAGS_IF) && t->kernel_lock_depth == 0 && !is_idle(t) &&
           (READ_ONCE(t->thread_flags) & TIF_NEED_RESCHED);
}

/* Called with interrupts off, at the end of the interrupt; returns with
 * them off, to the interrupted kernel code. */
void preempt_schedule_irq()
{
    do {
        __schedule(true);
    } while (need_resched());
}

/* Runs in the task switched to, with the one switched from, this CPU's
 * queue lock still held from the switch: prev is off this CPU for good now.
 * A task whose affinity moved it goes to its new queue; a dead task nobody
 * waits for is freed once its stack is no longer in use, by the next holder
 * of the kernel lock (freeing touches what that lock protects). */
void finish_task_switch(task_struct* prev)
{
    rq* r = this_rq();
    if (prev->release_on_switch) {
        spin_lock(&dead_lock);
        prev->next_dead = dead_tasks;
        dead_tasks = prev;
        spin_unlock(&dead_lock);
    }
    bool migrate = prev->migrate_pending;
    prev->migrate_pending = false;
    /* Last: from here a parent waiting in wait_task_inactive may free prev. */
    __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
    if (migrate)
        activate_task(prev, r, local_save_flags(), false); /* unlocks r */
    else
        spin_unlock(&r->lock);
}

extern "C" void schedule_tail(task_struct* prev)
{
    /* A new task's first moments: interrupts stay off until the iret. */
    finish_task_switch(prev);
}

void wait_task_inactive(task_struct* t)
{
    /* t's CPU may take an interrupt that wants a lock we would hold. */
    lockdep_assert_no_spinlocks("wait_task_inactive");
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
}

bool wake_up_process(task_struct* t) { return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, false); }

/* Linux's try_to_wake_up: a task off its queue is, under the queue's lock,
 * off every CPU too (it left in schedule() holding that lock), so it may be
 * queued anywhere. */
bool wake_up_state(task_struct* t, long states, bool sync)
{
    u64 flags;
    rq* r = task_rq_lock(t, flags);
    if (!(t->state & states) || t->exit_state) {
        spin_unlock_irqrestore(&r->lock, flags);
        return false;
    }
    t->state = TASK_RUNNING;
    if (t->on_rq || t->on_cpu) {
        /* Still queued or running (it had not slept yet): running again is all. */
        spin_unlock_irqrestore(&r->lock, flags);
        return true;
    }
    activate_task(t, r, flags, true, sync);
    return true;
}

void wake_up_new_task(task_struct* t)
{
    u64 flags = local_irq_save();
    rq* here = this_rq();
    spin_lock(&here->lock);
    t->state = TASK_RUNNING;
    /* A child starts where its parent is in the queue, one slice behind it
     * (Linux's START_DEBIT): forking cannot buy extra CPU time. */
    update_curr(here, ktime_get_ns());
    t->vruntime = max(current->vruntime, here->min_vruntime);
    t->se_weight = task_weight(t);
    t->vruntime += sched_slice(here, t) * NICE_0_LOAD / t->se_weight;
    t->cpu = smp_processor_id();
    activate_task(t, here, flags, false);
}

void yield_current()
{
    /* Go behind the next task in line (Linux's skip buddy, simply). */
    u64 flags = local_irq_save();
    rq* r = this_rq();
    spin_lock(&r->lock);
    task_struct* t = current;
    update_curr(r, ktime_get_ns());
    if (rt_task(t))
        t->rt_requeue_tail = true; /* behind the others of its priority */
    else if (task_struct* next = leftmost(r); next && !is_idle(t))
        t->vruntime = max(t->vruntime, next->vruntime + 1);
    set_tsk_thread_flag(t, TIF_NEED_RESCHED);
    spin_unlock_irqrestore(&r->lock, flags);
}

void scheduler_tick()
{
    rq* r = this_rq();
    spin_guard g(&r->lock);
    task_struct* t = current;
    trigger_load_balance(r, t);
    /* The real-time class's budget for this second (rt.h). */
    u64 now = ktime_get_ns();
    u64 delta = now - r->last_tick;
    r->last_tick = now;
    if (r->rt.account(now, rt_task(t) ? delta : 0) && !is_idle(t))
        set_tsk_thread_flag(t, TIF_NEED_RESCHED);
    /* Deadline tasks whose new period began, and the running one's budget. */
    if (r->dl.replenish_due(now) && !dl_task(t))
        set_tsk_thread_flag(t, TIF_NEED_RESCHED);
    if (dl_task(t)) {
        update_curr(r, now);
        return;
    }
    if (is_idle(t)) {
        if (rq_has_waiting(r))
            set_tsk_thread_flag(t, TIF_NEED_RESCHED);
        return;
    }
    if (rt_task(t)) {
        /* FIFO runs on; RR's slice ends behind its peers, if it has any. */
        if (t->policy == SCHED_RR) {
            t->rt_time_slice = t->rt_time_slice > delta ? t->rt_time_slice - delta : 0;
            if (!t->rt_time_slice) {
                t->rt_time_slice = RR_TIMESLICE_NS;
                if (r->rt.has_peer(t)) {
                    t->rt_requeue_tail = true;
                    set_tsk_thread_flag(t, TIF_NEED_RESCHED);
                }
            }
        }
        return;
    }
    update_curr(r, now);
    if (!cpumask_test_cpu(r->cpu, t->cpus_mask)) {
        set_tsk_thread_flag(t, TIF_NEED_RESCHED); /* its affinity changed: move */
        return;
    }
    if (task_tick_fair(r, t))
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

void cpu_idle_loop()
{
    for (;;) {
        local_irq_disable();
        if (rq_has_waiting(this_rq()) || need_resched()) {
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
